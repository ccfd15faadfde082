import { createHash, randomBytes } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DEPLOY_MODES,
  EmulatorClusterSchema,
  FaultSchema,
  SETTING_RANGES,
  formatZodIssues,
  resolveEmulatorOptions,
  resolveFaultProfile,
  type ClusterSettings,
  type EmulatorCluster,
  type EmulatorClusterInput,
  type EmulatorOptions,
  type EmulatorOptionsInput,
  type Fault,
  type FaultInput,
  type FaultProfile,
  type FaultProfileInput,
  type IntegerSettingName,
  type RunScript,
} from './config';
import { FaultProfileSampler, planQueuedFault, type PlannedFault, type ProfileDraw } from './faults';
import { jsonReply, sendReply, sendTruncatedReply, type Reply } from './reply';

/**
 * An HTTP server that imitates the Kakao Cloud Hadoop Eco Job Cluster API. It
 * serves launch (`POST /v2/hadoop-eco/clusters/{clusterId}`) and run status
 * (`GET /v2/hadoop-eco/clusters/{clusterId}/requests/{requestId}`) with the
 * documented header checks, body ranges and response shapes.
 *
 * Each cluster has at most one active run, which moves through a scripted
 * status sequence. Tests can queue one-shot faults, set a profile of random
 * faults, and read a ledger of launches and counters.
 * Admin endpoints under `/_emulator/` need no authentication, so the server
 * binds to loopback by default.
 */

/** One launch that created a run. */
export interface LaunchRecord {
  requestId: string;
  clusterId: string;
  /** Time the launch request arrived, as an ISO 8601 string. */
  receivedAt: string;
  /** Parsed request body; `{}` when the body was empty. */
  body: Record<string, unknown>;
  /** Settings of the run: the cluster's stored settings overlaid with the body. */
  settings: ClusterSettings;
}

/** One API request and the status the emulator sent. Headers are left out because they carry credentials. */
export interface RequestLogEntry {
  method: string;
  /** Request target: path and query string. */
  path: string;
  /**
   * HTTP status sent, or `dropped` when an injected fault destroyed the
   * connection before a status line. A truncated response has the status it sent.
   */
  status: number | 'dropped';
  /** Time the request arrived, as an ISO 8601 string. */
  at: string;
  /** Name of the fault applied to the request, as counted in `EmulatorStats.faults`. Absent without a fault. */
  fault?: string;
}

/** Counters since start or the last reset. */
export interface EmulatorStats {
  /** API requests received, admin requests not included. The request log limit does not apply. */
  requests: number;
  /** Launches that created a run, the same as `launchCount()`. */
  launches: number;
  /**
   * Faults applied, by name. Queued faults count under their `kind` ('status',
   * 'drop', 'delay', 'garbage', 'truncate'). Fault profile outcomes count
   * under 'server-error', 'rate-limit', 'drop-before', 'drop-after', 'garbage'
   * and 'truncate', so 'garbage' and 'truncate' add up both sources. Profile
   * latency is not counted. Names that never occurred are absent.
   */
  faults: Record<string, number>;
}

/** A running emulator. */
export interface Emulator {
  /** Base URL, for example `http://127.0.0.1:40123`. */
  readonly url: string;
  /** Port the server listens on, also when `options.port` is 0. */
  readonly port: number;
  /** Options with every default filled in. Frozen. */
  readonly options: EmulatorOptions;
  /** Returns copies of the launches that created a run, oldest first. */
  ledger(): LaunchRecord[];
  /** Counts the launches that created a run, on one cluster or on all. */
  launchCount(clusterId?: string): number;
  /**
   * Returns copies of the newest API requests since start or the last reset,
   * at most `options.requestLogLimit` of them, oldest first. Admin requests
   * are not included.
   */
  requestLog(): RequestLogEntry[];
  /** Returns the counters of requests, launches and faults since start or the last reset. */
  stats(): EmulatorStats;
  /**
   * Queues a fault for the next matching API requests.
   * @throws TypeError naming each invalid field
   */
  injectFault(fault: FaultInput): void;
  /** Removes every queued fault. */
  clearFaults(): void;
  /**
   * Replaces the fault profile, or removes it when `profile` is undefined. A
   * seeded profile starts its sequence anew each time it is set.
   * @throws TypeError naming each invalid field, or the rates when they sum to more than 1
   */
  setFaultProfile(profile: FaultProfileInput | undefined): void;
  /** Returns a copy of the fault profile in force with every default filled in, or undefined without one. */
  faultProfile(): FaultProfile | undefined;
  /**
   * Adds a cluster or replaces the one with the same ID. A replaced cluster
   * gets the new stored settings but keeps its active run, so it stays busy
   * until that run ends.
   * @throws TypeError naming each invalid field
   */
  upsertCluster(cluster: EmulatorClusterInput): void;
  /**
   * Clears the ledger, runs, queued faults, request log and counters, and
   * restores the clusters and the fault profile of `options`. A profile set
   * at runtime is dropped, and a seeded profile starts its sequence anew.
   */
  reset(): void;
  /** Stops the server and closes every connection, idle keep-alive ones included. */
  close(): Promise<void>;
}

