import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createEmulator, type Emulator } from '../src/emulator';
import { devServerExecutable } from '../src/temporal-binaries';
import { JOB_WORKFLOW_TYPE, type JobResult } from '../src/workflows/types';
import type { HadoopEcoWorker } from '../src/worker';
import { closedPortUrl, connectToSharedServer, createTestWorker, type SharedTemporal, uniqueTaskQueue } from './support/temporal';

/**
 * Crashes: the worker process killed with SIGKILL and restarted, and the
 * Temporal dev server killed and restarted on its SQLite file. Every run
 * must finish, launched exactly once.
 */

const WORKER = resolve(__dirname, '../dist/src/worker.js');
const RUNS = 20;
const clusterIds = Array.from({ length: RUNS }, (_, index) => `crash-cluster-${String(index).padStart(2, '0')}`);

/** Kill moments are random; this seed is printed so that a failure can be reproduced. */
const SEED = Number(process.env.CRASH_TEST_SEED ?? Date.now() % 100_000);

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const delay = (ms: number) => new Promise((done) => setTimeout(done, ms));

function emulatorClusters() {
  return clusterIds.map((clusterId) => ({
    clusterId,
    clusterName: clusterId,
    openApiKey: `${clusterId}-key`,
    run: { statuses: ['Pending', 'Processing', 'Terminating', 'Terminate'], advance: { by: 'time' as const, stepMs: 4000 } },
  }));
}

describe('worker killed with SIGKILL', () => {
  let temporal: SharedTemporal;
  let emulator: Emulator;

  beforeAll(async () => {
    temporal = await connectToSharedServer();
    emulator = await createEmulator({ clusters: emulatorClusters() });
  });

  afterAll(async () => {
    await emulator?.close();
    await temporal?.close();
  });

  function startWorker(taskQueue: string): ChildProcess {
    return spawn(process.execPath, [WORKER], {
      stdio: 'ignore',
      env: {
        PATH: process.env.PATH ?? '',
        TEMPORAL_ADDRESS: temporal.address,
        HADOOP_ECO_TASK_QUEUE: taskQueue,
        HADOOP_ECO_ENDPOINTS: `emulator=${emulator.url}`,
        HADOOP_ECO_ACCESS_KEY_ID: emulator.options.credentials.accessKeyId,
        HADOOP_ECO_ACCESS_KEY_SECRET: emulator.options.credentials.accessKeySecret,
        HADOOP_ECO_OPEN_API_KEYS: clusterIds.map((id) => `${id}=${id}-key`).join(','),
        HADOOP_ECO_WORKFLOW_BUNDLE: process.env.HADOOP_ECO_TEST_WORKFLOW_BUNDLE ?? '',
        LOG_LEVEL: 'WARN',
      },
    });
  }

  test(`${RUNS} runs survive repeated kills with one launch each`, async () => {
    process.stderr.write(`crash test seed: ${SEED}\n`);
    const next = random(SEED);
    const taskQueue = uniqueTaskQueue('crash');
    let worker = startWorker(taskQueue);

    const handles = [];
    for (const [index, clusterId] of clusterIds.entries()) {
      handles.push(
        await temporal.client.workflow.start(JOB_WORKFLOW_TYPE, {
          args: [{ clusterId, region: 'emulator', pollInterval: { initial: '5s', maximum: '5s' } }],
          taskQueue,
          workflowId: `crash-${SEED}-${index}`,
        }),
      );
      // Spread the starts so that launches, polls and kills interleave.
      await delay(next() * 500);
    }
    const results = Promise.all(handles.map((handle) => handle.result() as Promise<JobResult>));
    let finished = false;
    void results.finally(() => (finished = true));

    let kills = 0;
    while (!finished && kills < 8) {
      await delay(1000 + next() * 5000);
      if (finished) break;
      worker.kill('SIGKILL');
      await once(worker, 'exit');
      kills += 1;
      await delay(next() * 2000);
      worker = startWorker(taskQueue);
    }

    try {
      const outcomes = await results;
      expect(kills).toBeGreaterThanOrEqual(3);
      expect(outcomes.map((outcome) => outcome.requestResult)).toEqual(Array(RUNS).fill('Success'));
      expect(emulator.launchCount()).toBe(RUNS);
      for (const clusterId of clusterIds) expect(emulator.launchCount(clusterId)).toBe(1);
      const ledgerIds = emulator.ledger().map((record) => record.requestId).sort();
      expect(outcomes.map((outcome) => outcome.requestId).sort()).toEqual(ledgerIds);
    } finally {
      worker.kill('SIGKILL');
    }
  }, 5 * 60_000);
});

describe('dev server restarted on its database', () => {
  test('runs resume without another launch', async () => {
    const executable = devServerExecutable();
    if (executable.type !== 'existing-path') throw new Error('the temporal CLI is not installed; see the README setup');
    const database = join(mkdtempSync(join(tmpdir(), 'temporal-db-')), 'temporal.sqlite');
    const port = Number(new URL(await closedPortUrl()).port);
    const address = `127.0.0.1:${port}`;
    const startServer = () =>
      spawn(executable.path, ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--db-filename', database, '--log-level', 'error'], { stdio: 'ignore' });

    const emulator = await createEmulator({ clusters: emulatorClusters().slice(0, 5) });
    let server = startServer();
    let worker: HadoopEcoWorker | undefined;
    let workerRun: Promise<void> | undefined;
    let nativeConnection: NativeConnection | undefined;
    let connection: Connection | undefined;
    try {
      nativeConnection = await connectWithRetry(() => NativeConnection.connect({ address }));
      connection = await connectWithRetry(() => Connection.connect({ address }));
      const client = new Client({ connection });
      const taskQueue = uniqueTaskQueue('server-restart');
      worker = await createTestWorker(nativeConnection, taskQueue, emulator);
      workerRun = worker.worker.run();

      const handles = await Promise.all(
        clusterIds.slice(0, 5).map((clusterId, index) =>
          client.workflow.start(JOB_WORKFLOW_TYPE, {
            args: [{ clusterId, region: 'emulator', pollInterval: { initial: '5s', maximum: '5s' } }],
            taskQueue,
            workflowId: `server-restart-${index}`,
          }),
        ),
      );
      await waitUntil(() => emulator.launchCount() === 5, 20_000);

      server.kill('SIGKILL');
      await once(server, 'exit');
      await delay(3000);
      server = startServer();

      const outcomes = (await Promise.all(handles.map((handle) => handle.result()))) as JobResult[];
      expect(outcomes.map((outcome) => outcome.requestResult)).toEqual(Array(5).fill('Success'));
      expect(emulator.launchCount()).toBe(5);
    } finally {
      worker?.worker.shutdown();
      await workerRun?.catch(() => undefined);
      await worker?.close();
      await connection?.close();
      await nativeConnection?.close();
      server.kill('SIGTERM');
      await emulator.close();
    }
  }, 3 * 60_000);
});

async function connectWithRetry<T>(connect: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      return await connect();
    } catch (error) {
      if (Date.now() - started > timeoutMs) throw error;
      await delay(250);
    }
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await delay(100);
  }
}
