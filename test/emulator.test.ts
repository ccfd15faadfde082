import { execFile, spawn } from 'node:child_process';
import { request as httpRequest, Agent, type IncomingHttpHeaders } from 'node:http';
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import ts from 'typescript';
import {
  createEmulator,
  DEFAULT_CLUSTER_ID,
  loadEmulatorConfigFile,
  PROFILE_GARBAGE_BODY,
  type Emulator,
  type EmulatorOptionsInput,
} from '../src/emulator';

const CLUSTER_ID = DEFAULT_CLUSTER_ID;
const ACCESS_KEY_ID = 'emulator-access-key-id';
const ACCESS_KEY_SECRET = 'emulator-access-key-secret';
const OPEN_API_KEY = 'emulator-open-api-key';

const OTHER_CLUSTER = {
  clusterId: '0b7e5a3c-9d41-4f2e-8c6a-2f1d3e4b5a69',
  clusterName: 'spark-cluster',
  openApiKey: 'other-open-api-key',
  jobType: 'spark' as const,
};

const TWO_CLUSTERS: EmulatorOptionsInput = {
  clusters: [{ clusterId: CLUSTER_ID, clusterName: 'test-cluster', openApiKey: OPEN_API_KEY }, OTHER_CLUSTER],
};

const AUTH_HEADERS: Record<string, string> = {
  'Credential-ID': ACCESS_KEY_ID,
  'Credential-Secret': ACCESS_KEY_SECRET,
  'Hadoop-Eco-Api-Key': OPEN_API_KEY,
};

interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  // Parsed JSON body; tests read fields freely and assert on them.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

let emulators: Emulator[] = [];

async function start(options: EmulatorOptionsInput = {}): Promise<Emulator> {
  const emulator = await createEmulator(options);
  emulators.push(emulator);
  return emulator;
}

afterEach(async () => {
  await Promise.all(emulators.map((emulator) => emulator.close()));
  emulators = [];
});

