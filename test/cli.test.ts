import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Emulator } from '../src/emulator';
import type { JobResult } from '../src/workflows/types';
import { type JobHarness, startJobHarness } from './support/harness';

const CLI = resolve(__dirname, '../dist/src/client.js');
const CLUSTER = '58ceed05-e4f5-4a85-b9a6-e9b79ae8dcdf';
const FAILING_CLUSTER = '7d1f0c2a-3b4e-4c5d-8e9f-0a1b2c3d4e5f';

let temporal: JobHarness;
let emulator: Emulator;
let taskQueue: string;

beforeAll(async () => {
  temporal = await startJobHarness({
    server: 'shared',
    name: 'cli',
    emulator: {
      clusters: [
        { clusterId: CLUSTER, clusterName: 'cli-cluster', openApiKey: 'cluster-key-1', run: { statuses: ['Processing', 'Terminate'] } },
        { clusterId: FAILING_CLUSTER, clusterName: 'cli-failing', openApiKey: 'cluster-key-2', run: { statuses: ['Processing', 'Terminate'], result: 'Failure' } },
      ],
    },
  });
  ({ emulator, taskQueue } = temporal);
});

afterAll(async () => {
  await temporal?.close();
});

beforeEach(() => emulator.reset());

interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI with a clean environment that points at the shared server. */
function runCli(args: string[], env: Record<string, string> = {}): Promise<CliOutcome> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        env: { PATH: process.env.PATH ?? '', TEMPORAL_ADDRESS: temporal.address, HADOOP_ECO_TASK_QUEUE: taskQueue, LANG: 'C.UTF-8', ...env },
        timeout: 60_000,
      },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('hadoop-eco-job CLI', () => {
  test('run prints progress and the result', async () => {
    const outcome = await runCli(['run', '--cluster-id', CLUSTER, '--region', 'emulator', '--worker-cnt', '4', '--poll-interval', '5s', '--max-poll-interval', '5s']);

    expect(outcome.stderr).toBe('');
    expect(outcome.code).toBe(0);
    const requestId = emulator.ledger()[0]?.requestId;
    expect(requestId).toBeDefined();
    expect(outcome.stdout).toContain(`launched run ${requestId} on cluster cli-cluster`);
    expect(outcome.stdout).toContain('status: Processing');
    expect(outcome.stdout).toContain('Run succeeded');
    expect(outcome.stdout).toMatch(/result\s+Success/);
    expect(outcome.stdout).toContain('workerCnt=4');
    expect(outcome.stdout).toContain('"cluster_id": "58ceed05-e4f5-4a85-b9a6-e9b79ae8dcdf"');
    expect(emulator.launchCount()).toBe(1);
  });

  test('run --json prints only the result on stdout', async () => {
    const outcome = await runCli(['run', '--cluster-id', CLUSTER, '--region', 'emulator', '--poll-interval', '5s', '--json']);

    expect(outcome.code).toBe(0);
    const result = JSON.parse(outcome.stdout) as JobResult;
    expect(result.requestId).toBe(emulator.ledger()[0]?.requestId);
    expect(result.requestResult).toBe('Success');
    expect(result.clusterMeta?.cluster_name).toBe('cli-cluster');
    expect(outcome.stderr).toContain('started workflow');
  });

  test('a Failure run exits 1 and prints the result', async () => {
    const outcome = await runCli(['run', '--cluster-id', FAILING_CLUSTER, '--region', 'emulator', '--poll-interval', '5s', '--json']);

    expect(outcome.code).toBe(1);
    const printed = JSON.parse(outcome.stdout) as { error: { type: string }; result: JobResult };
    expect(printed.error.type).toBe('HADOOP_ECO_RUN_FAILED');
    expect(printed.result.requestResult).toBe('Failure');
    expect(printed.result.clusterMeta?.cluster_id).toBe(FAILING_CLUSTER);
  });

  test('invalid flags exit 2 and launch nothing', async () => {
    const outcome = await runCli(['run', '--cluster-id', CLUSTER, '--region', 'emulator', '--worker-cnt', '0', '--deploy-mode', 'local']);

    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain('settings.workerCnt: must be at least 1');
    expect(outcome.stderr).toContain('settings.userTaskDeployMode');
    expect(emulator.requestLog()).toHaveLength(0);
  });

  test('a non-integer number flag exits 2', async () => {
    const outcome = await runCli(['run', '--cluster-id', CLUSTER, '--region', 'emulator', '--worker-cnt', 'two']);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain('--worker-cnt expects an integer, got "two"');
  });

  test('a missing region exits 2 and names the field', async () => {
    const outcome = await runCli(['run', '--cluster-id', CLUSTER]);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain('region: is required');
  });

  test('an input file is merged with the flags', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cli-input-')), 'input.json');
    writeFileSync(file, JSON.stringify({ clusterId: CLUSTER, region: 'emulator', settings: { workerCnt: 5, configHdfsReplication: 3 }, pollInterval: { initial: '5s' } }));

    const outcome = await runCli(['run', '--input', file, '--worker-cnt', '6', '--json']);

    expect(outcome.code).toBe(0);
    expect(emulator.ledger()[0]?.body).toEqual({ workerCnt: 6, configHdfsReplication: 3 });
  });

  test('a Korean locale prints Korean', async () => {
    const outcome = await runCli(['run', '--cluster-id', CLUSTER, '--region', 'emulator', '--poll-interval', '5s'], { LANG: 'ko_KR.UTF-8' });

    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toContain('실행 성공');
    expect(outcome.stdout).toContain('상태: Processing');
  });

  test('a Korean locale explains invalid input in Korean', async () => {
    const outcome = await runCli(['run', '--region', 'emulator'], { LANG: 'ko_KR.UTF-8' });
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain('입력이 올바르지 않습니다');
  });

  test('a workflow ID already running exits 2', async () => {
    const workflowId = `cli-duplicate-${Date.now()}`;
    const first = await runCli(['run', '--cluster-id', CLUSTER, '--region', 'emulator', '--poll-interval', '5s', '--workflow-id', workflowId, '--no-wait']);
    const second = await runCli(['run', '--cluster-id', CLUSTER, '--region', 'emulator', '--poll-interval', '5s', '--workflow-id', workflowId, '--no-wait']);

    expect(first.code).toBe(0);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`a workflow with ID ${workflowId} is already running`);
    await temporal.client.workflow.getHandle(workflowId).result();
  });

  test('an unreachable Temporal exits 4', async () => {
    const outcome = await runCli(['run', '--cluster-id', CLUSTER, '--region', 'emulator', '--address', '127.0.0.1:1']);
    expect(outcome.code).toBe(4);
    expect(outcome.stderr).toContain('cannot connect to Temporal at 127.0.0.1:1');
  });

  test('--no-wait prints the workflow ID and exits', async () => {
    const outcome = await runCli(['run', '--cluster-id', CLUSTER, '--region', 'emulator', '--poll-interval', '5s', '--no-wait', '--json']);

    expect(outcome.code).toBe(0);
    const { workflowId } = JSON.parse(outcome.stdout) as { workflowId: string };
    const result = (await temporal.client.workflow.getHandle(workflowId).result()) as JobResult;
    expect(result.requestResult).toBe('Success');
  });

  test('status, follow, result and list find a run', async () => {
    const started = await runCli(['run', '--cluster-id', CLUSTER, '--region', 'emulator', '--poll-interval', '5s', '--no-wait', '--json']);
    const { workflowId } = JSON.parse(started.stdout) as { workflowId: string };

    const status = await runCli(['status', workflowId, '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ workflowId, workflowStatus: 'RUNNING', clusterId: CLUSTER });

    const followed = await runCli(['follow', workflowId]);
    expect(followed.code).toBe(0);
    expect(followed.stdout).toContain('status: Terminate');
    expect(followed.stdout).toContain('Run succeeded');

    const result = await runCli(['result', workflowId, '--json']);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as JobResult;
    expect(printed.requestId).toBe(emulator.ledger()[0]?.requestId);

    // Visibility is updated asynchronously; give it a few seconds.
    let listed: { workflowId: string; requestId: string; requestResult: string }[] = [];
    for (let attempt = 0; attempt < 20 && !listed.some((row) => row.workflowId === workflowId && row.requestResult === 'Success'); attempt += 1) {
      const list = await runCli(['list', '--cluster-id', CLUSTER, '--request-result', 'Success', '--json']);
      expect(list.code).toBe(0);
      listed = JSON.parse(list.stdout) as typeof listed;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(listed).toEqual(expect.arrayContaining([expect.objectContaining({ workflowId, requestId: printed.requestId, requestResult: 'Success' })]));
  });

  test('cancel stops the workflow and says the run goes on', async () => {
    const started = await runCli(['run', '--cluster-id', CLUSTER, '--region', 'emulator', '--poll-interval', '1m', '--no-wait', '--json']);
    const { workflowId } = JSON.parse(started.stdout) as { workflowId: string };
    await waitForLaunch();

    const cancelled = await runCli(['cancel', workflowId], { LANG: 'ko_KR.UTF-8' });

    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toContain(`실행 ${emulator.ledger()[0]?.requestId}은(는) 계속됩니다`);
    const result = await runCli(['result', workflowId, '--json']);
    expect(result.code).toBe(3);
    const description = await temporal.client.workflow.getHandle(workflowId).describe();
    expect(description.status.name).toBe('CANCELLED');
  });
});

async function waitForLaunch(): Promise<void> {
  for (let attempt = 0; attempt < 100 && emulator.launchCount() === 0; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(emulator.launchCount()).toBe(1);
}
