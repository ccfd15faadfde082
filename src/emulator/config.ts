import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/**
 * Options of the Hadoop Eco emulator. Every schema here applies its own
 * defaults, so `resolveEmulatorOptions` is the one place where a partial
 * input becomes complete options.
 *
 * These schemas validate the emulator's own configuration. The emulator checks
 * API request bodies by hand in `server.ts`, independently of
 * `src/hadoop-eco`, so that it stays an oracle for the client's validation.
 */

/** Cluster ID of the cluster that the emulator serves when no clusters are configured. */
export const DEFAULT_CLUSTER_ID = '58ceed05-e4f5-4a85-b9a6-e9b79ae8dcdf';

/**
 * Status sequence of a run when none is configured. It contains `Terminating`,
 * which is not terminal but starts like `Terminate`, so that a client matching
 * by prefix stops too early and its tests fail.
 */
export const DEFAULT_STATUSES = ['Pending', 'Provisioning', 'Processing', 'Terminating', 'Terminate'] as const;

/** Values of `requestResult` that a run script can end with. */
export const RUN_RESULTS = ['Success', 'Failure'] as const;

/** Job types of a cluster, in the lower case that the API returns. */
export const JOB_TYPES = ['hive', 'spark'] as const;

/** Spark deploy modes. */
export const DEPLOY_MODES = ['client', 'cluster'] as const;

/** Ranges of the integer cluster settings, in the API document's units. */
export const SETTING_RANGES = {
  /** Number of worker nodes. */
  workerCnt: { min: 1, max: 1000 },
  /** Block storage per worker, in GB. */
  workerVolumeSize: { min: 50, max: 5120 },
  /** HDFS replication factor. */
  configHdfsReplication: { min: 1, max: 500 },
  /** HDFS block size, in MB. */
  configHdfsBlockSize: { min: 1, max: 1024 },
} as const;

export type IntegerSettingName = keyof typeof SETTING_RANGES;

function settingInteger(name: IntegerSettingName) {
  const { min, max } = SETTING_RANGES[name];
  return z.number().int().min(min).max(max);
}

/** Stored settings of a cluster. A launch body overlays them, and the overlay is kept for later runs. */
export const ClusterSettingsSchema = z
  .object({
    /** Number of worker nodes. @default 2 */
    workerCnt: settingInteger('workerCnt').default(2),
    /** Block storage per worker, in GB. @default 50 */
    workerVolumeSize: settingInteger('workerVolumeSize').default(50),
    /** HDFS replication factor. @default 2 */
    configHdfsReplication: settingInteger('configHdfsReplication').default(2),
    /** HDFS block size, in MB. @default 128 */
    configHdfsBlockSize: settingInteger('configHdfsBlockSize').default(128),
    /** Spark deploy mode. @default 'cluster' */
    userTaskDeployMode: z.enum(DEPLOY_MODES).default('cluster'),
    /** Hive settings or spark-submit options, as free text. @default '' */
    userTaskExecOpts: z.string().default(''),
    /** Job application parameters, as free text. @default '' */
    userTaskExecParams: z.string().default(''),
  })
  .strict();

export type ClusterSettings = z.infer<typeof ClusterSettingsSchema>;
export type ClusterSettingsInput = z.input<typeof ClusterSettingsSchema>;

/**
 * When a run moves to its next status: after a number of status requests
 * (`polls`), or after a fixed time (`time`).
 */
export const RunAdvanceSchema = z.discriminatedUnion('by', [
  z
    .object({
      by: z.literal('polls'),
      /** Status requests that return each status before the next one is returned. @default 1 */
      polls: z.number().int().positive().default(1),
    })
    .strict(),
  z
    .object({
      by: z.literal('time'),
      /** Time that each status lasts, in milliseconds, counted from the launch. */
      stepMs: z.number().positive(),
    })
    .strict(),
]);

export type RunAdvance = z.infer<typeof RunAdvanceSchema>;

/** Script of a launched run: the statuses it passes through and its result. */
export const RunScriptSchema = z
  .object({
    /**
     * Values of `requestStatus` in order. Only the last value is terminal.
     * @default ['Pending', 'Provisioning', 'Processing', 'Terminating', 'Terminate']
     */
    statuses: z.array(z.string().min(1)).min(1).default([...DEFAULT_STATUSES]),
    /** When the run moves to its next status. @default { by: 'polls', polls: 1 } */
    advance: RunAdvanceSchema.default({ by: 'polls', polls: 1 }),
    /** `requestResult` once the terminal status is reached. @default 'Success' */
    result: z.enum(RUN_RESULTS).default('Success'),
  })
  .strict();

