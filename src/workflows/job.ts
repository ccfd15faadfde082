import {
  ActivityFailure,
  ApplicationFailure,
  log,
  proxyActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { HadoopEcoActivities, LaunchRunResult } from '../activities';
import { FailureType, isTransientStatusFailure } from '../failures';
import type { StatusResponse } from '../hadoop-eco/schemas';
import { parseJobInput, type ResolvedJobInput } from './input';
import { type JobProgress, type JobResult, jobStatusQuery } from './types';

const { launchRun } = proxyActivities<HadoopEcoActivities>({
  startToCloseTimeout: '2 minutes',
  // Bounds retries of safe failures (refused connection, 429, 503, 202 busy).
  scheduleToCloseTimeout: '30 minutes',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '2 minutes' },
});

const { getRunStatus } = proxyActivities<HadoopEcoActivities>({
  startToCloseTimeout: '1 minute',
  // After this the workflow logs the failure and polls again at the next interval.
  scheduleToCloseTimeout: '10 minutes',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * Re-runs a terminated Hadoop Eco cluster's scheduled job and waits for it:
 * validate the input, launch once, sleep and poll until a terminal status,
 * read `clusterMeta` once, and return the result.
 *
 * Fails with an `ApplicationFailure` whose type is listed in `failures.ts`.
 * A run that ends with `Failure` fails the workflow with type
 * HADOOP_ECO_RUN_FAILED and the `JobResult` as its only detail, unless the
 * input sets `failureAsResult`.
 */
export async function hadoopEcoJob(rawInput: unknown): Promise<JobResult> {
  const validation = parseJobInput(rawInput);
  const clusterId = validation.ok ? validation.input.clusterId : String((rawInput as { clusterId?: unknown } | null)?.clusterId ?? '');
  const progress: JobProgress = { phase: 'launching', clusterId, region: validation.ok ? validation.input.region : '', pollCount: 0 };
  setHandler(jobStatusQuery, () => progress);

  try {
    if (!validation.ok) {
      throw ApplicationFailure.create({
        type: FailureType.InvalidInput,
        message: `invalid workflow input: ${validation.problems.join('; ')}`,
        nonRetryable: true,
        details: [{ problems: validation.problems }],
      });
    }
    const result = await runJob(validation.input, progress);
    progress.phase = 'completed';
    return result;
  } catch (error) {
    progress.phase = 'failed';
    progress.failure = error instanceof Error ? error.message : String(error);
    throw toWorkflowFailure(error);
  }
}

async function runJob(input: ResolvedJobInput, progress: JobProgress): Promise<JobResult> {
  const target = { clusterId: input.clusterId, region: input.region, credentialProfile: input.credentialProfile };

  const launch = await launchRun({ ...target, settings: input.settings });
  // Workflow time, not the activity's clock: the deadline and durations must not depend on a worker's clock.
  const launchedAt = new Date();
  Object.assign(progress, { phase: 'waiting', requestId: launch.requestId, clusterName: launch.clusterName, launchedAt: launchedAt.toISOString() });
  log.info('run launched', { clusterId: launch.clusterId, requestId: launch.requestId, settings: launch.settings });

  const terminal = await waitForTerminalStatus(input, launch, launchedAt, progress);
  const finishedAt = new Date();

  progress.phase = 'finishing';
  const final = await getRunStatus({ ...target, requestId: launch.requestId, verbose: true });
  const result: JobResult = {
    clusterId: launch.clusterId,
    clusterName: final.clusterName || launch.clusterName,
    requestId: launch.requestId,
    requestStatus: terminal.requestStatus,
    requestResult: final.requestResult ?? terminal.requestResult ?? null,
    settings: launch.settings,
    clusterMeta: final.clusterMeta ?? null,
    launchedAt: launchedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - launchedAt.getTime(),
    pollCount: progress.pollCount,
  };
  log.info('run ended', { clusterId: result.clusterId, requestId: result.requestId, requestStatus: result.requestStatus, requestResult: result.requestResult });

  if (result.requestResult === 'Success' || input.failureAsResult) return result;
  if (result.requestResult === 'Failure') {
    throw ApplicationFailure.create({
      type: FailureType.RunFailed,
      message: `run ${result.requestId} on cluster ${result.clusterId} ended with requestResult Failure`,
      nonRetryable: true,
      details: [result],
    });
  }
  throw ApplicationFailure.create({
    type: FailureType.RunResultUnknown,
    message: `run ${result.requestId} on cluster ${result.clusterId} ended with requestResult ${JSON.stringify(result.requestResult)}, not Success`,
    nonRetryable: true,
    details: [result],
  });
}

/** Sleeps and polls until the status is one of the terminal values, or fails when the run timeout passes. */
async function waitForTerminalStatus(input: ResolvedJobInput, launch: LaunchRunResult, launchedAt: Date, progress: JobProgress): Promise<StatusResponse> {
  const deadline = launchedAt.getTime() + input.runTimeout;
  let interval = input.pollInterval.initial;

  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw deadlineExceeded(input, launch, progress);
    const wait = Math.min(interval, remaining);
    progress.nextPollAt = new Date(Date.now() + wait).toISOString();
    await sleep(wait);
    progress.nextPollAt = undefined;

    const status = await readStatus(input, launch);
    progress.pollCount += 1;
    progress.lastPollAt = new Date().toISOString();
    if (status) {
      if (status.requestStatus !== progress.lastStatus) {
        log.info('run status changed', { clusterId: launch.clusterId, requestId: launch.requestId, from: progress.lastStatus ?? null, to: status.requestStatus });
        progress.lastStatus = status.requestStatus;
      }
      if (input.terminalStatuses.includes(status.requestStatus)) return status;
    }
    interval = Math.min(Math.round(interval * input.pollInterval.multiplier), input.pollInterval.maximum);
  }
}

/** One status read; a failure that is safe to wait out returns undefined so that the loop polls again. */
async function readStatus(input: ResolvedJobInput, launch: LaunchRunResult): Promise<StatusResponse | undefined> {
  try {
    return await getRunStatus({ clusterId: input.clusterId, region: input.region, credentialProfile: input.credentialProfile, requestId: launch.requestId });
  } catch (error) {
    const type = applicationFailureIn(error)?.type;
    if (!(error instanceof ActivityFailure) || !isTransientStatusFailure(type)) throw error;
    log.warn('status read kept failing; polling again at the next interval', { clusterId: launch.clusterId, requestId: launch.requestId, type });
    return undefined;
  }
}

function deadlineExceeded(input: ResolvedJobInput, launch: LaunchRunResult, progress: JobProgress): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.RunDeadlineExceeded,
    message:
      `run ${launch.requestId} on cluster ${launch.clusterId} did not reach ${input.terminalStatuses.join(' or ')} within the run timeout ` +
      `(last status: ${progress.lastStatus ?? 'none read'}). The run continues on the cluster: the API cannot cancel it.`,
    nonRetryable: true,
    details: [{ clusterId: launch.clusterId, requestId: launch.requestId, lastStatus: progress.lastStatus ?? null, pollCount: progress.pollCount, launchedAt: progress.launchedAt }],
  });
}

/** Finds the first `ApplicationFailure` in a failure's cause chain. */
function applicationFailureIn(error: unknown): ApplicationFailure | undefined {
  let current: unknown = error;
  while (current instanceof Error) {
    if (current instanceof ApplicationFailure) return current;
    current = current.cause;
  }
  return undefined;
}

/**
 * Turns an activity failure into a workflow failure with the same type, so
 * that callers read `failure.type` at the top instead of digging through
 * the cause chain. Other Temporal failures (for example cancellation) pass
 * through unchanged.
 */
function toWorkflowFailure(error: unknown): unknown {
  if (!(error instanceof ActivityFailure)) return error;
  const cause = applicationFailureIn(error);
  if (!cause) return error;
  return ApplicationFailure.create({
    type: cause.type ?? undefined,
    message: cause.message,
    nonRetryable: true,
    details: cause.details ? [...cause.details] : undefined,
    cause: error,
  });
}
