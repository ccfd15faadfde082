#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import {
  ApplicationFailure,
  Client,
  Connection,
  isGrpcServiceError,
  ServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  type WorkflowHandle,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { addRunCommands } from './cli-commands';
import { detectLocale, displayWidth, type Messages, messagesFor } from './cli-messages';
import { FailureType } from './failures';
import { type JobInput, parseJobInput } from './workflows/input';
import { jobSummary } from './workflows/summary';
import { DEFAULT_TASK_QUEUE, JOB_WORKFLOW_TYPE, type JobProgress, type JobResult, jobStatusQuery } from './workflows/types';

/** Exit codes of the CLI. */
export const ExitCode = {
  Success: 0,
  /** The run ended, but not with Success. */
  RunFailed: 1,
  /** Bad flags or invalid workflow input; nothing was started. */
  Usage: 2,
  /** The workflow failed for another reason: an API error, the run timeout, cancellation. */
  WorkflowFailed: 3,
  /** Temporal could not be reached. */
  Unavailable: 4,
} as const;

/**
 * Builds a readable workflow ID such as `hadoop-eco-58ceed05-…-20261204T101500123Z-3f9a`;
 * the random suffix keeps two starts in the same millisecond apart.
 */
export function jobWorkflowId(clusterId: string, now: Date = new Date()): string {
  const suffix = Math.floor(Math.random() * 0x10000).toString(16).padStart(4, '0');
  return `hadoop-eco-${clusterId}-${now.toISOString().replace(/[-:.]/g, '')}-${suffix}`;
}

export interface StartJobOptions {
  taskQueue?: string;
  workflowId?: string;
}

/**
 * Starts the job workflow after validating the input with the workflow's own
 * schema, so that bad input fails here instead of in a workflow.
 */
export async function startJob(client: Client, input: JobInput, options: StartJobOptions = {}): Promise<WorkflowHandleWithFirstExecutionRunId> {
  const validation = parseJobInput(input);
  if (!validation.ok) throw new InvalidJobInputError(validation.problems);
  return client.workflow.start(JOB_WORKFLOW_TYPE, {
    args: [input],
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    workflowId: options.workflowId ?? jobWorkflowId(validation.input.clusterId),
    staticSummary: jobSummary(validation.input.clusterId, validation.input.region, validation.input.settings),
  });
}


/** Input that failed validation; `problems` has one `field: message` line per bad field. */
export class InvalidJobInputError extends Error {
  override readonly name = 'InvalidJobInputError';
  constructor(readonly problems: string[]) {
    super(`invalid workflow input: ${problems.join('; ')}`);
  }
}

/** A change seen while following a run. */
export type ProgressEvent =
  | { kind: 'launched'; progress: JobProgress }
  | { kind: 'status'; progress: JobProgress }
  | { kind: 'finishing'; progress: JobProgress }
  | { kind: 'launch-retry'; progress: JobProgress }
  | { kind: 'no-worker' };

/**
 * Waits for the workflow's result while querying its progress every
 * `pollMs` and reporting each change. Rejects as `handle.result()` does.
 */
export async function followJob(
  handle: WorkflowHandle,
  onEvent: (event: ProgressEvent) => void,
  options: { pollMs?: number; noWorkerAfterMs?: number } = {},
): Promise<JobResult> {
  const pollMs = options.pollMs ?? 1000;
  const noWorkerAfterMs = options.noWorkerAfterMs ?? 15_000;
  let done = false;
  const result = handle.result().finally(() => {
    done = true;
  }) as Promise<JobResult>;

  let last: JobProgress | undefined;
  const report = (progress: JobProgress) => {
    if (progress.launchAttempts && progress.launchAttempts !== last?.launchAttempts) onEvent({ kind: 'launch-retry', progress });
    if (progress.requestId && !last?.requestId) onEvent({ kind: 'launched', progress });
    if (progress.lastStatus && progress.lastStatus !== last?.lastStatus) onEvent({ kind: 'status', progress });
    if (progress.phase === 'finishing' && last?.phase !== 'finishing') onEvent({ kind: 'finishing', progress });
    last = progress;
  };

  const watch = (async () => {
    let failingSince: number | undefined;
    let warned = false;
    while (!done) {
      try {
        report(await handle.query(jobStatusQuery));
        failingSince = undefined;
      } catch {
        // A query fails until a worker has picked up the workflow, and after it closes.
        failingSince ??= Date.now();
        if (!done && !warned && Date.now() - failingSince >= noWorkerAfterMs) {
          warned = true;
          onEvent({ kind: 'no-worker' });
        }
      }
      await Promise.race([delay(pollMs), result.catch(() => undefined)]);
    }
  })();

  try {
    const final = await result;
    await watch;
    // A short run can end between two queries; report what the result shows so no step is missing.
    report({
      phase: 'completed',
      clusterId: final.clusterId,
      region: last?.region ?? '',
      clusterName: final.clusterName,
      requestId: final.requestId,
      lastStatus: final.requestStatus,
      pollCount: final.pollCount,
      launchedAt: final.launchedAt,
    });
    return final;
  } finally {
    await watch;
  }
}