async function call(
  emulator: Emulator,
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: string } = {},
): Promise<HttpResult> {
  const response = await fetch(`${emulator.url}${path}`, { method, headers: init.headers, body: init.body });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

function launch(
  emulator: Emulator,
  options: { clusterId?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<HttpResult> {
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const headers = options.headers ?? { ...AUTH_HEADERS, 'Content-Type': 'application/json' };
  return call(emulator, 'POST', `/v2/hadoop-eco/clusters/${options.clusterId ?? CLUSTER_ID}`, { headers, body });
}

function getStatus(
  emulator: Emulator,
  requestId: string,
  options: { clusterId?: string; verbose?: string; headers?: Record<string, string> } = {},
): Promise<HttpResult> {
  const query = options.verbose === undefined ? '' : `?verbose=${options.verbose}`;
  const path = `/v2/hadoop-eco/clusters/${options.clusterId ?? CLUSTER_ID}/requests/${requestId}${query}`;
  return call(emulator, 'GET', path, { headers: options.headers ?? AUTH_HEADERS });
}

async function launchRequestId(emulator: Emulator, options: Parameters<typeof launch>[1] = {}): Promise<string> {
  const result = await launch(emulator, options);
  expect(result.status).toBe(200);
  return result.json.requestId as string;
}

async function pollStatuses(emulator: Emulator, requestId: string, count: number): Promise<HttpResult[]> {
  const results: HttpResult[] = [];
  for (let index = 0; index < count; index += 1) {
    results.push(await getStatus(emulator, requestId));
  }
  return results;
}

/** A response read with node:http, which, unlike fetch, reports how much of a cut-off body arrived. */
interface RawResult {
  status: number;
  headers: IncomingHttpHeaders;
  /** Body bytes received before the connection closed. */
  bytes: number;
  /** Whether the whole body announced by Content-Length arrived. */
  complete: boolean;
}

function rawRequest(emulator: Emulator, method: string, path: string, headers: Record<string, string>, body?: string) {
  return new Promise<RawResult>((resolvePromise, reject) => {
    const request = httpRequest(`${emulator.url}${path}`, { method, headers, agent: false }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      // A cut-off body also emits 'error' (aborted), which 'close' covers.
      response.on('error', () => undefined);
      response.on('close', () =>
        resolvePromise({ status: response.statusCode ?? 0, headers: response.headers, bytes, complete: response.complete }),
      );
    });
    request.on('error', reject);
    request.end(body);
  });
}

function rawLaunch(emulator: Emulator): Promise<RawResult> {
  return rawRequest(emulator, 'POST', `/v2/hadoop-eco/clusters/${CLUSTER_ID}`, {
    ...AUTH_HEADERS,
    'Content-Type': 'application/json',
  });
}

describe('launch', () => {
  test('returns documented shape and records ledger', async () => {
    const emulator = await start();
    const body = { workerCnt: 3, userTaskExecOpts: '--driver-cores 1' };

    const result = await launch(emulator, { body });

    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toMatch(/^application\/json/);
    expect(result.json).toEqual({
      clusterId: CLUSTER_ID,
      clusterName: 'test-cluster',
      requestId: expect.stringMatching(/^req-[0-9a-f]{32}$/),
      clusterMainSettingValues: {
        workerCnt: 3,
        workerVolumeSize: 50,
        configHdfsReplication: 2,
        configHdfsBlockSize: 128,
        jobType: 'hive',
        userTaskDeployMode: true,
        userTaskExecOpts: '--driver-cores 1',
        userTaskExecParams: '',
      },
    });

    const ledger = emulator.ledger();
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toEqual({
      requestId: result.json.requestId,
      clusterId: CLUSTER_ID,
      receivedAt: expect.any(String),
      body,
      settings: {
        workerCnt: 3,
        workerVolumeSize: 50,
        configHdfsReplication: 2,
        configHdfsBlockSize: 128,
        userTaskDeployMode: 'cluster',
        userTaskExecOpts: '--driver-cores 1',
        userTaskExecParams: '',
      },
    });
    expect(new Date(ledger[0]?.receivedAt ?? '').toISOString()).toBe(ledger[0]?.receivedAt);
    expect(emulator.launchCount()).toBe(1);
    expect(emulator.launchCount(CLUSTER_ID)).toBe(1);
    expect(emulator.launchCount(OTHER_CLUSTER.clusterId)).toBe(0);
  });

  test('ledger returns copies', async () => {
    const emulator = await start();
    await launchRequestId(emulator, { body: { workerCnt: 4 } });

    const copy = emulator.ledger();
    (copy[0] as { body: Record<string, unknown> }).body.workerCnt = 999;

    expect(emulator.ledger()[0]?.body).toEqual({ workerCnt: 4 });
  });

  test('empty body and charset are accepted', async () => {
    const emulator = await start();

    const result = await launch(emulator, {
      headers: { ...AUTH_HEADERS, 'Content-Type': 'application/json; charset=utf-8' },
    });

    expect(result.status).toBe(200);
    expect(emulator.ledger()[0]?.body).toEqual({});
  });

  test('body overlay is kept for later runs', async () => {
    const emulator = await start({ defaultRun: { statuses: ['Terminate'] } });
    await launchRequestId(emulator, { body: { workerCnt: 7, configHdfsBlockSize: 256 } });

    const second = await launch(emulator, { body: { workerVolumeSize: 100 } });

    expect(second.status).toBe(200);
    expect(second.json.clusterMainSettingValues).toMatchObject({
      workerCnt: 7,
      workerVolumeSize: 100,
      configHdfsBlockSize: 256,
    });
    expect(emulator.ledger()[1]?.settings.workerCnt).toBe(7);
  });

  test('returns 202 while busy without new run', async () => {
    const emulator = await start();
    const requestId = await launchRequestId(emulator);

    const busy = await launch(emulator, { body: { workerCnt: 5 } });

    expect(busy.status).toBe(202);
    expect(busy.json.code).toBe(202);
    expect(busy.json.message).toMatch(/already running/);
    expect(busy.json.clusterId).toBe(CLUSTER_ID);
    expect(busy.json.requestId).toBe(requestId);
    expect(emulator.launchCount()).toBe(1);
  });

  test('busy cluster does not block other clusters', async () => {
    const emulator = await start(TWO_CLUSTERS);
    await launchRequestId(emulator);

    const other = await launch(emulator, {
      clusterId: OTHER_CLUSTER.clusterId,
      headers: { ...AUTH_HEADERS, 'Hadoop-Eco-Api-Key': OTHER_CLUSTER.openApiKey, 'Content-Type': 'application/json' },
    });

    expect(other.status).toBe(200);
    expect(other.json.clusterMainSettingValues.jobType).toBe('spark');
  });

  test('busy ends only at terminal status', async () => {
    const emulator = await start();
    const requestId = await launchRequestId(emulator);

    const beforeEnd = await pollStatuses(emulator, requestId, 4);
    expect(beforeEnd.at(-1)?.json.requestStatus).toBe('Terminating');
    expect((await launch(emulator)).status).toBe(202);

    const end = await getStatus(emulator, requestId);
    expect(end.json.requestStatus).toBe('Terminate');

    const next = await launch(emulator);
    expect(next.status).toBe(200);
    expect(next.json.requestId).not.toBe(requestId);
    expect(emulator.launchCount()).toBe(2);
  });

  test('single terminal status leaves cluster free', async () => {
    const emulator = await start({ defaultRun: { statuses: ['Terminate'] } });
    await launchRequestId(emulator);

    expect((await launch(emulator)).status).toBe(200);
  });
});

describe('launch validation', () => {
  const invalidBodies: Array<[string, unknown, RegExp]> = [
    ['workerCnt below range', { workerCnt: 0 }, /workerCnt must be an integer from 1 to 1000, got 0/],
    ['workerCnt above range', { workerCnt: 1001 }, /workerCnt.*1 to 1000/],
    ['workerCnt not integer', { workerCnt: 1.5 }, /workerCnt.*got 1\.5/],
    ['workerCnt as string', { workerCnt: '2' }, /workerCnt.*got "2"/],
    ['workerVolumeSize below range', { workerVolumeSize: 49 }, /workerVolumeSize must be an integer from 50 to 5120/],
    ['workerVolumeSize above range', { workerVolumeSize: 5121 }, /workerVolumeSize.*50 to 5120/],
    ['configHdfsReplication below range', { configHdfsReplication: 0 }, /configHdfsReplication must be an integer from 1 to 500/],
    ['configHdfsReplication above range', { configHdfsReplication: 501 }, /configHdfsReplication.*1 to 500/],
    ['configHdfsBlockSize below range', { configHdfsBlockSize: 0 }, /configHdfsBlockSize must be an integer from 1 to 1024/],
    ['configHdfsBlockSize above range', { configHdfsBlockSize: 1025 }, /configHdfsBlockSize.*1 to 1024/],
    ['deploy mode local', { userTaskDeployMode: 'local' }, /userTaskDeployMode must be "client" or "cluster", got "local"/],
    ['deploy mode boolean', { userTaskDeployMode: true }, /userTaskDeployMode/],
    ['exec opts not string', { userTaskExecOpts: 5 }, /userTaskExecOpts must be a string, got 5/],
    ['exec params null', { userTaskExecParams: null }, /userTaskExecParams must be a string, got null/],
    ['unknown field', { workerCount: 2 }, /unknown field "workerCount"/],
    ['array body', [1, 2], /must be a JSON object, got an array/],
    ['null body', null, /must be a JSON object, got null/],
    ['number body', 42, /must be a JSON object, got 42/],
  ];

  test.each(invalidBodies)('rejects %s with 400', async (_name, body, message) => {
    const emulator = await start();

    const result = await launch(emulator, { body });

    expect(result.status).toBe(400);
    expect(result.json.code).toBe(400);
    expect(result.json.message).toMatch(message);
    expect(emulator.launchCount()).toBe(0);
  });

  test('accepts range boundaries', async () => {
    const emulator = await start({ defaultRun: { statuses: ['Terminate'] } });
    const minimum = { workerCnt: 1, workerVolumeSize: 50, configHdfsReplication: 1, configHdfsBlockSize: 1, userTaskDeployMode: 'client' };
    const maximum = { workerCnt: 1000, workerVolumeSize: 5120, configHdfsReplication: 500, configHdfsBlockSize: 1024 };

    expect((await launch(emulator, { body: minimum })).status).toBe(200);
    expect((await launch(emulator, { body: maximum })).status).toBe(200);
  });

  test('lists every invalid field', async () => {
    const emulator = await start();

    const result = await launch(emulator, { body: { workerCnt: 0, extra: true } });

    expect(result.status).toBe(400);
    expect(result.json.message).toMatch(/workerCnt/);
    expect(result.json.message).toMatch(/unknown field "extra"/);
  });

  test('rejects invalid JSON with 400', async () => {
    const emulator = await start();

    const result = await launch(emulator, { rawBody: '{"workerCnt": ' });

    expect(result.status).toBe(400);
    expect(result.json.message).toMatch(/not valid JSON/);
  });

  test('rejects missing Content-Type with 400', async () => {
    const emulator = await start();

    const result = await call(emulator, 'POST', `/v2/hadoop-eco/clusters/${CLUSTER_ID}`, { headers: AUTH_HEADERS });

    expect(result.status).toBe(400);
    expect(result.json.message).toMatch(/Content-Type/);
  });

  test('rejects text/plain Content-Type with 400', async () => {
    const emulator = await start();

    const result = await launch(emulator, { headers: { ...AUTH_HEADERS, 'Content-Type': 'text/plain' }, rawBody: '{}' });

    expect(result.status).toBe(400);
    expect(result.json.message).toMatch(/Content-Type "text\/plain".*application\/json/);
  });

  test('rejects bodies over 1 MiB with 413', async () => {
    const emulator = await start();

    const result = await launch(emulator, { rawBody: JSON.stringify({ userTaskExecOpts: 'x'.repeat(1024 * 1024) }) });

    expect(result.status).toBe(413);
    expect(emulator.launchCount()).toBe(0);
  });
});

describe('authentication', () => {
  const launchHeaders = { ...AUTH_HEADERS, 'Content-Type': 'application/json' };
  const without = (name: string) => Object.fromEntries(Object.entries(launchHeaders).filter(([key]) => key !== name));

  const unauthorized: Array<[string, Record<string, string>, RegExp]> = [
    ['missing Credential-ID', without('Credential-ID'), /Missing Credential-ID/],
    ['missing Credential-Secret', without('Credential-Secret'), /Missing Credential-Secret/],
    ['wrong Credential-ID', { ...launchHeaders, 'Credential-ID': 'other' }, /Invalid access key/],
    ['wrong Credential-Secret', { ...launchHeaders, 'Credential-Secret': 'other' }, /Invalid access key/],
    ['missing Hadoop-Eco-Api-Key', without('Hadoop-Eco-Api-Key'), /Missing Hadoop-Eco-Api-Key/],
  ];

  test.each(unauthorized)('launch with %s returns 401', async (_name, headers, message) => {
    const emulator = await start();

    const result = await launch(emulator, { headers });

    expect(result.status).toBe(401);
    expect(result.json.code).toBe(401);
    expect(result.json.message).toMatch(message);
    expect(emulator.launchCount()).toBe(0);
  });

  test.each(unauthorized)('status with %s returns 401', async (_name, headers, message) => {
    const emulator = await start();
    const requestId = await launchRequestId(emulator);

    const result = await getStatus(emulator, requestId, { headers });

    expect(result.status).toBe(401);
    expect(result.json.message).toMatch(message);
  });

  test('wrong Open API key returns 403', async () => {
    const emulator = await start();

    const result = await launch(emulator, { headers: { ...launchHeaders, 'Hadoop-Eco-Api-Key': 'wrong' } });

    expect(result.status).toBe(403);
    expect(result.json.code).toBe(403);
    expect(result.json.message).toContain(CLUSTER_ID);
  });

  test('Open API key of another cluster returns 403', async () => {
    const emulator = await start(TWO_CLUSTERS);

    const result = await launch(emulator, { headers: { ...launchHeaders, 'Hadoop-Eco-Api-Key': OTHER_CLUSTER.openApiKey } });

    expect(result.status).toBe(403);
  });

  test('wrong access key precedes unknown cluster', async () => {
    const emulator = await start();

    const result = await launch(emulator, { clusterId: 'unknown', headers: { ...launchHeaders, 'Credential-ID': 'other' } });

    expect(result.status).toBe(401);
  });

  test('unknown cluster precedes missing Open API key', async () => {
    const emulator = await start();

    const result = await launch(emulator, { clusterId: 'unknown', headers: without('Hadoop-Eco-Api-Key') });

    expect(result.status).toBe(404);
  });

  test('authentication precedes body validation', async () => {
    const emulator = await start();

    const result = await launch(emulator, { headers: { ...launchHeaders, 'Hadoop-Eco-Api-Key': 'wrong' }, body: { workerCnt: 0 } });

    expect(result.status).toBe(403);
  });

  test('error bodies omit headers by default', async () => {
    const emulator = await start();

    const result = await launch(emulator, { headers: { ...launchHeaders, 'Credential-ID': 'other' } });

    expect(result.json).toEqual({ code: 401, message: expect.any(String) });
    expect(result.text).not.toContain(ACCESS_KEY_SECRET);
  });

  test('echoHeadersInErrors copies headers into 4xx bodies', async () => {
    const emulator = await start({ echoHeadersInErrors: true });

    const result = await launch(emulator, { headers: { ...launchHeaders, 'Hadoop-Eco-Api-Key': 'wrong-key' } });

    expect(result.status).toBe(403);
    expect(result.json.headers['credential-secret']).toBe(ACCESS_KEY_SECRET);
    expect(result.json.headers['hadoop-eco-api-key']).toBe('wrong-key');
  });

  test('echoHeadersInErrors leaves success bodies alone', async () => {
    const emulator = await start({ echoHeadersInErrors: true });

    const result = await launch(emulator);

    expect(result.status).toBe(200);
    expect(result.text).not.toContain(ACCESS_KEY_SECRET);
  });
});

describe('not found and routing', () => {
  test('unknown cluster returns 404', async () => {
    const emulator = await start();

    const launchResult = await launch(emulator, { clusterId: 'no-such-cluster' });
    const statusResult = await getStatus(emulator, 'req-00000000000000000000000000000000', { clusterId: 'no-such-cluster' });

    expect(launchResult.status).toBe(404);
    expect(launchResult.json.message).toMatch(/Cluster no-such-cluster not found/);
    expect(statusResult.status).toBe(404);
  });

  test('unknown request returns 404', async () => {
    const emulator = await start();

    const result = await getStatus(emulator, 'req-00000000000000000000000000000000');

    expect(result.status).toBe(404);
    expect(result.json.code).toBe(404);
    expect(result.json.message).toMatch(/Request req-0+ not found/);
  });

  test('request of another cluster returns 404', async () => {
    const emulator = await start(TWO_CLUSTERS);
    const requestId = await launchRequestId(emulator);

    const result = await getStatus(emulator, requestId, {
      clusterId: OTHER_CLUSTER.clusterId,
      headers: { ...AUTH_HEADERS, 'Hadoop-Eco-Api-Key': OTHER_CLUSTER.openApiKey },
    });

    expect(result.status).toBe(404);
  });

  const unknownPaths = [
    '/',
    '/v2/hadoop-eco/clusters',
    '/v2/hadoop-eco/clusters/',
    `/v2/hadoop-eco/clusters/${CLUSTER_ID}/requests`,
    `/v2/hadoop-eco/clusters/${CLUSTER_ID}/requests/req-1/extra`,
    '/v1/anything',
  ];

  test.each(unknownPaths)('unknown path %s returns 404 JSON', async (path) => {
    const emulator = await start();

    const result = await call(emulator, 'GET', path, { headers: AUTH_HEADERS });

    expect(result.status).toBe(404);
    expect(result.json.code).toBe(404);
  });

  test('GET on launch path returns 405', async () => {
    const emulator = await start();

    const result = await call(emulator, 'GET', `/v2/hadoop-eco/clusters/${CLUSTER_ID}`, { headers: AUTH_HEADERS });

    expect(result.status).toBe(405);
    expect(result.headers.get('allow')).toBe('POST');
    expect(result.json.code).toBe(405);
  });

  test('POST on status path returns 405', async () => {
    const emulator = await start();

    const result = await call(emulator, 'POST', `/v2/hadoop-eco/clusters/${CLUSTER_ID}/requests/req-1`, { headers: AUTH_HEADERS });

    expect(result.status).toBe(405);
    expect(result.headers.get('allow')).toBe('GET');
  });
});

describe('run status', () => {
  test('default sequence passes Terminating before Terminate', async () => {
    const emulator = await start();
    const requestId = await launchRequestId(emulator);

    const results = await pollStatuses(emulator, requestId, 6);

    expect(results.map((result) => result.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(results.map((result) => result.json.requestStatus)).toEqual([
      'Pending',
      'Provisioning',
      'Processing',
      'Terminating',
      'Terminate',
      'Terminate',
    ]);
  });

  test('requestResult appears only at the end', async () => {
    const emulator = await start();
    const requestId = await launchRequestId(emulator);

    const results = await pollStatuses(emulator, requestId, 5);

    for (const result of results.slice(0, 4)) {
      expect(result.json).not.toHaveProperty('requestResult');
    }
    expect(results[4]?.json).toEqual({
      clusterId: CLUSTER_ID,
      clusterName: 'test-cluster',
      requestId,
      requestStatus: 'Terminate',
      requestResult: 'Success',
    });
  });

  test('Failure result is reported', async () => {
    const emulator = await start({ defaultRun: { statuses: ['Processing', 'Terminate'], result: 'Failure' } });
    const requestId = await launchRequestId(emulator);

    const results = await pollStatuses(emulator, requestId, 2);

    expect(results[1]?.json.requestResult).toBe('Failure');
  });

  test('polls setting repeats each status', async () => {
    const emulator = await start({ defaultRun: { statuses: ['A', 'B', 'Done'], advance: { by: 'polls', polls: 2 } } });
    const requestId = await launchRequestId(emulator);

    const results = await pollStatuses(emulator, requestId, 6);

    expect(results.map((result) => result.json.requestStatus)).toEqual(['A', 'A', 'B', 'B', 'Done', 'Done']);
  });

  test('verbose requests count as polls', async () => {
    const emulator = await start({ defaultRun: { statuses: ['A', 'B', 'Done'] } });
    const requestId = await launchRequestId(emulator);

    const first = await getStatus(emulator, requestId, { verbose: 'true' });
    const second = await getStatus(emulator, requestId, { verbose: 'false' });
    const third = await getStatus(emulator, requestId);

    expect([first.json.requestStatus, second.json.requestStatus, third.json.requestStatus]).toEqual(['A', 'B', 'Done']);
  });

  test('cluster run script overrides defaultRun', async () => {
    const emulator = await start({
      defaultRun: { statuses: ['Default', 'Terminate'] },
      clusters: [{ clusterId: CLUSTER_ID, clusterName: 'test-cluster', openApiKey: OPEN_API_KEY, run: { statuses: ['Own', 'End'] } }],
    });
    const requestId = await launchRequestId(emulator);

    const results = await pollStatuses(emulator, requestId, 2);

    expect(results.map((result) => result.json.requestStatus)).toEqual(['Own', 'End']);
  });

  test('time advance ends runs without polls', async () => {
    const stepMs = 250;
    const emulator = await start({
      defaultRun: { statuses: ['Pending', 'Processing', 'Terminate'], advance: { by: 'time', stepMs } },
    });
    const requestId = await launchRequestId(emulator);

    const first = await getStatus(emulator, requestId);
    expect(first.json.requestStatus).toBe('Pending');
    expect(first.json).not.toHaveProperty('requestResult');
    expect((await launch(emulator)).status).toBe(202);

    await sleep(stepMs * 2 + 150);

    // The cluster is free before any client reads the terminal status.
    const next = await launch(emulator);
    expect(next.status).toBe(200);
    const last = await getStatus(emulator, requestId);
    expect(last.json.requestStatus).toBe('Terminate');
    expect(last.json.requestResult).toBe('Success');
  });

  test('time advance moves through middle status', async () => {
    const stepMs = 300;
    const emulator = await start({
      defaultRun: { statuses: ['Pending', 'Processing', 'Terminate'], advance: { by: 'time', stepMs } },
    });
    const requestId = await launchRequestId(emulator);

    await sleep(stepMs + 50);
    const middle = await getStatus(emulator, requestId);

    expect(middle.json.requestStatus).toBe('Processing');
  });

  test.each([['yes'], ['1'], ['TRUE'], ['']])('verbose=%s returns 400', async (value) => {
    const emulator = await start();
    const requestId = await launchRequestId(emulator);

    const result = await getStatus(emulator, requestId, { verbose: value });

    expect(result.status).toBe(400);
    expect(result.json.message).toMatch(/verbose/);
  });

  test('repeated verbose returns 400', async () => {
    const emulator = await start();
    const requestId = await launchRequestId(emulator);

    const path = `/v2/hadoop-eco/clusters/${CLUSTER_ID}/requests/${requestId}?verbose=true&verbose=false`;
    const result = await call(emulator, 'GET', path, { headers: AUTH_HEADERS });

    expect(result.status).toBe(400);
  });

  test('rejected status requests do not count as polls', async () => {
    const emulator = await start();
    const requestId = await launchRequestId(emulator);

    await getStatus(emulator, requestId, { verbose: 'yes' });
    const result = await getStatus(emulator, requestId);

    expect(result.json.requestStatus).toBe('Pending');
  });
});

describe('verbose clusterMeta', () => {
  test('has the documented hive shape', async () => {
    const emulator = await start();
    const requestId = await launchRequestId(emulator, {
      body: { workerCnt: 3, workerVolumeSize: 100, userTaskExecOpts: 'hive.opt=1', userTaskExecParams: '-p=1' },
    });

    const result = await getStatus(emulator, requestId, { verbose: 'true' });

    expect(result.status).toBe(200);
    const meta = result.json.clusterMeta;
    expect(meta).toMatchObject({
      cluster_version: 'hde-1.1.0',
      service_check_timeout: 10,
      socket_timeout: 5,
      global_timeout: 1500,
      monitoring: false,
      cluster_id: CLUSTER_ID,
      cluster_name: 'test-cluster',
      cluster_type: 'hadoop_single',
      project: {
        id: expect.stringMatching(/^[0-9a-f]{32}$/),
        name: expect.any(String),
        domain: { id: expect.stringMatching(/^[0-9a-f]{32}$/), name: expect.any(String) },
      },
      user_cluster_exec_command: {
        type: 'hive',
        termination_policy: 'always',
        hive_query: 'show databases;',
        exec_opts: 'hive.opt=1',
        exec_params: '-p=1',
      },
    });

    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    expect(meta.master_vm).toEqual({
      host_list: ['HadoopMST-test-cluster-1'],
      flavor_id: expect.stringMatching(uuid),
      flavor_name: expect.any(String),
      key_pair: expect.any(String),
      network: {
        uuid: expect.stringMatching(uuid),
        subnet_id: expect.stringMatching(uuid),
        security_group_id_list: expect.arrayContaining([expect.stringMatching(uuid)]),
      },
      block_device: { source_type: 'image', uuid: expect.stringMatching(uuid), volume_size: 50 },
      master_active: 'HadoopMST-test-cluster-1',
      master_standby: 'HadoopMST-test-cluster-1',
      master_etc: 'HadoopMST-test-cluster-1',
    });
    expect(meta.worker_vm.host_list).toEqual(['HadoopWRK-test-cluster-1', 'HadoopWRK-test-cluster-2', 'HadoopWRK-test-cluster-3']);
    expect(meta.worker_vm.block_device.volume_size).toBe(100);
    expect(meta.worker_vm.network.subnet_id).toMatch(uuid);
  });

  test('is deterministic per cluster', async () => {
    const emulator = await start();
    const requestId = await launchRequestId(emulator);

    const first = await getStatus(emulator, requestId, { verbose: 'true' });
    const second = await getStatus(emulator, requestId, { verbose: 'true' });

    expect(second.json.clusterMeta).toEqual(first.json.clusterMeta);
  });

  test('has spark exec command for spark clusters', async () => {
    const emulator = await start({ clusters: [{ ...OTHER_CLUSTER, settings: { userTaskDeployMode: 'client' } }] });
    const headers = { ...AUTH_HEADERS, 'Hadoop-Eco-Api-Key': OTHER_CLUSTER.openApiKey };
    const requestId = await launchRequestId(emulator, {
      clusterId: OTHER_CLUSTER.clusterId,
      headers: { ...headers, 'Content-Type': 'application/json' },
    });

    const result = await getStatus(emulator, requestId, { clusterId: OTHER_CLUSTER.clusterId, headers, verbose: 'true' });

    const command = result.json.clusterMeta.user_cluster_exec_command;
    expect(command.type).toBe('spark');
    expect(command.termination_policy).toBe('always');
    expect(command).not.toHaveProperty('hive_query');
    expect(command.deploy_mode).toBe('client');
  });

  test('is absent without verbose=true', async () => {
    const emulator = await start();
    const requestId = await launchRequestId(emulator);

    const plain = await getStatus(emulator, requestId);
    const explicitFalse = await getStatus(emulator, requestId, { verbose: 'false' });

    expect(plain.json).not.toHaveProperty('clusterMeta');
    expect(explicitFalse.json).not.toHaveProperty('clusterMeta');
  });
});

describe('deployModeInResponse', () => {
  test('boolean mode returns true for cluster', async () => {
    const emulator = await start({ defaultRun: { statuses: ['Terminate'] } });

    const clusterMode = await launch(emulator, { body: { userTaskDeployMode: 'cluster' } });
    const clientMode = await launch(emulator, { body: { userTaskDeployMode: 'client' } });

    expect(clusterMode.json.clusterMainSettingValues.userTaskDeployMode).toBe(true);
    expect(clientMode.json.clusterMainSettingValues.userTaskDeployMode).toBe(false);
  });

  test('string mode returns request value', async () => {
    const emulator = await start({ deployModeInResponse: 'string', defaultRun: { statuses: ['Terminate'] } });

    const clusterMode = await launch(emulator, { body: { userTaskDeployMode: 'cluster' } });
    const clientMode = await launch(emulator, { body: { userTaskDeployMode: 'client' } });

    expect(clusterMode.json.clusterMainSettingValues.userTaskDeployMode).toBe('cluster');
    expect(clientMode.json.clusterMainSettingValues.userTaskDeployMode).toBe('client');
  });
});

describe('faults', () => {
  test('status fault replaces response without run', async () => {
    const emulator = await start();
    emulator.injectFault({ kind: 'status', status: 429, headers: { 'Retry-After': '3' } });

    const faulted = await launch(emulator);
    const normal = await launch(emulator);

    expect(faulted.status).toBe(429);
    expect(faulted.headers.get('retry-after')).toBe('3');
    expect(faulted.json.code).toBe(429);
    expect(normal.status).toBe(200);
    expect(emulator.launchCount()).toBe(1);
  });

  test('status fault sends string and object bodies', async () => {
    const emulator = await start();
    emulator.injectFault({ kind: 'status', status: 502, body: '<html>Bad Gateway</html>' });
    emulator.injectFault({ kind: 'status', status: 500, body: { error: 'boom' } });

    const text = await launch(emulator);
    const json = await launch(emulator);

    expect(text.status).toBe(502);
    expect(text.text).toBe('<html>Bad Gateway</html>');
    expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(json.status).toBe(500);
    expect(json.json).toEqual({ error: 'boom' });
  });

  test('times applies fault to several requests', async () => {
    const emulator = await start();
    emulator.injectFault({ kind: 'status', status: 503, times: 2 });

    const statuses = [(await launch(emulator)).status, (await launch(emulator)).status, (await launch(emulator)).status];

    expect(statuses).toEqual([503, 503, 200]);
  });

  test('match selects method, cluster and request', async () => {
    const emulator = await start();
    const requestId = await launchRequestId(emulator);
    emulator.injectFault({ kind: 'status', status: 500, match: { method: 'GET', requestId: 'req-other' } });
    emulator.injectFault({ kind: 'status', status: 501, match: { method: 'POST', clusterId: 'other-cluster' } });
    emulator.injectFault({ kind: 'status', status: 504, match: { method: 'GET', clusterId: CLUSTER_ID, requestId } });

    const busyLaunch = await launch(emulator);
    const status = await getStatus(emulator, requestId);
    const nextStatus = await getStatus(emulator, requestId);

    expect(busyLaunch.status).toBe(202);
    expect(status.status).toBe(504);
    expect(nextStatus.status).toBe(200);
  });

  test('faulted status request does not count as poll', async () => {
    const emulator = await start();
    const requestId = await launchRequestId(emulator);
    emulator.injectFault({ kind: 'status', status: 503, match: { method: 'GET' } });

    await getStatus(emulator, requestId);
    const result = await getStatus(emulator, requestId);

    expect(result.json.requestStatus).toBe('Pending');
  });

  test('drop before creates no run', async () => {
    const emulator = await start();
    emulator.injectFault({ kind: 'drop', when: 'before', match: { method: 'POST' } });

    await expect(launch(emulator)).rejects.toThrow();

    expect(emulator.launchCount()).toBe(0);
    expect(emulator.requestLog().at(-1)?.status).toBe('dropped');
    expect((await launch(emulator)).status).toBe(200);
  });

  test('drop after creates run, loses response', async () => {
    const emulator = await start();
    emulator.injectFault({ kind: 'drop', when: 'after', match: { method: 'POST' } });

    await expect(launch(emulator)).rejects.toThrow();

    expect(emulator.launchCount()).toBe(1);
    expect(emulator.requestLog().at(-1)?.status).toBe('dropped');
    const retry = await launch(emulator);
    expect(retry.status).toBe(202);
    expect(retry.json.requestId).toBe(emulator.ledger()[0]?.requestId);
  });

  test('drop after on status counts the poll', async () => {
    const emulator = await start();
    const requestId = await launchRequestId(emulator);
    emulator.injectFault({ kind: 'drop', when: 'after', match: { method: 'GET' } });

    await expect(getStatus(emulator, requestId)).rejects.toThrow();
    const result = await getStatus(emulator, requestId);

    expect(result.json.requestStatus).toBe('Provisioning');
  });

  test('delay fault waits then responds', async () => {
    const emulator = await start();
    emulator.injectFault({ kind: 'delay', ms: 200 });

    const startedAt = performance.now();
    const result = await launch(emulator);
    const elapsedMs = performance.now() - startedAt;

    expect(result.status).toBe(200);
    expect(elapsedMs).toBeGreaterThanOrEqual(190);
  });

  test('garbage fault sends its body', async () => {
    const emulator = await start();
    emulator.injectFault({ kind: 'garbage', body: '{"clusterId": tru' });
    emulator.injectFault({ kind: 'garbage', status: 502, body: '<html></html>', contentType: 'text/html' });

    const truncated = await launch(emulator);
    const html = await launch(emulator);

    expect(truncated.status).toBe(200);
    expect(truncated.text).toBe('{"clusterId": tru');
    expect(truncated.headers.get('content-type')).toBe('application/json');
    expect(html.status).toBe(502);
    expect(html.headers.get('content-type')).toBe('text/html');
    expect(emulator.launchCount()).toBe(0);
  });

  test('clearFaults removes queued faults', async () => {
    const emulator = await start();
    emulator.injectFault({ kind: 'status', status: 503, times: 5 });

    emulator.clearFaults();

    expect((await launch(emulator)).status).toBe(200);
  });

  test('injectFault rejects invalid fault', async () => {
    const emulator = await start();

    expect(() => emulator.injectFault({ kind: 'status', status: 42 })).toThrow(TypeError);
    expect(() => emulator.injectFault({ kind: 'drop' } as never)).toThrow(/when/);
  });

  test('latencyMs delays every response', async () => {
    const emulator = await start({ latencyMs: 150 });

    const startedAt = performance.now();
    const result = await call(emulator, 'GET', '/unknown');
    const elapsedMs = performance.now() - startedAt;

    expect(result.status).toBe(404);
    expect(elapsedMs).toBeGreaterThanOrEqual(140);
  });
});

describe('admin endpoints', () => {
  test('ledger lists launches', async () => {
    const emulator = await start();
    const requestId = await launchRequestId(emulator, { body: { workerCnt: 2 } });

    const result = await call(emulator, 'GET', '/_emulator/ledger');

    expect(result.status).toBe(200);
    expect(result.json.launches).toHaveLength(1);
    expect(result.json.launches[0]).toMatchObject({ requestId, clusterId: CLUSTER_ID, body: { workerCnt: 2 } });
  });

  test('faults can be queued and cleared', async () => {
    const emulator = await start();

    const queued = await call(emulator, 'POST', '/_emulator/faults', { body: JSON.stringify({ kind: 'status', status: 503, times: 3 }) });
    expect(queued.status).toBe(201);
    expect(queued.json.pendingFaults).toBe(1);
    expect((await launch(emulator)).status).toBe(503);

    const cleared = await call(emulator, 'DELETE', '/_emulator/faults');
    expect(cleared.status).toBe(200);
    expect((await launch(emulator)).status).toBe(200);
  });

  test('invalid fault returns 400', async () => {
    const emulator = await start();

    const invalid = await call(emulator, 'POST', '/_emulator/faults', { body: JSON.stringify({ kind: 'explode' }) });
    const notJson = await call(emulator, 'POST', '/_emulator/faults', { body: 'nope' });

    expect(invalid.status).toBe(400);
    expect(invalid.json.message).toMatch(/Invalid fault/);
    expect(notJson.status).toBe(400);
  });

  test('reset clears state and restores clusters', async () => {
    const emulator = await start();
    await launchRequestId(emulator, { body: { workerCnt: 9 } });
    emulator.upsertCluster(OTHER_CLUSTER);
    emulator.injectFault({ kind: 'status', status: 500, match: { method: 'GET' } });

    const result = await call(emulator, 'POST', '/_emulator/reset');

    expect(result.status).toBe(200);
    expect(emulator.ledger()).toEqual([]);
    expect(emulator.requestLog()).toEqual([]);
    const relaunch = await launch(emulator);
    expect(relaunch.status).toBe(200);
    expect(relaunch.json.clusterMainSettingValues.workerCnt).toBe(2);
    expect((await getStatus(emulator, relaunch.json.requestId)).status).toBe(200);
    const removed = await launch(emulator, {
      clusterId: OTHER_CLUSTER.clusterId,
      headers: { ...AUTH_HEADERS, 'Hadoop-Eco-Api-Key': OTHER_CLUSTER.openApiKey, 'Content-Type': 'application/json' },
    });
    expect(removed.status).toBe(404);
  });

  test('PUT cluster adds a cluster', async () => {
    const emulator = await start();

    const put = await call(emulator, 'PUT', `/_emulator/clusters/${OTHER_CLUSTER.clusterId}`, {
      body: JSON.stringify({ clusterName: 'added', openApiKey: 'added-key', settings: { workerCnt: 4 } }),
    });
    const launched = await launch(emulator, {
      clusterId: OTHER_CLUSTER.clusterId,
      headers: { ...AUTH_HEADERS, 'Hadoop-Eco-Api-Key': 'added-key', 'Content-Type': 'application/json' },
    });

    expect(put.status).toBe(200);
    expect(launched.status).toBe(200);
    expect(launched.json.clusterName).toBe('added');
    expect(launched.json.clusterMainSettingValues.workerCnt).toBe(4);
  });

  test('PUT cluster replaces key and settings', async () => {
    const emulator = await start();

    await call(emulator, 'PUT', `/_emulator/clusters/${CLUSTER_ID}`, {
      body: JSON.stringify({ clusterId: CLUSTER_ID, clusterName: 'renamed', openApiKey: 'new-key' }),
    });

    expect((await launch(emulator)).status).toBe(403);
    const launched = await launch(emulator, { headers: { ...AUTH_HEADERS, 'Hadoop-Eco-Api-Key': 'new-key', 'Content-Type': 'application/json' } });
    expect(launched.json.clusterName).toBe('renamed');
  });

  test('PUT cluster rejects invalid bodies', async () => {
    const emulator = await start();

    const mismatch = await call(emulator, 'PUT', `/_emulator/clusters/${CLUSTER_ID}`, {
      body: JSON.stringify({ clusterId: 'other', clusterName: 'x', openApiKey: 'k' }),
    });
    const missingKey = await call(emulator, 'PUT', `/_emulator/clusters/${CLUSTER_ID}`, { body: JSON.stringify({ clusterName: 'x' }) });
    const badRange = await call(emulator, 'PUT', `/_emulator/clusters/${CLUSTER_ID}`, {
      body: JSON.stringify({ clusterName: 'x', openApiKey: 'k', settings: { workerCnt: 0 } }),
    });

    expect(mismatch.status).toBe(400);
    expect(mismatch.json.message).toMatch(/differs/);
    expect(missingKey.status).toBe(400);
    expect(missingKey.json.message).toMatch(/openApiKey/);
    expect(badRange.status).toBe(400);
    expect(badRange.json.message).toMatch(/settings\.workerCnt/);
  });

  test('unknown admin path and wrong method', async () => {
    const emulator = await start();

    const unknown = await call(emulator, 'GET', '/_emulator/nothing');
    const wrongMethod = await call(emulator, 'DELETE', '/_emulator/ledger');

    expect(unknown.status).toBe(404);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
  });

  test('admin requests stay out of request log', async () => {
    const emulator = await start();

    await call(emulator, 'GET', '/_emulator/ledger');
    await call(emulator, 'POST', '/_emulator/faults', { body: JSON.stringify({ kind: 'delay', ms: 0 }) });
    await call(emulator, 'DELETE', '/_emulator/faults');

    expect(emulator.requestLog()).toEqual([]);
  });
});

describe('emulator object', () => {
  test('requestLog records API requests without headers', async () => {
    const emulator = await start();
    const requestId = await launchRequestId(emulator);
    await getStatus(emulator, requestId, { verbose: 'true' });
    await call(emulator, 'DELETE', '/nowhere');

    const log = emulator.requestLog();

    expect(log).toEqual([
      { method: 'POST', path: `/v2/hadoop-eco/clusters/${CLUSTER_ID}`, status: 200, at: expect.any(String) },
      { method: 'GET', path: `/v2/hadoop-eco/clusters/${CLUSTER_ID}/requests/${requestId}?verbose=true`, status: 200, at: expect.any(String) },
      { method: 'DELETE', path: '/nowhere', status: 404, at: expect.any(String) },
    ]);
    expect(JSON.stringify(log)).not.toContain(ACCESS_KEY_SECRET);
  });

  test('url and port match the listener', async () => {
    const emulator = await start();

    expect(emulator.port).toBeGreaterThan(0);
    expect(emulator.url).toBe(`http://127.0.0.1:${emulator.port}`);
    expect(emulator.options.host).toBe('127.0.0.1');
    expect(emulator.options.credentials.accessKeyId).toBe(ACCESS_KEY_ID);
    expect(Object.isFrozen(emulator.options)).toBe(true);
  });

  test('upsertCluster keeps active run busy', async () => {
    const emulator = await start();
    await launchRequestId(emulator);

    emulator.upsertCluster({ clusterId: CLUSTER_ID, clusterName: 'test-cluster', openApiKey: OPEN_API_KEY, settings: { workerCnt: 8 } });

    expect((await launch(emulator)).status).toBe(202);
  });

  test('upsertCluster rejects invalid cluster', async () => {
    const emulator = await start();

    expect(() => emulator.upsertCluster({ clusterId: 'a/b', clusterName: 'x', openApiKey: 'k' })).toThrow(TypeError);
  });

  test('createEmulator rejects invalid options', async () => {
    await expect(createEmulator({ latencyMs: -1 })).rejects.toThrow(/latencyMs/);
    await expect(createEmulator({ defaultRun: { statuses: [] } })).rejects.toThrow(/defaultRun\.statuses/);
    const duplicate = { clusterId: 'same', clusterName: 'x', openApiKey: 'k' };
    await expect(createEmulator({ clusters: [duplicate, duplicate] })).rejects.toThrow(/duplicate cluster ID same/);
  });

  test('keep-alive connections are reused and closed', async () => {
    const emulator = await start();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
        const request = httpRequest(`${emulator.url}/_emulator/ledger`, { agent }, (response) => {
          response.resume();
          response.on('end', () => resolve({ status: response.statusCode ?? 0, reused: request.reusedSocket }));
        });
        request.on('error', reject);
        request.end();
      });

    const first = await get();
    const second = await get();

    expect(first).toEqual({ status: 200, reused: false });
    expect(second).toEqual({ status: 200, reused: true });
    const startedAt = performance.now();
    await emulator.close();
    emulators = emulators.filter((item) => item !== emulator);
    expect(performance.now() - startedAt).toBeLessThan(1000);
    agent.destroy();
  });

  test('close ends pending delayed responses', async () => {
    const emulator = await start({ latencyMs: 10_000 });
    const pending = launch(emulator);
    await sleep(50);

    const startedAt = performance.now();
    await emulator.close();
    emulators = emulators.filter((item) => item !== emulator);

    expect(performance.now() - startedAt).toBeLessThan(1000);
    await expect(pending).rejects.toThrow();
  });
});

describe('loadEmulatorConfigFile', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'emulator-config-'));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  test('reads valid options without defaults', async () => {
    const path = join(directory, 'valid.json');
    await writeFile(path, JSON.stringify({ port: 0, defaultRun: { result: 'Failure' } }));

    const options = await loadEmulatorConfigFile(path);

    expect(options).toEqual({ port: 0, defaultRun: { result: 'Failure' } });
  });

  test('names invalid fields', async () => {
    const path = join(directory, 'invalid.json');
    await writeFile(path, JSON.stringify({ clusters: [{ clusterId: 'x' }], unknownOption: true }));

    await expect(loadEmulatorConfigFile(path)).rejects.toThrow(/clusters\.0\.clusterName/);
    await expect(loadEmulatorConfigFile(path)).rejects.toThrow(/unknownOption/);
  });

  test('reports invalid JSON and missing files', async () => {
    const path = join(directory, 'broken.json');
    await writeFile(path, '{');

    await expect(loadEmulatorConfigFile(path)).rejects.toThrow(/not valid JSON/);
    await expect(loadEmulatorConfigFile(join(directory, 'missing.json'))).rejects.toThrow(/Failed to read/);
  });
});

