import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, type LogLevel, NativeConnection, Runtime } from '@temporalio/worker';
import { StaticCredentialProvider } from '../../src/activities';
import type { Emulator } from '../../src/emulator';
import { EndpointRegistry } from '../../src/hadoop-eco';
import { timeSkippingServerExecutable } from '../../src/temporal-binaries';
import { createHadoopEcoWorker, type HadoopEcoWorker } from '../../src/worker';

/** Connections to the dev server that global setup started. */
export interface SharedTemporal {
  address: string;
  nativeConnection: NativeConnection;
  client: Client;
  close(): Promise<void>;
}

/**
 * Keeps worker and workflow logs to errors so that expected failures do not
 * flood the output; TEST_LOG_LEVEL=INFO shows everything. Runtime.install
 * throws once a runtime exists, which is fine here.
 */
export function installQuietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger((process.env.TEST_LOG_LEVEL as LogLevel | undefined) ?? 'ERROR') });
  } catch {
    // A runtime already exists in this jest worker process.
  }
}

export async function connectToSharedServer(): Promise<SharedTemporal> {
  installQuietRuntime();
  const address = process.env.TEMPORAL_TEST_ADDRESS;
  if (!address) throw new Error('TEMPORAL_TEST_ADDRESS is not set; run the tests through jest so that global setup starts the server');
  const nativeConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  return {
    address,
    nativeConnection,
    client: new Client({ connection }),
    close: async () => {
      await connection.close();
      await nativeConnection.close();
    },
  };
}

export async function startTimeSkippingServer(): Promise<TestWorkflowEnvironment> {
  installQuietRuntime();
  return TestWorkflowEnvironment.createTimeSkipping({ server: { executable: timeSkippingServerExecutable() } });
}

export function uniqueTaskQueue(name: string): string {
  return `${name}-${randomUUID()}`;
}

/** Credential profiles for tests: `default` matches the emulator; the others are wrong on purpose. */
export function credentialsFor(emulator: Emulator): StaticCredentialProvider {
  const { accessKeyId, accessKeySecret } = emulator.options.credentials;
  const openApiKeys = Object.fromEntries(emulator.options.clusters.map((cluster) => [cluster.clusterId, cluster.openApiKey]));
  return new StaticCredentialProvider({
    default: { accessKeyId, accessKeySecret, openApiKeys, defaultOpenApiKey: 'unlisted-cluster-key' },
    'wrong-secret': { accessKeyId, accessKeySecret: 'not-the-secret', openApiKeys },
    'wrong-api-key': { accessKeyId, accessKeySecret, defaultOpenApiKey: 'not-the-cluster-key' },
  });
}

/**
 * Creates a worker on the prebuilt test bundle, talking to the emulator as
 * endpoint `emulator`. Set `searchAttributes` on the shared dev server only:
 * the time-skipping server cannot register them.
 */
export async function createTestWorker(
  connection: NativeConnection,
  taskQueue: string,
  emulator: Emulator,
  options: { extraEndpoints?: Record<string, string>; searchAttributes?: boolean } = {},
): Promise<HadoopEcoWorker> {
  const extraEndpoints = options.extraEndpoints ?? {};
  const codePath = process.env.HADOOP_ECO_TEST_WORKFLOW_BUNDLE;
  return createHadoopEcoWorker({
    connection,
    taskQueue,
    credentials: credentialsFor(emulator),
    endpoints: new EndpointRegistry({ emulator: emulator.url, ...extraEndpoints }),
    workflowBundle: codePath ? { codePath } : undefined,
    searchAttributes: options.searchAttributes,
  });
}

/** Returns a loopback URL where nothing listens, so that connecting is refused. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return `http://127.0.0.1:${port}`;
}