/** Formats a progress event as one line for people. */
export function formatProgress(event: ProgressEvent, messages: Messages, taskQueue: string): string {
  const time = new Date().toLocaleTimeString('en-GB', { hour12: false });
  switch (event.kind) {
    case 'launched':
      return `${time}  ${messages.launched(event.progress.requestId ?? '?', event.progress.clusterName ?? '?', event.progress.clusterId)}`;
    case 'status':
      return `${time}  ${messages.statusChanged(event.progress.lastStatus ?? '?', event.progress.pollCount)}`;
    case 'finishing':
      return `${time}  ${messages.finishing}`;
    case 'launch-retry':
      return `${time}  ${messages.launchRetry(event.progress.launchAttempts ?? 0, event.progress.lastLaunchFailure ?? '?')}`;
    case 'no-worker':
      return `${time}  ${messages.noWorkerYet(taskQueue)}`;
    default:
      throw new TypeError(`unknown progress event ${JSON.stringify(event satisfies never)}`);
  }
}

/** Formats a finished run for people: a heading, aligned fields and the full clusterMeta. */
export function formatResult(result: JobResult, messages: Messages, extra: Record<string, string> = {}): string {
  const { labels } = messages;
  const heading = result.requestResult === 'Success' ? messages.succeeded : messages.runFailed;
  const settings = Object.entries(result.settings)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join(' ');
  const rows: [string, string][] = [
    [labels.cluster, `${result.clusterName} (${result.clusterId})`],
    [labels.requestId, result.requestId],
    [labels.requestStatus, result.requestStatus],
    [labels.requestResult, String(result.requestResult)],
    [labels.settings, settings || '-'],
    [labels.launchedAt, result.launchedAt],
    [labels.finishedAt, result.finishedAt],
    [labels.duration, `${(result.durationMs / 1000).toFixed(1)}s`],
    [labels.polls, String(result.pollCount)],
    ...Object.entries(extra),
  ];
  const width = Math.max(...rows.map(([label]) => displayWidth(label)));
  const pad = (label: string) => label + ' '.repeat(width - displayWidth(label));
  const meta = JSON.stringify(result.clusterMeta, null, 2).replace(/\n/g, '\n  ');
  return [heading, ...rows.map(([label, value]) => `  ${pad(label)}  ${value}`), `  ${labels.clusterMeta}:`, `  ${meta}`].join('\n');
}

