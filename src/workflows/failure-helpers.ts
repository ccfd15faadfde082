import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';

/** Finds the first `ApplicationFailure` in a failure's cause chain. */
export function applicationFailureIn(error: unknown): ApplicationFailure | undefined {
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
 * the cause chain. Other errors, cancellation among them, pass through.
 */
export function toWorkflowFailure(error: unknown): unknown {
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
