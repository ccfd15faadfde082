import { Connection } from '@temporalio/client';
import { type ActivityInterceptorsFactory, DefaultLogger, type LogLevel, NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Dispatcher } from 'undici';
import { type CredentialProvider, createActivities, loadCredentialsFromEnvironment } from './activities';
import { createHadoopEcoAgent, EndpointRegistry, parseEndpointList, redactAndTruncate, REGION_BASE_URLS } from './hadoop-eco';
import { JOB_SEARCH_ATTRIBUTE_KEYS, searchAttributeCreateCommands } from './workflows/search-attributes';
import { DEFAULT_TASK_QUEUE } from './workflows/types';


export interface HadoopEcoWorkerOptions {
  connection: NativeConnection;
  /** @default 'default' */
  namespace?: string;
  /** @default 'hadoop-eco-jobs' */
  taskQueue?: string;
  credentials: CredentialProvider;
  endpoints: EndpointRegistry;
  /**
   * Prebuilt workflow bundle, as production workers load it. When absent
   * the worker bundles `./workflows` itself, which takes a few seconds.
   */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Connection pool for the API; the worker creates and closes its own when absent. */
  dispatcher?: Dispatcher;
  /**
   * Whether the namespace has the job's search attributes registered; without
   * them workflows do not set any. `main` checks this at start.
   * @default false
   */
  searchAttributes?: boolean;
  /** Extra worker options, for example `maxConcurrentActivityTaskExecutions`. */
  workerOptions?: Partial<Omit<WorkerOptions, 'connection' | 'namespace' | 'taskQueue' | 'activities' | 'workflowsPath' | 'workflowBundle'>>;
}

/**
 * Workflow interceptor modules: a prebuilt bundle must be made with them as
 * `workflowInterceptorModules`, as `npm run bundle` does.
 */
export const WORKFLOW_INTERCEPTOR_MODULES = [require.resolve('./workflows/log-attributes')];

/** Adds the cluster ID and request ID from an activity's input to each of its log lines, the SDK's own included. */
const activityLogAttributes: ActivityInterceptorsFactory = () => {
  let ids: { clusterId?: string; requestId?: string } = {};
  return {
    inbound: {
      execute: async (input, next) => {
        const argument = input.args[0] as { clusterId?: unknown; requestId?: unknown } | undefined;
        ids = {
          ...(typeof argument?.clusterId === 'string' ? { clusterId: argument.clusterId } : {}),
          ...(typeof argument?.requestId === 'string' ? { requestId: argument.requestId } : {}),
        };
        return next(input);
      },
    },
    outbound: { getLogAttributes: (attributes, next) => next({ ...attributes, ...ids }) },
  };
};

/** A worker and the connection pool to close after it stops. */
export interface HadoopEcoWorker {
  worker: Worker;
  /** Closes the API connection pool if the worker created it. Call after `worker.run()` resolves. */
  close(): Promise<void>;
}

/** Creates a worker that runs the job workflow and its activities. */
export async function createHadoopEcoWorker(options: HadoopEcoWorkerOptions): Promise<HadoopEcoWorker> {
  const dispatcher = options.dispatcher ?? createHadoopEcoAgent();
  const activities = createActivities({ credentials: options.credentials, endpoints: options.endpoints, dispatcher, searchAttributes: options.searchAttributes });
  const workflowSource = options.workflowBundle
    ? { workflowBundle: options.workflowBundle }
    : { workflowsPath: require.resolve('./workflows') };

  const worker = await Worker.create({
    interceptors: { activity: [activityLogAttributes], workflowModules: options.workflowBundle ? undefined : WORKFLOW_INTERCEPTOR_MODULES },
    // Lets a launch or status call in flight finish on shutdown. The client's own
    // timeouts (30 s for headers, 30 s between body chunks) end any call before this.
    shutdownGraceTime: '70s',
    ...options.workerOptions,
    ...workflowSource,
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    activities,
  });
  return {
    worker,
    close: async () => {
      if (!options.dispatcher) await dispatcher.close();
    },
  };
}

