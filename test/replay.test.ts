import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createEmulator } from '../src/emulator';
import { JOB_WORKFLOW_TYPE } from '../src/workflows/types';
import { createTestWorker, installQuietRuntime, startTimeSkippingServer, uniqueTaskQueue } from './support/temporal';

/**
 * Replays recorded histories of representative runs against today's
 * workflow code, so that a change that breaks determinism fails here
 * instead of in production, where it would stall every running workflow.
 *
 * `RECORD_HISTORIES=1 npx jest test/replay.test.ts` records them anew
 * (on the time-skipping server) as gzipped protobuf; commit the files it writes.
 */

const FIXTURES = join(__dirname, 'fixtures', 'histories');
const CLUSTER = '58ceed05-e4f5-4a85-b9a6-e9b79ae8dcdf';
const POLL = { initial: '5s', maximum: '5s' } as const;

interface Scenario {
  name: string;
  statuses: string[];
  result?: 'Success' | 'Failure';
  input?: object;
  /** Faults injected before the start; see the emulator's fault kinds. */
  faults?: object[];
  /** Cancels the workflow once the launch is in the ledger. */
  cancel?: boolean;
}

const SCENARIOS: Scenario[] = [
  { name: 'success', statuses: ['Pending', 'Processing', 'Terminating', 'Terminate'] },
  { name: 'failure', statuses: ['Processing', 'Terminate'], result: 'Failure' },
  {
    name: 'retries',
    statuses: ['Processing', 'Terminate'],
    faults: [
      { kind: 'status', status: 503, body: 'maintenance', match: { method: 'POST' }, times: 2 },
      { kind: 'status', status: 429, headers: { 'Retry-After': '30' }, body: { code: 429 }, match: { method: 'POST' } },
      { kind: 'status', status: 500, body: 'oops', match: { method: 'GET' }, times: 2 },
    ],
  },
  { name: 'busy-wait', statuses: ['Processing', 'Terminate'], faults: [{ kind: 'status', status: 202, body: { code: 202 }, match: { method: 'POST' }, times: 3 }] },
  { name: 'continue-as-new', statuses: [...Array<string>(1_000).fill('Processing'), 'Terminate'] },
  { name: 'cancel', statuses: ['Processing', 'Processing', 'Terminate'], cancel: true, input: { pollInterval: { initial: '1h', maximum: '1h' } } },
  { name: 'invalid-input', statuses: ['Terminate'], input: { settings: { workerCnt: 0 } } },
];

function fixturePath(name: string, execution: number): string {
  return join(FIXTURES, `${name}.${execution}.pb.gz`);
}

async function record(): Promise<void> {
  installQuietRuntime();
  const environment = await startTimeSkippingServer();
  mkdirSync(FIXTURES, { recursive: true });
  try {
    for (const scenario of SCENARIOS) {
      const emulator = await createEmulator({ clusters: [{ clusterId: CLUSTER, clusterName: 'replay', openApiKey: 'cluster-key-1', run: { statuses: scenario.statuses, result: scenario.result ?? 'Success' } }] });
      const taskQueue = uniqueTaskQueue(`record-${scenario.name}`);
      const { worker, close } = await createTestWorker(environment.nativeConnection, taskQueue, emulator);
      try {
        for (const fault of scenario.faults ?? []) emulator.injectFault(fault as never);
        await worker.runUntil(async () => {
          const handle = await environment.client.workflow.start(JOB_WORKFLOW_TYPE, {
            args: [{ clusterId: CLUSTER, region: 'emulator', pollInterval: POLL, ...scenario.input }],
            taskQueue,
            workflowId: `replay-${scenario.name}`,
          });
          if (scenario.cancel) {
            while (emulator.launchCount() === 0) await new Promise((resolve) => setTimeout(resolve, 20));
            await handle.cancel();
          }
          await handle.result().catch(() => undefined);
          await saveExecutions(environment, handle, scenario.name);
        });
      } finally {
        await close();
        await emulator.close();
      }
    }
  } finally {
    await environment.teardown();
  }
}

/** Saves the history of every execution of the workflow, following continue-as-new from the first. */
async function saveExecutions(environment: TestWorkflowEnvironment, handle: WorkflowHandleWithFirstExecutionRunId, name: string): Promise<void> {
  let runId: string | undefined = handle.firstExecutionRunId;
  for (let execution = 1; runId; execution += 1) {
    const history = await environment.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
    writeFileSync(fixturePath(name, execution), gzipSync(temporal.api.history.v1.History.encode(history).finish()));
    runId = history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
}

if (process.env.RECORD_HISTORIES === '1') {
  test('record histories', record, 10 * 60_000);
}

describe('replay of recorded histories', () => {
  const files = existsSync(FIXTURES) ? readdirSync(FIXTURES).filter((file) => file.endsWith('.pb.gz')).sort() : [];

  test('every scenario has a recording', () => {
    for (const scenario of SCENARIOS) expect(files).toContain(`${scenario.name}.1.pb.gz`);
    expect(files).toContain('continue-as-new.2.pb.gz');
  });

  test.each(files)('%s replays without nondeterminism', async (file) => {
    const codePath = process.env.HADOOP_ECO_TEST_WORKFLOW_BUNDLE;
    const history = temporal.api.history.v1.History.decode(gunzipSync(readFileSync(join(FIXTURES, file))));

    await expect(Worker.runReplayHistory(codePath ? { workflowBundle: { codePath } } : { workflowsPath: require.resolve('../src/workflows') }, history, file)).resolves.toBeUndefined();
  });
});
