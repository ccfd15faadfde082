import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Emulator, FaultInput } from '../src/emulator';
import { FailureType } from '../src/failures';
import { JOB_WORKFLOW_TYPE } from '../src/workflows/types';
import { type JobHarness, startJobHarness } from './support/harness';

/**
 * Malformed workflow input and malformed API responses: each must end the
 * workflow with its typed failure, and none may fail a workflow task
 * (which Temporal would retry forever) or leave the workflow running.
 */

const CLUSTER = '58ceed05-e4f5-4a85-b9a6-e9b79ae8dcdf';
const VALID = { clusterId: CLUSTER, region: 'emulator', pollInterval: { initial: '5s', maximum: '5s' }, runTimeout: '1h' };

let environment: JobHarness;
let emulator: Emulator;
let taskQueue: string;

beforeAll(async () => {
  environment = await startJobHarness({
    server: 'time-skipping',
    name: 'malformed',
    emulator: { clusters: [{ clusterId: CLUSTER, clusterName: 'malformed', openApiKey: 'cluster-key-1', run: { statuses: ['Processing', 'Terminate'] } }] },
  });
  ({ emulator, taskQueue } = environment);
});

afterAll(async () => {
  await environment?.close();
});

beforeEach(() => emulator.reset());

/** Faults to inject, or a function that makes them from the request ID once the launch is in the ledger. */
type FaultSetup = FaultInput[] | ((requestId: string) => FaultInput[]);