export type RunScript = z.infer<typeof RunScriptSchema>;
export type RunScriptInput = z.input<typeof RunScriptSchema>;

/** A cluster that the emulator serves, with the Open API key that it accepts. */
export const EmulatorClusterSchema = z
  .object({
    /** Cluster ID in the API paths. Any non-empty string without `/`, although real IDs are UUIDs. */
    clusterId: z.string().min(1).regex(/^[^/]+$/, 'must not contain "/"'),
    /** Name that responses return as `clusterName`. */
    clusterName: z.string().min(1),
    /** Value that the `Hadoop-Eco-Api-Key` header must have for this cluster. */
    openApiKey: z.string().min(1),
    /** Job type that responses return, in lower case. @default 'hive' */
    jobType: z.enum(JOB_TYPES).default('hive'),
    /** Stored settings before any launch. @default every field at its default */
    settings: ClusterSettingsSchema.default({}),
    /** Run script for this cluster's runs. Without it, runs use `defaultRun`. */
    run: RunScriptSchema.optional(),
  })
  .strict();

export type EmulatorCluster = z.infer<typeof EmulatorClusterSchema>;
export type EmulatorClusterInput = z.input<typeof EmulatorClusterSchema>;

const DEFAULT_CLUSTER: EmulatorClusterInput = {
  clusterId: DEFAULT_CLUSTER_ID,
  clusterName: 'test-cluster',
  openApiKey: 'emulator-open-api-key',
  jobType: 'hive',
};

/** Access key that the emulator accepts in `Credential-ID` and `Credential-Secret`. */
export const CredentialsSchema = z
  .object({
    /** Expected `Credential-ID` header. @default 'emulator-access-key-id' */
    accessKeyId: z.string().min(1).default('emulator-access-key-id'),
    /** Expected `Credential-Secret` header. @default 'emulator-access-key-secret' */
    accessKeySecret: z.string().min(1).default('emulator-access-key-secret'),
  })
  .strict();

export type Credentials = z.infer<typeof CredentialsSchema>;

const FaultMatchSchema = z
  .object({
    /** HTTP method of the request. */
    method: z.enum(['GET', 'POST']).optional(),
    /** Cluster ID in the request path. */
    clusterId: z.string().min(1).optional(),
    /** Request ID in the status path. Launch requests have none, so they never match a fault that sets it. */
    requestId: z.string().min(1).optional(),
  })
  .strict();

export type FaultMatch = z.infer<typeof FaultMatchSchema>;

/** Fields that every fault kind has. */
const faultBase = {
  /** Conditions that a request must meet, all of them. Without it, the fault matches any API request. */
  match: FaultMatchSchema.optional(),
  /** Number of matching requests that the fault applies to before it is removed. @default 1 */
  times: z.number().int().positive().default(1),
};

const httpStatus = z.number().int().min(100).max(599);

/**
 * A fault that replaces or disturbs the emulator's response to API requests.
 * Faults wait in a queue. Each request takes the first fault that matches it,
 * so a request gets at most one fault.
 */
export const FaultSchema = z.discriminatedUnion('kind', [
  // Responds with `status` in place of the real response. The real handler
  // does not run, so a launch creates no run.
  z
    .object({
      ...faultBase,
      kind: z.literal('status'),
      status: httpStatus,
      /** Response body: a string is sent as is, an object as JSON. @default { code, message } as JSON */
      body: z.union([z.string(), z.record(z.unknown())]).optional(),
      /** Extra response headers, for example `Retry-After`. */
      headers: z.record(z.string()).optional(),
    })
    .strict(),
  // Destroys the connection without a response. With `before` the real handler
  // does not run. With `after` it runs first, so a launch creates its run and
  // ledger entry but the client never receives the response.
  z
    .object({
      ...faultBase,
      kind: z.literal('drop'),
      when: z.enum(['before', 'after']),
    })
    .strict(),
  // Waits, on top of `latencyMs`, and then responds normally.
  z
    .object({
      ...faultBase,
      kind: z.literal('delay'),
      /** Extra wait in milliseconds. */
      ms: z.number().int().nonnegative(),
    })
    .strict(),
  // Responds with a body that is not JSON or has the wrong shape. The real
  // handler does not run, so a launch creates no run.
  z
    .object({
      ...faultBase,
      kind: z.literal('garbage'),
      /** @default 200 */
      status: httpStatus.default(200),
      body: z.string(),
      /** `Content-Type` of the response. It claims JSON by default, as a broken API would. @default 'application/json' */
      contentType: z.string().min(1).default('application/json'),
    })
    .strict(),
  // Runs the real handler, so a launch creates its run and ledger entry, then
  // sends `status`, the handler's headers and the full `Content-Length`, writes
  // only the first `keepBytes` bytes of the body and destroys the connection.
  z
    .object({
      ...faultBase,
      kind: z.literal('truncate'),
      /** Status line sent in place of the handler's status. @default 200 */
      status: httpStatus.default(200),
      /**
       * Body bytes written before the connection is destroyed. It is capped at
       * the body length minus one, so the body always arrives incomplete.
       * @default half of the body, rounded down
       */
      keepBytes: z.number().int().nonnegative().optional(),
    })
    .strict(),
]);