const API_PREFIX = '/v2/hadoop-eco/clusters/';
const ADMIN_PREFIX = '/_emulator/';

/** Largest request body read, in bytes. The API's bodies are a few hundred bytes. */
const MAX_BODY_BYTES = 1024 * 1024;

const LAUNCH_FIELDS = [
  'workerCnt',
  'workerVolumeSize',
  'configHdfsReplication',
  'configHdfsBlockSize',
  'userTaskDeployMode',
  'userTaskExecOpts',
  'userTaskExecParams',
] as const;

interface RunState {
  requestId: string;
  clusterId: string;
  /** Script copied at launch, so later changes to the cluster do not affect the run. */
  script: RunScript;
  settings: ClusterSettings;
  /** `performance.now()` at launch, in milliseconds. */
  launchedAtMs: number;
  /** Number of status requests that returned this run's status so far. */
  statusRequests: number;
}

interface ClusterState {
  config: EmulatorCluster;
  /** Stored settings, which each launch overlays with its body. */
  settings: ClusterSettings;
  /** Request ID of the latest run, which may have ended already. */
  latestRequestId?: string;
}

type ApiRoute =
  | { kind: 'launch'; clusterId: string }
  | { kind: 'status'; clusterId: string; requestId: string }
  | { kind: 'not-found' };

interface ApiRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  route: ApiRoute;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

// ---------------------------------------------------------------------------
// Launch body validation, written by hand so that it does not share code with the client.

function describeValue(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value);
}

/** Returns the problem with one launch field, or undefined when the value is valid. */
function checkLaunchField(field: (typeof LAUNCH_FIELDS)[number], value: unknown): string | undefined {
  switch (field) {
    case 'workerCnt':
    case 'workerVolumeSize':
    case 'configHdfsReplication':
    case 'configHdfsBlockSize': {
      const { min, max } = SETTING_RANGES[field as IntegerSettingName];
      const valid = typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
      return valid ? undefined : `${field} must be an integer from ${min} to ${max}, got ${describeValue(value)}`;
    }
    case 'userTaskDeployMode':
      return (DEPLOY_MODES as readonly unknown[]).includes(value)
        ? undefined
        : `userTaskDeployMode must be "client" or "cluster", got ${describeValue(value)}`;
    case 'userTaskExecOpts':
    case 'userTaskExecParams':
      return typeof value === 'string' ? undefined : `${field} must be a string, got ${describeValue(value)}`;
    default:
      throw new TypeError(`Unsupported launch field: ${String(field)}`);
  }
}

/** Validates a parsed launch body. Returns the settings it sets, or every problem found. */
function validateLaunchBody(
  body: Record<string, unknown>,
): { settings: Partial<ClusterSettings> } | { problems: string[] } {
  const problems: string[] = [];
  const settings: Record<string, unknown> = {};

  for (const [field, value] of Object.entries(body)) {
    if (!(LAUNCH_FIELDS as readonly string[]).includes(field)) {
      problems.push(`unknown field "${field}" (allowed fields: ${LAUNCH_FIELDS.join(', ')})`);
      continue;
    }
    const problem = checkLaunchField(field as (typeof LAUNCH_FIELDS)[number], value);
    if (problem !== undefined) {
      problems.push(problem);
      continue;
    }
    settings[field] = value;
  }

  return problems.length > 0 ? { problems } : { settings: settings as Partial<ClusterSettings> };
}

function isJsonContentType(header: string | undefined): boolean {
  const mediaType = header?.split(';')[0]?.trim().toLowerCase();
  return mediaType === 'application/json';
}

// ---------------------------------------------------------------------------
// Cluster metadata of verbose status responses

/** Formats a SHA-256 of the parts as a UUID, so that IDs look real but stay the same for one cluster. */
function derivedUuid(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\0')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function derivedHexId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 32);
}

