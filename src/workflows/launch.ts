import ms from 'ms';
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  log,
  proxyActivities,
  sleep,
  TimeoutFailure,
} from '@temporalio/workflow';
import type { HadoopEcoActivities, LaunchCheckpoint, LaunchRunInput, LaunchRunResult } from '../activities';
import type { ApiFailureDetails } from '../activities/failures';
import { FailureType } from '../failures';
import { applicationFailureIn } from './failure-helpers';
import type { ResolvedJobInput } from './input';

/** Returns the launch activity with a summary for the Web UI's event list. */
function launchActivity(summary: string) {
  return proxyActivities<HadoopEcoActivities>({
    startToCloseTimeout: '2 minutes',
    // launchRun heartbeats every 5 s while its POST is in flight, so a dead worker is noticed within this.
    heartbeatTimeout: '20 seconds',
    // Each attempt is a separate activity so that this workflow receives the failure of each; see launchOnce.
    retry: { maximumAttempts: 1 },
    summary,
  }).launchRun;
}

/** How long failures that prove nothing launched (refused connection, 429, 503) are retried. */
const LAUNCH_RETRY_WINDOW_MS = 30 * 60_000;
const FIRST_RETRY_DELAY_MS = 5_000;
const MAX_RETRY_DELAY_MS = 2 * 60_000;

/**
 * Launches the run, posting at most once. Retries only after failures that
 * prove the API launched nothing, and waits on a busy cluster as
 * `input.busy` says. An attempt whose worker died is resolved from its last
 * heartbeat: a recorded result is reused, anything else fails with
 * HADOOP_ECO_LAUNCH_OUTCOME_UNKNOWN.
 */
export async function launchOnce(input: ResolvedJobInput, onRetry: (attempt: number, failureType: string) => void = () => undefined): Promise<LaunchRunResult> {
  const request: LaunchRunInput = {
    clusterId: input.clusterId,
    region: input.region,
    credentialProfile: input.credentialProfile,
    settings: input.settings,
  };
  const started = Date.now();
  let delay = FIRST_RETRY_DELAY_MS;

  for (let attempt = 1; ; attempt += 1) {
    try {
      // A cancellation must not cut a POST in flight: its result is what tells whether a run started.
      const launchRun = launchActivity(`launch on cluster ${input.clusterId}${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
      return await CancellationScope.nonCancellable(() => launchRun(request));
    } catch (error) {
      const recovered = launchRecordedBeforeTimeout(error);
      if (recovered) {
        log.warn('launch attempt timed out after the API accepted it; using the recorded request ID', { clusterId: input.clusterId, requestId: recovered.requestId });
        return recovered;
      }

      const failure = retryableLaunchFailure(error, input);
      const elapsed = Date.now() - started;
      const wait = failure.nextRetryDelay ?? delay;
      const windowMs = failure.type === FailureType.ClusterBusy ? input.busy.timeout : LAUNCH_RETRY_WINDOW_MS;
      if (elapsed + wait > windowMs) throw retriesExhausted(failure, input, attempt, elapsed);

      log.warn('launch will be retried', { clusterId: input.clusterId, type: failure.type, attempt, retryInMs: wait });
      onRetry(attempt, failure.type);
      await sleep(wait, { summary: `wait ${ms(wait)} before launch attempt ${attempt + 1} (${failure.type})` });
      delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
    }
  }
}

/** Returns the result of an attempt that timed out after the API accepted the launch. */
function launchRecordedBeforeTimeout(error: unknown): LaunchRunResult | undefined {
  if (!(error instanceof ActivityFailure) || !(error.cause instanceof TimeoutFailure)) return undefined;
  const checkpoint = error.cause.lastHeartbeatDetails as LaunchCheckpoint | undefined;
  return checkpoint?.stage === 'launched' ? checkpoint.result : undefined;
}

/**
 * Returns the failure of an attempt that may be retried, with its delay;
 * throws the workflow's failure for anything else.
 */
function retryableLaunchFailure(error: unknown, input: ResolvedJobInput): { type: string; nextRetryDelay?: number; message: string } {
  if (error instanceof ActivityFailure && error.cause instanceof TimeoutFailure) {
    throw ApplicationFailure.create({
      type: FailureType.LaunchOutcomeUnknown,
      message:
        `the worker stopped while the launch on cluster ${input.clusterId} was in flight (${error.cause.timeoutType} timeout), so it is unknown whether a run started. ` +
        'This workflow will not post again, because a second launch could start a second run. ' +
        `Check the cluster in the Kakao Cloud console (Analytics > Hadoop Eco > Cluster > ${input.clusterId}) and start a new workflow only if no run started.`,
      nonRetryable: true,
      details: [{ clusterId: input.clusterId, lastCheckpoint: error.cause.lastHeartbeatDetails ?? null }],
    });
  }

  const cause = applicationFailureIn(error);
  if (!(error instanceof ActivityFailure) || !cause || cause.nonRetryable) throw error;
  if (cause.type === FailureType.ClusterBusy && input.busy.policy === 'fail') {
    throw ApplicationFailure.create({
      type: FailureType.ClusterBusy,
      message: `cluster ${input.clusterId} already has a run in progress and busy.policy is "fail"; nothing was launched`,
      nonRetryable: true,
      details: cause.details ? [...cause.details] : undefined,
    });
  }
  const retryAfterMs = (cause.details?.[0] as ApiFailureDetails | undefined)?.retryAfterMs;
  const nextRetryDelay = typeof retryAfterMs === 'number' ? retryAfterMs : undefined;
  return { type: cause.type ?? 'unknown', nextRetryDelay, message: cause.message };
}

function retriesExhausted(failure: { type: string; message: string }, input: ResolvedJobInput, attempts: number, elapsedMs: number): ApplicationFailure {
  const busy = failure.type === FailureType.ClusterBusy;
  return ApplicationFailure.create({
    type: failure.type,
    message: busy
      ? `cluster ${input.clusterId} was still busy with another run after ${Math.round(elapsedMs / 1000)} s (busy.timeout); nothing was launched`
      : `the launch on cluster ${input.clusterId} failed ${attempts} times without reaching the API; last failure: ${failure.message}`,
    nonRetryable: true,
    details: [{ clusterId: input.clusterId, attempts, elapsedMs }],
  });
}