describe('truncate fault', () => {
  test('cuts body in half, keeps run', async () => {
    const emulator = await start();
    emulator.injectFault({ kind: 'truncate', match: { method: 'POST' } });

    const result = await rawLaunch(emulator);

    const contentLength = Number(result.headers['content-length']);
    expect(result.status).toBe(200);
    expect(result.headers['content-type']).toMatch(/^application\/json/);
    expect(contentLength).toBeGreaterThan(100);
    expect(result.bytes).toBe(Math.floor(contentLength / 2));
    expect(result.complete).toBe(false);
    expect(emulator.launchCount()).toBe(1);
    expect(emulator.requestLog().at(-1)).toMatchObject({ method: 'POST', status: 200, fault: 'truncate' });
    const retry = await launch(emulator);
    expect(retry.status).toBe(202);
    expect(retry.json.requestId).toBe(emulator.ledger()[0]?.requestId);
  });

  test('sends its status and keepBytes', async () => {
    const emulator = await start();
    const requestId = await launchRequestId(emulator);
    emulator.injectFault({ kind: 'truncate', status: 503, keepBytes: 10, match: { method: 'GET' } });

    const path = `/v2/hadoop-eco/clusters/${CLUSTER_ID}/requests/${requestId}`;
    const result = await rawRequest(emulator, 'GET', path, AUTH_HEADERS);

    expect(result.status).toBe(503);
    expect(result.bytes).toBe(10);
    expect(result.complete).toBe(false);
    // The handler ran, so the cut-off poll counted.
    expect((await getStatus(emulator, requestId)).json.requestStatus).toBe('Provisioning');
  });

  test('keepBytes is capped below body length', async () => {
    const emulator = await start();
    emulator.injectFault({ kind: 'truncate', keepBytes: 1_000_000 });

    const result = await rawLaunch(emulator);

    expect(result.bytes).toBe(Number(result.headers['content-length']) - 1);
    expect(result.complete).toBe(false);
  });

  test('fetch rejects truncated body', async () => {
    const emulator = await start();
    emulator.injectFault({ kind: 'truncate', keepBytes: 0 });

    await expect(launch(emulator)).rejects.toThrow();

    expect(emulator.launchCount()).toBe(1);
  });

  test('invalid truncate fault is rejected', async () => {
    const emulator = await start();

    expect(() => emulator.injectFault({ kind: 'truncate', keepBytes: -1 })).toThrow(/keepBytes/);
    expect(() => emulator.injectFault({ kind: 'truncate', status: 700 })).toThrow(/status/);
  });
});

