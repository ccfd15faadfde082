import type { Emulator } from '../src/emulator';
import type { TwoJobsResult } from '../src/workflows/examples';
import { type JobHarness, startJobHarness } from './support/harness';

/** The job workflow as a child: the example parent runs two jobs in sequence. */

const FIRST = '58ceed05-e4f5-4a85-b9a6-e9b79ae8dcdf';
const SECOND = 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e';
const FAILING = '7d1f0c2a-3b4e-4c5d-8e9f-0a1b2c3d4e5f';
const POLL = { initial: '5s', maximum: '5s' } as const;

let environment: JobHarness;
let emulator: Emulator;
let taskQueue: string;

beforeAll(async () => {
  environment = await startJobHarness({
    server: 'time-skipping',
    name: 'child',
    emulator: {
      clusters: [
        { clusterId: FIRST, clusterName: 'extract', openApiKey: 'key-1', run: { statuses: ['Processing', 'Terminate'] } },
        { clusterId: SECOND, clusterName: 'load', openApiKey: 'key-2', jobType: 'spark', run: { statuses: ['Processing', 'Terminate'] } },
        { clusterId: FAILING, clusterName: 'broken-extract', openApiKey: 'key-3', run: { statuses: ['Processing', 'Terminate'], result: 'Failure' } },
      ],
    },
  });
  ({ emulator, taskQueue } = environment);
});

afterAll(async () => {
  await environment?.close();
});

beforeEach(() => emulator.reset());

function runParent(first: string, second: string): Promise<TwoJobsResult> {
  return environment.client.workflow.execute('twoJobsInSequence', {
    args: [{ first: { clusterId: first, region: 'emulator', pollInterval: POLL }, second: { clusterId: second, region: 'emulator', pollInterval: POLL, settings: { workerCnt: 4 } } }],
    taskQueue,
    workflowId: `parent-${Math.random().toString(36).slice(2)}`,
  });
}

describe('job workflow as a child', () => {
  test('second job runs after the first succeeds', async () => {
    const result = await runParent(FIRST, SECOND);

    expect(result.outcome).toBe('both-succeeded');
    if (result.outcome !== 'both-succeeded') return;
    expect(result.first.clusterId).toBe(FIRST);
    expect(result.second.clusterId).toBe(SECOND);
    expect(result.second.settings.workerCnt).toBe(4);
    expect(result.second.clusterMeta?.worker_vm?.host_list).toHaveLength(4);
    const ledger = emulator.ledger();
    expect(ledger.map((record) => record.clusterId)).toEqual([FIRST, SECOND]);
    expect(Date.parse(ledger[1]?.receivedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(ledger[0]?.receivedAt ?? ''));
  });

  test('parent catches a failed first job and reads its clusterMeta', async () => {
    const result = await runParent(FAILING, SECOND);

    expect(result.outcome).toBe('first-failed');
    if (result.outcome !== 'first-failed') return;
    expect(result.first.requestResult).toBe('Failure');
    expect(result.first.clusterMeta?.cluster_id).toBe(FAILING);
    expect(result.failedOn).toBe('broken-extract (master HadoopMST-broken-extract-1)');
    expect(emulator.launchCount(SECOND)).toBe(0);
    expect(emulator.launchCount()).toBe(1);
  });

  test('a child that fails for another reason fails the parent', async () => {
    emulator.injectFault({ kind: 'status', status: 403, body: { code: 403 }, match: { method: 'POST' } });
    const error = await runParent(FIRST, SECOND).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error & { cause?: { cause?: { type?: string } } }).cause?.cause?.type)).toBe('HADOOP_ECO_FORBIDDEN');
    expect(emulator.launchCount()).toBe(0);
  });
});
