import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { createEmulator, type Emulator, type EmulatorOptionsInput } from '../../src/emulator';
import { connectToSharedServer, createTestWorker, startTimeSkippingServer, uniqueTaskQueue } from './temporal';

/** A Temporal server, an emulator and a running worker on a task queue of its own. */
export interface JobHarness {
  client: Client;
  nativeConnection: NativeConnection;
  /** Address of the Temporal frontend. */
  address: string;
  emulator: Emulator;
  taskQueue: string;
  /** Stops the worker, then closes the emulator and the server connection (or the time-skipping server). */
  close(): Promise<void>;
}

export interface JobHarnessOptions {
  /** `shared`: the dev server from global setup, with search attributes; `time-skipping`: a server of this file's own. */
  server: 'shared' | 'time-skipping';
  /** Prefix of the task queue name. */
  name: string;
  emulator?: EmulatorOptionsInput;
  /** More endpoints for the worker besides `emulator`. */
  extraEndpoints?: Record<string, string>;
}

/** Starts what a job test needs; call `close` in `afterAll`. */
export async function startJobHarness(options: JobHarnessOptions): Promise<JobHarness> {
  const server = options.server === 'shared' ? await connectToSharedServer() : await startTimeSkippingServer();
  const emulator = await createEmulator(options.emulator);
  const taskQueue = uniqueTaskQueue(options.name);
  const worker = await createTestWorker(server.nativeConnection, taskQueue, emulator, {
    extraEndpoints: options.extraEndpoints,
    searchAttributes: options.server === 'shared',
  });
  const workerRun = worker.worker.run();

  return {
    client: server.client,
    nativeConnection: server.nativeConnection,
    address: server.address,
    emulator,
    taskQueue,
    close: async () => {
      worker.worker.shutdown();
      await workerRun;
      await worker.close();
      await emulator.close();
      await ('teardown' in server ? server.teardown() : server.close());
    },
  };
}