/** Worker settings read from the environment; see the README's table. */
export interface WorkerEnvironment {
  address: string;
  namespace: string;
  taskQueue: string;
  apiKey?: string;
  tls: boolean;
  endpoints: EndpointRegistry;
  workflowBundlePath?: string;
  logLevel: LogLevel;
  /** Whether to check for and set the job's search attributes; HADOOP_ECO_SEARCH_ATTRIBUTES=off turns them off. */
  searchAttributes: boolean;
  /** Address for the Prometheus endpoint, such as `127.0.0.1:9464`; unset turns it off. */
  metricsAddress?: string;
}

const LOG_LEVELS: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

/** Reads the worker's settings, throwing an Error that names the bad variable. */
export function readWorkerEnvironment(env: NodeJS.ProcessEnv = process.env): WorkerEnvironment {
  const logLevel = (env.LOG_LEVEL ?? 'INFO').toUpperCase() as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new Error(`LOG_LEVEL=${env.LOG_LEVEL} is invalid; use one of ${LOG_LEVELS.join(', ')}`);
  }
  let endpoints: EndpointRegistry;
  try {
    endpoints = new EndpointRegistry(parseEndpointList(env.HADOOP_ECO_ENDPOINTS ?? ''));
  } catch (error) {
    throw new Error(`HADOOP_ECO_ENDPOINTS is invalid: ${(error as Error).message}`);
  }
  const searchAttributesSetting = (env.HADOOP_ECO_SEARCH_ATTRIBUTES ?? 'on').toLowerCase();
  if (!['on', 'off'].includes(searchAttributesSetting)) {
    throw new Error(`HADOOP_ECO_SEARCH_ATTRIBUTES=${env.HADOOP_ECO_SEARCH_ATTRIBUTES} is invalid; use on or off`);
  }
  if (env.HADOOP_ECO_METRICS_ADDRESS && !/^[^:\s]+:\d{1,5}$/.test(env.HADOOP_ECO_METRICS_ADDRESS)) {
    throw new Error(`HADOOP_ECO_METRICS_ADDRESS=${env.HADOOP_ECO_METRICS_ADDRESS} is invalid; use host:port such as 127.0.0.1:9464`);
  }
  const tlsSetting = (env.TEMPORAL_TLS ?? '').toLowerCase();
  if (!['', 'true', 'false', '1', '0'].includes(tlsSetting)) {
    throw new Error(`TEMPORAL_TLS=${env.TEMPORAL_TLS} is invalid; use true or false`);
  }

  return {
    address: env.TEMPORAL_ADDRESS || 'localhost:7233',
    namespace: env.TEMPORAL_NAMESPACE || 'default',
    taskQueue: env.HADOOP_ECO_TASK_QUEUE || DEFAULT_TASK_QUEUE,
    apiKey: env.TEMPORAL_API_KEY || undefined,
    tls: tlsSetting === 'true' || tlsSetting === '1' || (tlsSetting === '' && !!env.TEMPORAL_API_KEY),
    endpoints,
    workflowBundlePath: env.HADOOP_ECO_WORKFLOW_BUNDLE || undefined,
    logLevel,
    searchAttributes: searchAttributesSetting !== 'off',
    metricsAddress: env.HADOOP_ECO_METRICS_ADDRESS || undefined,
  };
}

/** Makes values that JSON.stringify would drop or reject readable in a log line. */
function logValue(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) {
    const type = (value as { type?: unknown }).type;
    return { name: value.name, message: value.message, ...(typeof type === 'string' ? { type } : {}), ...(value.cause ? { cause: value.cause } : {}) };
  }
  return value;
}

/**
 * Returns a log function that writes one JSON object per line to stdout,
 * with every known secret redacted from the message and metadata.
 */
