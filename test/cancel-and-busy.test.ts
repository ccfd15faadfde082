import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import type { Emulator } from '../src/emulator';
import { JOB_WORKFLOW_TYPE, type JobProgress, type JobResult, jobStatusQuery } from '../src/workflows/types';
import { type JobHarness, startJobHarness } from './support/harness';

/** Cancellation and busy clusters on the dev server, where the emulator's clock and Temporal's agree. */

const CLUSTER = '58ceed05-e4f5-4a85-b9a6-e9b79ae8dcdf';
const POLL = { initial: '5s', maximum: '5s' } as const;

let temporal: JobHarness;
let emulator: Emulator;
let taskQueue: string;

beforeAll(async () => {
  temporal = await startJobHarness({
    server: 'shared',
    name: 'cancel-busy',
    emulator: {
      clusters: [{ clusterId: CLUSTER, clusterName: 'shared', openApiKey: 'cluster-key-1', run: { statuses: ['Processing', 'Terminating', 'Terminate'], advance: { by: 'time', stepMs: 3000 } } }],
    },
  });
  ({ emulator, taskQueue } = temporal);
});

afterAll(async () => {
  await temporal?.close();
});

beforeEach(() => emulator.reset());

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && done(value)) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('cancellation', () => {
  test('stops within one poll and makes no call afterwards', async () => {
    const handle = await temporal.client.workflow.start(JOB_WORKFLOW_TYPE, {
      args: [{ clusterId: CLUSTER, region: 'emulator', pollInterval: POLL }],
      taskQueue,
      workflowId: `cancel-${Date.now()}`,
    });
    const progress = await waitFor(() => handle.query(jobStatusQuery), (value: JobProgress) => value.phase === 'waiting');

    await handle.cancel();
    const error = await handle.result().catch((caught: unknown) => caught);
    const requestsAtCancel = emulator.requestLog().length;

    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(CancelledFailure);
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    const final = await handle.query(jobStatusQuery);
    expect(final.phase).toBe('cancelled');
    expect(final.failure).toContain(`run ${progress.requestId} continues on cluster ${CLUSTER}`);

    // Longer than one poll interval: a workflow still polling would have read the status by now.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(emulator.requestLog()).toHaveLength(requestsAtCancel);
    expect(emulator.requestLog().filter((entry) => entry.method === 'GET')).toHaveLength(0);
    expect(emulator.launchCount()).toBe(1);
  });
});

describe('two workflows on one cluster', () => {
  test('the second launches only after the first run ended', async () => {
    const start = (suffix: string) =>
      temporal.client.workflow.start(JOB_WORKFLOW_TYPE, {
        args: [{ clusterId: CLUSTER, region: 'emulator', pollInterval: POLL, busy: { policy: 'wait', timeout: '2m' } }],
        taskQueue,
        workflowId: `busy-${suffix}-${Date.now()}`,
      });
    const [first, second] = await Promise.all([start('a'), start('b')]);

    const results = (await Promise.all([first.result(), second.result()])) as JobResult[];

    const ledger = emulator.ledger();
    expect(ledger).toHaveLength(2);
    expect(results.map((result) => result.requestResult)).toEqual(['Success', 'Success']);
    const [earlier, later] = [...results].sort((a, b) => Date.parse(a.launchedAt) - Date.parse(b.launchedAt));
    // The first run lasts 6 s on the emulator's clock (three 3 s steps), so the second launch must come after it.
    const firstRunEnd = Date.parse(ledger[0]?.receivedAt ?? '') + 6_000;
    expect(Date.parse(ledger[1]?.receivedAt ?? '')).toBeGreaterThanOrEqual(firstRunEnd);
    expect(later?.requestId).toBe(ledger[1]?.requestId);
    expect(earlier?.requestId).toBe(ledger[0]?.requestId);
    expect(emulator.requestLog().some((entry) => entry.method === 'POST' && entry.status === 202)).toBe(true);
  }, 90_000);
});
