import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';

/**
 * Adds the run's cluster ID and request ID to every log line of a job
 * workflow, the SDK's own lines ("Workflow completed") included. The worker
 * loads this module as a workflow interceptor module.
 */

/** Cluster and request of the run that this workflow drives. */
export interface RunLogAttributes {
  clusterId?: string;
  requestId?: string;
}

// The SDK keeps own properties of globalThis separate for each workflow, even in a shared V8 context.
const KEY = '__hadoopEcoRunLogAttributes';

/** Records the IDs that later log lines of this workflow carry. */
export function setRunLogAttributes(attributes: RunLogAttributes): void {
  const holder = globalThis as unknown as Record<string, RunLogAttributes | undefined>;
  holder[KEY] = { ...holder[KEY], ...attributes };
}

export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [
    {
      getLogAttributes: (input, next) => next({ ...input, ...(globalThis as unknown as Record<string, RunLogAttributes | undefined>)[KEY] }),
    },
  ],
});