/** Runs the workflow to its end and returns its failure type and whether any workflow task failed. */
async function outcome(input: unknown, faults: FaultSetup = []): Promise<{ type: string | undefined; message: string; workflowTaskFailures: number }> {
  if (Array.isArray(faults)) for (const fault of faults) emulator.injectFault(fault);
  const handle = await environment.client.workflow.start(JOB_WORKFLOW_TYPE, { args: [input], taskQueue, workflowId: `malformed-${Math.random().toString(36).slice(2)}` });
  if (typeof faults === 'function') {
    // Time does not skip until result() is awaited, so the workflow is still in its first sleep here.
    while (emulator.launchCount() === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    for (const fault of faults(emulator.ledger()[0]?.requestId ?? '')) emulator.injectFault(fault);
  }
  const error = await handle.result().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  const history = await handle.fetchHistory();
  const workflowTaskFailures = (history.events ?? []).filter((event) => event.workflowTaskFailedEventAttributes).length;
  if (!(error instanceof WorkflowFailedError)) return { type: 'completed', message: '', workflowTaskFailures };
  const cause = error.cause;
  return { type: cause instanceof ApplicationFailure ? (cause.type ?? undefined) : cause?.name, message: cause?.message ?? '', workflowTaskFailures };
}

const invalidInputs: [string, unknown, string][] = [
  ['workerCnt 0', { ...VALID, settings: { workerCnt: 0 } }, 'settings.workerCnt'],
  ['workerCnt 1001', { ...VALID, settings: { workerCnt: 1001 } }, 'settings.workerCnt'],
  ['workerCnt negative', { ...VALID, settings: { workerCnt: -1 } }, 'settings.workerCnt'],
  ['workerCnt fractional', { ...VALID, settings: { workerCnt: 2.5 } }, 'settings.workerCnt'],
  ['workerCnt as text', { ...VALID, settings: { workerCnt: '2' } }, 'settings.workerCnt'],
  ['workerCnt null', { ...VALID, settings: { workerCnt: null } }, 'settings.workerCnt'],
  ['workerVolumeSize 49', { ...VALID, settings: { workerVolumeSize: 49 } }, 'settings.workerVolumeSize'],
  ['workerVolumeSize 5121', { ...VALID, settings: { workerVolumeSize: 5121 } }, 'settings.workerVolumeSize'],
  ['configHdfsReplication 0', { ...VALID, settings: { configHdfsReplication: 0 } }, 'settings.configHdfsReplication'],
  ['configHdfsReplication 501', { ...VALID, settings: { configHdfsReplication: 501 } }, 'settings.configHdfsReplication'],
  ['configHdfsBlockSize 0', { ...VALID, settings: { configHdfsBlockSize: 0 } }, 'settings.configHdfsBlockSize'],
  ['configHdfsBlockSize 1025', { ...VALID, settings: { configHdfsBlockSize: 1025 } }, 'settings.configHdfsBlockSize'],
  ['deploy mode local', { ...VALID, settings: { userTaskDeployMode: 'local' } }, 'settings.userTaskDeployMode'],
  ['deploy mode boolean', { ...VALID, settings: { userTaskDeployMode: true } }, 'settings.userTaskDeployMode'],
  ['exec opts as number', { ...VALID, settings: { userTaskExecOpts: 5 } }, 'settings.userTaskExecOpts'],
  ['exec params as array', { ...VALID, settings: { userTaskExecParams: [] } }, 'settings.userTaskExecParams'],
  ['settings as text', { ...VALID, settings: 'big' }, 'settings'],
  ['unknown setting', { ...VALID, settings: { workerCount: 3 } }, 'workerCount'],
  ['unknown top-level field', { ...VALID, accessKeySecret: 'x' }, 'accessKeySecret'],
  ['clusterId missing', { region: 'emulator' }, 'clusterId'],
  ['clusterId empty', { ...VALID, clusterId: '' }, 'clusterId'],
  ['clusterId number', { ...VALID, clusterId: 42 }, 'clusterId'],
  ['clusterId path', { ...VALID, clusterId: '../admin' }, 'clusterId'],
  ['clusterId too long', { ...VALID, clusterId: 'a'.repeat(200) }, 'clusterId'],
  ['region missing', { clusterId: CLUSTER }, 'region'],
  ['region upper case', { ...VALID, region: 'KR-CENTRAL-2' }, 'region'],
  ['region as URL', { ...VALID, region: 'http://127.0.0.1:1' }, 'region'],
  ['poll interval 1s', { ...VALID, pollInterval: { initial: '1s' } }, 'pollInterval.initial'],
  ['poll interval text', { ...VALID, pollInterval: { initial: 'fast' } }, 'pollInterval.initial'],
  ['poll interval negative', { ...VALID, pollInterval: { initial: -5 } }, 'pollInterval.initial'],
  ['maximum below initial', { ...VALID, pollInterval: { initial: '10m', maximum: '1m' } }, 'pollInterval.initial'],
  ['multiplier below 1', { ...VALID, pollInterval: { multiplier: 0.5 } }, 'pollInterval.multiplier'],
  ['run timeout 10s', { ...VALID, runTimeout: '10s' }, 'runTimeout'],
  ['run timeout 100 days', { ...VALID, runTimeout: '100d' }, 'runTimeout'],
  ['terminal statuses empty', { ...VALID, terminalStatuses: [] }, 'terminalStatuses'],
  ['terminal status empty string', { ...VALID, terminalStatuses: [''] }, 'terminalStatuses.0'],
  ['terminal statuses as text', { ...VALID, terminalStatuses: 'Terminate' }, 'terminalStatuses'],
  ['credential profile with space', { ...VALID, credentialProfile: 'a b' }, 'credentialProfile'],
  ['failureAsResult as text', { ...VALID, failureAsResult: 'yes' }, 'failureAsResult'],
  ['busy policy unknown', { ...VALID, busy: { policy: 'retry' } }, 'busy.policy'],
  ['busy timeout text', { ...VALID, busy: { timeout: 'later' } }, 'busy.timeout'],
  ['continuation malformed', { ...VALID, continuation: { requestId: '' } }, 'continuation'],
  ['input null', null, 'clusterId'],
  ['input text', 'run it', '(input)'],
  ['input array', [CLUSTER], '(input)'],
  ['run timeout empty', { ...VALID, runTimeout: '' }, 'runTimeout'],
  ['poll interval blank', { ...VALID, pollInterval: { initial: '  ' } }, 'pollInterval.initial'],
];

describe('malformed workflow input', () => {
  test.each(invalidInputs)('%s fails with INVALID_WORKFLOW_INPUT', async (_name, input, field) => {
    const result = await outcome(input);

    expect(result.type).toBe(FailureType.InvalidInput);
    expect(result.message).toContain(field);
    expect(result.workflowTaskFailures).toBe(0);
    expect(emulator.requestLog()).toHaveLength(0);
  });
});

const post = { method: 'POST' } as const;
const get = { method: 'GET' } as const;

const malformedAnswers: [string, FaultSetup, string][] = [
  ['launch 200 with HTML', [{ kind: 'garbage', body: '<html>hi</html>', contentType: 'text/html', match: post }], FailureType.LaunchOutcomeUnknown],
  ['launch 200 with requestId as number', [{ kind: 'garbage', body: JSON.stringify({ clusterId: CLUSTER, clusterName: 'x', requestId: 7 }), match: post }], FailureType.LaunchOutcomeUnknown],
  ['launch 200 with empty body', [{ kind: 'garbage', body: '', match: post }], FailureType.LaunchOutcomeUnknown],
  ['launch 200 cut off mid-body', [{ kind: 'truncate', match: post }], FailureType.LaunchOutcomeUnknown],
  ['launch 400 with HTML', [{ kind: 'status', status: 400, body: '<html>bad</html>', match: post }], FailureType.BadRequest],
  ['launch 401 with empty body', [{ kind: 'status', status: 401, body: '', match: post }], FailureType.Unauthorized],
  ['launch 403', [{ kind: 'status', status: 403, body: { code: 403 }, match: post }], FailureType.Forbidden],
  ['launch 404', [{ kind: 'status', status: 404, body: { code: 404 }, match: post }], FailureType.NotFound],
  ['launch 409', [{ kind: 'status', status: 409, body: { code: 409 }, match: post }], FailureType.UnexpectedStatus],
  ['launch 201 with a valid body', [{ kind: 'status', status: 201, body: { clusterId: CLUSTER, clusterName: 'x', requestId: 'req-201' }, match: post }], FailureType.LaunchOutcomeUnknown],
  ['launch 301', [{ kind: 'status', status: 301, headers: { Location: 'http://127.0.0.1:1/' }, body: '', match: post }], FailureType.UnexpectedStatus],
  ['status 400', [{ kind: 'status', status: 400, body: { code: 400 }, match: get }], FailureType.BadRequest],
  ['status 401', [{ kind: 'status', status: 401, body: { code: 401 }, match: get }], FailureType.Unauthorized],
  ['status 403', [{ kind: 'status', status: 403, body: { code: 403 }, match: get }], FailureType.Forbidden],
  ['status 410', [{ kind: 'status', status: 410, body: { code: 410 }, match: get }], FailureType.UnexpectedStatus],
  ['status always HTML', [{ kind: 'garbage', body: '<html>down</html>', contentType: 'text/html', match: get, times: 10_000 }], FailureType.RunDeadlineExceeded],
  ['status always without requestStatus', [{ kind: 'garbage', body: JSON.stringify({ clusterId: CLUSTER, clusterName: 'x', requestId: 'req-1' }), match: get, times: 10_000 }], FailureType.RunDeadlineExceeded],
  ['status always cut off', [{ kind: 'truncate', match: get, times: 10_000 }], FailureType.RunDeadlineExceeded],
  [
    'terminal status with an unknown result',
    (requestId) => [{ kind: 'garbage', body: JSON.stringify({ clusterId: CLUSTER, clusterName: 'x', requestId, requestStatus: 'Terminate', requestResult: 'Maybe' }), match: get, times: 10 }],
    FailureType.RunResultUnknown,
  ],
];

describe('malformed API answers', () => {
  test.each(malformedAnswers)('%s gives its type', async (_name, faults, type) => {
    const result = await outcome(VALID, faults);

    expect(result.type).toBe(type);
    expect(result.workflowTaskFailures).toBe(0);
    expect(emulator.requestLog().filter((entry) => entry.method === 'POST')).toHaveLength(1);
    expect(emulator.launchCount()).toBeLessThanOrEqual(1);
  });
});
