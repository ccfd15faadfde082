import ms from 'ms';
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  condition,
  continueAsNew,
  isCancellation,
  log,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { HadoopEcoActivities } from '../activities';
import { FailureType, isTransientStatusFailure } from '../failures';
import type { ClusterMainSettingValues, StatusResponse } from '../hadoop-eco/schemas';
import { applicationFailureIn, toWorkflowFailure } from './failure-helpers';
import { type Continuation, parseJobInput, type ResolvedJobInput } from './input';
import { launchOnce } from './launch';
import { setRunLogAttributes } from './log-attributes';
import { JOB_SEARCH_ATTRIBUTES } from './search-attributes';
import { type JobProgress, type JobResult, jobStatusQuery, pollNowUpdate } from './types';

/** Maximum time one status read retries before the workflow logs the failure and polls again later. */
const STATUS_READ_RETRY_WINDOW_MS = 10 * 60_000;

/** Extra time for the final `clusterMeta` read when the run ended close to its run timeout. */
const FINAL_READ_GRACE_MS = 60 * 60_000;

/** Returns the status activity with its retries cut to the time left before `deadline`, but at least a minute. */
function statusActivity(deadline: number, summary: string) {
  const window = Math.max(60_000, Math.min(STATUS_READ_RETRY_WINDOW_MS, deadline - Date.now()));
  return proxyActivities<HadoopEcoActivities>({
    startToCloseTimeout: '1 minute',
    scheduleToCloseTimeout: window,
    retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute' },
    summary,
  }).getRunStatus;
}

const { workerFeatures } = proxyLocalActivities<HadoopEcoActivities>({ startToCloseTimeout: '10 seconds', summary: 'worker features' });

/**
 * Events after which an execution continues as new, well below the 10,240
 * events at which the server starts warning. One poll adds about 11 events.
 */
const CONTINUE_AS_NEW_AFTER_EVENTS = 8_000;

/** State of one execution, shared by the steps below and by the query and update handlers. */
interface JobContext {
  input: ResolvedJobInput;
  progress: JobProgress;
  /** Whether the namespace has the job's search attributes, as the worker reported. */
  searchAttributes: boolean;
  /** Set by the `pollNow` update to end the current wait early. */
  pollRequested: boolean;
}

/**
 * Re-runs a terminated Hadoop Eco cluster's scheduled job and waits for it:
 * validate the input, launch once, sleep and poll until a terminal status,
 * read `clusterMeta` once, and return the result.
 *
 * Fails with an `ApplicationFailure` whose type is listed in `failures.ts`.
 * A run that ends with `Failure` fails the workflow with type
 * HADOOP_ECO_RUN_FAILED and the `JobResult` as its only detail, unless the
 * input sets `failureAsResult`. A cancelled workflow ends as cancelled, and
 * its status query reports that the run goes on, because the API cannot stop it.
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
    const features = await workerFeatures({ clusterId });
    const context: JobContext = { input: validation.input, progress, searchAttributes: features.searchAttributes, pollRequested: false };
    setHandler(pollNowUpdate, () => pollNow(context), {
      validator: () => {
        if (progress.phase !== 'waiting') throw new Error(`pollNow is accepted only while the workflow waits for the run; it is ${progress.phase}`);
      },
    });
    setSearchAttributes(context, { clusterId });
    setRunLogAttributes({ clusterId, requestId: validation.input.continuation?.requestId });

    const result = await runJob(context);
    progress.phase = 'completed';
    await condition(allHandlersFinished);
    return result;
  } catch (error) {
    if (isCancellation(error)) {
      progress.phase = 'cancelled';
      const failure = cancelled(progress);
      progress.failure = failure.message;
      throw failure;
    }
    progress.phase = 'failed';
    progress.failure = error instanceof Error ? error.message : String(error);
    throw toWorkflowFailure(error);
  }
}

/** Handles `pollNow`: ends the current wait and returns the progress after the next status read. */
async function pollNow(context: JobContext): Promise<JobProgress> {
  const before = context.progress.pollCount;
  context.pollRequested = true;
  await condition(() => context.progress.pollCount > before || context.progress.phase !== 'waiting');
  return context.progress;
}

