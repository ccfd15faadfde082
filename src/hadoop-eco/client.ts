import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import { Agent, type Dispatcher, request } from 'undici';
import type { z } from 'zod';
import {
  BadRequestError,
  ClusterBusyError,
  errorCodeOf,
  ForbiddenError,
  type HadoopEcoErrorContext,
  InvalidResponseError,
  NetworkError,
  NotFoundError,
  RateLimitedError,
  redactAndTruncate,
  ServerError,
  UnauthorizedError,
  UnexpectedStatusError,
} from './errors';
import {
  type LaunchResponse,
  LaunchResponseSchema,
  type LaunchSettings,
  type StatusResponse,
  StatusResponseSchema,
} from './schemas';

/** The three secrets every call sends. None of them may appear in an error, a log or Temporal. */
export interface HadoopEcoCredentials {
  /** Access key ID (`Credential-ID`). */
  accessKeyId: string;
  /** Secret access key (`Credential-Secret`). */
  accessKeySecret: string;
  /** The cluster's Open API key (`Hadoop-Eco-Api-Key`). */
  openApiKey: string;
}

export interface HadoopEcoClientOptions {
  /** Base URL such as `https://hadoop-eco.kr-central-2.kakaocloud.com`, without a trailing slash. */
  baseUrl: string;
  /**
   * Time to establish a TCP and TLS connection.
   * @default '10s'
   */
  connectTimeout?: Duration;
  /**
   * Time from sending a request to receiving the response headers.
   * @default '30s'
   */
  headersTimeout?: Duration;
  /**
   * Maximum idle time between two chunks of the response body.
   * @default '30s'
   */
  bodyTimeout?: Duration;
  /**
   * How long an idle keep-alive connection stays open for reuse.
   * @default '30s'
   */
  keepAliveTimeout?: Duration;
  /**
   * Largest response body accepted, in bytes; a larger one is an invalid response.
   * @default 1048576
   */
  maxResponseBytes?: number;
  /** Dispatcher to send requests through, for example one `Agent` shared by clients of several regions. When set, the timeouts above that belong to connections are the dispatcher's. */
  dispatcher?: Dispatcher;
}

/** Per-call options. */
export interface CallOptions {
  /** Aborts the call, for example when the activity is cancelled. */
  signal?: AbortSignal;
}

/** Node and undici error codes raised before a connection exists, so the request cannot have been sent. */
const CONNECT_STAGE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * Creates an undici `Agent` with this client's connection settings, for
 * sharing among clients of several base URLs.
 */
export function createHadoopEcoAgent(options: Omit<HadoopEcoClientOptions, 'baseUrl' | 'dispatcher'> = {}): Agent {
  return new Agent({
    connectTimeout: msToNumber(options.connectTimeout ?? '10s'),
    headersTimeout: msToNumber(options.headersTimeout ?? '30s'),
    bodyTimeout: msToNumber(options.bodyTimeout ?? '30s'),
    keepAliveTimeout: msToNumber(options.keepAliveTimeout ?? '30s'),
    maxResponseSize: options.maxResponseBytes ?? 1024 * 1024,
  });
}

/**
 * HTTP client of the Hadoop Eco Job Cluster API for one base URL. Each
 * non-200 response, network failure or unreadable body becomes one
 * `HadoopEcoError` subclass; see `errors.ts`.
 */
export class HadoopEcoClient {
  readonly baseUrl: string;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;

  constructor(options: HadoopEcoClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher = options.dispatcher ?? createHadoopEcoAgent(options);
  }

  /** Launches a run on a terminated cluster: `POST /v2/hadoop-eco/clusters/{clusterId}`. */
  async launch(
    clusterId: string,
    settings: LaunchSettings,
    credentials: HadoopEcoCredentials,
    options: CallOptions = {},
  ): Promise<LaunchResponse> {
    const path = `/v2/hadoop-eco/clusters/${encodeURIComponent(clusterId)}`;
    return this.call('POST', path, JSON.stringify(settings), credentials, LaunchResponseSchema, options);
  }

  /** Reads a run's status: `GET /v2/hadoop-eco/clusters/{clusterId}/requests/{requestId}`. */
  async getStatus(
    clusterId: string,
    requestId: string,
    credentials: HadoopEcoCredentials,
    options: CallOptions & { verbose?: boolean } = {},
  ): Promise<StatusResponse> {
    const path = `/v2/hadoop-eco/clusters/${encodeURIComponent(clusterId)}/requests/${encodeURIComponent(requestId)}`;
    const query = `?verbose=${options.verbose === true}`;
    const status = await this.call('GET', path + query, undefined, credentials, StatusResponseSchema, options);
    if (status.requestId !== requestId) {
      throw new InvalidResponseError(
        `GET ${path} returned the status of request ${JSON.stringify(status.requestId)} instead of ${requestId}`,
        { operation: `GET ${path}`, status: 200 },
        ['requestId: does not match the request ID asked for'],
      );
    }
    return status;
  }

