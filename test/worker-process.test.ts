import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { msToTs } from '@temporalio/common/lib/time';
import { createEmulator, type Emulator } from '../src/emulator';
import { JOB_WORKFLOW_TYPE, type JobResult } from '../src/workflows/types';
import { closedPortUrl, connectToSharedServer, type SharedTemporal, uniqueTaskQueue } from './support/temporal';

const WORKER = resolve(__dirname, '../dist/src/worker.js');
const CLUSTER = '58ceed05-e4f5-4a85-b9a6-e9b79ae8dcdf';

// Fake values that are easy to search for in the output.
const ACCESS_KEY_ID = 'test-access-key-id-7c1e';
const ACCESS_KEY_SECRET = 'test-access-key-secret-9f3a';
const OPEN_API_KEY = 'test-open-api-key-5d2b';

let temporal: SharedTemporal;
let emulator: Emulator;

beforeAll(async () => {
  temporal = await connectToSharedServer();
  emulator = await createEmulator({
    credentials: { accessKeyId: ACCESS_KEY_ID, accessKeySecret: ACCESS_KEY_SECRET },
    clusters: [{ clusterId: CLUSTER, clusterName: 'process-cluster', openApiKey: OPEN_API_KEY, run: { statuses: ['Processing', 'Terminate'] } }],
  });
});

afterAll(async () => {
  await emulator?.close();
  await temporal?.close();
});

interface WorkerProcess {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
}

/** Starts `node dist/src/worker.js` with credentials split between a file and the environment. */
function startWorker(taskQueue: string, env: Record<string, string> = {}): WorkerProcess {
  const credentialsFile = join(mkdtempSync(join(tmpdir(), 'worker-credentials-')), 'credentials.json');
  writeFileSync(credentialsFile, JSON.stringify({ accessKeyId: ACCESS_KEY_ID, openApiKeys: { [CLUSTER]: OPEN_API_KEY } }));

  const child = spawn(process.execPath, [WORKER], {
    env: {
      PATH: process.env.PATH ?? '',
      TEMPORAL_ADDRESS: temporal.address,
      HADOOP_ECO_TASK_QUEUE: taskQueue,
      HADOOP_ECO_ENDPOINTS: `emulator=${emulator.url}`,
      HADOOP_ECO_CREDENTIALS_FILE: credentialsFile,
      HADOOP_ECO_ACCESS_KEY_SECRET: ACCESS_KEY_SECRET,
      ...env,
    },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function waitForLine(worker: WorkerProcess, text: string, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!worker.output().includes(text)) {
    if (Date.now() - started > timeoutMs) throw new Error(`worker did not log "${text}" within ${timeoutMs} ms; output:\n${worker.output()}`);
    if (worker.child.exitCode !== null) throw new Error(`worker exited with ${worker.child.exitCode}; output:\n${worker.output()}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

function logLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('worker process', () => {
  test('runs a job, logs it and stops on SIGTERM', async () => {
    const taskQueue = uniqueTaskQueue('worker-process');
    const worker = startWorker(taskQueue, { LOG_LEVEL: 'DEBUG' });
    let result: JobResult;
    const workflowId = `worker-process-${Date.now()}`;
    try {
      await waitForLine(worker, 'worker started');
      result = await temporal.client.workflow.execute(JOB_WORKFLOW_TYPE, {
        args: [{ clusterId: CLUSTER, region: 'emulator', pollInterval: { initial: '5s' } }],
        taskQueue,
        workflowId,
      });
      expect(result.requestResult).toBe('Success');
      await waitForLine(worker, 'run ended');

      worker.child.kill('SIGTERM');
      const [code] = (await once(worker.child, 'exit')) as [number | null];
      expect(code).toBe(0);
    } finally {
      if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    }

    const lines = logLines(worker.output());
    const messages = lines.map((line) => line.message);
    expect(messages).toEqual(expect.arrayContaining(['worker started', 'launched run', 'run launched', 'run status changed', 'run ended', 'worker stopped']));
    const launched = lines.find((line) => line.message === 'run launched');
    expect(launched).toMatchObject({ clusterId: CLUSTER, requestId: result.requestId, taskQueue });
    expect(lines.find((line) => line.message === 'worker started')).toMatchObject({ taskQueue, endpoints: expect.arrayContaining(['emulator']) });

    // Every line about the run, the SDK's own included, names its cluster; those after the launch name the request too.
    // The SDK logs "Workflow started" and "Activity started" before any code has read the input, so they cannot name the cluster.
    const aboutRun = lines.filter((line) => line.workflowId === workflowId && line.message !== 'Workflow started' && line.message !== 'Activity started');
    expect(aboutRun.length).toBeGreaterThan(5);
    for (const line of aboutRun) expect(line).toMatchObject({ clusterId: CLUSTER });
    const statusReads = aboutRun.filter((line) => line.activityType === 'getRunStatus');
    expect(statusReads.length).toBeGreaterThan(0);
    for (const line of statusReads) expect(line).toMatchObject({ requestId: result.requestId });
    expect(aboutRun.find((line) => line.message === 'Workflow completed')).toMatchObject({ requestId: result.requestId });

    for (const secret of [ACCESS_KEY_ID, ACCESS_KEY_SECRET, OPEN_API_KEY]) {
      expect(worker.output()).not.toContain(secret);
    }
  });

  test.each([
    ['bad endpoint list', { HADOOP_ECO_ENDPOINTS: 'emulator' }, 'HADOOP_ECO_ENDPOINTS is invalid'],
    ['bad log level', { LOG_LEVEL: 'LOUD' }, 'LOG_LEVEL=LOUD is invalid'],
    ['missing credentials file', { HADOOP_ECO_CREDENTIALS_FILE: '/nonexistent/credentials.json' }, 'cannot read HADOOP_ECO_CREDENTIALS_FILE'],
  ])('bad configuration exits 1: %s', async (_name, env, message) => {
    const outcome = await new Promise<{ code: number; stderr: string }>((done) => {
      execFile(process.execPath, [WORKER], { env: { PATH: process.env.PATH ?? '', TEMPORAL_ADDRESS: temporal.address, ...env } }, (error, _stdout, stderr) =>
        done({ code: error ? Number(error.code) : 0, stderr }),
      );
    });
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain(message);
  });

  test('metrics are served when HADOOP_ECO_METRICS_ADDRESS is set', async () => {
    const port = Number(new URL(await closedPortUrl()).port);
    const worker = startWorker(uniqueTaskQueue('metrics'), { HADOOP_ECO_METRICS_ADDRESS: `127.0.0.1:${port}` });
    try {
      await waitForLine(worker, 'worker started');
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(response.status).toBe(200);
      expect(await response.text()).toMatch(/^temporal_/m);
    } finally {
      worker.child.kill('SIGTERM');
      await once(worker.child, 'exit');
    }
  });

  test('missing search attributes stop the worker', async () => {
    const namespace = `no-attributes-${Date.now()}`;
    await temporal.client.connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    const outcome = await new Promise<{ code: number; stderr: string }>((done) => {
      execFile(process.execPath, [WORKER], { env: { PATH: process.env.PATH ?? '', TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: namespace } }, (error, _stdout, stderr) =>
        done({ code: error ? Number(error.code) : 0, stderr }),
      );
    });

    expect(outcome.code).toBe(1);
    for (const name of ['HadoopEcoClusterId', 'HadoopEcoRequestId', 'HadoopEcoRequestStatus', 'HadoopEcoRequestResult']) {
      expect(outcome.stderr).toContain(`temporal operator search-attribute create --namespace ${namespace} --name ${name} --type Keyword`);
    }
  });
});