export type Fault = z.infer<typeof FaultSchema>;
export type FaultInput = z.input<typeof FaultSchema>;

/** HTTP methods of the API that a fault profile can apply to. */
export const FAULT_PROFILE_METHODS = ['GET', 'POST'] as const;

/**
 * Fields of `FaultProfile` that are probabilities of one outcome, in the order
 * in which they take their slices of [0, 1).
 */
export const FAULT_PROFILE_RATE_FIELDS = [
  'serverErrorRate',
  'rateLimitRate',
  'dropBeforeRate',
  'dropAfterRate',
  'garbageRate',
  'truncateRate',
] as const;

export type FaultProfileRateField = (typeof FAULT_PROFILE_RATE_FIELDS)[number];

/**
 * Allowed excess of the sum of the fault profile rates over 1, so that rates
 * such as 0.1 + 0.2 + 0.7, whose floating-point sum is 1.0000000000000002, pass.
 */
export const RATE_SUM_TOLERANCE = 1e-9;

/** Largest seed: the PRNG state is an unsigned 32-bit integer. */
export const MAX_FAULT_PROFILE_SEED = 0xffff_ffff;

const rate = z.number().min(0).max(1);

const LatencyRangeSchema = z
  .object({
    /** Minimum extra delay, in milliseconds. */
    min: z.number().int().nonnegative(),
    /** Maximum extra delay, in milliseconds. */
    max: z.number().int().nonnegative(),
  })
  .strict()
  .refine((range) => range.min <= range.max, { message: 'min must not be greater than max', path: ['min'] });

/**
 * Random faults for every API request that the queue of one-shot faults leaves
 * alone. Each request draws one number from [0, 1). The rates take
 * consecutive slices of that interval in the order of
 * `FAULT_PROFILE_RATE_FIELDS`, and a number past the last slice means a
 * normal response. So the outcomes exclude each other, and the rates must sum
 * to at most 1.
 */
export const FaultProfileSchema = z
  .object({
    /** Share of requests that get a response with one of `serverErrorStatuses`. The real handler does not run. @default 0 */
    serverErrorRate: rate.default(0),
    /** Statuses of server errors, picked with equal probability. @default [500, 502, 503, 504] */
    serverErrorStatuses: z
      .array(z.number().int().min(500).max(599))
      .min(1)
      .default([500, 502, 503, 504]),
    /** Share of requests that get a 429 response with `Retry-After`. The real handler does not run. @default 0 */
    rateLimitRate: rate.default(0),
    /** Value of `Retry-After` in 429 responses, in seconds. @default 1 */
    retryAfterSeconds: z.number().int().nonnegative().default(1),
    /** Share of requests whose connection is destroyed before the real handler runs. @default 0 */
    dropBeforeRate: rate.default(0),
    /**
     * Share of requests whose connection is destroyed after the real handler
     * runs, so a launch creates its run but the client gets no response.
     * @default 0
     */
    dropAfterRate: rate.default(0),
    /**
     * Share of requests that get a 200 response with `Content-Type: text/html`
     * and the body `<html>upstream error</html>`. The real handler does not run.
     * @default 0
     */
    garbageRate: rate.default(0),
    /** Share of requests that get a `truncate` fault with its defaults. @default 0 */
    truncateRate: rate.default(0),
    /**
     * Range of a uniformly drawn delay before each response, in milliseconds,
     * on top of the `latencyMs` option. @default { min: 0, max: 0 }
     */
    latencyMs: LatencyRangeSchema.default({ min: 0, max: 0 }),
    /** API methods that the profile applies to. @default ['GET', 'POST'] */
    methods: z.array(z.enum(FAULT_PROFILE_METHODS)).min(1).default([...FAULT_PROFILE_METHODS]),
    /** Seed of a deterministic PRNG (mulberry32). Without it, draws use `Math.random`. */
    seed: z.number().int().min(0).max(MAX_FAULT_PROFILE_SEED).optional(),
  })
  .strict()
  .superRefine((profile, context) => {
    const total = FAULT_PROFILE_RATE_FIELDS.reduce((sum, field) => sum + profile[field], 0);
    if (total > 1 + RATE_SUM_TOLERANCE) {
      const terms = FAULT_PROFILE_RATE_FIELDS.filter((field) => profile[field] > 0)
        .map((field) => `${field} ${profile[field]}`)
        .join(' + ');
      context.addIssue({
        code: z.ZodIssueCode.custom,
        path: [],
        message: `the rates sum to ${total}, more than 1 (${terms}): lower them so that their sum is at most 1`,
      });
    }
  });

