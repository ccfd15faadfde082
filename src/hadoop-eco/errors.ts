import { FailureType } from '../failures';

/** Maximum characters of a response body kept in an error, after redaction. */
export const BODY_EXCERPT_CHARS = 512;

/** Details that every Hadoop Eco API error carries; none of them is a credential. */
export interface HadoopEcoErrorContext {
  /** HTTP method and path of the call, without host or query. */
  operation: string;
  /** HTTP status, when the API sent a response. */
  status?: number;
  /** Start of the response body with every credential replaced by `[REDACTED]`. */
  bodyExcerpt?: string;
}

/**
 * Base class of every error the client throws. `code` is stable and equals
 * the failure type that the activities raise for it.
 */
export abstract class HadoopEcoError extends Error {
  abstract readonly code: FailureType;
  readonly operation: string;
  readonly status?: number;
  readonly bodyExcerpt?: string;

  constructor(message: string, context: HadoopEcoErrorContext, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.operation = context.operation;
    this.status = context.status;
    this.bodyExcerpt = context.bodyExcerpt;
  }
}

/** HTTP 400. */
export class BadRequestError extends HadoopEcoError {
  readonly code = FailureType.BadRequest;
}

/** HTTP 401. */
export class UnauthorizedError extends HadoopEcoError {
  readonly code = FailureType.Unauthorized;
}

/** HTTP 403. */
export class ForbiddenError extends HadoopEcoError {
  readonly code = FailureType.Forbidden;
}

/** HTTP 404. */
export class NotFoundError extends HadoopEcoError {
  readonly code = FailureType.NotFound;
}

/** HTTP 202 on launch: the cluster already runs a job, and nothing new was launched. */
export class ClusterBusyError extends HadoopEcoError {
  readonly code = FailureType.ClusterBusy;
}

/** HTTP 429. */
export class RateLimitedError extends HadoopEcoError {
  readonly code = FailureType.RateLimited;
  /** Delay the API asked for in `Retry-After`, in milliseconds, when it sent a readable one. */
  readonly retryAfterMs?: number;

  constructor(message: string, context: HadoopEcoErrorContext, retryAfterMs: number | undefined) {
    super(message, context);
    this.retryAfterMs = retryAfterMs;
  }
}

/** HTTP 5xx. */
export class ServerError extends HadoopEcoError {
  readonly code = FailureType.ServerError;
}

/** An HTTP status the API does not document, such as 3xx or 405. */
export class UnexpectedStatusError extends HadoopEcoError {
  readonly code = FailureType.UnexpectedStatus;
}

/** How far a failed call got, which decides whether a launch may be retried. */
export type NetworkFailureStage =
  /** The connection was never established, so the request cannot have reached the API. */
  | 'connect'
  /** The connection was open when it failed, so the API may have received the request. */
  | 'exchange';

/** Connection refused, DNS failure, timeout or reset. */
export class NetworkError extends HadoopEcoError {
  readonly code = FailureType.NetworkError;
  readonly stage: NetworkFailureStage;
  /** The underlying error code, such as ECONNREFUSED or UND_ERR_HEADERS_TIMEOUT. */
  readonly causeCode?: string;

  constructor(message: string, context: HadoopEcoErrorContext, stage: NetworkFailureStage, cause: unknown) {
    super(message, context, { cause });
    this.stage = stage;
    this.causeCode = errorCodeOf(cause);
  }

  /** True when the request provably never reached the API. */
  get requestNotSent(): boolean {
    return this.stage === 'connect';
  }
}

/** A response body that is not JSON or does not have the documented shape. */
export class InvalidResponseError extends HadoopEcoError {
  readonly code = FailureType.InvalidResponse;
  /** Schema problems as `path: message`, empty when the body was not JSON at all. */
  readonly problems: string[];

  constructor(message: string, context: HadoopEcoErrorContext, problems: string[] = [], cause?: unknown) {
    super(message, context, { cause });
    this.problems = problems;
  }
}

/** Reads `code` from an error-like value, such as Node's `ECONNREFUSED` or undici's `UND_ERR_*`. */
export function errorCodeOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}

/**
 * Replaces every occurrence of each secret in `text` with `[REDACTED]`, then
 * cuts the result to `maxChars`. Redaction comes first so that no cut can
 * leave part of a secret behind.
 */
export function redactAndTruncate(text: string, secrets: readonly string[], maxChars = BODY_EXCERPT_CHARS): string {
  let redacted = text;
  for (const secret of secrets) {
    for (const form of escapedForms(secret)) redacted = redacted.split(form).join('[REDACTED]');
  }
  return redacted.length > maxChars ? `${redacted.slice(0, maxChars)}…` : redacted;
}

/**
 * Returns the forms a secret takes: raw, inside a JSON string, and inside a
 * JSON string that was itself put in JSON (an echoed body in a log line).
 * The longest comes first, so that the raw form does not break a longer match.
 */
function escapedForms(secret: string): string[] {
  if (secret.length === 0) return [];
  const once = JSON.stringify(secret).slice(1, -1);
  const twice = JSON.stringify(once).slice(1, -1);
  return [...new Set([twice, once, secret])];
}