  /** Closes the connections, unless the dispatcher was passed in by the caller. */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  private async call<T extends z.ZodTypeAny>(
    method: 'GET' | 'POST',
    pathAndQuery: string,
    body: string | undefined,
    credentials: HadoopEcoCredentials,
    schema: T,
    options: CallOptions,
  ): Promise<z.infer<T>> {
    const secrets = [credentials.accessKeyId, credentials.accessKeySecret, credentials.openApiKey];
    const operation = `${method} ${pathAndQuery.split('?')[0]}`;

    let response: Dispatcher.ResponseData;
    try {
      response = await request(this.baseUrl + pathAndQuery, {
        method,
        body,
        dispatcher: this.dispatcher,
        signal: options.signal,
        headers: {
          'Hadoop-Eco-Api-Key': credentials.openApiKey,
          'Credential-ID': credentials.accessKeyId,
          'Credential-Secret': credentials.accessKeySecret,
          'Content-Type': 'application/json',
          Accept: 'application/json',
        },
      });
    } catch (error) {
      throw toNetworkError(error, operation);
    }

    const { text, error: bodyError } = await readBody(response.body);
    if (bodyError !== undefined) {
      // The status line arrived, so this is a cut-off or oversized response rather than a lost request.
      const context = { operation, status: response.statusCode, bodyExcerpt: redactAndTruncate(text, secrets) };
      const reason = errorCodeOf(bodyError) === 'UND_ERR_RES_EXCEEDED_MAX_SIZE' ? 'a body over the size limit' : `a body cut off after ${Buffer.byteLength(text)} bytes`;
      throw new InvalidResponseError(`${operation} returned ${response.statusCode} with ${reason}: ${context.bodyExcerpt || '(empty body)'}`, context, [], bodyError);
    }

    const context: HadoopEcoErrorContext = {
      operation,
      status: response.statusCode,
      bodyExcerpt: redactAndTruncate(text, secrets),
    };
    if (response.statusCode !== 200) {
      throw errorForStatus(response.statusCode, context, response.headers['retry-after']);
    }
    return parseBody(text, schema, context);
  }
}

/** Reads a response body as text, keeping what arrived before a failure. */
async function readBody(body: Dispatcher.ResponseData['body']): Promise<{ text: string; error?: unknown }> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
    return { text: Buffer.concat(chunks).toString('utf8') };
  } catch (error) {
    return { text: Buffer.concat(chunks).toString('utf8'), error };
  }
}

function toNetworkError(error: unknown, operation: string): NetworkError {
  const code = errorCodeOf(error);
  const name = error instanceof Error ? error.name : 'Error';
  const resolvedStage = code !== undefined && CONNECT_STAGE_CODES.has(code) ? 'connect' : 'exchange';
  const what = resolvedStage === 'connect' ? 'could not connect' : 'failed after the connection was open';
  // The cause's message names only host and port, never a header, so it is safe to repeat.
  const detail = error instanceof Error ? error.message : String(error);
  return new NetworkError(`${operation} ${what}: ${code ?? name}: ${detail}`, { operation }, resolvedStage, error);
}

function errorForStatus(status: number, context: HadoopEcoErrorContext, retryAfter: string | string[] | undefined) {
  const message = (meaning: string) => `${context.operation} returned ${status} (${meaning}): ${context.bodyExcerpt || '(empty body)'}`;
  switch (status) {
    case 202:
      return new ClusterBusyError(message('cluster busy with another run, nothing launched'), context);
    case 400:
      return new BadRequestError(message('bad request'), context);
    case 401:
      return new UnauthorizedError(message('unauthorized: check the access key ID, secret and Open API key'), context);
    case 403:
      return new ForbiddenError(message('forbidden: the Open API key does not belong to this cluster'), context);
    case 404:
      return new NotFoundError(message('not found: check the cluster ID, request ID and region'), context);
    case 429: {
      const retryAfterMs = parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
      return new RateLimitedError(message('rate limited'), context, retryAfterMs);
    }
    default:
      if (status >= 500 && status <= 599) return new ServerError(message('server error'), context);
      return new UnexpectedStatusError(message('undocumented status'), context);
  }
}

function parseBody<T extends z.ZodTypeAny>(text: string, schema: T, context: HadoopEcoErrorContext): z.infer<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidResponseError(`${context.operation} returned ${context.status} with a body that is not JSON: ${context.bodyExcerpt || '(empty body)'}`, context, [], error);
  }

  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
    throw new InvalidResponseError(
      `${context.operation} returned ${context.status} with an unexpected shape (${problems.join('; ')}): ${context.bodyExcerpt}`,
      context,
      problems,
    );
  }
  return parsed.data;
}

/**
 * Reads `Retry-After` as delay seconds or an HTTP date; returns milliseconds,
 * or undefined when the header is absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
