import { ApplicationFailure } from '@temporalio/common';
import { FAILURE_CATALOGUE, FailureType } from '../failures';
import {
  HadoopEcoError,
  NetworkError,
  RateLimitedError,
  redactAndTruncate,
  ServerError,
} from '../hadoop-eco';
import { CredentialsMissingError } from './credentials';

/** Failure details that activities attach; values are already redacted. */
export interface ApiFailureDetails {
  clusterId: string;
  requestId?: string;
  operation?: string;
  status?: number;
  bodyExcerpt?: string;
  causeCode?: string;
  /**
   * Delay from `Retry-After`, in milliseconds. Repeated here because the SDK
   * (1.24) does not decode `nextRetryDelay` of a failure that reaches a workflow.
   */
  retryAfterMs?: number;
}

/** A region or endpoint name that the worker has no base URL for. */
export class UnknownRegionError extends Error {
  override readonly name = 'UnknownRegionError';
}

/**
 * Converts an error from a launch into the failure that the workflow receives. Only
 * failures that prove the API launched nothing are retryable; anything
 * ambiguous becomes LAUNCH_OUTCOME_UNKNOWN so that no second run starts.
 */
export function launchFailure(error: unknown, clusterId: string, secrets: readonly string[]): ApplicationFailure {
  const configFailure = configurationFailure(error, secrets);
  if (configFailure) return configFailure;
  if (!(error instanceof HadoopEcoError)) return outcomeUnknown(error, clusterId, secrets);

  const details = apiDetails(error, clusterId, secrets);
  if (error instanceof NetworkError) {
    return error.requestNotSent ? failure(error, details, secrets, { nonRetryable: false }) : outcomeUnknown(error, clusterId, secrets);
  }
  if (error instanceof RateLimitedError) {
    return failure(error, details, secrets, { nonRetryable: false, nextRetryDelay: details.retryAfterMs });
  }
  if (error instanceof ServerError) {
    return error.status === 503 ? failure(error, details, secrets, { nonRetryable: false }) : outcomeUnknown(error, clusterId, secrets);
  }
  if (error.code === FailureType.InvalidResponse) return outcomeUnknown(error, clusterId, secrets);
  // A success status other than 200 (say 201) may well mean that a run started.
  if (error.code === FailureType.UnexpectedStatus && error.status !== undefined && error.status >= 200 && error.status < 300) {
    return outcomeUnknown(error, clusterId, secrets);
  }

  return failure(error, details, secrets, { nonRetryable: !FAILURE_CATALOGUE[error.code].retriedOnLaunch });
}

/** Converts an error from a status read into the failure that the workflow receives. Reads are safe to repeat. */
export function statusFailure(error: unknown, clusterId: string, requestId: string, secrets: readonly string[]): unknown {
  const configFailure = configurationFailure(error, secrets);
  if (configFailure) return configFailure;
  if (!(error instanceof HadoopEcoError)) return error;

  const details = { ...apiDetails(error, clusterId, secrets), requestId };
  const nextRetryDelay = details.retryAfterMs;
  return failure(error, details, secrets, { nonRetryable: !FAILURE_CATALOGUE[error.code].retriedOnStatus, nextRetryDelay });
}

function configurationFailure(error: unknown, secrets: readonly string[]): ApplicationFailure | undefined {
  if (error instanceof CredentialsMissingError) {
    return ApplicationFailure.create({ type: FailureType.CredentialsMissing, message: redact(error.message, secrets), nonRetryable: true });
  }
  if (error instanceof UnknownRegionError) {
    return ApplicationFailure.create({ type: FailureType.UnknownRegion, message: error.message, nonRetryable: true });
  }
  return undefined;
}

function failure(
  error: HadoopEcoError,
  details: ApiFailureDetails,
  secrets: readonly string[],
  options: { nonRetryable: boolean; nextRetryDelay?: number },
): ApplicationFailure {
  return ApplicationFailure.create({
    type: error.code,
    message: redact(error.message, secrets),
    nonRetryable: options.nonRetryable,
    nextRetryDelay: options.nextRetryDelay,
    details: [details],
  });
}

function outcomeUnknown(error: unknown, clusterId: string, secrets: readonly string[]): ApplicationFailure {
  const reason = redact(error instanceof Error ? error.message : String(error), secrets);
  const details: ApiFailureDetails =
    error instanceof HadoopEcoError ? apiDetails(error, clusterId, secrets) : { clusterId };
  return ApplicationFailure.create({
    type: FailureType.LaunchOutcomeUnknown,
    message:
      `the launch on cluster ${clusterId} may or may not have started a run (${reason}). ` +
      'This workflow will not post again, because a second launch could start a second run. ' +
      `Check the cluster in the Kakao Cloud console (Analytics > Hadoop Eco > Cluster > ${clusterId}) to see whether a run started, ` +
      'and start a new workflow only if none did.',
    nonRetryable: true,
    details: [details],
  });
}

function apiDetails(error: HadoopEcoError, clusterId: string, secrets: readonly string[]): ApiFailureDetails {
  return {
    clusterId,
    operation: error.operation,
    status: error.status,
    bodyExcerpt: error.bodyExcerpt === undefined ? undefined : redact(error.bodyExcerpt, secrets),
    causeCode: error instanceof NetworkError ? error.causeCode : undefined,
    retryAfterMs: error instanceof RateLimitedError ? boundedRetryAfter(error.retryAfterMs) : undefined,
  };
}

/** Bounds of the delay taken from `Retry-After`: 0 or a past date would retry at once, hours would outlive every timeout. */
const MIN_RETRY_AFTER_MS = 1_000;
const MAX_RETRY_AFTER_MS = 15 * 60_000;

function boundedRetryAfter(retryAfterMs: number | undefined): number | undefined {
  if (retryAfterMs === undefined) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(MIN_RETRY_AFTER_MS, retryAfterMs));
}

/** Redacts every secret the worker holds, not only those of the failed call. */
function redact(text: string, secrets: readonly string[]): string {
  return redactAndTruncate(text, secrets, 2048);
}