/** Sends `count` status requests for an unknown request ID, which return 404 without a fault, and returns their statuses. */
async function statusSequence(emulator: Emulator, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let index = 0; index < count; index += 1) {
    statuses.push((await getStatus(emulator, 'req-00000000000000000000000000000000')).status);
  }
  return statuses;
}

describe('fault profile', () => {
  test('serverErrorRate 1 sends 5xx, no run', async () => {
    const emulator = await start({ faultProfile: { serverErrorRate: 1, seed: 7 } });

    const results: HttpResult[] = [];
    for (let index = 0; index < 20; index += 1) results.push(await launch(emulator));

    const statuses = results.map((result) => result.status);
    for (const status of statuses) expect([500, 502, 503, 504]).toContain(status);
    expect(new Set(statuses).size).toBeGreaterThan(1);
    expect(results[0]?.json).toEqual({ code: statuses[0], message: expect.stringMatching(/Fault injected/) });
    expect(emulator.launchCount()).toBe(0);
    expect(emulator.stats().faults).toEqual({ 'server-error': 20 });
  });

  test('serverErrorStatuses sets the statuses', async () => {
    const emulator = await start({ faultProfile: { serverErrorRate: 1, serverErrorStatuses: [503] } });

    expect(await statusSequence(emulator, 5)).toEqual([503, 503, 503, 503, 503]);
  });

  test('rateLimitRate 1 sends 429, no run', async () => {
    const emulator = await start({ faultProfile: { rateLimitRate: 1, retryAfterSeconds: 7 } });

    const result = await launch(emulator);

    expect(result.status).toBe(429);
    expect(result.headers.get('retry-after')).toBe('7');
    expect(result.json.code).toBe(429);
    expect(emulator.launchCount()).toBe(0);
  });

  test('retryAfterSeconds defaults to 1', async () => {
    const emulator = await start({ faultProfile: { rateLimitRate: 1 } });

    const result = await launch(emulator);

    expect(result.headers.get('retry-after')).toBe('1');
  });

  test('dropBeforeRate 1 drops, no run', async () => {
    const emulator = await start({ faultProfile: { dropBeforeRate: 1 } });

    await expect(launch(emulator)).rejects.toThrow();

    expect(emulator.launchCount()).toBe(0);
    expect(emulator.requestLog().at(-1)).toMatchObject({ status: 'dropped', fault: 'drop-before' });
  });

  test('dropAfterRate 1 drops after run', async () => {
    const emulator = await start({ faultProfile: { dropAfterRate: 1 } });

    await expect(launch(emulator)).rejects.toThrow();

    expect(emulator.launchCount()).toBe(1);
    expect(emulator.requestLog().at(-1)).toMatchObject({ status: 'dropped', fault: 'drop-after' });
  });

  test('garbageRate 1 sends HTML, no run', async () => {
    const emulator = await start({ faultProfile: { garbageRate: 1 } });

    const result = await launch(emulator);

    expect(result.status).toBe(200);
    expect(result.text).toBe(PROFILE_GARBAGE_BODY);
    expect(result.text).toBe('<html>upstream error</html>');
    expect(result.headers.get('content-type')).toBe('text/html');
    expect(emulator.launchCount()).toBe(0);
  });

  test('truncateRate 1 cuts body after run', async () => {
    const emulator = await start({ faultProfile: { truncateRate: 1 } });

    const result = await rawLaunch(emulator);

    expect(result.status).toBe(200);
    expect(result.bytes).toBe(Math.floor(Number(result.headers['content-length']) / 2));
    expect(result.complete).toBe(false);
    expect(emulator.launchCount()).toBe(1);
  });

  test('rates of 0 leave responses alone', async () => {
    const emulator = await start({ faultProfile: {} });

    expect((await launch(emulator)).status).toBe(200);
    expect(emulator.stats().faults).toEqual({});
  });

  test('seed repeats the sequence', async () => {
    const profile = { serverErrorRate: 0.25, rateLimitRate: 0.25, garbageRate: 0.25, seed: 1234 };
    const emulator = await start({ faultProfile: profile });

    const first = await statusSequence(emulator, 30);
    emulator.setFaultProfile(profile);
    const second = await statusSequence(emulator, 30);
    const other = await start({ faultProfile: profile });
    const third = await statusSequence(other, 30);

    expect(second).toEqual(first);
    expect(third).toEqual(first);
    expect(first).toContain(404);
    expect(first).toContain(429);
    expect(first).toContain(200);
    expect(first.some((status) => status >= 500)).toBe(true);
  });

  test('different seeds give different sequences', async () => {
    const emulator = await start({ faultProfile: { serverErrorRate: 0.5, seed: 1 } });
    const other = await start({ faultProfile: { serverErrorRate: 0.5, seed: 2 } });

    expect(await statusSequence(other, 30)).not.toEqual(await statusSequence(emulator, 30));
  });

  test('queued fault wins without a draw', async () => {
    const profile = { serverErrorRate: 0.5, seed: 99 };
    const emulator = await start({ faultProfile: profile });
    const expected = await statusSequence(emulator, 10);

    emulator.setFaultProfile(profile);
    emulator.injectFault({ kind: 'status', status: 418 });
    const [queued, ...rest] = await statusSequence(emulator, 11);

    expect(queued).toBe(418);
    expect(rest).toEqual(expected);
  });

  test('methods limits the profile', async () => {
    const emulator = await start({ faultProfile: { serverErrorRate: 1, serverErrorStatuses: [500], methods: ['GET'] } });

    const launched = await launch(emulator);
    const status = await getStatus(emulator, launched.json.requestId);
    emulator.setFaultProfile({ serverErrorRate: 1, serverErrorStatuses: [500], methods: ['POST'] });
    const busy = await launch(emulator);
    const statusAfter = await getStatus(emulator, launched.json.requestId);

    expect(launched.status).toBe(200);
    expect(status.status).toBe(500);
    expect(busy.status).toBe(500);
    expect(statusAfter.status).toBe(200);
  });

  test('other methods are never faulted', async () => {
    const emulator = await start({ faultProfile: { serverErrorRate: 1 } });

    const result = await call(emulator, 'DELETE', '/nowhere');

    expect(result.status).toBe(404);
  });

  test('latency stays within range', async () => {
    const emulator = await start({ faultProfile: { latencyMs: { min: 100, max: 300 } } });

    for (let index = 0; index < 4; index += 1) {
      const startedAt = performance.now();
      const result = await launch(emulator, { body: {} });
      const elapsedMs = performance.now() - startedAt;

      expect([200, 202]).toContain(result.status);
      expect(elapsedMs).toBeGreaterThanOrEqual(90);
      // Loose bound: the draw is at most 300 ms, the rest is scheduling slack.
      expect(elapsedMs).toBeLessThan(3000);
    }
  });

  test('fixed latency applies to drops too', async () => {
    const emulator = await start({ faultProfile: { latencyMs: { min: 150, max: 150 }, dropBeforeRate: 1 } });

    const startedAt = performance.now();
    await expect(launch(emulator)).rejects.toThrow();

    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(140);
  });

  test('rates summing over 1 are rejected', async () => {
    const emulator = await start();

    expect(() => emulator.setFaultProfile({ serverErrorRate: 0.6, rateLimitRate: 0.5 })).toThrow(TypeError);
    expect(() => emulator.setFaultProfile({ serverErrorRate: 0.6, rateLimitRate: 0.5 })).toThrow(
      /serverErrorRate 0\.6 \+ rateLimitRate 0\.5.*more than 1|more than 1.*serverErrorRate 0\.6 \+ rateLimitRate 0\.5/,
    );
    await expect(createEmulator({ faultProfile: { garbageRate: 0.9, truncateRate: 0.2 } })).rejects.toThrow(
      /faultProfile.*garbageRate 0\.9 \+ truncateRate 0\.2/,
    );
    expect(emulator.faultProfile()).toBeUndefined();
  });

  test('rates summing to exactly 1 pass', async () => {
    const emulator = await start();

    emulator.setFaultProfile({ serverErrorRate: 0.1, rateLimitRate: 0.2, dropBeforeRate: 0.7 });

    expect(emulator.faultProfile()?.dropBeforeRate).toBe(0.7);
  });

  const invalidProfiles: Array<[string, unknown, RegExp]> = [
    ['rate above 1', { serverErrorRate: 1.5 }, /serverErrorRate/],
    ['negative rate', { truncateRate: -0.1 }, /truncateRate/],
    ['non-5xx status', { serverErrorStatuses: [404] }, /serverErrorStatuses\.0/],
    ['empty statuses', { serverErrorStatuses: [] }, /serverErrorStatuses/],
    ['fractional Retry-After', { retryAfterSeconds: 1.5 }, /retryAfterSeconds/],
    ['latency min above max', { latencyMs: { min: 200, max: 100 } }, /latencyMs\.min: min must not be greater than max/],
    ['unknown method', { methods: ['DELETE'] }, /methods\.0/],
    ['negative seed', { seed: -1 }, /seed/],
    ['unknown field', { dropRate: 0.1 }, /dropRate/],
  ];

  test.each(invalidProfiles)('rejects %s', async (_name, profile, message) => {
    const emulator = await start();

    expect(() => emulator.setFaultProfile(profile as never)).toThrow(TypeError);
    expect(() => emulator.setFaultProfile(profile as never)).toThrow(message);
  });

  test('faultProfile returns defaults and copies', async () => {
    const emulator = await start({ faultProfile: { rateLimitRate: 0.5 } });

    const profile = emulator.faultProfile();
    (profile as { rateLimitRate: number }).rateLimitRate = 0;

    expect(emulator.faultProfile()).toEqual({
      serverErrorRate: 0,
      serverErrorStatuses: [500, 502, 503, 504],
      rateLimitRate: 0.5,
      retryAfterSeconds: 1,
      dropBeforeRate: 0,
      dropAfterRate: 0,
      garbageRate: 0,
      truncateRate: 0,
      latencyMs: { min: 0, max: 0 },
      methods: ['GET', 'POST'],
    });
  });

  test('setFaultProfile undefined clears it', async () => {
    const emulator = await start({ faultProfile: { serverErrorRate: 1 } });

    emulator.setFaultProfile(undefined);

    expect(emulator.faultProfile()).toBeUndefined();
    expect((await launch(emulator)).status).toBe(200);
  });

  test('reset restores options profile', async () => {
    const emulator = await start({ faultProfile: { serverErrorRate: 1, serverErrorStatuses: [502] } });
    emulator.setFaultProfile({ rateLimitRate: 1 });
    expect((await launch(emulator)).status).toBe(429);

    emulator.reset();

    expect((await launch(emulator)).status).toBe(502);
    emulator.setFaultProfile(undefined);
    emulator.reset();
    expect((await launch(emulator)).status).toBe(502);
  });

  test('reset drops runtime profile', async () => {
    const emulator = await start();
    emulator.setFaultProfile({ serverErrorRate: 1 });

    emulator.reset();

    expect(emulator.faultProfile()).toBeUndefined();
    expect((await launch(emulator)).status).toBe(200);
  });

  test('reset restarts seeded sequence', async () => {
    const emulator = await start({ faultProfile: { serverErrorRate: 0.5, seed: 5 } });
    const first = await statusSequence(emulator, 20);

    emulator.reset();

    expect(await statusSequence(emulator, 20)).toEqual(first);
  });
});