/** Output of the CLI: one function that writes a line to stdout, one for stderr. */
export interface CliOutput {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Options of the `run` command as commander parses them. */
interface RunOptions {
  clusterId?: string;
  region?: string;
  workerCnt?: number;
  workerVolumeSize?: number;
  hdfsReplication?: number;
  hdfsBlockSize?: number;
  deployMode?: string;
  execOpts?: string;
  execParams?: string;
  pollInterval?: string;
  maxPollInterval?: string;
  runTimeout?: string;
  terminalStatus?: string[];
  credentialProfile?: string;
  failureAsResult?: boolean;
  input?: string;
  workflowId?: string;
  taskQueue: string;
  address: string;
  namespace: string;
  json?: boolean;
  wait: boolean;
}

/** Builds workflow input from an optional JSON file and the flags, which take precedence. */
export function buildJobInput(options: Partial<RunOptions>, env: NodeJS.ProcessEnv = {}): unknown {
  const base = options.input ? readInputFile(options.input) : {};
  const input: Record<string, unknown> = { ...base };

  const settingFlags: Record<string, unknown> = {
    workerCnt: options.workerCnt,
    workerVolumeSize: options.workerVolumeSize,
    configHdfsReplication: options.hdfsReplication,
    configHdfsBlockSize: options.hdfsBlockSize,
    userTaskDeployMode: options.deployMode,
    userTaskExecOpts: options.execOpts,
    userTaskExecParams: options.execParams,
  };
  input.settings = mergeDefined(base.settings, settingFlags);
  input.pollInterval = mergeDefined(base.pollInterval, { initial: options.pollInterval, maximum: options.maxPollInterval });

  const topLevelFlags: Record<string, unknown> = {
    clusterId: options.clusterId,
    region: options.region,
    runTimeout: options.runTimeout,
    terminalStatuses: options.terminalStatus,
    credentialProfile: options.credentialProfile,
    failureAsResult: options.failureAsResult,
  };
  Object.assign(input, mergeDefined(undefined, topLevelFlags));

  // The environment's region applies only when neither the flag nor the file sets one.
  if (input.region === undefined && env.HADOOP_ECO_REGION) input.region = env.HADOOP_ECO_REGION;
  return input;
}

/**
 * Overlays the defined values of `flags` on an object from the input file.
 * A file value that is not an object is returned as it is, so that
 * validation reports it instead of the flags hiding it.
 */
function mergeDefined(fromFile: unknown, flags: Record<string, unknown>): unknown {
  if (fromFile !== undefined && (typeof fromFile !== 'object' || fromFile === null || Array.isArray(fromFile))) return fromFile;
  const merged: Record<string, unknown> = { ...(fromFile as Record<string, unknown> | undefined) };
  for (const [key, value] of Object.entries(flags)) {
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}

function readInputFile(path: string): Record<string, unknown> {
  // Editors on Windows may start the file with a byte order mark, which JSON.parse rejects.
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('expected a JSON object');
  }
  return parsed as Record<string, unknown>;
}

function integerOption(flag: string, messages: Messages) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(messages.invalidNumber(flag, value));
    return Number(value);
  };
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Builds the command-line program; `run` resolves to the exit code. */
export function buildProgram(messages: Messages, env: NodeJS.ProcessEnv, out: CliOutput) {
  let exitCode: number = ExitCode.Success;
  const program = new Command('hadoop-eco-job')
    .description(messages.programDescription)
    // Subcommands copy these settings when they are created, so they come first.
    .exitOverride()
    .showHelpAfterError(messages.seeHelp)
    .helpOption('-h, --help', messages.helpOption)
    .helpCommand('help [command]', messages.helpCommand)
    .configureHelp({
      styleTitle: (title) => messages.helpTitles[title] ?? title,
      optionDescription: (option) =>
        typeof option.defaultValue === 'string' ? `${option.description} (${messages.defaultLabel}: ${option.defaultValue})` : option.description,
    })
    .configureOutput({ outputError: (text, write) => write(messages.translateParseError(text)) });
  const m = messages.options;

  program
    .command('run')
    .description(messages.runDescription)
    .option('--cluster-id <id>', m.clusterId)
    .option('--region <name>', m.region)
    .option('--worker-cnt <n>', m.workerCnt, integerOption('--worker-cnt', messages))
    .option('--worker-volume-size <gb>', m.workerVolumeSize, integerOption('--worker-volume-size', messages))
    .option('--hdfs-replication <n>', m.hdfsReplication, integerOption('--hdfs-replication', messages))
    .option('--hdfs-block-size <mb>', m.hdfsBlockSize, integerOption('--hdfs-block-size', messages))
    .option('--deploy-mode <mode>', m.deployMode)
    .option('--exec-opts <text>', m.execOpts)
    .option('--exec-params <text>', m.execParams)
    .option('--poll-interval <duration>', m.pollInterval)
    .option('--max-poll-interval <duration>', m.maxPollInterval)
    .option('--run-timeout <duration>', m.runTimeout)
    .option('--terminal-status <value>', m.terminalStatus, collect)
    .option('--credential-profile <name>', m.credentialProfile)
    .option('--failure-as-result', m.failureAsResult)
    .option('--input <file>', m.input)
    .option('--workflow-id <id>', m.workflowId)
    .option('--task-queue <name>', m.taskQueue, env.HADOOP_ECO_TASK_QUEUE || DEFAULT_TASK_QUEUE)
    .option('--address <host:port>', m.address, env.TEMPORAL_ADDRESS || 'localhost:7233')
    .option('--namespace <name>', m.namespace, env.TEMPORAL_NAMESPACE || 'default')
    .option('--json', m.json)
    .option('--no-wait', m.noWait)
    .action(async (options: RunOptions) => {
      exitCode = await runCommand(options, messages, env, out);
    });

  addRunCommands(program, messages, env, out, (code) => (exitCode = code));
  return { program, exitCode: () => exitCode };
}

async function runCommand(options: RunOptions, messages: Messages, env: NodeJS.ProcessEnv, out: CliOutput): Promise<number> {
  let input: unknown;
  try {
    input = buildJobInput(options, env);
  } catch (error) {
    out.stderr(messages.cannotReadInput(options.input ?? '', (error as Error).message));
    return ExitCode.Usage;
  }
  const validation = parseJobInput(input);
  if (!validation.ok) {
    out.stderr([messages.invalidInput, ...validation.problems.map((problem) => `  ${problem}`)].join('\n'));
    return ExitCode.Usage;
  }

  return withTemporalClient(options, messages, env, out, (client) => startAndFollow(client, input as JobInput, options, messages, env, out));
}

/**
 * Connects to Temporal, runs `work` with a client, and closes the connection.
 * Connection failures exit 4; other errors from Temporal are reported with
 * their own exit codes by reportClientError.
 */