/** Sets the job's search attributes, when the namespace has them. */
function setSearchAttributes(context: JobContext, values: Partial<Record<keyof typeof JOB_SEARCH_ATTRIBUTES, string>>): void {
  if (!context.searchAttributes) return;
  upsertSearchAttributes(
    Object.entries(values).map(([name, value]) => ({ key: JOB_SEARCH_ATTRIBUTES[name as keyof typeof JOB_SEARCH_ATTRIBUTES], value })),
  );
}

async function runJob(context: JobContext): Promise<JobResult> {
  const { input, progress } = context;
  const run = input.continuation ?? (await launch(context));
  Object.assign(progress, {
    phase: 'waiting',
    requestId: run.requestId,
    clusterName: run.clusterName,
    launchedAt: run.launchedAt,
    pollCount: run.pollCount,
    lastStatus: run.lastStatus,
    continuedCount: input.continuation?.continuedCount,
  });

  const terminal = await waitForTerminalStatus(context, run);
  const finishedAt = new Date();

  progress.phase = 'finishing';
  const final = await readFinalStatus(context, run, terminal, finishedAt);
  const result: JobResult = {
    clusterId: input.clusterId,
    clusterName: final.clusterName || run.clusterName,
    requestId: run.requestId,
    requestStatus: terminal.requestStatus,
    requestResult: final.requestResult ?? terminal.requestResult ?? null,
    settings: run.settings as ClusterMainSettingValues,
    clusterMeta: final.clusterMeta ?? null,
    launchedAt: run.launchedAt,
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - Date.parse(run.launchedAt),
    pollCount: progress.pollCount,
  };
  if (result.requestResult) setSearchAttributes(context, { requestResult: result.requestResult });
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

/** Launches the run and returns the state that the wait starts from. */
async function launch(context: JobContext): Promise<Continuation> {
  const { input, progress } = context;
  const result = await launchOnce(input, (attempt, failureType) => {
    progress.launchAttempts = attempt;
    progress.lastLaunchFailure = failureType;
  });
  // Workflow time, not the activity's clock: the deadline and durations must not depend on a worker's clock.
  const launchedAt = new Date().toISOString();
  setSearchAttributes(context, { requestId: result.requestId });
  setRunLogAttributes({ requestId: result.requestId });
  log.info('run launched', { clusterId: result.clusterId, requestId: result.requestId, settings: result.settings });
  return {
    requestId: result.requestId,
    clusterName: result.clusterName,
    settings: result.settings,
    launchedAt,
    pollCount: 0,
    intervalMs: input.pollInterval.initial,
    continuedCount: 0,
  };
}

/** Sleeps for `waitMs`, or less when a `pollNow` update arrives. */
async function waitOrPollNow(context: JobContext, waitMs: number, summary: string): Promise<void> {
  const scope = new CancellationScope();
  const timer = scope.run(() => sleep(waitMs, { summary }));
  await Promise.race([timer, condition(() => context.pollRequested)]);
  if (context.pollRequested) {
    context.pollRequested = false;
    scope.cancel();
    await timer.catch(() => undefined);
  }
}

/**
 * Sleeps and polls until the status is one of the terminal values. Fails when
 * the run timeout passes, and continues as new before the history grows
 * past CONTINUE_AS_NEW_AFTER_EVENTS.
 */
async function waitForTerminalStatus(context: JobContext, run: Continuation): Promise<StatusResponse> {
  const { input, progress } = context;
  const deadline = Date.parse(run.launchedAt) + input.runTimeout;
  let interval = run.intervalMs;

  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw deadlineExceeded(input, run, progress);
    const wait = Math.min(interval, remaining);
    const nextRead = progress.pollCount + 1;
    progress.nextPollAt = new Date(Date.now() + wait).toISOString();
    await waitOrPollNow(context, wait, `wait ${ms(wait)} before status read ${nextRead}`);
    progress.nextPollAt = undefined;

    const { status } = await readStatus(context, run, deadline, false, `status read ${nextRead} (last: ${progress.lastStatus ?? 'none'})`);
    progress.pollCount += 1;
    progress.lastPollAt = new Date().toISOString();
    if (status) {
      if (status.requestStatus !== progress.lastStatus) {
        log.info('run status changed', { clusterId: input.clusterId, requestId: run.requestId, from: progress.lastStatus ?? null, to: status.requestStatus });
        progress.lastStatus = status.requestStatus;
        setSearchAttributes(context, { requestStatus: status.requestStatus });
      }
      if (input.terminalStatuses.includes(status.requestStatus)) return status;
    }
    interval = Math.min(Math.round(interval * input.pollInterval.multiplier), input.pollInterval.maximum);

    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength >= CONTINUE_AS_NEW_AFTER_EVENTS) {
      const continuation: Continuation = {
        ...run,
        pollCount: progress.pollCount,
        lastStatus: progress.lastStatus,
        intervalMs: interval,
        continuedCount: run.continuedCount + 1,
      };
      log.info('continuing as new to keep the history short', { clusterId: input.clusterId, requestId: run.requestId, historyLength: info.historyLength, pollCount: progress.pollCount });
      await condition(allHandlersFinished);
      await continueAsNew<typeof hadoopEcoJob>({ ...input, continuation });
    }
  }
}