function nodeGroup(cluster: EmulatorCluster, role: 'master' | 'worker', hostList: string[], volumeSize: number) {
  const id = cluster.clusterId;
  return {
    host_list: hostList,
    flavor_id: derivedUuid(id, role, 'flavor'),
    flavor_name: 'a1-4-std',
    key_pair: `${cluster.clusterName}-key`,
    network: {
      uuid: derivedUuid(id, 'network'),
      subnet_id: derivedUuid(id, 'subnet'),
      security_group_id_list: [derivedUuid(id, role, 'security-group'), derivedUuid(id, 'open-api-security-group')],
    },
    block_device: { source_type: 'image', uuid: derivedUuid(id, role, 'image'), volume_size: volumeSize },
  };
}

function execCommand(cluster: EmulatorCluster, settings: ClusterSettings) {
  if (cluster.jobType === 'hive') {
    return {
      type: 'hive',
      termination_policy: 'always',
      hive_query: 'show databases;',
      exec_opts: settings.userTaskExecOpts,
      exec_params: settings.userTaskExecParams,
    };
  }
  // NOTE: the vendor documents only a Hive example, so the Spark field names
  // below (jar_path, deploy_mode) are a guess.
  return {
    type: 'spark',
    termination_policy: 'always',
    jar_path: `s3a://emulator-bucket/jobs/${cluster.clusterName}.jar`,
    deploy_mode: settings.userTaskDeployMode,
    exec_opts: settings.userTaskExecOpts,
    exec_params: settings.userTaskExecParams,
  };
}

/** Builds `clusterMeta` in the snake_case shape of the vendor's example, from the cluster and the run's settings. */
function buildClusterMeta(cluster: EmulatorCluster, settings: ClusterSettings) {
  const masterHost = `HadoopMST-${cluster.clusterName}-1`;
  const workerHosts = Array.from(
    { length: settings.workerCnt },
    (_, index) => `HadoopWRK-${cluster.clusterName}-${index + 1}`,
  );

  return {
    cluster_version: 'hde-1.1.0',
    service_check_timeout: 10,
    socket_timeout: 5,
    global_timeout: 1500,
    monitoring: false,
    cluster_id: cluster.clusterId,
    cluster_name: cluster.clusterName,
    cluster_type: 'hadoop_single',
    project: {
      id: derivedHexId(cluster.clusterId, 'project'),
      name: 'emulator-project',
      domain: { id: derivedHexId(cluster.clusterId, 'domain'), name: 'emulator-domain' },
    },
    master_vm: {
      ...nodeGroup(cluster, 'master', [masterHost], 50),
      master_active: masterHost,
      master_standby: masterHost,
      master_etc: masterHost,
    },
    worker_vm: nodeGroup(cluster, 'worker', workerHosts, settings.workerVolumeSize),
    user_cluster_exec_command: execCommand(cluster, settings),
  };
}

// ---------------------------------------------------------------------------
// Runs

/**
 * Returns the index of the run's current status. With advance by polls that
 * is the status of the latest status request (the first status before any),
 * so a run ends only once a client has seen its terminal status. With
 * advance by time it follows the clock, so a run ends even if no client polls.
 */
function currentStatusIndex(run: RunState, nowMs: number): number {
  const last = run.script.statuses.length - 1;
  const advance = run.script.advance;
  switch (advance.by) {
    case 'polls': {
      const latestRequest = Math.max(run.statusRequests - 1, 0);
      return Math.min(Math.floor(latestRequest / advance.polls), last);
    }
    case 'time':
      return Math.min(Math.floor((nowMs - run.launchedAtMs) / advance.stepMs), last);
    default:
      throw new TypeError(`Unsupported run advance: ${JSON.stringify(advance)}`);
  }
}

function isFinished(run: RunState, nowMs: number): boolean {
  return currentStatusIndex(run, nowMs) === run.script.statuses.length - 1;
}

function faultMatches(fault: Fault, method: string, route: ApiRoute): boolean {
  const match = fault.match;
  if (match === undefined) return true;

  const clusterId = route.kind === 'not-found' ? undefined : route.clusterId;
  const requestId = route.kind === 'status' ? route.requestId : undefined;
  if (match.method !== undefined && match.method !== method) return false;
  if (match.clusterId !== undefined && match.clusterId !== clusterId) return false;
  if (match.requestId !== undefined && match.requestId !== requestId) return false;
  return true;
}