export async function withTemporalClient(
  options: { address: string; namespace: string },
  messages: Messages,
  env: NodeJS.ProcessEnv,
  out: CliOutput,
  work: (client: Client) => Promise<number>,
): Promise<number> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: options.address, apiKey: env.TEMPORAL_API_KEY || undefined, tls: env.TEMPORAL_API_KEY ? true : undefined });
  } catch (error) {
    out.stderr(messages.cannotConnect(options.address, (error as Error).message));
    return ExitCode.Unavailable;
  }

  try {
    return await work(new Client({ connection, namespace: options.namespace }));
  } catch (error) {
    return reportClientError(error, options, messages, out);
  } finally {
    await connection.close();
  }
}

async function startAndFollow(client: Client, input: JobInput, options: RunOptions, messages: Messages, env: NodeJS.ProcessEnv, out: CliOutput): Promise<number> {
  const handle = await startJob(client, input, { taskQueue: options.taskQueue, workflowId: options.workflowId });
  const runId = handle.firstExecutionRunId;
  const uiLink = env.TEMPORAL_UI_URL
    ? `${env.TEMPORAL_UI_URL.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(options.namespace)}/workflows/${encodeURIComponent(handle.workflowId)}/${runId}/history`
    : undefined;
  const progressOut = options.json ? out.stderr : out.stdout;
  progressOut(messages.started(handle.workflowId, options.taskQueue));
  if (uiLink) progressOut(`${messages.webUi}: ${uiLink}`);
  if (!options.wait) {
    if (options.json) out.stdout(JSON.stringify({ workflowId: handle.workflowId, runId }));
    return ExitCode.Success;
  }

  const extra: Record<string, string> = { [messages.labels.workflow]: handle.workflowId };
  if (uiLink) extra[messages.webUi] = uiLink;
  try {
    const result = await followJob(handle, (event) => progressOut(formatProgress(event, messages, options.taskQueue)));
    out.stdout(options.json ? JSON.stringify(result, null, 2) : formatResult(result, messages, extra));
    return result.requestResult === 'Success' ? ExitCode.Success : ExitCode.RunFailed;
  } catch (error) {
    return reportWorkflowFailure(error, messages, options.json === true, out, extra);
  }
}

/** Reports an error from Temporal other than a failed workflow, and picks the exit code. */
export function reportClientError(error: unknown, options: { address: string }, messages: Messages, out: CliOutput): number {
  if (error instanceof WorkflowExecutionAlreadyStartedError) {
    out.stderr(messages.alreadyStarted(error.workflowId));
    return ExitCode.Usage;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (isGrpcServiceError(error) || error instanceof ServiceError) {
    const code = isGrpcServiceError(error) ? error.code : (error.cause as { code?: number } | undefined)?.code;
    // gRPC UNAVAILABLE (14) and DEADLINE_EXCEEDED (4) mean that the server went away or does not respond.
    if (code === 14 || code === 4) {
      out.stderr(messages.cannotConnect(options.address, message));
      return ExitCode.Unavailable;
    }
  }
  out.stderr(messages.clientFailed(message));
  return ExitCode.WorkflowFailed;
}

export function reportWorkflowFailure(error: unknown, messages: Messages, json: boolean, out: CliOutput, extra: Record<string, string>): number {
  if (!(error instanceof WorkflowFailedError)) throw error;
  const failure = error.cause;
  const type = failure instanceof ApplicationFailure ? (failure.type ?? 'ApplicationFailure') : (failure?.name ?? 'WorkflowFailed');
  const message = failure?.message ?? error.message;
  const runResult = failure instanceof ApplicationFailure && (type === FailureType.RunFailed || type === FailureType.RunResultUnknown)
    ? (failure.details?.[0] as JobResult | undefined)
    : undefined;

  if (json) {
    out.stdout(JSON.stringify({ error: { type, message }, result: runResult ?? null }, null, 2));
  } else {
    out.stderr(messages.workflowFailed(type, message));
    if (runResult) out.stdout(formatResult(runResult, messages, extra));
  }
  return runResult ? ExitCode.RunFailed : ExitCode.WorkflowFailed;
}

/** Runs the CLI with `argv` (as in `process.argv`) and resolves to its exit code. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const messages = messagesFor(detectLocale(env));
  const out: CliOutput = {
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
  };
  const { program, exitCode } = buildProgram(messages, env, out);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (!(error instanceof CommanderError)) {
      out.stderr(messages.clientFailed(error instanceof Error ? error.message : String(error)));
      return ExitCode.WorkflowFailed;
    }
    // commander has already printed its message.
    return error.exitCode === 0 ? ExitCode.Success : ExitCode.Usage;
  }
  return exitCode();
}

if (require.main === module) {
  main(process.argv).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(ExitCode.WorkflowFailed);
    },
  );
}
