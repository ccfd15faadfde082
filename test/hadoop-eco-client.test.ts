import { createServer } from 'node:net';
import { once } from 'node:events';
import { createEmulator, type Emulator } from '../src/emulator';
import { FailureType } from '../src/failures';
import {
  BadRequestError,
  ClusterBusyError,
  ForbiddenError,
  HadoopEcoClient,
  type HadoopEcoCredentials,
  InvalidResponseError,
  NetworkError,
  NotFoundError,
  normalizeJobType,
  parseRetryAfter,
  RateLimitedError,
  ServerError,
  UnauthorizedError,
  UnexpectedStatusError,
} from '../src/hadoop-eco';

const CLUSTER = '58ceed05-e4f5-4a85-b9a6-e9b79ae8dcdf';
const OTHER_CLUSTER = '11111111-2222-4333-8444-555555555555';

let emulator: Emulator;
let client: HadoopEcoClient;
let credentials: HadoopEcoCredentials;

beforeAll(async () => {
  emulator = await createEmulator({
    clusters: [
      { clusterId: CLUSTER, clusterName: 'test-cluster', openApiKey: 'cluster-key-1' },
      { clusterId: OTHER_CLUSTER, clusterName: 'other', openApiKey: 'cluster-key-2', jobType: 'spark' },
    ],
  });
  client = new HadoopEcoClient({ baseUrl: emulator.url, headersTimeout: '2s', bodyTimeout: '2s' });
  credentials = { ...emulator.options.credentials, openApiKey: 'cluster-key-1' };
});

afterAll(async () => {
  await client?.close();
  await emulator?.close();
});

beforeEach(() => emulator.reset());

/** Runs `call` and returns what it threw, failing the test when it resolved. */
async function rejectionOf(call: Promise<unknown>): Promise<Error> {
  return call.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: Error) => error,
  );
}

