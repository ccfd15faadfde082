import { createServer } from 'node:net';
import { once } from 'node:events';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { StaticCredentialProvider } from './activities';
import { detectLocale, messagesFor } from './cli-messages';
import { followJob, formatProgress, formatResult, startJob } from './client';
import { createEmulator } from './emulator';
import { EndpointRegistry } from './hadoop-eco';
import { describeExecutable, devServerExecutable } from './temporal-binaries';
import { createHadoopEcoWorker, jsonLogFunction } from './worker';
import { JOB_SEARCH_ATTRIBUTE_KEYS } from './workflows/search-attributes';

/**
 * `npm run demo`: starts a Temporal dev server with its Web UI, the Hadoop
 * Eco emulator and a worker in this process, runs one job to the end and
 * prints its result. With `--keep` everything stays up until Ctrl+C.
 */

const DEMO_TASK_QUEUE = 'hadoop-eco-demo';
const DEMO_CLUSTER_ID = '58ceed05-e4f5-4a85-b9a6-e9b79ae8dcdf';

/** Settings of the API reference's launch example. */
const EXAMPLE_SETTINGS = {
  workerCnt: 2,
  workerVolumeSize: 50,
  configHdfsReplication: 2,
  configHdfsBlockSize: 128,
  userTaskDeployMode: 'cluster',
  userTaskExecOpts: '--driver-cores 1 --driver-memory 1024m --executor-cores 1 --num-executors 4 --executor-memory 2048m',
  userTaskExecParams: '-sparkApplicationParams=testParams',
} as const;

/** Returns `preferred` when it is free on 127.0.0.1, else any free port. */
async function freePort(preferred: number): Promise<number> {
  for (const candidate of [preferred, 0]) {
    const server = createServer();
    try {
      server.listen(candidate, '127.0.0.1');
      await once(server, 'listening');
      const address = server.address();
      if (address && typeof address === 'object') return address.port;
    } catch {
      // The preferred port is taken; try any port.
    } finally {
      server.close();
    }
  }
  throw new Error('no free TCP port on 127.0.0.1');
}

/** Raised when a signal ends the demo before its run finished. */
class DemoStopped extends Error {}

/** Resolves on the first SIGINT or SIGTERM, so that every exit path tears the servers down. */
function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve(signal));
  });
}

async function main(argv: string[]): Promise<void> {
  const keep = argv.includes('--keep');
  const messages = messagesFor(detectLocale());
  // A closed stdout (for example `npm run demo | head`) must not skip the teardown below.
  process.stdout.on('error', () => undefined);
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const stopped = stopSignal();

  const emulator = await createEmulator({
    clusters: [{ clusterId: DEMO_CLUSTER_ID, clusterName: 'demo-spark-cluster', openApiKey: 'emulator-open-api-key', jobType: 'spark' }],
    defaultRun: { advance: { by: 'time', stepMs: 4000 } },
  });
  say(messages.demo.emulator(emulator.url));

  const credentials = new StaticCredentialProvider({
    default: {
      accessKeyId: emulator.options.credentials.accessKeyId,
      accessKeySecret: emulator.options.credentials.accessKeySecret,
      openApiKeys: { [DEMO_CLUSTER_ID]: 'emulator-open-api-key' },
    },
  });
  // The demo handles SIGINT and SIGTERM itself: the runtime's own handler would shut the SDK core down
  // before the teardown below could stop the dev server that the core started.
  Runtime.install({ logger: new DefaultLogger('WARN', jsonLogFunction(credentials.secrets())), shutdownSignals: [] });

  const executable = devServerExecutable();
  const port = await freePort(7233);
  const uiPort = await freePort(8233);
  say(messages.demo.startingTemporal(describeExecutable(executable)));
  const starting = (async () => {
    const environment = await TestWorkflowEnvironment.createLocal({
      server: { executable, ip: '127.0.0.1', port, ui: true, uiPort, log: { format: 'pretty', level: 'error' }, searchAttributes: JOB_SEARCH_ATTRIBUTE_KEYS },
    });
    const created = await createHadoopEcoWorker({
      connection: environment.nativeConnection,
      taskQueue: DEMO_TASK_QUEUE,
      credentials,
      endpoints: new EndpointRegistry({ emulator: emulator.url }),
      searchAttributes: true,
    }).catch(async (error: unknown) => {
      await environment.teardown();
      throw error;
    });
    return { environment, ...created };
  })();

  // Ctrl+C also reaches the dev server, which shares this process group, so startup cannot finish after it.
  const started = await Promise.race([starting, stopped.then((signal) => ({ signal }))]);
  if ('signal' in started) {
    // A dev server that got no signal of its own would outlive the demo: wait a little for it to come up, then stop it.
    const giveUp = new Promise<void>((resolve) => setTimeout(resolve, 15_000).unref());
    // The worker never ran, so it needs no shutdown; its connection pool and the server do.
    const teardown = starting.then(async ({ environment, close }) => {
      await close();
      await environment.teardown();
    });
    await Promise.race([teardown.catch(() => undefined), giveUp]);
    await emulator.close();
    throw new DemoStopped(messages.demo.stopped(started.signal));
  }
  const { environment, worker, close } = started;
  const uiUrl = `http://127.0.0.1:${uiPort}`;
  say(messages.demo.temporal(environment.address, uiUrl));
  const workerRun = worker.run();

  try {
    const handle = await startJob(
      environment.client,
      { clusterId: DEMO_CLUSTER_ID, region: 'emulator', settings: EXAMPLE_SETTINGS, pollInterval: { initial: '5s', maximum: '5s' } },
      { taskQueue: DEMO_TASK_QUEUE },
    );
    const runUrl = `${uiUrl}/namespaces/default/workflows/${encodeURIComponent(handle.workflowId)}/${handle.firstExecutionRunId}/history`;
    say(messages.started(handle.workflowId, DEMO_TASK_QUEUE));

    const finished = followJob(handle, (event) => say(formatProgress(event, messages, DEMO_TASK_QUEUE)));
    const result = await Promise.race([finished, stopped.then((signal) => Promise.reject(new DemoStopped(messages.demo.stopped(signal))))]);
    say(formatResult(result, messages, { [messages.labels.workflow]: handle.workflowId, [messages.webUi]: runUrl }));

    if (keep) {
      const command = `TEMPORAL_ADDRESS=${environment.address} HADOOP_ECO_TASK_QUEUE=${DEMO_TASK_QUEUE} TEMPORAL_UI_URL=${uiUrl} npm run job -- run --cluster-id ${DEMO_CLUSTER_ID} --region emulator --poll-interval 5s`;
      say(messages.demo.keepRunning(runUrl, command));
      await stopped;
    }
  } finally {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await workerRun;
    await close();
    await environment.teardown();
    await emulator.close();
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof DemoStopped) {
      process.stderr.write(`${error.message}\n`);
      process.exit(130);
    }
    process.stderr.write(`demo failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
