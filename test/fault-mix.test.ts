import type { Emulator } from '../src/emulator';
import { JOB_WORKFLOW_TYPE, type JobResult } from '../src/workflows/types';
import { type JobHarness, startJobHarness } from './support/harness';

/**
 * Fifty concurrent runs on the dev server while the emulator injects 5xx,
 * 429 with Retry-After, dropped connections and latency. Launch faults are
 * limited to 429 and 503, the responses that prove nothing was launched; the
 * ambiguous ones have their own tests, where they must fail the run.
 */

const RUNS = 50;
const clusterIds = Array.from({ length: RUNS }, (_, index) => `mix-cluster-${String(index).padStart(2, '0')}`);

let temporal: JobHarness;
let emulator: Emulator;
let taskQueue: string;

beforeAll(async () => {
  temporal = await startJobHarness({
    server: 'shared',
    name: 'fault-mix',
    emulator: {
      latencyMs: 20,
      clusters: clusterIds.map((clusterId) => ({ clusterId, clusterName: clusterId, openApiKey: `${clusterId}-key`, run: { statuses: ['Pending', 'Processing', 'Terminate'] } })),
      faultProfile: {
        methods: ['GET'],
        serverErrorRate: 0.1,
        rateLimitRate: 0.05,
        retryAfterSeconds: 1,
        dropBeforeRate: 0.05,
        dropAfterRate: 0.05,
        garbageRate: 0.03,
        latencyMs: { min: 0, max: 300 },
        seed: 20261204,
      },
    },
  });
  ({ emulator, taskQueue } = temporal);
  emulator.injectFault({ kind: 'status', status: 429, headers: { 'Retry-After': '1' }, body: { code: 429 }, match: { method: 'POST' }, times: 15 });
  emulator.injectFault({ kind: 'status', status: 503, body: 'maintenance', match: { method: 'POST' }, times: 15 });
});

afterAll(async () => {
  await temporal?.close();
});

describe('fault mix', () => {
  test(`${RUNS} concurrent runs all finish with one launch each`, async () => {
    const handles = await Promise.all(
      clusterIds.map((clusterId, index) =>
        temporal.client.workflow.start(JOB_WORKFLOW_TYPE, {
          args: [{ clusterId, region: 'emulator', pollInterval: { initial: '5s', maximum: '5s' } }],
          taskQueue,
          workflowId: `fault-mix-${Date.now()}-${index}`,
        }),
      ),
    );

    const results = (await Promise.all(handles.map((handle) => handle.result()))) as JobResult[];

    expect(results.map((result) => result.requestResult)).toEqual(Array(RUNS).fill('Success'));
    for (const clusterId of clusterIds) expect(emulator.launchCount(clusterId)).toBe(1);
    const faults = emulator.stats().faults;
    // The mix must really have happened, or this test proves nothing.
    expect(faults['server-error'] ?? 0).toBeGreaterThan(0);
    expect(faults['rate-limit'] ?? 0).toBeGreaterThan(0);
    expect((faults['drop-before'] ?? 0) + (faults['drop-after'] ?? 0)).toBeGreaterThan(0);
    expect(faults.status ?? 0).toBe(30);
  }, 3 * 60_000);
});
