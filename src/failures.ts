/**
 * Every failure type that activities and the job workflow raise, with whether
 * Temporal retries it and why. The type strings are stable: callers branch on
 * `ApplicationFailure.type`, never on message text.
 *
 * This module is imported by workflow code, so it must stay free of I/O.
 */
export const FailureType = {
  /** Workflow input failed validation; nothing was launched. */
  InvalidInput: 'INVALID_WORKFLOW_INPUT',
  /** The worker has no credentials for the requested profile or cluster. */
  CredentialsMissing: 'HADOOP_ECO_CREDENTIALS_MISSING',
  /** The workflow named a region or endpoint that the worker does not know. */
  UnknownRegion: 'HADOOP_ECO_UNKNOWN_REGION',

  /** HTTP 400: the API rejected the request body or parameters. */
  BadRequest: 'HADOOP_ECO_BAD_REQUEST',
  /** HTTP 401: missing or wrong access key or Open API key. */
  Unauthorized: 'HADOOP_ECO_UNAUTHORIZED',
  /** HTTP 403: the Open API key does not belong to the cluster. */
  Forbidden: 'HADOOP_ECO_FORBIDDEN',
  /** HTTP 404: unknown cluster or request ID. */
  NotFound: 'HADOOP_ECO_NOT_FOUND',
  /** HTTP 202 on launch: the cluster already has a run in progress, nothing new was launched. */
  ClusterBusy: 'HADOOP_ECO_CLUSTER_BUSY',
  /** HTTP 429: throttled; the retry waits for `Retry-After` when the API sends it. */
  RateLimited: 'HADOOP_ECO_RATE_LIMITED',
  /** HTTP 5xx. */
  ServerError: 'HADOOP_ECO_SERVER_ERROR',
  /** Any other HTTP status, for example 3xx or 405. */
  UnexpectedStatus: 'HADOOP_ECO_UNEXPECTED_STATUS',
  /** Connection refused, DNS failure, timeout or reset. */
  NetworkError: 'HADOOP_ECO_NETWORK_ERROR',
  /** The API returned a body that is not JSON or has the wrong shape. */
  InvalidResponse: 'HADOOP_ECO_INVALID_RESPONSE',

  /** A launch may or may not have started a run; the operator has to look in the console. */
  LaunchOutcomeUnknown: 'HADOOP_ECO_LAUNCH_OUTCOME_UNKNOWN',
  /** The run ended with `requestResult` `Failure`. */
  RunFailed: 'HADOOP_ECO_RUN_FAILED',
  /** The run ended with a `requestResult` other than `Success` or `Failure`. */
  RunResultUnknown: 'HADOOP_ECO_RUN_RESULT_UNKNOWN',
  /** The run did not reach a terminal status before the workflow's run timeout. */
  RunDeadlineExceeded: 'HADOOP_ECO_RUN_DEADLINE_EXCEEDED',
} as const;

export type FailureType = (typeof FailureType)[keyof typeof FailureType];

/** Retry rule of one failure type in the launch and status activities. */
export interface FailurePolicy {
  /** Whether the launch activity retries it. */
  retriedOnLaunch: boolean;
  /** Whether the status activity retries it. */
  retriedOnStatus: boolean;
  /** The reason, in one sentence. */
  why: string;
}

export const FAILURE_CATALOGUE: Record<FailureType, FailurePolicy> = {
  [FailureType.InvalidInput]: {
    retriedOnLaunch: false,
    retriedOnStatus: false,
    why: 'The same input fails the same way, so the workflow fails at once and names each bad field.',
  },
  [FailureType.CredentialsMissing]: {
    retriedOnLaunch: false,
    retriedOnStatus: false,
    why: 'The worker configuration must change first; the message names the variable to set.',
  },
  [FailureType.UnknownRegion]: {
    retriedOnLaunch: false,
    retriedOnStatus: false,
    why: 'The worker configuration must change first; the message lists the known names.',
  },
  [FailureType.BadRequest]: {
    retriedOnLaunch: false,
    retriedOnStatus: false,
    why: 'The API rejected the request itself, so repeating it cannot succeed.',
  },
  [FailureType.Unauthorized]: {
    retriedOnLaunch: false,
    retriedOnStatus: false,
    why: 'Credentials do not fix themselves, and repeated bad logins may lock the key.',
  },
  [FailureType.Forbidden]: {
    retriedOnLaunch: false,
    retriedOnStatus: false,
    why: 'The Open API key does not belong to the cluster; a new key must be issued or configured.',
  },
  [FailureType.NotFound]: {
    retriedOnLaunch: false,
    retriedOnStatus: false,
    why: 'The cluster or request does not exist, and waiting will not create it.',
  },
  [FailureType.ClusterBusy]: {
    retriedOnLaunch: true,
    retriedOnStatus: false,
    why: 'A 202 means the API launched nothing, so a later launch is safe once the active run ends.',
  },
  [FailureType.RateLimited]: {
    retriedOnLaunch: true,
    retriedOnStatus: true,
    why: 'The API did nothing; the retry waits for Retry-After.',
  },
  [FailureType.ServerError]: {
    retriedOnLaunch: false,
    retriedOnStatus: true,
    why: 'A status read is safe to repeat. A launch that gets 500, 502 or 504 may have started a run, so it becomes LAUNCH_OUTCOME_UNKNOWN. Only 503 is retried on launch.',
  },
  [FailureType.UnexpectedStatus]: {
    retriedOnLaunch: false,
    retriedOnStatus: false,
    why: 'The API returned a status it does not document, so a person has to look at it.',
  },
  [FailureType.NetworkError]: {
    retriedOnLaunch: true,
    retriedOnStatus: true,
    why: 'Status reads are safe to repeat. The launch activity retries only errors that prove the request never left (refused connection, DNS failure, connect timeout); the others become LAUNCH_OUTCOME_UNKNOWN.',
  },
  [FailureType.InvalidResponse]: {
    retriedOnLaunch: false,
    retriedOnStatus: true,
    why: 'A status read is safe to repeat. A launch whose answer cannot be read may have started a run, so it becomes LAUNCH_OUTCOME_UNKNOWN.',
  },
  [FailureType.LaunchOutcomeUnknown]: {
    retriedOnLaunch: false,
    retriedOnStatus: false,
    why: 'The API has no idempotency key and no way to list runs, so a second POST could start a second run.',
  },
  [FailureType.RunFailed]: {
    retriedOnLaunch: false,
    retriedOnStatus: false,
    why: 'The job itself failed on the cluster; the failure details carry the result and clusterMeta.',
  },
  [FailureType.RunResultUnknown]: {
    retriedOnLaunch: false,
    retriedOnStatus: false,
    why: 'The run ended but did not report Success, so the workflow does not claim it succeeded.',
  },
  [FailureType.RunDeadlineExceeded]: {
    retriedOnLaunch: false,
    retriedOnStatus: false,
    why: 'The API cannot cancel a run, so the run goes on; the failure carries the last status seen.',
  },
};

/** Failure types that the workflow may see from an activity and still keep polling. */
export function isTransientStatusFailure(type: string | undefined | null): boolean {
  if (!type || !(type in FAILURE_CATALOGUE)) return false;
  return FAILURE_CATALOGUE[type as FailureType].retriedOnStatus;
}
