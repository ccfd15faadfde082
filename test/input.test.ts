import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildJobInput } from '../src/client';
import { parseJobInput } from '../src/workflows/input';

const VALID = { clusterId: '58ceed05-e4f5-4a85-b9a6-e9b79ae8dcdf', region: 'kr-central-2' };

describe('job input schema', () => {
  test('defaults fill an input with only clusterId and region', () => {
    const parsed = parseJobInput(VALID);
    expect(parsed).toEqual({
      ok: true,
      input: {
        ...VALID,
        settings: {},
        pollInterval: { initial: 30_000, maximum: 300_000, multiplier: 1.5 },
        runTimeout: 24 * 3_600_000,
        terminalStatuses: ['Terminate'],
        failureAsResult: false,
        busy: { policy: 'wait', timeout: 3_600_000 },
      },
    });
  });

  test('documented example settings are accepted', () => {
    const parsed = parseJobInput({
      ...VALID,
      settings: {
        workerCnt: 2,
        workerVolumeSize: 50,
        configHdfsReplication: 2,
        configHdfsBlockSize: 128,
        userTaskDeployMode: 'cluster',
        userTaskExecOpts: '--driver-cores 1',
        userTaskExecParams: '-sparkApplicationParams=testParams',
      },
    });
    expect(parsed.ok).toBe(true);
  });

  test.each([
    ['workerCnt', 1],
    ['workerCnt', 1000],
    ['workerVolumeSize', 50],
    ['workerVolumeSize', 5120],
    ['configHdfsReplication', 1],
    ['configHdfsReplication', 500],
    ['configHdfsBlockSize', 1],
    ['configHdfsBlockSize', 1024],
  ])('boundary %s=%i is accepted', (field, value) => {
    expect(parseJobInput({ ...VALID, settings: { [field]: value } }).ok).toBe(true);
  });

  test.each<[string, unknown, string]>([
    ['workerCnt 0', { settings: { workerCnt: 0 } }, 'settings.workerCnt: must be at least 1'],
    ['workerCnt 1001', { settings: { workerCnt: 1001 } }, 'settings.workerCnt: must be at most 1000'],
    ['workerCnt 2.5', { settings: { workerCnt: 2.5 } }, 'settings.workerCnt: expected an integer from 1 to 1000'],
    ['workerCnt as text', { settings: { workerCnt: '2' } }, 'settings.workerCnt: expected an integer from 1 to 1000'],
    ['workerVolumeSize 49', { settings: { workerVolumeSize: 49 } }, 'settings.workerVolumeSize: must be at least 50'],
    ['workerVolumeSize 5121', { settings: { workerVolumeSize: 5121 } }, 'settings.workerVolumeSize: must be at most 5120'],
    ['configHdfsReplication 501', { settings: { configHdfsReplication: 501 } }, 'settings.configHdfsReplication: must be at most 500'],
    ['configHdfsBlockSize 0', { settings: { configHdfsBlockSize: 0 } }, 'settings.configHdfsBlockSize: must be at least 1'],
    ['deploy mode local', { settings: { userTaskDeployMode: 'local' } }, 'settings.userTaskDeployMode: expected one of client, cluster'],
    ['deploy mode as boolean', { settings: { userTaskDeployMode: true } }, 'settings.userTaskDeployMode'],
    ['unknown setting', { settings: { workers: 3 } }, 'settings: unknown field(s) workers'],
    ['unknown top-level field', { accessKey: 'x' }, '(input): unknown field(s) accessKey'],
    ['empty clusterId', { clusterId: '' }, 'clusterId: is required'],
    ['clusterId with a slash', { clusterId: '../admin' }, 'clusterId: may contain only'],
    ['region with a URL', { region: 'https://example.invalid' }, 'region: expected a region'],
    ['unparseable duration', { runTimeout: 'soon' }, 'runTimeout: "soon" is not a duration'],
    ['empty duration', { runTimeout: '' }, 'runTimeout: "" is not a duration'],
    ['blank poll interval', { pollInterval: { initial: '   ' } }, 'pollInterval.initial: "   " is not a duration'],
    ['run timeout too short', { runTimeout: '10s' }, 'runTimeout: must be from 1 minute to 30 days'],
    ['initial above maximum', { pollInterval: { initial: '10m', maximum: '1m' } }, 'pollInterval.initial: initial must not exceed maximum'],
    ['empty terminal list', { terminalStatuses: [] }, 'terminalStatuses: must list at least one status'],
    ['empty terminal value', { terminalStatuses: [''] }, 'terminalStatuses.0: must not be empty'],
    ['bad profile name', { credentialProfile: 'a b' }, 'credentialProfile: expected a profile name'],
  ])('%s is rejected with its field', (_name, overrides, problem) => {
    const parsed = parseJobInput({ ...VALID, ...(overrides as object) });
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.problems).toEqual(expect.arrayContaining([expect.stringContaining(problem)]));
  });

  test.each([null, 'text', 42, []])('non-object input %p is rejected', (raw) => {
    expect(parseJobInput(raw).ok).toBe(false);
  });

  test('a long initial interval raises the default maximum', () => {
    const parsed = parseJobInput({ ...VALID, pollInterval: { initial: '10m' } });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.input.pollInterval).toEqual({ initial: 600_000, maximum: 600_000, multiplier: 1.5 });
  });

  test('durations accept milliseconds and long forms', () => {
    const parsed = parseJobInput({ ...VALID, pollInterval: { initial: 5000, maximum: '2 minutes' }, runTimeout: '90m' });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.input.pollInterval).toEqual({ initial: 5000, maximum: 120_000, multiplier: 1.5 });
    expect(parsed.input.runTimeout).toBe(90 * 60_000);
  });
});

describe('CLI input building', () => {
  function inputFile(content: unknown): string {
    const path = join(mkdtempSync(join(tmpdir(), 'input-test-')), 'input.json');
    writeFileSync(path, JSON.stringify(content));
    return path;
  }

  test('flags override the file, field by field', () => {
    const input = buildJobInput({ input: inputFile({ clusterId: 'a', region: 'kr-central-1', settings: { workerCnt: 2, configHdfsReplication: 3 } }), workerCnt: 5, region: 'kr-central-2' });
    expect(input).toEqual({ clusterId: 'a', region: 'kr-central-2', settings: { workerCnt: 5, configHdfsReplication: 3 }, pollInterval: {} });
  });

  test('HADOOP_ECO_REGION fills only a missing region', () => {
    expect(buildJobInput({ clusterId: 'a' }, { HADOOP_ECO_REGION: 'kr-central-1' })).toMatchObject({ region: 'kr-central-1' });
    expect(buildJobInput({ input: inputFile({ clusterId: 'a', region: 'kr-central-2' }) }, { HADOOP_ECO_REGION: 'kr-central-1' })).toMatchObject({ region: 'kr-central-2' });
    expect(buildJobInput({ clusterId: 'a', region: 'emulator' }, { HADOOP_ECO_REGION: 'kr-central-1' })).toMatchObject({ region: 'emulator' });
  });

  test('a file setting that is not an object reaches validation unchanged', () => {
    const input = buildJobInput({ input: inputFile({ clusterId: 'a', region: 'kr-central-2', settings: 'big' }), workerCnt: 5 });
    expect(input).toMatchObject({ settings: 'big' });
    expect(parseJobInput(input)).toEqual({ ok: false, problems: ['settings: Expected object, received string'] });
  });

  test('a file that is not a JSON object is rejected', () => {
    expect(() => buildJobInput({ input: inputFile([1, 2]) })).toThrow('expected a JSON object');
  });
});