export type FaultProfile = z.infer<typeof FaultProfileSchema>;
export type FaultProfileInput = z.input<typeof FaultProfileSchema>;

/**
 * Validates a fault profile and fills in every default.
 * @throws TypeError naming each invalid field
 */
export function resolveFaultProfile(input: FaultProfileInput): FaultProfile {
  const parsed = FaultProfileSchema.safeParse(input);
  if (!parsed.success) {
    throw new TypeError(`Invalid fault profile: ${formatZodIssues(parsed.error)}`);
  }
  return parsed.data;
}

/** Options of `createEmulator`, every field optional. */
export const EmulatorOptionsSchema = z
  .object({
    /** Address that the server binds to. @default '127.0.0.1' */
    host: z.string().min(1).default('127.0.0.1'),
    /** TCP port; 0 picks a free port. @default 0 */
    port: z.number().int().min(0).max(65535).default(0),
    /** Access key that API requests must send. */
    credentials: CredentialsSchema.default({}),
    /** Clusters that the emulator serves. @default one cluster with ID `DEFAULT_CLUSTER_ID` named 'test-cluster' */
    clusters: z.array(EmulatorClusterSchema).default([DEFAULT_CLUSTER]),
    /** Run script of clusters that have none of their own. */
    defaultRun: RunScriptSchema.default({}),
    /**
     * Type of `userTaskDeployMode` in launch responses. The vendor's example
     * returns a boolean (true for 'cluster') although requests send a string.
     * @default 'boolean'
     */
    deployModeInResponse: z.enum(['boolean', 'string']).default('boolean'),
    /** Delay before every API response, in milliseconds. @default 0 */
    latencyMs: z.number().int().nonnegative().default(0),
    /**
     * Whether 4xx error bodies include the request's headers verbatim, as an
     * API that echoes secrets back would, so clients can test their redaction.
     * @default false
     */
    echoHeadersInErrors: z.boolean().default(false),
    /** Random faults for API requests from the start. Without it, only queued faults apply. */
    faultProfile: FaultProfileSchema.optional(),
    /**
     * Number of newest entries that the request log keeps; 0 keeps none. The
     * ledger of launches is never trimmed.
     * @default 10000
     */
    requestLogLimit: z.number().int().nonnegative().default(10_000),
  })
  .strict()
  .superRefine((options, context) => {
    const seen = new Set<string>();
    options.clusters.forEach((cluster, index) => {
      if (seen.has(cluster.clusterId)) {
        context.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['clusters', index, 'clusterId'],
          message: `duplicate cluster ID ${cluster.clusterId}: each cluster needs its own ID`,
        });
      }
      seen.add(cluster.clusterId);
    });
  });

export type EmulatorOptions = z.infer<typeof EmulatorOptionsSchema>;
export type EmulatorOptionsInput = z.input<typeof EmulatorOptionsSchema>;

/** Formats zod issues as `path: message` pairs, for example `clusters.0.openApiKey: Required`. */
export function formatZodIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * Validates emulator options and fills in every default.
 * @throws TypeError naming each invalid field
 */
export function resolveEmulatorOptions(input: EmulatorOptionsInput = {}): EmulatorOptions {
  const parsed = EmulatorOptionsSchema.safeParse(input);
  if (!parsed.success) {
    throw new TypeError(`Invalid emulator options: ${formatZodIssues(parsed.error)}`);
  }
  return parsed.data;
}

/**
 * Reads emulator options from a JSON file and validates them. Defaults are
 * not filled in, so a caller can tell which fields the file sets and lay its
 * own values over them before passing the result to `createEmulator`.
 * @throws Error when the file cannot be read or is not JSON, TypeError naming each invalid field
 */
export async function loadEmulatorConfigFile(path: string): Promise<EmulatorOptionsInput> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`Failed to read emulator config file ${path}: ${(error as Error).message}: check the path`, { cause: error });
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`Emulator config file ${path} is not valid JSON: ${(error as Error).message}: fix the syntax`, { cause: error });
  }

  const parsed = EmulatorOptionsSchema.safeParse(json);
  if (!parsed.success) {
    throw new TypeError(`Invalid emulator config file ${path}: ${formatZodIssues(parsed.error)}`);
  }
  return json as EmulatorOptionsInput;
}
