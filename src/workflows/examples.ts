import { log } from '@temporalio/workflow';
import { failedJobResult, runHadoopEcoJob } from './child';
import type { JobInput } from './input';
import type { JobResult } from './types';

/** Input of `twoJobsInSequence`. */
export interface TwoJobsInput {
  first: JobInput;
  second: JobInput;
}

/** Outcome of `twoJobsInSequence`: the second job runs only when the first succeeded. */
export type TwoJobsResult =
  | { outcome: 'both-succeeded'; first: JobResult; second: JobResult }
  | { outcome: 'first-failed'; first: JobResult; failedOn: string };

/**
 * Example parent workflow: runs two jobs one after the other, the second only
 * when the first succeeds. A first job whose run fails is caught, and its
 * `clusterMeta` names the cluster and master node to look at. Failures
 * other than a failed run (an API error, a timeout) fail this workflow too.
 */
export async function twoJobsInSequence(input: TwoJobsInput): Promise<TwoJobsResult> {
  let first: JobResult;
  try {
    first = await runHadoopEcoJob(input.first);
  } catch (error) {
    const failed = failedJobResult(error);
    if (!failed) throw error;
    const failedOn = `${failed.clusterMeta?.cluster_name ?? failed.clusterName} (master ${String(failed.clusterMeta?.master_vm?.host_list?.[0] ?? 'unknown')})`;
    log.warn('first job failed; the second job is skipped', { clusterId: failed.clusterId, requestId: failed.requestId, failedOn });
    return { outcome: 'first-failed', first: failed, failedOn };
  }

  const second = await runHadoopEcoJob(input.second);
  return { outcome: 'both-succeeded', first, second };
}
