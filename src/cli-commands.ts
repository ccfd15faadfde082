import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { Command } from 'commander';
import type { Messages } from './cli-messages';
import { type CliOutput, ExitCode, followJob, formatProgress, formatResult, reportWorkflowFailure, withTemporalClient } from './client';
import { JOB_SEARCH_ATTRIBUTES } from './workflows/search-attributes';
import { JOB_WORKFLOW_TYPE, type JobResult, jobStatusQuery } from './workflows/types';

/**
 * The CLI's commands for runs that already exist: status, result, follow,
 * cancel and list. Each finds its run by workflow ID.
 */

interface ConnectionOptions {
  address: string;
  namespace: string;
  json?: boolean;
}

/** Adds the commands to `program`; `setExitCode` receives each command's exit code. */
export function addRunCommands(program: Command, messages: Messages, env: NodeJS.ProcessEnv, out: CliOutput, setExitCode: (code: number) => void): void {
  const m = messages.options;
  const withConnection = (command: Command) =>
    command
      .option('--address <host:port>', m.address, env.TEMPORAL_ADDRESS || 'localhost:7233')
      .option('--namespace <name>', m.namespace, env.TEMPORAL_NAMESPACE || 'default')
      .option('--json', m.json);

  withConnection(program.command('status').argument('<workflow-id>').description(messages.commands.status)).action(
    async (workflowId: string, options: ConnectionOptions) => setExitCode(await withTemporalClient(options, messages, env, out, (client) => showStatus(client, workflowId, options, messages, out))),
  );
  withConnection(program.command('result').argument('<workflow-id>').description(messages.commands.result)).action(
    async (workflowId: string, options: ConnectionOptions) => setExitCode(await withTemporalClient(options, messages, env, out, (client) => waitForResult(client, workflowId, options, messages, out, false))),
  );
  withConnection(program.command('follow').argument('<workflow-id>').description(messages.commands.follow)).action(
    async (workflowId: string, options: ConnectionOptions) => setExitCode(await withTemporalClient(options, messages, env, out, (client) => waitForResult(client, workflowId, options, messages, out, true))),
  );
  withConnection(program.command('cancel').argument('<workflow-id>').description(messages.commands.cancel)).action(
    async (workflowId: string, options: ConnectionOptions) => setExitCode(await withTemporalClient(options, messages, env, out, (client) => cancelRun(client, workflowId, options, messages, out))),
  );
  withConnection(program.command('list').description(messages.commands.list))
    .option('--cluster-id <id>', m.clusterId)
    .option('--request-status <value>', messages.commands.listRequestStatus)
    .option('--request-result <value>', messages.commands.listRequestResult)
    .option('--limit <n>', messages.commands.listLimit, '20')
    .action(async (options: ConnectionOptions & ListFilters) => setExitCode(await withTemporalClient(options, messages, env, out, (client) => listRuns(client, options, messages, out))));
}

async function showStatus(client: Client, workflowId: string, options: ConnectionOptions, messages: Messages, out: CliOutput): Promise<number> {
  const handle = client.workflow.getHandle(workflowId);
  const description = await handle.describe();
  const progress = await handle.query(jobStatusQuery).catch(() => undefined);
  const status = { workflowId, runId: description.runId, workflowStatus: description.status.name, ...progress };
  if (options.json) {
    out.stdout(JSON.stringify(status, null, 2));
  } else {
    for (const [key, value] of Object.entries(status)) {
      if (value !== undefined) out.stdout(`${key.padEnd(18)} ${String(value)}`);
    }
  }
  return ExitCode.Success;
}

async function waitForResult(client: Client, workflowId: string, options: ConnectionOptions, messages: Messages, out: CliOutput, follow: boolean): Promise<number> {
  const handle = client.workflow.getHandle(workflowId);
  const extra = { [messages.labels.workflow]: workflowId };
  const progressOut = options.json ? out.stderr : out.stdout;
  try {
    const taskQueue = follow ? (await handle.describe()).taskQueue : '';
    const result = follow
      ? await followJob(handle, (event) => progressOut(formatProgress(event, messages, taskQueue)))
      : ((await handle.result()) as JobResult);
    out.stdout(options.json ? JSON.stringify(result, null, 2) : formatResult(result, messages, extra));
    return result.requestResult === 'Success' ? ExitCode.Success : ExitCode.RunFailed;
  } catch (error) {
    return reportWorkflowFailure(error, messages, options.json === true, out, extra);
  }
}

async function cancelRun(client: Client, workflowId: string, options: ConnectionOptions, messages: Messages, out: CliOutput): Promise<number> {
  const handle = client.workflow.getHandle(workflowId);
  const progress = await handle.query(jobStatusQuery).catch(() => undefined);
  await handle.cancel();
  const message = messages.cancelRequested(workflowId, progress?.requestId, progress?.clusterId);
  if (options.json) out.stdout(JSON.stringify({ workflowId, cancelRequested: true, requestId: progress?.requestId ?? null, message }));
  else out.stdout(message);
  return ExitCode.Success;
}

interface ListFilters {
  clusterId?: string;
  requestStatus?: string;
  requestResult?: string;
  limit: string;
}

/** Builds a visibility query over the job's search attributes; values are quoted so that no filter can change the query. */
export function listQuery(filters: Omit<ListFilters, 'limit'>): string {
  const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const clauses = [`WorkflowType = ${quote(JOB_WORKFLOW_TYPE)}`];
  if (filters.clusterId) clauses.push(`${JOB_SEARCH_ATTRIBUTES.clusterId.name} = ${quote(filters.clusterId)}`);
  if (filters.requestStatus) clauses.push(`${JOB_SEARCH_ATTRIBUTES.requestStatus.name} = ${quote(filters.requestStatus)}`);
  if (filters.requestResult) clauses.push(`${JOB_SEARCH_ATTRIBUTES.requestResult.name} = ${quote(filters.requestResult)}`);
  return clauses.join(' AND ');
}

async function listRuns(client: Client, options: ConnectionOptions & ListFilters, messages: Messages, out: CliOutput): Promise<number> {
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    out.stderr(messages.invalidNumber('--limit', options.limit));
    return ExitCode.Usage;
  }
  const rows: ReturnType<typeof listRow>[] = [];
  for await (const execution of client.workflow.list({ query: listQuery(options) })) {
    rows.push(listRow(execution));
    if (rows.length >= limit) break;
  }
  if (options.json) {
    out.stdout(JSON.stringify(rows, null, 2));
    return ExitCode.Success;
  }
  for (const row of rows) {
    out.stdout([row.workflowId, row.workflowStatus, row.clusterId ?? '-', row.requestId ?? '-', row.requestStatus ?? '-', row.requestResult ?? '-', row.startTime].join('  '));
  }
  if (rows.length === 0) out.stdout(messages.noRuns);
  return ExitCode.Success;
}

function listRow(execution: WorkflowExecutionInfo) {
  const attributes = execution.typedSearchAttributes;
  return {
    workflowId: execution.workflowId,
    runId: execution.runId,
    workflowStatus: execution.status.name,
    clusterId: attributes.get(JOB_SEARCH_ATTRIBUTES.clusterId),
    requestId: attributes.get(JOB_SEARCH_ATTRIBUTES.requestId),
    requestStatus: attributes.get(JOB_SEARCH_ATTRIBUTES.requestStatus),
    requestResult: attributes.get(JOB_SEARCH_ATTRIBUTES.requestResult),
    startTime: execution.startTime.toISOString(),
  };
}