describe('fault profile admin endpoint', () => {
  test('sets, reads and clears the profile', async () => {
    const emulator = await start();

    const initial = await call(emulator, 'GET', '/_emulator/fault-profile');
    expect(initial.status).toBe(200);
    expect(initial.json).toEqual({ faultProfile: null });

    const put = await call(emulator, 'PUT', '/_emulator/fault-profile', {
      body: JSON.stringify({ serverErrorRate: 1, serverErrorStatuses: [503] }),
    });
    expect(put.status).toBe(200);
    expect(put.json.faultProfile).toMatchObject({ serverErrorRate: 1, serverErrorStatuses: [503], rateLimitRate: 0 });
    expect((await launch(emulator)).status).toBe(503);

    const read = await call(emulator, 'GET', '/_emulator/fault-profile');
    expect(read.json).toEqual(put.json);
    expect(read.json.faultProfile).toEqual(emulator.faultProfile());

    const deleted = await call(emulator, 'DELETE', '/_emulator/fault-profile');
    expect(deleted.status).toBe(200);
    expect(deleted.json).toEqual({ faultProfile: null });
    expect(emulator.faultProfile()).toBeUndefined();
    expect((await launch(emulator)).status).toBe(200);
  });

  test('PUT names invalid fields', async () => {
    const emulator = await start();

    const invalid = await call(emulator, 'PUT', '/_emulator/fault-profile', {
      body: JSON.stringify({ serverErrorRate: 2, bogus: 1 }),
    });
    const overOne = await call(emulator, 'PUT', '/_emulator/fault-profile', {
      body: JSON.stringify({ dropBeforeRate: 0.5, dropAfterRate: 0.6 }),
    });
    const notJson = await call(emulator, 'PUT', '/_emulator/fault-profile', { body: 'nope' });
    const nullBody = await call(emulator, 'PUT', '/_emulator/fault-profile', { body: 'null' });

    expect(invalid.status).toBe(400);
    expect(invalid.json.message).toMatch(/Invalid fault profile/);
    expect(invalid.json.message).toMatch(/serverErrorRate/);
    expect(invalid.json.message).toMatch(/bogus/);
    expect(overOne.status).toBe(400);
    expect(overOne.json.message).toMatch(/dropBeforeRate 0\.5 \+ dropAfterRate 0\.6/);
    expect(notJson.status).toBe(400);
    expect(notJson.json.message).toMatch(/not valid JSON/);
    expect(nullBody.status).toBe(400);
    expect(emulator.faultProfile()).toBeUndefined();
  });

  test('POST is not allowed', async () => {
    const emulator = await start();

    const result = await call(emulator, 'POST', '/_emulator/fault-profile', { body: '{}' });

    expect(result.status).toBe(405);
    expect(result.headers.get('allow')).toBe('GET, PUT, DELETE');
  });

  test('admin requests are never faulted', async () => {
    const emulator = await start({ faultProfile: { dropBeforeRate: 1 } });

    const result = await call(emulator, 'GET', '/_emulator/fault-profile');

    expect(result.status).toBe(200);
  });
});

