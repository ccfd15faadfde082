import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Emulator } from '../src/emulator';
import { FailureType } from '../src/failures';
import type { JobInput } from '../src/workflows/input';
import { JOB_WORKFLOW_TYPE, type JobResult } from '../src/workflows/types';
import { type JobHarness, startJobHarness } from './support/harness';

const CLUSTER = '58ceed05-e4f5-4a85-b9a6-e9b79ae8dcdf';
const FAILING_CLUSTER = '7d1f0c2a-3b4e-4c5d-8e9f-0a1b2c3d4e5f';
const LOOKALIKE_CLUSTER = 'a0b1c2d3-e4f5-4a6b-8c7d-8e9f0a1b2c3d';

/** Constant polling at the smallest interval, so that poll counts are predictable. */
const FAST_POLL = { initial: '5s', maximum: '5s', multiplier: 1 } as const;

let temporal: JobHarness;
let emulator: Emulator;
let taskQueue: string;

beforeAll(async () => {
  temporal = await startJobHarness({
    server: 'time-skipping',
    name: 'workflow',
    emulator: {
      clusters: [
        { clusterId: CLUSTER, clusterName: 'nightly-hive', openApiKey: 'cluster-key-1' },
        { clusterId: FAILING_CLUSTER, clusterName: 'broken-spark', openApiKey: 'cluster-key-2', jobType: 'spark', run: { result: 'Failure', statuses: ['Processing', 'Terminate'] } },
        {
          clusterId: LOOKALIKE_CLUSTER,
          clusterName: 'lookalike',
          openApiKey: 'cluster-key-3',
          run: { statuses: ['Pending', 'Terminating', 'Terminated', 'terminate', 'Terminate'] },
        },
      ],
    },
  });
  ({ emulator, taskQueue } = temporal);
});

afterAll(async () => {
  await temporal?.close();
});

beforeEach(() => emulator.reset());

function execute(input: unknown): Promise<JobResult> {
  return temporal.client.workflow.execute(JOB_WORKFLOW_TYPE, {
    args: [input],
    taskQueue,
    workflowId: `test-${Math.random().toString(36).slice(2)}`,
  });
}

