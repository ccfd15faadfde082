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
]);

export type Fault = z.infer<typeof FaultSchema>;
export type FaultInput = z.input<typeof FaultSchema>;

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
