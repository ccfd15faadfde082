import { Worker } from '@temporalio/worker';
import { Context } from '@temporalio/activity';
import { createActivities, type LaunchRunInput } from '../src/activities';
import { createEmulator, type Emulator } from '../src/emulator';
import { createHadoopEcoAgent, EndpointRegistry } from '../src/hadoop-eco';
import { JOB_WORKFLOW_TYPE, type JobResult } from '../src/workflows/types';
import { connectToSharedServer, credentialsFor, type SharedTemporal, uniqueTaskQueue } from './support/temporal';

/**
 * A worker that dies after the API accepted a launch but before the
 * activity completed. The activity here is the real one, followed by a
 * wait that never ends, which is how a dead worker looks to the server:
 * heartbeats stop and the attempt times out. The workflow must take the
 * request ID from the last heartbeat instead of posting again.
 */

const CLUSTER = '58ceed05-e4f5-4a85-b9a6-e9b79ae8dcdf';

let temporal: SharedTemporal;
let emulator: Emulator;

beforeAll(async () => {
  temporal = await connectToSharedServer();
  emulator = await createEmulator({ clusters: [{ clusterId: CLUSTER, clusterName: 'recovery', openApiKey: 'cluster-key-1', run: { statuses: ['Processing', 'Terminate'] } }] });
});

afterAll(async () => {
  await emulator?.close();
  await temporal?.close();
});

describe('launch recovery', () => {
  test('attempt that stalls after the API answered reuses its request ID', async () => {
    const dispatcher = createHadoopEcoAgent();
    const real = createActivities({ credentials: credentialsFor(emulator), endpoints: new EndpointRegistry({ emulator: emulator.url }), dispatcher });
    let stalled = 0;
    const activities = {
      ...real,
      async launchRun(input: LaunchRunInput) {
        const result = await real.launchRun(input);
        if (stalled > 0) return result;
        stalled += 1;
        // Like a dead worker: no completion and no more heartbeats, until the server gives up on the attempt.
        await new Promise<void>((resolve) => Context.current().cancellationSignal.addEventListener('abort', () => resolve()));
        throw new Error('attempt abandoned after its heartbeat timeout');
      },
    };
    const taskQueue = uniqueTaskQueue('launch-recovery');
    const codePath = process.env.HADOOP_ECO_TEST_WORKFLOW_BUNDLE;
    const worker = await Worker.create({
      connection: temporal.nativeConnection,
      taskQueue,
      activities,
      shutdownGraceTime: '1s',
      ...(codePath ? { workflowBundle: { codePath } } : { workflowsPath: require.resolve('../src/workflows') }),
    });

    try {
      const result: JobResult = await worker.runUntil(
        temporal.client.workflow.execute(JOB_WORKFLOW_TYPE, {
          args: [{ clusterId: CLUSTER, region: 'emulator', pollInterval: { initial: '5s', maximum: '5s' } }],
          taskQueue,
          workflowId: `launch-recovery-${Date.now()}`,
        }),
      );

      expect(stalled).toBe(1);
      expect(result.requestResult).toBe('Success');
      expect(emulator.launchCount()).toBe(1);
      expect(result.requestId).toBe(emulator.ledger()[0]?.requestId);
      expect(emulator.requestLog().filter((entry) => entry.method === 'POST')).toHaveLength(1);
    } finally {
      await dispatcher.close();
    }
  }, 90_000);
});
