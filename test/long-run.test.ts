import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createEmulator, type Emulator } from '../src/emulator';
import { FailureType } from '../src/failures';
import { JOB_WORKFLOW_TYPE, type JobResult } from '../src/workflows/types';
import type { HadoopEcoWorker } from '../src/worker';
import { createTestWorker, startTimeSkippingServer, uniqueTaskQueue } from './support/temporal';

/**
 * Runs that wait for hours of workflow time, on the time-skipping test
 * server: timers are skipped, activities still make real HTTP calls.
 */

const CLUSTER = '58ceed05-e4f5-4a85-b9a6-e9b79ae8dcdf';
const LONG_STATUSES = [...Array<string>(20).fill('Processing'), 'Terminate'];

let environment: TestWorkflowEnvironment;
let emulator: Emulator;
let worker: HadoopEcoWorker;
let workerRun: Promise<void>;
let taskQueue: string;

beforeAll(async () => {
  environment = await startTimeSkippingServer();
  emulator = await createEmulator({
    clusters: [{ clusterId: CLUSTER, clusterName: 'long-cluster', openApiKey: 'cluster-key-1', run: { statuses: LONG_STATUSES } }],
  });
  taskQueue = uniqueTaskQueue('long-run');
  worker = await createTestWorker(environment.nativeConnection, taskQueue, emulator);
  workerRun = worker.worker.run();
});

afterAll(async () => {
  worker?.worker.shutdown();
  await workerRun;
  await worker?.close();
  await emulator?.close();
  await environment?.teardown();
});

beforeEach(() => emulator.reset());

function execute(input: unknown): Promise<JobResult> {
  return environment.client.workflow.execute(JOB_WORKFLOW_TYPE, { args: [input], taskQueue, workflowId: `long-${Math.random().toString(36).slice(2)}` });
}

describe('long runs on the time-skipping server', () => {
  test('default intervals back off up to five minutes', async () => {
    const result = await execute({ clusterId: CLUSTER, region: 'emulator' });

    expect(result.requestResult).toBe('Success');
    expect(result.pollCount).toBe(21);
    // 30s, 45s, 67.5s, ... capped at 5m: 21 waits add up to about 84 minutes.
    expect(result.durationMs).toBeGreaterThan(80 * 60_000);
    expect(result.durationMs).toBeLessThan(90 * 60_000);
    expect(emulator.launchCount()).toBe(1);
  });

  test('run timeout fails with the last status seen', async () => {
    const error = await execute({ clusterId: CLUSTER, region: 'emulator', runTimeout: '1h', terminalStatuses: ['Done'] }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(WorkflowFailedError);
    const failure = (error as WorkflowFailedError).cause as ApplicationFailure;
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.type).toBe(FailureType.RunDeadlineExceeded);
    expect(failure.message).toContain('The run continues on the cluster');
    const details = failure.details?.[0] as { lastStatus: string; requestId: string };
    expect(details.lastStatus).toBe('Processing');
    expect(details.requestId).toBe(emulator.ledger()[0]?.requestId);
    expect(emulator.launchCount()).toBe(1);
  });

  test('status reads failing for over ten minutes do not fail the run', async () => {
    // The status activity gives up after 10 minutes of retries (about 14 attempts); the workflow then polls again.
    emulator.injectFault({ kind: 'status', status: 503, body: 'upstream unavailable', match: { method: 'GET' }, times: 20 });

    const result = await execute({ clusterId: CLUSTER, region: 'emulator' });

    expect(result.requestResult).toBe('Success');
    expect(emulator.requestLog().filter((entry) => entry.status === 503)).toHaveLength(20);
    expect(emulator.launchCount()).toBe(1);
  });
});
