import ms from 'ms';
import { z } from 'zod';
import { ENDPOINT_NAME_PATTERN } from '../hadoop-eco/regions';
import { LaunchSettingsSchema } from '../hadoop-eco/schemas';

/**
 * Input of the job workflow, shared by the workflow, the CLI and callers that
 * start it from other workflows or `temporal workflow start`. Deterministic
 * code only.
 */

/**
 * Smallest poll interval accepted, in milliseconds. Runs take minutes (cluster
 * provisioning alone does), so faster polling only adds load on the API.
 */
export const MIN_POLL_INTERVAL_MS = 5_000;
/** Largest poll interval accepted, in milliseconds. */
export const MAX_POLL_INTERVAL_MS = 60 * 60_000;
/** Bounds of the run timeout, in milliseconds. */
export const MIN_RUN_TIMEOUT_MS = 60_000;
export const MAX_RUN_TIMEOUT_MS = 30 * 24 * 60 * 60_000;

/** Parses a duration such as '30s', '5 minutes' or a number of milliseconds to milliseconds, within bounds. */
function duration(min: number, max: number) {
  return z
    .union([z.string(), z.number()], { invalid_type_error: 'expected a duration such as "30s" or a number of milliseconds' })
    .transform((value, context) => {
      const millis = typeof value === 'number' ? value : parseDurationText(value);
      if (typeof millis !== 'number' || !Number.isFinite(millis)) {
        context.addIssue({ code: z.ZodIssueCode.custom, message: `"${value}" is not a duration; use a form such as "30s", "5m" or "2h"` });
        return z.NEVER;
      }
      if (millis < min || millis > max) {
        context.addIssue({ code: z.ZodIssueCode.custom, message: `must be from ${ms(min, { long: true })} to ${ms(max, { long: true })}, got ${ms(millis, { long: true })}` });
        return z.NEVER;
      }
      return Math.round(millis);
    });
}

/** Parses text such as '30s' with `ms`, which throws on empty text; returns undefined for anything unreadable. */
function parseDurationText(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.length > 100) return undefined;
  try {
    return ms(trimmed as ms.StringValue);
  } catch {
    return undefined;
  }
}

/** Default of `pollInterval.maximum` when the input sets none and `initial` is not larger. */
const DEFAULT_MAX_POLL_INTERVAL_MS = 5 * 60_000;

const PollIntervalSchema = z
  .object({
    /** Wait before the first status read, and the start of the backoff. */
    initial: duration(MIN_POLL_INTERVAL_MS, MAX_POLL_INTERVAL_MS).default('30s'),
    /** Largest wait between two status reads; by default 5 minutes, or `initial` when that is longer. */
    maximum: duration(MIN_POLL_INTERVAL_MS, MAX_POLL_INTERVAL_MS).optional(),
    /** Factor applied to the wait after each read that shows no terminal status. */
    multiplier: z.number().min(1, 'must be at least 1').max(10, 'must be at most 10').default(1.5),
  })
  .strict()
  .transform((value, context) => {
    const maximum = value.maximum ?? Math.max(DEFAULT_MAX_POLL_INTERVAL_MS, value.initial);
    if (value.initial > maximum) {
      context.addIssue({ code: z.ZodIssueCode.custom, message: 'initial must not exceed maximum', path: ['initial'] });
      return z.NEVER;
    }
    return { ...value, maximum };
  });

/** Policies for a launch that gets 202 because the cluster already has a run. */
export const BUSY_POLICIES = ['wait', 'fail'] as const;

const BusySchema = z
  .object({
    /** `wait`: retry the launch with backoff until `timeout`; `fail`: fail at once with HADOOP_ECO_CLUSTER_BUSY. */
    policy: z.enum(BUSY_POLICIES, { errorMap: () => ({ message: `expected one of ${BUSY_POLICIES.join(', ')}` }) }).default('wait'),
    /** Maximum time to keep retrying a busy cluster, from the first launch attempt. */
    timeout: duration(MIN_POLL_INTERVAL_MS, MAX_RUN_TIMEOUT_MS).default('1h'),
  })
  .strict();

/**
 * State that a continued execution carries over from the one before it, so
 * that it goes on polling the same run without launching again. Set by the
 * workflow itself when it continues as new; callers leave it out.
 */
export const ContinuationSchema = z
  .object({
    requestId: z.string().min(1),
    clusterName: z.string(),
    settings: z.record(z.unknown()),
    launchedAt: z.string().datetime(),
    pollCount: z.number().int().min(0),
    lastStatus: z.string().optional(),
    intervalMs: z.number().int().min(0),
    /** Number of executions before this one. */
    continuedCount: z.number().int().min(1),
  })
  .strict();

export type Continuation = z.infer<typeof ContinuationSchema>;

export const JobInputSchema = z
  .object({
    /** ID of the terminated cluster whose scheduled job runs again. */
    clusterId: z
      .string({ required_error: 'is required', invalid_type_error: 'expected a string' })
      .trim()
      .min(1, 'is required')
      .max(128, 'must be at most 128 characters')
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'may contain only letters, digits, "-" and "_"'),
    /** Region (`kr-central-1`, `kr-central-2`) or the name of an endpoint configured on the worker. */
    region: z
      .string({ required_error: 'is required, for example "kr-central-2"', invalid_type_error: 'expected a string' })
      .regex(ENDPOINT_NAME_PATTERN, 'expected a region such as "kr-central-2" or an endpoint name configured on the worker'),
    /** Settings that change for this run; omitted fields keep the cluster's stored values. */
    settings: LaunchSettingsSchema.default({}),
    pollInterval: PollIntervalSchema.default({}),
    /** Maximum time to wait for a terminal status after the launch. */
    runTimeout: duration(MIN_RUN_TIMEOUT_MS, MAX_RUN_TIMEOUT_MS).default('24h'),
    /** Status values that end the wait, compared exactly. */
    terminalStatuses: z
      .array(z.string().min(1, 'must not be empty'), { invalid_type_error: 'expected an array of status values' })
      .min(1, 'must list at least one status')
      .default(['Terminate']),
    /** Worker-side credential profile. */
    credentialProfile: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected a profile name of letters, digits, ".", "_" or "-"').optional(),
    /** Return a run that ended with `Failure` as a result instead of failing the workflow. */
    failureAsResult: z.boolean().default(false),
    busy: BusySchema.default({}),
    continuation: ContinuationSchema.optional(),
  })
  .strict();

/** Input as callers pass it: durations may be strings, and most fields have defaults. */
export type JobInput = z.input<typeof JobInputSchema>;
/** The input after validation: defaults applied, durations in milliseconds. */
export type ResolvedJobInput = z.output<typeof JobInputSchema>;

/** Formats each validation issue as one `field.path: message` line. */
export function describeInputIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const field = issue.path.join('.') || '(input)';
    if (issue.code === z.ZodIssueCode.unrecognized_keys) return `${field}: unknown field(s) ${issue.keys.join(', ')}`;
    return `${field}: ${issue.message}`;
  });
}

/** Validates input. Returns the resolved input or the list of problems, each naming its field. */
export function parseJobInput(raw: unknown): { ok: true; input: ResolvedJobInput } | { ok: false; problems: string[] } {
  try {
    const parsed = JobInputSchema.safeParse(raw ?? {});
    return parsed.success ? { ok: true, input: parsed.data } : { ok: false, problems: describeInputIssues(parsed.error) };
  } catch (error) {
    // A throw here inside a workflow would fail the workflow task and retry it forever.
    return { ok: false, problems: [`(input): could not be validated: ${error instanceof Error ? error.message : String(error)}`] };
  }
}
