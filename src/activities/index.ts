import { Context } from '@temporalio/activity';
import type { Dispatcher } from 'undici';
import {
  type ClusterMainSettingValues,
  createHadoopEcoAgent,
  type EndpointRegistry,
  HadoopEcoClient,
  type LaunchSettings,
  type StatusResponse,
} from '../hadoop-eco';
import type { CredentialProvider } from './credentials';
import { launchFailure, statusFailure, UnknownRegionError } from './failures';

export { CredentialsMissingError, DEFAULT_PROFILE, loadCredentialsFromEnvironment, StaticCredentialProvider } from './credentials';
export type { CredentialProvider } from './credentials';

/** Input of `launchRun`. It names a credential profile, never a credential. */
export interface LaunchRunInput {
  clusterId: string;
  /** Region such as `kr-central-2`, or an endpoint name the worker maps to a base URL. */
  region: string;
  /** Settings that change for this run; empty keeps the cluster's stored settings. */
  settings: LaunchSettings;
  /** Worker-side credential profile. @default 'default' */
  credentialProfile?: string;
}

/** Launch record, stored in history as the activity result. */
export interface LaunchRunResult {
  clusterId: string;
  clusterName: string;
  requestId: string;
  /** The settings the run uses, as the API echoed them. */
  settings: ClusterMainSettingValues;
}

/** Interval of the heartbeats that `launchRun` sends while its POST is in flight, in milliseconds. */
export const LAUNCH_HEARTBEAT_INTERVAL_MS = 5_000;

/**
 * Heartbeat details of `launchRun`: how far the launch got. The workflow
 * reads them when an attempt times out because its worker died.
 */
export type LaunchCheckpoint =
  | { stage: 'posting'; clusterId: string }
  | { stage: 'launched'; clusterId: string; result: LaunchRunResult };

/** Input of `getRunStatus`. */
export interface GetRunStatusInput {
  clusterId: string;
  region: string;
  requestId: string;
  /** Adds `clusterMeta` to the response. @default false */
  verbose?: boolean;
  credentialProfile?: string;
}

/** Worker-side dependencies of the activities. */
export interface ActivityDependencies {
  credentials: CredentialProvider;
  endpoints: EndpointRegistry;
  /** Connection pool shared by every endpoint; the caller closes it. A private one is created when absent. */
  dispatcher?: Dispatcher;
  /**
   * Whether the namespace has the job's search attributes registered, so that
   * workflows may set them.
   * @default false
   */
  searchAttributes?: boolean;
}

/** Features of this worker, read once per workflow and kept in its history. */
export interface WorkerFeatures {
  searchAttributes: boolean;
}

/**
 * Creates the launch and status activities. They are thin: the HTTP work is
 * in `HadoopEcoClient`, the retry decisions in `./failures`.
 */
export function createActivities(dependencies: ActivityDependencies) {
  const dispatcher = dependencies.dispatcher ?? createHadoopEcoAgent();
  const clients = new Map<string, HadoopEcoClient>();

  function clientFor(region: string): HadoopEcoClient {
    const baseUrl = dependencies.endpoints.baseUrl(region);
    if (baseUrl === undefined) {
      throw new UnknownRegionError(
        `unknown region or endpoint "${region}"; this worker knows: ${dependencies.endpoints.names().join(', ')}. ` +
          'Add custom endpoints with HADOOP_ECO_ENDPOINTS=name=url.',
      );
    }
    let client = clients.get(baseUrl);
    if (!client) {
      client = new HadoopEcoClient({ baseUrl, dispatcher });
      clients.set(baseUrl, client);
    }
    return client;
  }

  return {
    /**
     * Reports the worker's features; run as a local activity so that the result is recorded in history.
     * The cluster ID is only there so that the activity's log lines name the run.
     */
    async workerFeatures(_run: { clusterId: string }): Promise<WorkerFeatures> {
      return { searchAttributes: dependencies.searchAttributes === true };
    },

    /**
     * Launches one run, posting at most once. It records its progress as
     * heartbeat details: `posting` before the POST and while it is in flight,
     * `launched` with the result as soon as the API answers. When a worker
     * dies mid-launch, the workflow reads these details from the timeout and
     * either reuses the result or reports that the outcome is unknown.
     */
    async launchRun(input: LaunchRunInput): Promise<LaunchRunResult> {
      const context = Context.current();
      const secrets = dependencies.credentials.secrets();
      const posting: LaunchCheckpoint = { stage: 'posting', clusterId: input.clusterId };

      let result: LaunchRunResult;
      let heartbeats: NodeJS.Timeout | undefined;
      try {
        const client = clientFor(input.region);
        const credentials = dependencies.credentials.resolve(input.clusterId, input.credentialProfile);
        context.heartbeat(posting);
        heartbeats = setInterval(() => context.heartbeat(posting), LAUNCH_HEARTBEAT_INTERVAL_MS);
        // No cancellation signal: aborting a POST in flight would leave it unknown whether a run started.
        const response = await client.launch(input.clusterId, input.settings, credentials);
        result = {
          clusterId: response.clusterId,
          clusterName: response.clusterName,
          requestId: response.requestId,
          settings: response.clusterMainSettingValues ?? {},
        };
      } catch (error) {
        const failure = launchFailure(error, input.clusterId, secrets);
        context.log.warn('launch failed', { clusterId: input.clusterId, type: failure.type, retryable: !failure.nonRetryable, error: failure.message });
        throw failure;
      } finally {
        clearInterval(heartbeats);
      }

      context.heartbeat({ stage: 'launched', clusterId: result.clusterId, result } satisfies LaunchCheckpoint);
      context.log.info('launched run', { clusterId: result.clusterId, requestId: result.requestId });
      return result;
    },

    /** Reads a run's status once; with `verbose` the response includes `clusterMeta`. */
    async getRunStatus(input: GetRunStatusInput): Promise<StatusResponse> {
      const context = Context.current();
      const secrets = dependencies.credentials.secrets();
      try {
        const client = clientFor(input.region);
        const credentials = dependencies.credentials.resolve(input.clusterId, input.credentialProfile);
        return await client.getStatus(input.clusterId, input.requestId, credentials, {
          verbose: input.verbose,
          signal: context.cancellationSignal,
        });
      } catch (error) {
        const failure = statusFailure(error, input.clusterId, input.requestId, secrets);
        context.log.warn('status read failed', {
          clusterId: input.clusterId,
          requestId: input.requestId,
          attempt: context.info.attempt,
          error: failure instanceof Error ? failure.message : String(failure),
        });
        throw failure;
      }
    },
  };
}

export type HadoopEcoActivities = ReturnType<typeof createActivities>;