describe('stats', () => {
  test('counts requests, launches and faults', async () => {
    const emulator = await start({ defaultRun: { statuses: ['Terminate'] } });
    await launchRequestId(emulator);
    emulator.injectFault({ kind: 'status', status: 503 });
    emulator.injectFault({ kind: 'garbage', body: 'x' });
    emulator.injectFault({ kind: 'delay', ms: 0 });
    await launch(emulator);
    await launch(emulator);
    await launch(emulator);
    emulator.setFaultProfile({ garbageRate: 1 });
    await launch(emulator);
    emulator.setFaultProfile({ rateLimitRate: 1 });
    await launch(emulator);
    await call(emulator, 'GET', '/_emulator/ledger');

    expect(emulator.stats()).toEqual({
      requests: 6,
      launches: 2,
      faults: { status: 1, garbage: 2, delay: 1, 'rate-limit': 1 },
    });
  });

  test('counts every profile outcome name', async () => {
    const emulator = await start();
    const profiles = [
      { serverErrorRate: 1 },
      { rateLimitRate: 1 },
      { dropBeforeRate: 1 },
      { dropAfterRate: 1 },
      { garbageRate: 1 },
      { truncateRate: 1 },
    ];

    for (const profile of profiles) {
      emulator.setFaultProfile(profile);
      await launch(emulator).catch(() => undefined);
    }

    expect(emulator.stats().faults).toEqual({
      'server-error': 1,
      'rate-limit': 1,
      'drop-before': 1,
      'drop-after': 1,
      garbage: 1,
      truncate: 1,
    });
  });

  test('GET /_emulator/stats matches stats()', async () => {
    const emulator = await start();
    emulator.injectFault({ kind: 'drop', when: 'before' });
    await launch(emulator).catch(() => undefined);
    await launch(emulator);

    const result = await call(emulator, 'GET', '/_emulator/stats');

    expect(result.status).toBe(200);
    expect(result.json).toEqual({ requests: 2, launches: 1, faults: { drop: 1 } });
    expect(result.json).toEqual(emulator.stats());
  });

  test('reset clears counters', async () => {
    const emulator = await start({ faultProfile: { serverErrorRate: 1 } });
    await launch(emulator);

    emulator.reset();

    expect(emulator.stats()).toEqual({ requests: 0, launches: 0, faults: {} });
  });
});

