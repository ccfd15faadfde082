import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Emulator } from '../src/emulator';
import { FailureType } from '../src/failures';
import { JOB_WORKFLOW_TYPE, type JobResult } from '../src/workflows/types';
import { type JobHarness, startJobHarness } from './support/harness';

/**
 * Runs that wait for hours of workflow time, on the time-skipping test
 * server: timers are skipped, activities still make real HTTP calls.
 */

const CLUSTER = '58ceed05-e4f5-4a85-b9a6-e9b79ae8dcdf';
const DAY_CLUSTER = 'd4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f70';
/** Status reads in 24 hours at the smallest poll interval, 5 s. */
const DAY_POLLS = (24 * 3600) / 5;
const LONG_STATUSES = [...Array<string>(20).fill('Processing'), 'Terminate'];

let environment: JobHarness;
let emulator: Emulator;
let taskQueue: string;

beforeAll(async () => {
  environment = await startJobHarness({
    server: 'time-skipping',
    name: 'long-run',
    emulator: {
      clusters: [
        { clusterId: CLUSTER, clusterName: 'long-cluster', openApiKey: 'cluster-key-1', run: { statuses: LONG_STATUSES } },
        { clusterId: DAY_CLUSTER, clusterName: 'day-long', openApiKey: 'cluster-key-2', run: { statuses: [...Array<string>(DAY_POLLS - 1).fill('Processing'), 'Terminate'] } },
      ],
    },
  });
  ({ emulator, taskQueue } = environment);
});

afterAll(async () => {
  await environment?.close();
});

beforeEach(() => emulator.reset());

async function historyEvents(workflowId: string, runId: string) {
  const history = await environment.client.workflow.getHandle(workflowId, runId).fetchHistory();
  return history.events ?? [];
}

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

  test('a 24-hour run at 5 s polls stays under 10,240 events per execution', async () => {
    const polls = DAY_POLLS;
    const workflowId = `day-long-${Date.now()}`;
    const handle = await environment.client.workflow.start(JOB_WORKFLOW_TYPE, {
      args: [{ clusterId: DAY_CLUSTER, region: 'emulator', pollInterval: { initial: '5s', maximum: '5s' }, runTimeout: '25h' }],
      taskQueue,
      workflowId,
    });

    const result = (await handle.result()) as JobResult;

    expect(result.requestResult).toBe('Success');
    expect(result.pollCount).toBe(polls);
    expect(result.durationMs).toBeGreaterThanOrEqual(24 * 3_600_000);
    expect(emulator.launchCount(DAY_CLUSTER)).toBe(1);

    const lengths: number[] = [];
    let runId: string | undefined = handle.firstExecutionRunId;
    while (runId) {
      const events = await historyEvents(workflowId, runId);
      lengths.push(events.length);
      runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    }
    expect(lengths.length).toBeGreaterThan(10);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(10_240);
  }, 15 * 60_000);
});
