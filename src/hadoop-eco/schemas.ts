import { z } from 'zod';

/**
 * Schemas of the Job Cluster API. Requests are validated strictly with the
 * documented ranges; responses are read leniently, keeping unknown fields,
 * because the vendor documents them only by example.
 *
 * Deterministic code only: the workflow bundle imports this module.
 */

function integerIn(min: number, max: number) {
  return z
    .number({ invalid_type_error: `expected an integer from ${min} to ${max}` })
    .int(`expected an integer from ${min} to ${max}`)
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);
}

/** Spark deploy modes that the launch body accepts. */
export const DEPLOY_MODES = ['client', 'cluster'] as const;

/** Launch body: settings that replace the cluster's stored ones for this run. Every field is optional. */
export const LaunchSettingsSchema = z
  .object({
    /** Number of worker nodes. */
    workerCnt: integerIn(1, 1000),
    /** Block storage per worker, in GB. */
    workerVolumeSize: integerIn(50, 5120),
    /** HDFS replication factor. */
    configHdfsReplication: integerIn(1, 500),
    /** HDFS block size, in MB. */
    configHdfsBlockSize: integerIn(1, 1024),
    /** Spark deploy mode. */
    userTaskDeployMode: z.enum(DEPLOY_MODES, {
      errorMap: () => ({ message: `expected one of ${DEPLOY_MODES.join(', ')}` }),
    }),
    /** Hive settings or spark-submit options, as free text. */
    userTaskExecOpts: z.string(),
    /** Job application parameters, as free text. */
    userTaskExecParams: z.string(),
  })
  .partial()
  .strict();

export type LaunchSettings = z.infer<typeof LaunchSettingsSchema>;

/**
 * Settings that a run uses, as the launch response echoes them. The vendor's
 * example answers `userTaskDeployMode` as a boolean although the request sends
 * a string, and writes `jobType` in lower case although the docs say "Spark,
 * Hive", so both forms are accepted.
 */
export const ClusterMainSettingValuesSchema = z
  .object({
    workerCnt: z.number().int().optional(),
    workerVolumeSize: z.number().int().optional(),
    configHdfsReplication: z.number().int().optional(),
    configHdfsBlockSize: z.number().int().optional(),
    jobType: z.string().optional(),
    userTaskDeployMode: z.union([z.string(), z.boolean()]).optional(),
    userTaskExecOpts: z.string().optional(),
    userTaskExecParams: z.string().optional(),
  })
  .passthrough();

export type ClusterMainSettingValues = z.infer<typeof ClusterMainSettingValuesSchema>;

/** Response to a launch (HTTP 200). */
export const LaunchResponseSchema = z
  .object({
    clusterId: z.string(),
    clusterName: z.string(),
    requestId: z.string().min(1),
    clusterMainSettingValues: ClusterMainSettingValuesSchema.optional(),
  })
  .passthrough();

export type LaunchResponse = z.infer<typeof LaunchResponseSchema>;

const NodeGroupSchema = z
  .object({
    host_list: z.array(z.string()).optional(),
    flavor_id: z.string().optional(),
    flavor_name: z.string().optional(),
  })
  .passthrough();

/** Full cluster state, returned with `verbose=true`. Field names are snake_case, unlike the top level. */
export const ClusterMetaSchema = z
  .object({
    cluster_id: z.string().optional(),
    cluster_name: z.string().optional(),
    cluster_type: z.string().optional(),
    cluster_version: z.string().optional(),
    master_vm: NodeGroupSchema.optional(),
    worker_vm: NodeGroupSchema.optional(),
    user_cluster_exec_command: z
      .object({
        type: z.string().optional(),
        termination_policy: z.string().optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();

export type ClusterMeta = z.infer<typeof ClusterMetaSchema>;

/**
 * Response to a status read. `requestStatus` is an open string: only
 * `Terminate` is documented, and any other value means the run goes on.
 * `requestResult` is documented only for ended runs, so it may be absent.
 */
export const StatusResponseSchema = z
  .object({
    clusterId: z.string(),
    clusterName: z.string(),
    requestId: z.string().min(1),
    requestStatus: z.string().min(1),
    requestResult: z.string().nullish(),
    clusterMeta: ClusterMetaSchema.optional(),
  })
  .passthrough();

export type StatusResponse = z.infer<typeof StatusResponseSchema>;

/** Job types, compared case-insensitively because the API writes them in varying case. */
export type JobType = 'hive' | 'spark';

/** Normalizes a `jobType` value such as `Hive` or `spark`; returns undefined for anything else. */
export function normalizeJobType(value: string | undefined): JobType | undefined {
  const lower = value?.trim().toLowerCase();
  return lower === 'hive' || lower === 'spark' ? lower : undefined;
}
