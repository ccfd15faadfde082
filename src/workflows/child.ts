import { ApplicationFailure, type ChildWorkflowOptions, ChildWorkflowFailure, executeChild } from '@temporalio/workflow';
import { FailureType } from '../failures';
import { type JobInput, parseJobInput } from './input';
import { hadoopEcoJob } from './job';
import { jobSummary } from './summary';
import type { JobResult } from './types';

/**
 * Helpers for running the job workflow as a child of your own workflow.
 * Import them in workflow code only.
 */

/**
 * Runs the job workflow as a child and returns its result. The child gets
 * a Web UI summary naming the cluster unless `options` sets one. Rejects
 * with a `ChildWorkflowFailure`; `failedJobResult` reads the run's result,
 * `clusterMeta` included, from it.
 */
export async function runHadoopEcoJob(input: JobInput, options: Omit<ChildWorkflowOptions, 'args' | 'typeInfo'> = {}): Promise<JobResult> {
  const parsed = parseJobInput(input);
  const staticSummary = options.staticSummary ?? (parsed.ok ? jobSummary(parsed.input.clusterId, parsed.input.region, parsed.input.settings) : undefined);
  return executeChild(hadoopEcoJob, { ...options, staticSummary, args: [input] });
}

/** Returns the failure type of a failed child job, such as HADOOP_ECO_RUN_FAILED, or undefined for other errors. */
export function jobFailureType(error: unknown): string | undefined {
  if (!(error instanceof ChildWorkflowFailure)) return undefined;
  return error.cause instanceof ApplicationFailure ? (error.cause.type ?? undefined) : error.cause?.name;
}

/**
 * Returns the result of a child job whose run ended but not with Success
 * (HADOOP_ECO_RUN_FAILED or HADOOP_ECO_RUN_RESULT_UNKNOWN), with its
 * `clusterMeta`; undefined for any other error.
 */
export function failedJobResult(error: unknown): JobResult | undefined {
  const type = jobFailureType(error);
  if (type !== FailureType.RunFailed && type !== FailureType.RunResultUnknown) return undefined;
  return ((error as ChildWorkflowFailure).cause as ApplicationFailure).details?.[0] as JobResult | undefined;
}
