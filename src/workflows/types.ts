import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ClusterMainSettingValues, ClusterMeta } from '../hadoop-eco/schemas';

/** Name of the job workflow type, for `temporal workflow start --type` and `executeChild`. */
export const JOB_WORKFLOW_TYPE = 'hadoopEcoJob';

/** Task queue that workers poll and clients start runs on, unless configured otherwise. */
export const DEFAULT_TASK_QUEUE = 'hadoop-eco-jobs';

/** Outcome of a finished run. A run that ended in `Failure` carries the same object in its failure details. */
export interface JobResult {
  clusterId: string;
  clusterName: string;
  requestId: string;
  /** The terminal status that ended the wait, verbatim. */
  requestStatus: string;
  /** `Success`, `Failure`, or whatever the API reported; null when it reported nothing. */
  requestResult: string | null;
  /** Settings the run used, as the launch response echoed them. */
  settings: ClusterMainSettingValues;
  /** Full cluster state from the final `verbose=true` read; null when the API sent none. */
  clusterMeta: ClusterMeta | null;
  /** When the launch was accepted, ISO 8601. */
  launchedAt: string;
  /** When the terminal status was seen, ISO 8601. */
  finishedAt: string;
  /** `finishedAt` minus `launchedAt`, in milliseconds. */
  durationMs: number;
  /** Number of status reads while waiting, without the final verbose read. */
  pollCount: number;
}

/** Phase of a job workflow. */
export type JobPhase = 'launching' | 'waiting' | 'finishing' | 'completed' | 'failed' | 'cancelled';

/** Live view of a job workflow, returned by the `status` query. */
export interface JobProgress {
  phase: JobPhase;
  clusterId: string;
  region: string;
  requestId?: string;
  clusterName?: string;
  /** Last `requestStatus` read, verbatim. */
  lastStatus?: string;
  pollCount: number;
  launchedAt?: string;
  lastPollAt?: string;
  nextPollAt?: string;
  /** Failure message when `phase` is `failed`; when it is `cancelled`, what happens to the run. */
  failure?: string;
  /** Launch attempts that failed without launching and were retried (429, 503, 202 busy, refused connection). */
  launchAttempts?: number;
  /** Failure type of the last such attempt. */
  lastLaunchFailure?: string;
  /** Number of earlier executions of this workflow that continued as new. */
  continuedCount?: number;
}

export const jobStatusQuery = defineQuery<JobProgress>('status');

/** Ends the current wait and reads the status now; returns the progress after that read. Accepted only while waiting. */
export const pollNowUpdate = defineUpdate<JobProgress>('pollNow');