/** Runs the workflow expecting it to fail, and returns its top-level ApplicationFailure. */
async function executeExpectingFailure(input: unknown): Promise<ApplicationFailure> {
  const error = await execute(input).then(
    (result) => {
      throw new Error(`expected the workflow to fail, it returned ${JSON.stringify(result)}`);
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WorkflowFailedError);
  const cause = (error as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

describe('job workflow', () => {
  test('success returns clusterMeta and the issued requestId', async () => {
    const input: JobInput = { clusterId: CLUSTER, region: 'emulator', settings: { workerCnt: 3 }, pollInterval: FAST_POLL };
    const result = await execute(input);

    const ledger = emulator.ledger();
    expect(ledger).toHaveLength(1);
    expect(result.requestId).toBe(ledger[0]?.requestId);
    expect(result.requestId).toMatch(/^req-[0-9a-f]{32}$/);
    expect(result.clusterId).toBe(CLUSTER);
    expect(result.clusterName).toBe('nightly-hive');
    expect(result.requestStatus).toBe('Terminate');
    expect(result.requestResult).toBe('Success');
    expect(result.settings.workerCnt).toBe(3);
    expect(result.clusterMeta?.cluster_id).toBe(CLUSTER);
    expect(result.clusterMeta?.worker_vm?.host_list).toHaveLength(3);
    expect(result.clusterMeta?.user_cluster_exec_command?.type).toBe('hive');
    expect(result.clusterMeta).toHaveProperty('project.domain.name');
    expect(result.pollCount).toBe(5);
    expect(Date.parse(result.finishedAt)).toBeGreaterThan(Date.parse(result.launchedAt));
    expect(ledger[0]?.body).toEqual({ workerCnt: 3 });
  });

  test('Failure result fails with RUN_FAILED carrying clusterMeta', async () => {
    const failure = await executeExpectingFailure({ clusterId: FAILING_CLUSTER, region: 'emulator', pollInterval: FAST_POLL });

    expect(failure.type).toBe(FailureType.RunFailed);
    expect(failure.nonRetryable).toBe(true);
    const details = failure.details?.[0] as JobResult;
    expect(details.requestResult).toBe('Failure');
    expect(details.requestId).toBe(emulator.ledger()[0]?.requestId);
    expect(details.clusterMeta?.cluster_id).toBe(FAILING_CLUSTER);
    expect(details.clusterMeta?.user_cluster_exec_command?.type).toBe('spark');
    expect(emulator.launchCount()).toBe(1);
  });

  test('failureAsResult returns the Failure run as a result', async () => {
    const result = await execute({ clusterId: FAILING_CLUSTER, region: 'emulator', pollInterval: FAST_POLL, failureAsResult: true });
    expect(result.requestResult).toBe('Failure');
    expect(result.clusterMeta?.cluster_id).toBe(FAILING_CLUSTER);
  });

  test('look-alike statuses keep the workflow polling', async () => {
    const result = await execute({ clusterId: LOOKALIKE_CLUSTER, region: 'emulator', pollInterval: FAST_POLL });

    expect(result.requestStatus).toBe('Terminate');
    expect(result.pollCount).toBe(5);
    const reads = emulator.requestLog().filter((entry) => entry.method === 'GET' && entry.path.includes('verbose=false'));
    expect(reads).toHaveLength(5);
  });

  test('custom terminal status ends the wait on that value', async () => {
    const result = await execute({ clusterId: LOOKALIKE_CLUSTER, region: 'emulator', pollInterval: FAST_POLL, terminalStatuses: ['Terminated'], failureAsResult: true });
    expect(result.requestStatus).toBe('Terminated');
    expect(result.pollCount).toBe(3);
  });

  test.each<[string, unknown, string]>([
    ['workerCnt 0', { clusterId: CLUSTER, region: 'emulator', settings: { workerCnt: 0 } }, 'settings.workerCnt'],
    ['workerCnt 1001', { clusterId: CLUSTER, region: 'emulator', settings: { workerCnt: 1001 } }, 'settings.workerCnt'],
    ['deploy mode local', { clusterId: CLUSTER, region: 'emulator', settings: { userTaskDeployMode: 'local' } }, 'settings.userTaskDeployMode'],
    ['no clusterId', { region: 'emulator' }, 'clusterId'],
    ['no input at all', undefined, 'clusterId'],
    ['unknown setting', { clusterId: CLUSTER, region: 'emulator', settings: { workerCount: 2 } }, 'workerCount'],
    ['poll interval too short', { clusterId: CLUSTER, region: 'emulator', pollInterval: { initial: '1s' } }, 'pollInterval.initial'],
  ])('invalid input fails at once: %s', async (_name, input, field) => {
    const failure = await executeExpectingFailure(input);

    expect(failure.type).toBe(FailureType.InvalidInput);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain(field);
    expect(emulator.requestLog()).toHaveLength(0);
    expect(emulator.launchCount()).toBe(0);
  });

  test('invalid input names every bad field', async () => {
    const failure = await executeExpectingFailure({ region: 'emulator', settings: { workerCnt: 0, configHdfsBlockSize: 2048 } });
    expect(failure.message).toContain('clusterId');
    expect(failure.message).toContain('settings.workerCnt');
    expect(failure.message).toContain('settings.configHdfsBlockSize');
    expect((failure.details?.[0] as { problems: string[] }).problems).toHaveLength(3);
  });

  test.each<[string, number, string, Partial<JobInput>]>([
    ['400 from the API', 400, FailureType.BadRequest, {}],
    ['401 for a wrong secret', 401, FailureType.Unauthorized, { credentialProfile: 'wrong-secret' }],
    ['403 for a wrong Open API key', 403, FailureType.Forbidden, { credentialProfile: 'wrong-api-key' }],
    ['404 for an unknown cluster', 404, FailureType.NotFound, { clusterId: '00000000-0000-4000-8000-000000000000' }],
  ])('launch with %s fails without retry', async (_name, status, type, overrides) => {
    if (status === 400) emulator.injectFault({ kind: 'status', status: 400, body: { code: 400, message: 'invalid request' }, match: { method: 'POST' } });

    const failure = await executeExpectingFailure({ clusterId: CLUSTER, region: 'emulator', pollInterval: FAST_POLL, ...overrides });

    expect(failure.type).toBe(type);
    expect(failure.message).toContain(String(status));
    expect(emulator.requestLog()).toEqual([expect.objectContaining({ method: 'POST', status })]);
    expect(emulator.launchCount()).toBe(0);
  });

  test('status read 404 fails without retry', async () => {
    emulator.injectFault({ kind: 'status', status: 404, body: { code: 404, message: 'request not found' }, match: { method: 'GET' } });

    const failure = await executeExpectingFailure({ clusterId: CLUSTER, region: 'emulator', pollInterval: FAST_POLL });

    expect(failure.type).toBe(FailureType.NotFound);
    expect((failure.details?.[0] as { requestId: string }).requestId).toBe(emulator.ledger()[0]?.requestId);
    expect(emulator.requestLog().filter((entry) => entry.method === 'GET')).toHaveLength(1);
  });

  test('unknown region fails without a request', async () => {
    const failure = await executeExpectingFailure({ clusterId: CLUSTER, region: 'nowhere' });
    expect(failure.type).toBe(FailureType.UnknownRegion);
    expect(failure.message).toContain('emulator');
    expect(emulator.requestLog()).toHaveLength(0);
  });

  test('one 503 during polling does not fail the run', async () => {
    emulator.injectFault({ kind: 'status', status: 503, body: 'upstream unavailable', match: { method: 'GET' } });
    const result = await execute({ clusterId: CLUSTER, region: 'emulator', pollInterval: FAST_POLL });
    expect(result.requestResult).toBe('Success');
    expect(emulator.requestLog().some((entry) => entry.status === 503)).toBe(true);
    expect(emulator.launchCount()).toBe(1);
  });
});