/**
 * Reads the status once. A failure that is safe to wait out is returned as
 * its type, so that the caller polls again; anything else is thrown.
 */
async function readStatus(context: JobContext, run: Continuation, deadline: number, verbose: boolean, summary: string): Promise<{ status?: StatusResponse; failureType?: string }> {
  const { input } = context;
  try {
    const getRunStatus = statusActivity(deadline, summary);
    return { status: await getRunStatus({ clusterId: input.clusterId, region: input.region, credentialProfile: input.credentialProfile, requestId: run.requestId, verbose }) };
  } catch (error) {
    const type = applicationFailureIn(error)?.type ?? undefined;
    if (!(error instanceof ActivityFailure) || !isTransientStatusFailure(type)) throw error;
    log.warn('status read kept failing; polling again at the next interval', { clusterId: input.clusterId, requestId: run.requestId, type });
    return { failureType: type };
  }
}

/**
 * Reads `clusterMeta` once the run has ended, retrying transient failures at
 * the poll interval. Gives up an hour after the run timeout at the latest,
 * with the last failure type and the result so far in the details.
 */
async function readFinalStatus(context: JobContext, run: Continuation, terminal: StatusResponse, finishedAt: Date): Promise<StatusResponse> {
  const { input } = context;
  const deadline = Math.max(Date.parse(run.launchedAt) + input.runTimeout, finishedAt.getTime() + FINAL_READ_GRACE_MS);
  for (;;) {
    const { status, failureType } = await readStatus(context, run, deadline, true, `read clusterMeta (run ended: ${terminal.requestStatus})`);
    if (status) return status;
    if (Date.now() + input.pollInterval.maximum > deadline) {
      throw ApplicationFailure.create({
        type: failureType,
        message: `run ${run.requestId} on cluster ${input.clusterId} ended with ${terminal.requestStatus}, but its clusterMeta could not be read (${failureType})`,
        nonRetryable: true,
        details: [{ clusterId: input.clusterId, requestId: run.requestId, requestStatus: terminal.requestStatus, requestResult: terminal.requestResult ?? null, finishedAt: finishedAt.toISOString() }],
      });
    }
    await sleep(input.pollInterval.maximum, { summary: `wait ${ms(input.pollInterval.maximum)} before reading clusterMeta again` });
  }
}

function deadlineExceeded(input: ResolvedJobInput, run: Continuation, progress: JobProgress): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.RunDeadlineExceeded,
    message:
      `run ${run.requestId} on cluster ${input.clusterId} did not reach ${input.terminalStatuses.join(' or ')} within the run timeout ` +
      `(last status: ${progress.lastStatus ?? 'none read'}). The run continues on the cluster: the API cannot cancel it.`,
    nonRetryable: true,
    details: [{ clusterId: input.clusterId, requestId: run.requestId, lastStatus: progress.lastStatus ?? null, pollCount: progress.pollCount, launchedAt: run.launchedAt }],
  });
}

function cancelled(progress: JobProgress): CancelledFailure {
  const message = progress.requestId
    ? `workflow cancelled; run ${progress.requestId} continues on cluster ${progress.clusterId} because the API cannot cancel it (last status: ${progress.lastStatus ?? 'none read'})`
    : `workflow cancelled before a launch; nothing was started on cluster ${progress.clusterId}`;
  log.warn(message, { clusterId: progress.clusterId, requestId: progress.requestId ?? null });
  // NOTE: SDK 1.24 drops the message and details of a workflow's own CancelledFailure, so callers read
  // the message from the `status` query (its `failure` field) or from this log line.
  return new CancelledFailure(message);
}
