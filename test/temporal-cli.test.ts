import { execFile } from 'node:child_process';
import type { Emulator } from '../src/emulator';
import { devServerExecutable } from '../src/temporal-binaries';
import type { JobProgress, JobResult } from '../src/workflows/types';
import { type JobHarness, startJobHarness } from './support/harness';

const CLUSTER = '58ceed05-e4f5-4a85-b9a6-e9b79ae8dcdf';

let temporal: JobHarness;
let emulator: Emulator;
let taskQueue: string;

beforeAll(async () => {
  temporal = await startJobHarness({
    server: 'shared',
    name: 'temporal-cli',
    emulator: { clusters: [{ clusterId: CLUSTER, clusterName: 'cli-started', openApiKey: 'cluster-key-1', run: { statuses: ['Processing', 'Terminate'] } }] },
  });
  ({ emulator, taskQueue } = temporal);
});

afterAll(async () => {
  await temporal?.close();
});

/** Runs the `temporal` CLI against the shared server and returns its stdout. */
function temporalCli(args: string[]): Promise<string> {
  const executable = devServerExecutable();
  if (executable.type !== 'existing-path') throw new Error('the temporal CLI is not installed; see the README setup');
  return new Promise((done, fail) => {
    execFile(executable.path, [...args, '--address', temporal.address, '--output', 'json'], { timeout: 60_000 }, (error, stdout, stderr) =>
      error ? fail(new Error(`temporal ${args.join(' ')} failed: ${stderr}`)) : done(stdout),
    );
  });
}

describe('runs started from the Temporal CLI', () => {
  test('start with JSON input, query status, read the result', async () => {
    const workflowId = `temporal-cli-${Date.now()}`;
    const input = { clusterId: CLUSTER, region: 'emulator', settings: { workerCnt: 4 }, pollInterval: { initial: '5s', maximum: '5s' } };

    await temporalCli(['workflow', 'start', '--type', 'hadoopEcoJob', '--task-queue', taskQueue, '--workflow-id', workflowId, '--input', JSON.stringify(input)]);

    const queried = JSON.parse(await temporalCli(['workflow', 'query', '--workflow-id', workflowId, '--name', 'status'])) as { queryResult: JobProgress[] };
    expect(queried.queryResult[0]).toMatchObject({ clusterId: CLUSTER, region: 'emulator' });

    const result = (await temporal.client.workflow.getHandle(workflowId).result()) as JobResult;
    expect(result.requestResult).toBe('Success');
    expect(result.settings.workerCnt).toBe(4);
    expect(emulator.launchCount()).toBe(1);

    const printed = JSON.parse(await temporalCli(['workflow', 'result', '--workflow-id', workflowId])) as { status: string; result: JobResult };
    expect(printed.status).toBe('COMPLETED');
    expect(printed.result.requestId).toBe(result.requestId);
  });

  test('pollNow, list by search attribute and cancel from the Temporal CLI', async () => {
    const workflowId = `temporal-cli-control-${Date.now()}`;
    const input = { clusterId: CLUSTER, region: 'emulator', pollInterval: { initial: '30m', maximum: '30m' } };
    emulator.reset();
    await temporalCli(['workflow', 'start', '--type', 'hadoopEcoJob', '--task-queue', taskQueue, '--workflow-id', workflowId, '--input', JSON.stringify(input), '--static-summary', 'nightly ETL']);
    for (let attempt = 0; attempt < 100 && emulator.launchCount() === 0; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 100));

    // The first wait is 30 minutes; pollNow reads the status at once.
    const updated = JSON.parse(await temporalCli(['workflow', 'update', 'execute', '--workflow-id', workflowId, '--name', 'pollNow'])) as { result: JobProgress };
    expect(updated.result).toMatchObject({ pollCount: 1, lastStatus: 'Processing', requestId: emulator.ledger()[0]?.requestId });

    let listed: { execution: { workflowId: string } }[] = [];
    for (let attempt = 0; attempt < 20 && listed.length === 0; attempt += 1) {
      const text = await temporalCli(['workflow', 'list', '--query', `HadoopEcoClusterId = '${CLUSTER}' AND HadoopEcoRequestStatus = 'Processing'`]);
      listed = text.trim() ? (JSON.parse(text) as typeof listed) : [];
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(listed.map((entry) => entry.execution.workflowId)).toContain(workflowId);

    await temporalCli(['workflow', 'cancel', '--workflow-id', workflowId]);
    const description = await temporal.client.workflow.getHandle(workflowId).describe();
    for (let attempt = 0; attempt < 50 && (await temporal.client.workflow.getHandle(workflowId).describe()).status.name === 'RUNNING'; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await description.staticSummary()).toBe('nightly ETL');
    expect((await temporal.client.workflow.getHandle(workflowId).describe()).status.name).toBe('CANCELLED');
    expect(emulator.launchCount()).toBe(1);
  });
});