describe('request log limit', () => {
  test('keeps only newest entries', async () => {
    const emulator = await start({ requestLogLimit: 3 });

    for (let index = 0; index < 7; index += 1) await call(emulator, 'GET', `/unknown-${index}`);

    expect(emulator.requestLog().map((entry) => entry.path)).toEqual(['/unknown-4', '/unknown-5', '/unknown-6']);
    expect(emulator.stats().requests).toBe(7);
  });

  test('ledger stays complete', async () => {
    const emulator = await start({ requestLogLimit: 2, defaultRun: { statuses: ['Terminate'] } });

    for (let index = 0; index < 5; index += 1) await launchRequestId(emulator);

    expect(emulator.requestLog()).toHaveLength(2);
    expect(emulator.ledger()).toHaveLength(5);
    expect(emulator.launchCount()).toBe(5);
  });

  test('limit 0 keeps no entries', async () => {
    const emulator = await start({ requestLogLimit: 0 });

    await launch(emulator);

    expect(emulator.requestLog()).toEqual([]);
    expect(emulator.stats().requests).toBe(1);
  });

  test('defaults to 10000', async () => {
    const emulator = await start();

    expect(emulator.options.requestLogLimit).toBe(10_000);
    await expect(createEmulator({ requestLogLimit: -1 })).rejects.toThrow(/requestLogLimit/);
  });
});