describe('HadoopEcoClient against the emulator', () => {
  test('200 launch parses the documented shape', async () => {
    const response = await client.launch(CLUSTER, { workerCnt: 2, userTaskDeployMode: 'cluster' }, credentials);

    expect(response.clusterId).toBe(CLUSTER);
    expect(response.clusterName).toBe('test-cluster');
    expect(response.requestId).toMatch(/^req-[0-9a-f]{32}$/);
    expect(response.clusterMainSettingValues?.workerCnt).toBe(2);
    expect(response.clusterMainSettingValues?.userTaskDeployMode).toBe(true);
    expect(normalizeJobType(response.clusterMainSettingValues?.jobType)).toBe('hive');
    expect(emulator.ledger()[0]?.requestId).toBe(response.requestId);
  });

  test('200 status without and with verbose', async () => {
    const { requestId } = await client.launch(CLUSTER, {}, credentials);

    const brief = await client.getStatus(CLUSTER, requestId, credentials);
    expect(brief.requestStatus).toBe('Pending');
    expect(brief.clusterMeta).toBeUndefined();

    const full = await client.getStatus(CLUSTER, requestId, credentials, { verbose: true });
    expect(full.clusterMeta?.cluster_id).toBe(CLUSTER);
    expect(full.clusterMeta?.worker_vm?.host_list).toHaveLength(2);
    // Fields the schema does not name are kept.
    expect(full.clusterMeta).toHaveProperty('service_check_timeout', 10);
    expect(full.clusterMeta).toHaveProperty('master_vm.network.security_group_id_list');
  });

  test('202 while a run is active becomes ClusterBusyError', async () => {
    await client.launch(CLUSTER, {}, credentials);
    const error = await rejectionOf(client.launch(CLUSTER, {}, credentials));

    expect(error).toBeInstanceOf(ClusterBusyError);
    expect((error as ClusterBusyError).code).toBe(FailureType.ClusterBusy);
    expect((error as ClusterBusyError).status).toBe(202);
    expect(emulator.launchCount()).toBe(1);
  });

  test('400 for an out-of-range body becomes BadRequestError', async () => {
    // The client sends what it is given; validation is the workflow's job.
    const error = await rejectionOf(client.launch(CLUSTER, { workerCnt: 0 }, credentials));
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).code).toBe(FailureType.BadRequest);
    expect((error as BadRequestError).bodyExcerpt).toContain('workerCnt');
  });

  test('401 for a wrong secret becomes UnauthorizedError', async () => {
    const error = await rejectionOf(client.launch(CLUSTER, {}, { ...credentials, accessKeySecret: 'wrong-secret-value' }));
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect((error as UnauthorizedError).status).toBe(401);
  });

  test('403 for another cluster key becomes ForbiddenError', async () => {
    const error = await rejectionOf(client.launch(CLUSTER, {}, { ...credentials, openApiKey: 'cluster-key-2' }));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect((error as ForbiddenError).status).toBe(403);
  });

  test('404 for an unknown cluster and an unknown request', async () => {
    const unknownCluster = await rejectionOf(client.launch('00000000-0000-4000-8000-000000000000', {}, credentials));
    expect(unknownCluster).toBeInstanceOf(NotFoundError);

    const unknownRequest = await rejectionOf(client.getStatus(CLUSTER, 'req-00000000000000000000000000000000', credentials));
    expect(unknownRequest).toBeInstanceOf(NotFoundError);
    expect((unknownRequest as NotFoundError).operation).toBe(`GET /v2/hadoop-eco/clusters/${CLUSTER}/requests/req-00000000000000000000000000000000`);
  });

  test('429 carries Retry-After in milliseconds', async () => {
    emulator.injectFault({ kind: 'status', status: 429, headers: { 'Retry-After': '7' }, body: { code: 429, message: 'slow down' } });
    const error = await rejectionOf(client.launch(CLUSTER, {}, credentials));

    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(7000);
    expect(emulator.launchCount()).toBe(0);
  });

  test.each([500, 502, 503, 504])('%i becomes ServerError with its status', async (status) => {
    emulator.injectFault({ kind: 'status', status, body: `<html><body>${status} gateway trouble</body></html>` });
    const error = await rejectionOf(client.launch(CLUSTER, {}, credentials));

    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).status).toBe(status);
    expect((error as ServerError).bodyExcerpt).toContain('gateway trouble');
  });

  test('an undocumented status becomes UnexpectedStatusError', async () => {
    emulator.injectFault({ kind: 'status', status: 409, body: { code: 409 } });
    const error = await rejectionOf(client.launch(CLUSTER, {}, credentials));
    expect(error).toBeInstanceOf(UnexpectedStatusError);
    expect((error as UnexpectedStatusError).status).toBe(409);
  });

  test('a non-JSON 200 body becomes InvalidResponseError with an excerpt', async () => {
    emulator.injectFault({ kind: 'garbage', body: '<html>maintenance</html>', contentType: 'text/html' });
    const error = await rejectionOf(client.launch(CLUSTER, {}, credentials));

    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).status).toBe(200);
    expect((error as InvalidResponseError).bodyExcerpt).toBe('<html>maintenance</html>');
  });

  test('a wrong-shape 200 body names the bad field', async () => {
    emulator.injectFault({ kind: 'garbage', body: JSON.stringify({ clusterId: CLUSTER, clusterName: 'x', requestId: 42 }) });
    const error = await rejectionOf(client.launch(CLUSTER, {}, credentials));

    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).problems).toEqual([expect.stringContaining('requestId')]);
  });

  test('a long error body is truncated', async () => {
    emulator.injectFault({ kind: 'status', status: 500, body: 'x'.repeat(10_000) });
    const error = (await rejectionOf(client.launch(CLUSTER, {}, credentials))) as ServerError;
    expect(error.bodyExcerpt?.length).toBeLessThanOrEqual(513);
  });

  test('credentials echoed in an error body are redacted', async () => {
    const echoing = await createEmulator({ echoHeadersInErrors: true, clusters: [{ clusterId: CLUSTER, clusterName: 'c', openApiKey: 'cluster-key-1' }] });
    const echoClient = new HadoopEcoClient({ baseUrl: echoing.url });
    try {
      const wrong = { ...credentials, openApiKey: 'secret-open-api-key-0001' };
      const error = (await rejectionOf(echoClient.launch(CLUSTER, {}, wrong))) as ForbiddenError;

      expect(error).toBeInstanceOf(ForbiddenError);
      expect(error.bodyExcerpt).toContain('[REDACTED]');
      for (const secret of Object.values(wrong)) {
        expect(error.message).not.toContain(secret);
        expect(error.bodyExcerpt).not.toContain(secret);
      }
    } finally {
      await echoClient.close();
      await echoing.close();
    }
  });

  test('secrets are redacted in their JSON-escaped form too', async () => {
    const secret = 'quote"and\\backslash';
    const echoing = await createEmulator({ echoHeadersInErrors: true, credentials: { accessKeyId: 'id-1', accessKeySecret: secret }, clusters: [{ clusterId: CLUSTER, clusterName: 'c', openApiKey: 'cluster-key-1' }] });
    const echoClient = new HadoopEcoClient({ baseUrl: echoing.url });
    try {
      const error = (await rejectionOf(echoClient.launch(CLUSTER, {}, { accessKeyId: 'id-1', accessKeySecret: secret, openApiKey: 'wrong-key-0002' }))) as ForbiddenError;
      expect(error).toBeInstanceOf(ForbiddenError);
      expect(error.bodyExcerpt).not.toContain(JSON.stringify(secret).slice(1, -1));
      expect(error.bodyExcerpt).not.toContain('wrong-key-0002');
      expect(error.message).not.toContain('backslash');
    } finally {
      await echoClient.close();
      await echoing.close();
    }
  });

  test('a status for another request ID is an invalid response', async () => {
    const { requestId } = await client.launch(CLUSTER, {}, credentials);
    emulator.injectFault({ kind: 'garbage', body: JSON.stringify({ clusterId: CLUSTER, clusterName: 'x', requestId: 'req-other', requestStatus: 'Terminate' }) });

    const error = await rejectionOf(client.getStatus(CLUSTER, requestId, credentials));

    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain('req-other');
  });

  test('a body cut off mid-way is an invalid response with what arrived', async () => {
    emulator.injectFault({ kind: 'truncate', keepBytes: 10 });
    const error = (await rejectionOf(client.launch(CLUSTER, {}, credentials))) as InvalidResponseError;

    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.status).toBe(200);
    expect(error.message).toContain('cut off after 10 bytes');
    expect(error.bodyExcerpt).toHaveLength(10);
  });

  test('a dropped connection is a network error after connect', async () => {
    emulator.injectFault({ kind: 'drop', when: 'before' });
    const error = await rejectionOf(client.launch(CLUSTER, {}, credentials));

    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).requestNotSent).toBe(false);
  });

  test('a slow answer hits the headers timeout', async () => {
    emulator.injectFault({ kind: 'delay', ms: 4000 });
    const error = await rejectionOf(client.getStatus(CLUSTER, 'req-00000000000000000000000000000000', credentials));

    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).causeCode).toBe('UND_ERR_HEADERS_TIMEOUT');
    expect((error as NetworkError).requestNotSent).toBe(false);
  });

  test('a refused connection proves the request was not sent', async () => {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    server.close();
    await once(server, 'close');

    const closed = new HadoopEcoClient({ baseUrl: `http://127.0.0.1:${port}` });
    try {
      const error = await rejectionOf(closed.launch(CLUSTER, {}, credentials));
      expect(error).toBeInstanceOf(NetworkError);
      expect((error as NetworkError).causeCode).toBe('ECONNREFUSED');
      expect((error as NetworkError).requestNotSent).toBe(true);
    } finally {
      await closed.close();
    }
  });

  test('the four documented headers are sent', async () => {
    // The emulator returns 401 or 403 when any of them is missing or wrong.
    const response = await client.launch(CLUSTER, {}, credentials);
    const status = await client.getStatus(CLUSTER, response.requestId, credentials);
    expect(status.requestId).toBe(response.requestId);
  });
});

describe('response helpers', () => {
  test.each([
    ['hive', 'hive'],
    ['Hive', 'hive'],
    ['SPARK', 'spark'],
    [' spark ', 'spark'],
    ['presto', undefined],
    [undefined, undefined],
  ])('normalizeJobType(%p)', (value, expected) => {
    expect(normalizeJobType(value)).toBe(expected);
  });

  test.each<[string | undefined, number | undefined]>([
    ['5', 5000],
    ['0', 0],
    [undefined, undefined],
    ['soon', undefined],
    ['Thu, 01 Jan 1970 00:00:10 GMT', 10_000],
  ])('parseRetryAfter(%p)', (value, expected) => {
    expect(parseRetryAfter(value, 0)).toBe(expected);
  });
});
