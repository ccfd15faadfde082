import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Emulator } from '../src/emulator';
import { FailureType } from '../src/failures';
import { JOB_WORKFLOW_TYPE, type JobResult } from '../src/workflows/types';
import { type JobHarness, startJobHarness } from './support/harness';
import { closedPortUrl } from './support/temporal';

/**
 * Launch faults on the time-skipping server: every test counts the POSTs the
 * emulator received and the runs it created, because a launch may be
 * repeated only when the API provably launched nothing.
 */

const CLUSTER = '58ceed05-e4f5-4a85-b9a6-e9b79ae8dcdf';
const POLL = { initial: '5s', maximum: '5s' } as const;

let environment: JobHarness;
let emulator: Emulator;
let taskQueue: string;

beforeAll(async () => {
  environment = await startJobHarness({
    server: 'time-skipping',
    name: 'launch-faults',
    emulator: { clusters: [{ clusterId: CLUSTER, clusterName: 'faulty', openApiKey: 'cluster-key-1', run: { statuses: ['Processing', 'Terminate'] } }] },
    extraEndpoints: { closed: await closedPortUrl() },
  });
  ({ emulator, taskQueue } = environment);
});

afterAll(async () => {
  await environment?.close();
});

beforeEach(() => emulator.reset());

function execute(input: object): Promise<JobResult> {
  return environment.client.workflow.execute(JOB_WORKFLOW_TYPE, {
    args: [{ clusterId: CLUSTER, region: 'emulator', pollInterval: POLL, ...input }],
    taskQueue,
    workflowId: `launch-faults-${Math.random().toString(36).slice(2)}`,
  });
}

async function failureOf(input: object): Promise<ApplicationFailure> {
  const error = await execute(input).then(
    (result) => {
      throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WorkflowFailedError);
  const cause = (error as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

function posts(): number {
  return emulator.requestLog().filter((entry) => entry.method === 'POST').length;
}

describe('launch retries only when nothing was launched', () => {
  test('429 waits for Retry-After, then launches once', async () => {
    emulator.injectFault({ kind: 'status', status: 429, headers: { 'Retry-After': '120' }, body: { code: 429 }, match: { method: 'POST' }, times: 2 });
    const handle = await environment.client.workflow.start(JOB_WORKFLOW_TYPE, {
      args: [{ clusterId: CLUSTER, region: 'emulator', pollInterval: POLL }],
      taskQueue,
      workflowId: `launch-faults-429-${Date.now()}`,
    });

    const result = (await handle.result()) as JobResult;

    expect(result.requestResult).toBe('Success');
    expect(posts()).toBe(3);
    expect(emulator.launchCount()).toBe(1);
    const history = await handle.fetchHistory();
    const timerSeconds = (history.events ?? [])
      .map((event) => event.timerStartedEventAttributes?.startToFireTimeout?.seconds)
      .filter((seconds) => seconds !== undefined && seconds !== null)
      .map(Number);
    expect(timerSeconds.slice(0, 2)).toEqual([120, 120]);
  });

  test('503 on launch is retried', async () => {
    emulator.injectFault({ kind: 'status', status: 503, body: 'maintenance', match: { method: 'POST' }, times: 3 });
    const result = await execute({});
    expect(result.requestResult).toBe('Success');
    expect(posts()).toBe(4);
    expect(emulator.launchCount()).toBe(1);
  });

  test.each([500, 502, 504])('%i on launch is an unknown outcome', async (status) => {
    emulator.injectFault({ kind: 'status', status, body: 'gateway trouble', match: { method: 'POST' } });

    const failure = await failureOf({});

    expect(failure.type).toBe(FailureType.LaunchOutcomeUnknown);
    expect(failure.message).toContain('Kakao Cloud console');
    expect(failure.message).toContain(String(status));
    expect(posts()).toBe(1);
  });

  test.each([
    ['connection dropped before the answer', { kind: 'drop', when: 'before' } as const],
    ['connection dropped after the run was created', { kind: 'drop', when: 'after' } as const],
    ['non-JSON 200 body', { kind: 'garbage', body: '<html>ok</html>', contentType: 'text/html' } as const],
  ])('%s is an unknown outcome', async (_name, fault) => {
    emulator.injectFault({ ...fault, match: { method: 'POST' } });

    const failure = await failureOf({});

    expect(failure.type).toBe(FailureType.LaunchOutcomeUnknown);
    expect(posts()).toBe(1);
    expect(emulator.launchCount()).toBeLessThanOrEqual(1);
  });

  test('a refused connection is retried for 30 minutes, then fails', async () => {
    const failure = await failureOf({ region: 'closed' });

    expect(failure.type).toBe(FailureType.NetworkError);
    expect(failure.message).toContain('without reaching the API');
    const details = failure.details?.[0] as { attempts: number; elapsedMs: number };
    expect(details.attempts).toBeGreaterThan(5);
    expect(details.elapsedMs).toBeLessThanOrEqual(30 * 60_000);
  });
});

describe('busy cluster', () => {
  test('policy fail stops at the first 202', async () => {
    emulator.injectFault({ kind: 'status', status: 202, body: { code: 202, message: 'busy' }, match: { method: 'POST' }, times: 100 });

    const failure = await failureOf({ busy: { policy: 'fail' } });

    expect(failure.type).toBe(FailureType.ClusterBusy);
    expect(failure.message).toContain('busy.policy is "fail"');
    expect(posts()).toBe(1);
    expect(emulator.launchCount()).toBe(0);
  });

  test('policy wait retries until the cluster is free', async () => {
    emulator.injectFault({ kind: 'status', status: 202, body: { code: 202, message: 'busy' }, match: { method: 'POST' }, times: 4 });

    const result = await execute({ busy: { policy: 'wait', timeout: '30m' } });

    expect(result.requestResult).toBe('Success');
    expect(posts()).toBe(5);
    expect(emulator.launchCount()).toBe(1);
  });

  test('policy wait gives up after busy.timeout', async () => {
    emulator.injectFault({ kind: 'status', status: 202, body: { code: 202, message: 'busy' }, match: { method: 'POST' }, times: 1000 });

    const failure = await failureOf({ busy: { policy: 'wait', timeout: '10m' } });

    expect(failure.type).toBe(FailureType.ClusterBusy);
    expect(failure.message).toContain('still busy');
    expect(emulator.launchCount()).toBe(0);
    expect(posts()).toBeGreaterThan(2);
  });
});