function parseApiRoute(pathname: string): ApiRoute {
  if (!pathname.startsWith(API_PREFIX)) return { kind: 'not-found' };

  let segments: string[];
  try {
    segments = pathname.slice(API_PREFIX.length).split('/').map(decodeURIComponent);
  } catch {
    return { kind: 'not-found' };
  }
  if (segments.some((segment) => segment === '')) return { kind: 'not-found' };

  const [clusterId, literal, requestId] = segments;
  if (segments.length === 1 && clusterId !== undefined) {
    return { kind: 'launch', clusterId };
  }
  if (segments.length === 3 && clusterId !== undefined && literal === 'requests' && requestId !== undefined) {
    return { kind: 'status', clusterId, requestId };
  }
  return { kind: 'not-found' };
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * State of the emulated API: clusters, runs, ledger, faults, fault profile,
 * request log and counters. It does no socket I/O.
 */
class EmulatorState {
  private clusters = new Map<string, ClusterState>();
  private runs = new Map<string, RunState>();
  private launches: LaunchRecord[] = [];
  private faults: Fault[] = [];
  private profileSampler: FaultProfileSampler | undefined;
  /** Newest request log entries. It holds up to twice `requestLogLimit` entries between trims. */
  private requests: RequestLogEntry[] = [];
  private requestCount = 0;
  private faultCounts = new Map<string, number>();

  constructor(private readonly options: EmulatorOptions) {
    this.reset();
  }

  reset(): void {
    this.clusters.clear();
    for (const cluster of this.options.clusters) {
      this.putCluster(structuredClone(cluster));
    }
    this.runs.clear();
    this.launches = [];
    this.faults = [];
    this.setFaultProfile(this.options.faultProfile);
    this.requests = [];
    this.requestCount = 0;
    this.faultCounts.clear();
  }

  /** Adds an entry to the request log. The caller may still update the entry's status and fault afterwards. */
  recordRequest(entry: RequestLogEntry): void {
    this.requestCount += 1;
    const limit = this.options.requestLogLimit;
    if (limit === 0) return;

    this.requests.push(entry);
    // Trimming in batches costs amortized O(1) per request, where trimming
    // one entry at a time would copy the whole log on every request.
    if (this.requests.length >= 2 * limit) {
      this.requests = this.requests.slice(-limit);
    }
  }

  requestLog(): RequestLogEntry[] {
    const start = Math.max(0, this.requests.length - this.options.requestLogLimit);
    return this.requests.slice(start).map((entry) => ({ ...entry }));
  }

  countFault(name: string): void {
    this.faultCounts.set(name, (this.faultCounts.get(name) ?? 0) + 1);
  }

  stats(): EmulatorStats {
    return {
      requests: this.requestCount,
      launches: this.launches.length,
      faults: Object.fromEntries(this.faultCounts),
    };
  }

  /** Replaces the fault profile with an already validated one, which starts a new PRNG sequence. */
  setFaultProfile(profile: FaultProfile | undefined): void {
    this.profileSampler = profile === undefined ? undefined : new FaultProfileSampler(structuredClone(profile));
  }

  faultProfile(): FaultProfile | undefined {
    return this.profileSampler === undefined ? undefined : structuredClone(this.profileSampler.profile);
  }

  /** Draws the outcome of one request from the fault profile, or returns undefined when no profile applies to it. */
  drawProfile(method: string): ProfileDraw | undefined {
    if (this.profileSampler === undefined || !this.profileSampler.appliesTo(method)) return undefined;
    return this.profileSampler.draw();
  }

  putCluster(config: EmulatorCluster): void {
    const previous = this.clusters.get(config.clusterId);
    this.clusters.set(config.clusterId, {
      config,
      settings: { ...config.settings },
      latestRequestId: previous?.latestRequestId,
    });
  }

  ledger(): LaunchRecord[] {
    return structuredClone(this.launches);
  }

  launchCount(clusterId?: string): number {
    if (clusterId === undefined) return this.launches.length;
    return this.launches.filter((launch) => launch.clusterId === clusterId).length;
  }

  addFault(fault: Fault): void {
    this.faults.push(fault);
  }

  pendingFaults(): number {
    return this.faults.length;
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Removes one use of the first queued fault that matches the request and returns it. */
  takeFault(method: string, route: ApiRoute): Fault | undefined {
    const index = this.faults.findIndex((fault) => faultMatches(fault, method, route));
    if (index < 0) return undefined;

    const fault = this.faults[index] as Fault;
    fault.times -= 1;
    if (fault.times <= 0) this.faults.splice(index, 1);
    return fault;
  }

  /** Runs the real handler of an API request and returns its response. */
  handle(request: ApiRequest): Reply {
    const { route, method } = request;
    switch (route.kind) {
      case 'launch':
        return method === 'POST' ? this.launch(request, route.clusterId) : this.methodNotAllowed(request, 'POST');
      case 'status':
        return method === 'GET'
          ? this.status(request, route.clusterId, route.requestId)
          : this.methodNotAllowed(request, 'GET');
      case 'not-found':
        return this.error(
          request,
          404,
          `No API endpoint at ${request.path}: ` +
            `use POST ${API_PREFIX}{clusterId} or GET ${API_PREFIX}{clusterId}/requests/{requestId}`,
        );
      default:
        throw new TypeError(`Unsupported route: ${JSON.stringify(route)}`);
    }
  }

  private error(request: ApiRequest, status: number, message: string, headers: Record<string, string> = {}): Reply {
    const body: Record<string, unknown> = { code: status, message };
    if (this.options.echoHeadersInErrors && status >= 400 && status < 500) {
      body.headers = request.headers;
    }
    return jsonReply(status, body, headers);
  }

  private methodNotAllowed(request: ApiRequest, allowed: string): Reply {
    const message = `Method ${request.method} is not allowed on ${request.path}: use ${allowed}`;
    return this.error(request, 405, message, { allow: allowed });
  }

  /** Checks the headers in the API's order: access key (401), cluster (404), Open API key (401, 403). */
  private authenticate(request: ApiRequest, clusterId: string): { cluster: ClusterState } | { reply: Reply } {
    const { accessKeyId, accessKeySecret } = this.options.credentials;
    const credentialId = headerValue(request.headers, 'credential-id');
    const credentialSecret = headerValue(request.headers, 'credential-secret');
    if (credentialId === undefined || credentialSecret === undefined) {
      const missing = credentialId === undefined ? 'Credential-ID' : 'Credential-Secret';
      const message = `Missing ${missing} header: send the access key ID and secret of the user`;
      return { reply: this.error(request, 401, message) };
    }
    if (credentialId !== accessKeyId || credentialSecret !== accessKeySecret) {
      const message = 'Invalid access key: Credential-ID and Credential-Secret do not match a known access key';
      return { reply: this.error(request, 401, message) };
    }

    const cluster = this.clusters.get(clusterId);
    if (cluster === undefined) {
      return { reply: this.error(request, 404, `Cluster ${clusterId} not found: check the cluster ID`) };
    }

    const apiKey = headerValue(request.headers, 'hadoop-eco-api-key');
    if (apiKey === undefined) {
      const message = `Missing Hadoop-Eco-Api-Key header: send the Open API key of cluster ${clusterId}`;
      return { reply: this.error(request, 401, message) };
    }
    if (apiKey !== cluster.config.openApiKey) {
      const message = `Hadoop-Eco-Api-Key is not the Open API key of cluster ${clusterId}: send the key issued for this cluster`;
      return { reply: this.error(request, 403, message) };
    }
    return { cluster };
  }

  private parseLaunchBody(request: ApiRequest): { body: Record<string, unknown> } | { reply: Reply } {
    const contentType = headerValue(request.headers, 'content-type');
    if (!isJsonContentType(contentType)) {
      const got = contentType === undefined ? 'none' : JSON.stringify(contentType);
      return { reply: this.error(request, 400, `Invalid Content-Type ${got}: send application/json`) };
    }

    if (request.body.trim() === '') return { body: {} };

    let parsed: unknown;
    try {
      parsed = JSON.parse(request.body);
    } catch (error) {
      return { reply: this.error(request, 400, `Request body is not valid JSON: ${(error as Error).message}`) };
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      const got = Array.isArray(parsed) ? 'an array' : describeValue(parsed);
      return { reply: this.error(request, 400, `Request body must be a JSON object, got ${got}`) };
    }
    return { body: parsed as Record<string, unknown> };
  }

  /** Returns the cluster's run that has not reached its terminal status yet, if any. */
  private activeRun(cluster: ClusterState): RunState | undefined {
    if (cluster.latestRequestId === undefined) return undefined;
    const run = this.runs.get(cluster.latestRequestId);
    if (run === undefined || isFinished(run, performance.now())) return undefined;
    return run;
  }

  private launch(request: ApiRequest, clusterId: string): Reply {
    const auth = this.authenticate(request, clusterId);
    if ('reply' in auth) return auth.reply;
    const { cluster } = auth;

    const parsed = this.parseLaunchBody(request);
    if ('reply' in parsed) return parsed.reply;
    const validated = validateLaunchBody(parsed.body);
    if ('problems' in validated) {
      return this.error(request, 400, `Invalid request body: ${validated.problems.join('; ')}`);
    }

    const active = this.activeRun(cluster);
    if (active !== undefined) {
      const terminal = JSON.stringify(active.script.statuses.at(-1));
      const message =
        `Cluster ${clusterId} is already running request ${active.requestId}, so nothing was launched: ` +
        `wait until that request reaches ${terminal}`;
      return jsonReply(202, { code: 202, message, clusterId, requestId: active.requestId });
    }

    const settings: ClusterSettings = { ...cluster.settings, ...validated.settings };
    cluster.settings = settings;
    const run: RunState = {
      requestId: `req-${randomBytes(16).toString('hex')}`,
      clusterId,
      script: structuredClone(cluster.config.run ?? this.options.defaultRun),
      settings: { ...settings },
      launchedAtMs: performance.now(),
      statusRequests: 0,
    };
    this.runs.set(run.requestId, run);
    cluster.latestRequestId = run.requestId;
    this.launches.push({
      requestId: run.requestId,
      clusterId,
      receivedAt: new Date().toISOString(),
      body: structuredClone(parsed.body),
      settings: { ...settings },
    });

    const deployMode =
      this.options.deployModeInResponse === 'boolean'
        ? settings.userTaskDeployMode === 'cluster'
        : settings.userTaskDeployMode;
    return jsonReply(200, {
      clusterId,
      clusterName: cluster.config.clusterName,
      requestId: run.requestId,
      clusterMainSettingValues: {
        workerCnt: settings.workerCnt,
        workerVolumeSize: settings.workerVolumeSize,
        configHdfsReplication: settings.configHdfsReplication,
        configHdfsBlockSize: settings.configHdfsBlockSize,
        jobType: cluster.config.jobType,
        userTaskDeployMode: deployMode,
        userTaskExecOpts: settings.userTaskExecOpts,
        userTaskExecParams: settings.userTaskExecParams,
      },
    });
  }

  private status(request: ApiRequest, clusterId: string, requestId: string): Reply {
    const auth = this.authenticate(request, clusterId);
    if ('reply' in auth) return auth.reply;
    const { cluster } = auth;

    const verboseValues = request.query.getAll('verbose');
    const verboseValue = verboseValues[0];
    const verboseValid = verboseValue === undefined || verboseValue === 'true' || verboseValue === 'false';
    if (verboseValues.length > 1 || !verboseValid) {
      const got = verboseValues.map((value) => JSON.stringify(value)).join(', ');
      return this.error(request, 400, `Invalid query parameter verbose ${got}: use verbose=true or verbose=false once`);
    }

    const run = this.runs.get(requestId);
    if (run === undefined || run.clusterId !== clusterId) {
      const message = `Request ${requestId} not found on cluster ${clusterId}: use the requestId that a launch on this cluster returned`;
      return this.error(request, 404, message);
    }

    run.statusRequests += 1;
    const index = currentStatusIndex(run, performance.now());
    const statuses = run.script.statuses;
    const body: Record<string, unknown> = {
      clusterId,
      clusterName: cluster.config.clusterName,
      requestId,
      requestStatus: statuses[index],
    };
    if (index === statuses.length - 1) {
      body.requestResult = run.script.result;
    }
    if (verboseValue === 'true') {
      body.clusterMeta = buildClusterMeta(cluster.config, run.settings);
    }
    return jsonReply(200, body);
  }
}

// ---------------------------------------------------------------------------
// HTTP layer

class BodyTooLargeError extends Error {}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) {
      tooLarge = true;
      continue;
    }
    chunks.push(buffer);
  }
  if (tooLarge) {
    throw new BodyTooLargeError(`Request body is larger than ${MAX_BODY_BYTES} bytes`);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Returns a 405 response unless `method` is one of `allowed`. */
function rejectMethod(method: string, pathname: string, allowed: string[]): Reply | undefined {
  if (allowed.includes(method)) return undefined;
  const allowHeader = allowed.join(', ');
  const message = `Method ${method} is not allowed on ${pathname}: use ${allowed.join(' or ')}`;
  return jsonReply(405, { code: 405, message }, { allow: allowHeader });
}

function isAbortError(error: unknown): boolean {
  // No instanceof check: errors made by Node's timers come from another realm under jest.
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}

class EmulatorServer implements Emulator {
  readonly options: EmulatorOptions;
  private readonly state: EmulatorState;
  private readonly server: Server;
  /** Aborts pending latency and delay waits when the server closes. */
  private readonly closing = new AbortController();
  private address: AddressInfo | undefined;

  constructor(options: EmulatorOptions) {
    this.options = deepFreeze(structuredClone(options));
    this.state = new EmulatorState(this.options);
    this.server = createServer((request, response) => {
      this.dispatch(request, response).catch((error: unknown) => this.handleUnexpectedError(request, response, error));
    });
  }

  get port(): number {
    if (this.address === undefined) {
      throw new Error('The emulator is not listening yet: read port from the emulator that createEmulator() resolves');
    }
    return this.address.port;
  }

  get url(): string {
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return `http://${host}:${this.port}`;
  }

  async listen(): Promise<void> {
    const { host, port } = this.options;
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => {
        const message = `Failed to listen on ${host}:${port}: ${error.message}: pick another port, or 0 for any free port`;
        reject(new Error(message, { cause: error }));
      };
      this.server.once('error', onError);
      this.server.listen({ host, port }, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    this.address = this.server.address() as AddressInfo;
  }

  ledger(): LaunchRecord[] {
    return this.state.ledger();
  }

  launchCount(clusterId?: string): number {
    return this.state.launchCount(clusterId);
  }

  requestLog(): RequestLogEntry[] {
    return this.state.requestLog();
  }

  stats(): EmulatorStats {
    return this.state.stats();
  }

  injectFault(fault: FaultInput): void {
    const parsed = FaultSchema.safeParse(fault);
    if (!parsed.success) throw new TypeError(`Invalid fault: ${formatZodIssues(parsed.error)}`);
    this.state.addFault(parsed.data);
  }

  clearFaults(): void {
    this.state.clearFaults();
  }

  setFaultProfile(profile: FaultProfileInput | undefined): void {
    this.state.setFaultProfile(profile === undefined ? undefined : resolveFaultProfile(profile));
  }

  faultProfile(): FaultProfile | undefined {
    return this.state.faultProfile();
  }

  upsertCluster(cluster: EmulatorClusterInput): void {
    const parsed = EmulatorClusterSchema.safeParse(cluster);
    if (!parsed.success) throw new TypeError(`Invalid cluster: ${formatZodIssues(parsed.error)}`);
    this.state.putCluster(parsed.data);
  }

  reset(): void {
    this.state.reset();
  }

  async close(): Promise<void> {
    this.closing.abort();
    const closed = new Promise<void>((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
    });
    this.server.closeAllConnections();
    await closed;
  }

  private async dispatch(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://emulator.invalid');
    if (url.pathname.startsWith(ADMIN_PREFIX)) {
      await this.dispatchAdmin(request, response, url.pathname);
      return;
    }
    await this.dispatchApi(request, response, url);
  }

  private async dispatchApi(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const method = request.method ?? 'GET';
    const at = new Date().toISOString();
    // The status stays 'dropped' unless a response is sent.
    const logEntry: RequestLogEntry = { method, path: request.url ?? '/', status: 'dropped', at };
    this.state.recordRequest(logEntry);

    const route = parseApiRoute(url.pathname);
    // A queued fault wins over the fault profile, which then does not draw
    // for this request, so a seeded sequence is the same with or without
    // queued faults in between.
    const queuedFault = this.state.takeFault(method, route);
    const profileDraw = queuedFault === undefined ? this.state.drawProfile(method) : undefined;
    const fault: PlannedFault | undefined = queuedFault === undefined ? profileDraw?.fault : planQueuedFault(queuedFault);

    let body: string;
    try {
      body = await readBody(request);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      logEntry.status = 413;
      sendReply(response, jsonReply(413, { code: 413, message: `${error.message}: send a smaller body` }));
      return;
    }

    if (fault !== undefined) {
      this.state.countFault(fault.name);
      logEntry.fault = fault.name;
    }
    if (this.options.latencyMs > 0) {
      await sleep(this.options.latencyMs, undefined, { signal: this.closing.signal });
    }
    if (profileDraw !== undefined && profileDraw.latencyMs > 0) {
      await sleep(profileDraw.latencyMs, undefined, { signal: this.closing.signal });
    }

    const plan = fault?.plan;
    if (plan?.action === 'drop' && plan.when === 'before') {
      request.socket.destroy();
      return;
    }
    if (plan?.action === 'reply') {
      logEntry.status = plan.reply.status;
      sendReply(response, plan.reply);
      return;
    }
    if (plan?.action === 'delay') {
      await sleep(plan.ms, undefined, { signal: this.closing.signal });
    }

    const reply = this.state.handle({
      method,
      path: url.pathname,
      route,
      query: url.searchParams,
      headers: request.headers,
      body,
    });
    if (plan?.action === 'drop') {
      request.socket.destroy();
      return;
    }
    if (plan?.action === 'truncate') {
      logEntry.status = plan.status;
      sendTruncatedReply(response, { ...reply, status: plan.status }, plan.keepBytes);
      return;
    }
    logEntry.status = reply.status;
    sendReply(response, reply);
  }

  private async dispatchAdmin(request: IncomingMessage, response: ServerResponse, pathname: string): Promise<void> {
    let reply: Reply;
    try {
      const body = await readBody(request);
      reply = this.adminReply(request.method ?? 'GET', pathname, body);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      reply = jsonReply(413, { code: 413, message: `${error.message}: send a smaller body` });
    }
    sendReply(response, reply);
  }

  private adminReply(method: string, pathname: string, body: string): Reply {
    const path = pathname.slice(ADMIN_PREFIX.length);
    const clusterId = /^clusters\/([^/]+)$/.exec(path)?.[1];

    if (path === 'ledger') {
      return rejectMethod(method, pathname, ['GET']) ?? jsonReply(200, { launches: this.state.ledger() });
    }
    if (path === 'faults') {
      const rejected = rejectMethod(method, pathname, ['POST', 'DELETE']);
      if (rejected !== undefined) return rejected;
      if (method === 'DELETE') {
        this.state.clearFaults();
        return jsonReply(200, { pendingFaults: 0 });
      }
      return this.adminParse(body, 'fault', (json) => {
        this.injectFault(json as FaultInput);
        return jsonReply(201, { pendingFaults: this.state.pendingFaults() });
      });
    }
    if (path === 'fault-profile') {
      return rejectMethod(method, pathname, ['GET', 'PUT', 'DELETE']) ?? this.adminFaultProfile(method, body);
    }
    if (path === 'stats') {
      return rejectMethod(method, pathname, ['GET']) ?? jsonReply(200, this.state.stats());
    }
    if (path === 'reset') {
      const rejected = rejectMethod(method, pathname, ['POST']);
      if (rejected !== undefined) return rejected;
      this.state.reset();
      return jsonReply(200, { reset: true });
    }
    if (clusterId !== undefined) {
      return rejectMethod(method, pathname, ['PUT']) ?? this.adminPutCluster(decodeURIComponent(clusterId), body);
    }

    const message =
      `No admin endpoint at ${pathname}: use GET /_emulator/ledger, POST or DELETE /_emulator/faults, ` +
      'GET, PUT or DELETE /_emulator/fault-profile, GET /_emulator/stats, ' +
      'POST /_emulator/reset or PUT /_emulator/clusters/{clusterId}';
    return jsonReply(404, { code: 404, message });
  }

  /** Serves `/_emulator/fault-profile`. Every method returns `{ faultProfile }`, which is null without a profile. */
  private adminFaultProfile(method: string, body: string): Reply {
    if (method === 'DELETE') {
      this.setFaultProfile(undefined);
      return jsonReply(200, { faultProfile: null });
    }
    if (method === 'PUT') {
      return this.adminParse(body, 'fault profile', (json) => {
        this.setFaultProfile(json as FaultProfileInput);
        return jsonReply(200, { faultProfile: this.faultProfile() });
      });
    }
    return jsonReply(200, { faultProfile: this.faultProfile() ?? null });
  }

  private adminPutCluster(clusterId: string, body: string): Reply {
    return this.adminParse(body, 'cluster', (json) => {
      if (typeof json !== 'object' || json === null || Array.isArray(json)) {
        return jsonReply(400, { code: 400, message: 'Invalid cluster: the body must be a JSON object' });
      }
      const cluster = { clusterId, ...json } as EmulatorClusterInput;
      if (cluster.clusterId !== clusterId) {
        const message =
          `Invalid cluster: body clusterId ${JSON.stringify(cluster.clusterId)} ` +
          `differs from ${JSON.stringify(clusterId)} in the path: send the same ID or leave it out of the body`;
        return jsonReply(400, { code: 400, message });
      }
      this.upsertCluster(cluster);
      return jsonReply(200, { clusterId });
    });
  }

  /** Parses an admin body as JSON and runs `apply`, turning parse and validation errors into 400 responses. */
  private adminParse(body: string, what: string, apply: (json: unknown) => Reply): Reply {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (error) {
      const message = `Invalid ${what}: the body is not valid JSON: ${(error as Error).message}`;
      return jsonReply(400, { code: 400, message });
    }
    try {
      return apply(json);
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
      return jsonReply(400, { code: 400, message: error.message });
    }
  }

  private handleUnexpectedError(request: IncomingMessage, response: ServerResponse, error: unknown): void {
    if (isAbortError(error)) {
      // The server is closing: the connection is being destroyed anyway.
      request.socket.destroy();
      return;
    }
    console.error(`Hadoop Eco emulator: ${request.method} ${request.url} failed:`, error);
    if (response.headersSent) {
      request.socket.destroy();
      return;
    }
    sendReply(response, jsonReply(500, { code: 500, message: `Internal emulator error: ${(error as Error).message}` }));
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Starts an emulator and waits until it listens.
 * @throws TypeError when an option is invalid, Error when the server cannot listen
 */
export async function createEmulator(options: EmulatorOptionsInput = {}): Promise<Emulator> {
  const emulator = new EmulatorServer(resolveEmulatorOptions(options));
  await emulator.listen();
  return emulator;
}