describe('emulator CLI', () => {
  /** Directory with the emulator's sources compiled to JavaScript, so the CLI runs without touching dist/. */
  let cliDirectory: string;

  beforeAll(async () => {
    cliDirectory = await mkdtemp(join(tmpdir(), 'emulator-cli-'));
    const sourceDirectory = resolve(__dirname, '../src/emulator');
    const files = (await readdir(sourceDirectory)).filter((file) => file.endsWith('.ts'));
    for (const file of files) {
      const source = await readFile(join(sourceDirectory, file), 'utf8');
      const output = ts.transpileModule(source, {
        fileName: file,
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      });
      await writeFile(join(cliDirectory, file.replace(/\.ts$/, '.js')), output.outputText);
    }
    // The compiled files resolve commander, ms and zod through this link.
    await symlink(resolve(__dirname, '../node_modules'), join(cliDirectory, 'node_modules'), 'dir');
  });

  afterAll(async () => {
    await rm(cliDirectory, { recursive: true, force: true });
  });

  function runCliToExit(args: string[]) {
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolvePromise) => {
      execFile(process.execPath, [join(cliDirectory, 'main.js'), ...args], { timeout: 15_000 }, (error, stdout, stderr) => {
        // A child killed by the timeout has no numeric exit code.
        let code: number | null = 0;
        if (error !== null) code = typeof error.code === 'number' ? error.code : null;
        resolvePromise({ code, stdout, stderr });
      });
    });
  }

  /** Starts the CLI on a free port, reads its fault profile over HTTP and stops it. */
  async function cliFaultProfile(args: string[]): Promise<{ faultProfile: unknown; stdout: string; launchStatus: number }> {
    const child = spawn(process.execPath, [join(cliDirectory, 'main.js'), '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<void>((resolvePromise) => child.on('exit', () => resolvePromise()));
    try {
      const url = await new Promise<string>((resolvePromise, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+) /.exec(stdout);
          if (match?.[1] !== undefined) resolvePromise(match[1]);
        });
        child.on('exit', (code) => reject(new Error(`CLI exited with ${code} before listening: ${stderr}`)));
      });
      const profile = (await (await fetch(`${url}/_emulator/fault-profile`)).json()) as { faultProfile: unknown };
      const launched = await fetch(`${url}/v2/hadoop-eco/clusters/${CLUSTER_ID}`, {
        method: 'POST',
        headers: { ...AUTH_HEADERS, 'Content-Type': 'application/json' },
      }).catch(() => undefined);
      await launched?.text().catch(() => undefined);
      return { faultProfile: profile.faultProfile, stdout, launchStatus: launched?.status ?? 0 };
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }

  test('fault flags set the profile', async () => {
    const result = await cliFaultProfile([
      '--fault-5xx-rate', '0.1',
      '--fault-429-rate', '0.2',
      '--retry-after', '5',
      '--fault-drop-before-rate', '0.05',
      '--fault-drop-after-rate', '0.05',
      '--fault-garbage-rate', '0.1',
      '--fault-truncate-rate', '.1',
      '--fault-latency', '50ms..2s',
      '--seed', '42',
    ]);

    expect(result.faultProfile).toEqual({
      serverErrorRate: 0.1,
      serverErrorStatuses: [500, 502, 503, 504],
      rateLimitRate: 0.2,
      retryAfterSeconds: 5,
      dropBeforeRate: 0.05,
      dropAfterRate: 0.05,
      garbageRate: 0.1,
      truncateRate: 0.1,
      latencyMs: { min: 50, max: 2000 },
      methods: ['GET', 'POST'],
      seed: 42,
    });
    expect(result.stdout).toMatch(/fault profile: \{"serverErrorRate":0\.1/);
  });

  test('5xx rate 1 faults every launch', async () => {
    const result = await cliFaultProfile(['--fault-5xx-rate', '1', '--fault-latency', '20ms']);

    expect(result.faultProfile).toMatchObject({ serverErrorRate: 1, latencyMs: { min: 20, max: 20 } });
    expect([500, 502, 503, 504]).toContain(result.launchStatus);
  });

  test('no fault flags, no profile', async () => {
    const result = await cliFaultProfile([]);

    expect(result.faultProfile).toBeNull();
    expect(result.launchStatus).toBe(200);
    expect(result.stdout).not.toMatch(/fault profile/);
  });

  test('flags override config file profile', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'emulator-cli-config-'));
    try {
      const path = join(directory, 'config.json');
      await writeFile(path, JSON.stringify({ faultProfile: { serverErrorRate: 0.5, serverErrorStatuses: [503], seed: 1 } }));

      const result = await cliFaultProfile(['--config', path, '--fault-429-rate', '0.25', '--seed', '2']);

      expect(result.faultProfile).toMatchObject({ serverErrorRate: 0.5, serverErrorStatuses: [503], rateLimitRate: 0.25, seed: 2 });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  const badFlags: Array<[string, string[], RegExp]> = [
    ['5xx rate above 1', ['--fault-5xx-rate', '1.5'], /--fault-5xx-rate.*expected a number from 0 to 1, got "1\.5"/],
    ['negative 429 rate', ['--fault-429-rate=-0.1'], /--fault-429-rate.*from 0 to 1/],
    ['drop before rate not a number', ['--fault-drop-before-rate', 'abc'], /--fault-drop-before-rate.*from 0 to 1/],
    ['drop after rate 2', ['--fault-drop-after-rate', '2'], /--fault-drop-after-rate.*from 0 to 1/],
    ['garbage rate in hex', ['--fault-garbage-rate', '0x1'], /--fault-garbage-rate.*from 0 to 1/],
    ['empty truncate rate', ['--fault-truncate-rate='], /--fault-truncate-rate.*from 0 to 1/],
    ['fractional Retry-After', ['--retry-after', '1.5'], /--retry-after.*whole number of seconds, 0 or more/],
    ['latency min above max', ['--fault-latency', '2s..50ms'], /--fault-latency.*<min>\.\.<max>.*min not above max/],
    ['latency not a duration', ['--fault-latency', 'soon'], /--fault-latency.*duration/],
    ['latency with three bounds', ['--fault-latency', '1ms..2ms..3ms'], /--fault-latency/],
    ['negative seed', ['--seed=-1'], /--seed.*integer from 0 to 4294967295/],
    ['seed above 32 bits', ['--seed', '4294967296'], /--seed.*integer from 0 to 4294967295/],
    [
      'rates summing over 1',
      ['--fault-5xx-rate', '0.6', '--fault-429-rate', '0.5'],
      /--fault-5xx-rate 0\.6 \+ --fault-429-rate 0\.5.*at most 1/,
    ],
  ];

  test.each(badFlags)('rejects %s with exit 1', async (_name, args, message) => {
    const outcome = await runCliToExit(['--port', '0', ...args]);

    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(message);
    expect(outcome.stdout).not.toMatch(/listening/);
  });

  test('config and flag rates over 1 fail to start', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'emulator-cli-config-'));
    try {
      const path = join(directory, 'config.json');
      await writeFile(path, JSON.stringify({ faultProfile: { garbageRate: 0.8 } }));

      const outcome = await runCliToExit(['--port', '0', '--config', path, '--fault-truncate-rate', '0.3']);

      expect(outcome.code).toBe(1);
      expect(outcome.stderr).toMatch(/faultProfile.*garbageRate 0\.8 \+ truncateRate 0\.3/);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