export function jsonLogFunction(secrets: readonly string[]) {
  return (entry: { level: LogLevel; message: string; meta?: Record<string, unknown>; timestampNanos: bigint }) => {
    const line = JSON.stringify({
      time: new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString(),
      level: entry.level,
      message: entry.message,
      ...entry.meta,
    }, logValue);
    process.stdout.write(`${redactAndTruncate(line, secrets, Number.MAX_SAFE_INTEGER)}\n`);
  };
}

/** Thrown when the namespace lacks the job's search attributes; the message has the commands that add them. */
export class SearchAttributesMissingError extends Error {
  override readonly name = 'SearchAttributesMissingError';
}

/**
 * Checks that the namespace has the job's search attributes registered, by
 * name. Throws SearchAttributesMissingError with the exact commands otherwise.
 */
export async function checkSearchAttributes(settings: Pick<WorkerEnvironment, 'address' | 'namespace' | 'apiKey' | 'tls'>, logger: DefaultLogger): Promise<true> {
  const connection = await Connection.connect({ address: settings.address, tls: settings.tls ? true : undefined, apiKey: settings.apiKey });
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: settings.namespace });
    const registered = customAttributes ?? {};
    const missing = JOB_SEARCH_ATTRIBUTE_KEYS.filter((key) => registered[key.name] === undefined);
    if (missing.length > 0) {
      const commands = searchAttributeCreateCommands(settings.namespace).filter((command) => missing.some((key) => command.includes(`--name ${key.name} `)));
      throw new SearchAttributesMissingError(
        `namespace ${settings.namespace} lacks the search attributes ${missing.map((key) => key.name).join(', ')}. Register them with:\n  ${commands.join('\n  ')}\n` +
          'or start the worker with HADOOP_ECO_SEARCH_ATTRIBUTES=off to run without them.',
      );
    }
    logger.debug('search attributes are registered', { namespace: settings.namespace });
    return true;
  } finally {
    await connection.close();
  }
}

async function main(): Promise<void> {
  const settings = readWorkerEnvironment();
  const credentials = loadCredentialsFromEnvironment();
  const logger = new DefaultLogger(settings.logLevel, jsonLogFunction(credentials.secrets()));
  Runtime.install({
    logger,
    telemetryOptions: settings.metricsAddress ? { metrics: { prometheus: { bindAddress: settings.metricsAddress } } } : undefined,
  });

  let connection: NativeConnection;
  try {
    connection = await NativeConnection.connect({ address: settings.address, tls: settings.tls ? true : undefined, apiKey: settings.apiKey });
  } catch (error) {
    throw new Error(`cannot connect to Temporal at ${settings.address} (TEMPORAL_ADDRESS): ${(error as Error).message.split('\n')[0]}`);
  }
  for (const region of Object.keys(REGION_BASE_URLS)) {
    if (settings.endpoints.baseUrl(region) !== REGION_BASE_URLS[region as keyof typeof REGION_BASE_URLS]) {
      logger.warn('HADOOP_ECO_ENDPOINTS replaces the base URL of a region', { region, baseUrl: settings.endpoints.baseUrl(region) });
    }
  }
  const searchAttributes = settings.searchAttributes && (await checkSearchAttributes(settings, logger));
  const { worker, close } = await createHadoopEcoWorker({
    connection,
    namespace: settings.namespace,
    taskQueue: settings.taskQueue,
    credentials,
    endpoints: settings.endpoints,
    searchAttributes,
    workflowBundle: settings.workflowBundlePath ? { codePath: settings.workflowBundlePath } : undefined,
  });

  logger.info('worker started', {
    address: settings.address,
    namespace: settings.namespace,
    taskQueue: settings.taskQueue,
    endpoints: settings.endpoints.names(),
    credentialProfiles: credentials.profileNames(),
    searchAttributes,
    metricsAddress: settings.metricsAddress ?? null,
  });
  try {
    // Runtime's default shutdown signals (SIGINT, SIGTERM, SIGQUIT, SIGUSR2) make run() drain and resolve.
    await worker.run();
  } finally {
    await close();
    await connection.close();
    logger.info('worker stopped', { taskQueue: settings.taskQueue });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`worker failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
