import { Command, InvalidArgumentError, Option } from 'commander';
import ms from 'ms';
import {
  DEFAULT_STATUSES,
  MAX_FAULT_PROFILE_SEED,
  RATE_SUM_TOLERANCE,
  loadEmulatorConfigFile,
  type EmulatorOptionsInput,
  type FaultProfileInput,
  type FaultProfileRateField,
  type RunScriptInput,
} from './config';
import { createEmulator, type Emulator } from './server';

/**
 * Command-line entry of the Hadoop Eco emulator:
 * `node dist/src/emulator/main.js --port 8080 [--config file.json] [...]`.
 * Flags override the config file. Stops gracefully on SIGINT and SIGTERM.
 */

/** Port of the CLI when neither a flag nor the config file sets one. The library's default is 0. */
const DEFAULT_CLI_PORT = 8080;

interface CliFlags {
  host?: string;
  port?: number;
  config?: string;
  statuses?: string[];
  step?: number;
  stepPolls?: number;
  result?: 'Success' | 'Failure';
  latency?: number;
  fault5xxRate?: number;
  fault429Rate?: number;
  retryAfter?: number;
  faultDropBeforeRate?: number;
  faultDropAfterRate?: number;
  faultGarbageRate?: number;
  faultTruncateRate?: number;
  faultLatency?: { min: number; max: number };
  seed?: number;
}

type RateFlagKey =
  | 'fault5xxRate'
  | 'fault429Rate'
  | 'faultDropBeforeRate'
  | 'faultDropAfterRate'
  | 'faultGarbageRate'
  | 'faultTruncateRate';

/** Rate flags with the fault profile field that each one sets, in the field order of `FAULT_PROFILE_RATE_FIELDS`. */
const RATE_FLAGS: Array<{ flag: string; key: RateFlagKey; field: FaultProfileRateField; description: string }> = [
  { flag: '--fault-5xx-rate', key: 'fault5xxRate', field: 'serverErrorRate', description: 'that get a 500, 502, 503 or 504 response' },
  { flag: '--fault-429-rate', key: 'fault429Rate', field: 'rateLimitRate', description: 'that get a 429 response with Retry-After' },
  {
    flag: '--fault-drop-before-rate',
    key: 'faultDropBeforeRate',
    field: 'dropBeforeRate',
    description: 'whose connection is closed before the request is handled',
  },
  {
    flag: '--fault-drop-after-rate',
    key: 'faultDropAfterRate',
    field: 'dropAfterRate',
    description: 'whose connection is closed after the request is handled, so a launch still creates its run',
  },
  {
    flag: '--fault-garbage-rate',
    key: 'faultGarbageRate',
    field: 'garbageRate',
    description: 'that get a 200 response with an HTML body',
  },
  {
    flag: '--fault-truncate-rate',
    key: 'faultTruncateRate',
    field: 'truncateRate',
    description: 'whose response body is cut off halfway after the request is handled',
  },
];

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new InvalidArgumentError(`expected a TCP port from 0 to 65535, got ${JSON.stringify(value)}`);
  }
  return port;
}

function parseDuration(value: string): number {
  let milliseconds: number | undefined;
  try {
    milliseconds = ms(value as ms.StringValue);
  } catch {
    milliseconds = undefined;
  }
  if (typeof milliseconds !== 'number' || !Number.isFinite(milliseconds) || milliseconds < 0) {
    throw new InvalidArgumentError(`expected a duration such as 500ms, 2s or 1m, got ${JSON.stringify(value)}`);
  }
  return Math.round(milliseconds);
}

function parsePositiveDuration(value: string): number {
  const milliseconds = parseDuration(value);
  if (milliseconds <= 0) {
    throw new InvalidArgumentError(`expected a duration greater than zero, got ${JSON.stringify(value)}`);
  }
  return milliseconds;
}

function parsePositiveInteger(value: string): number {
  if (!/^[1-9]\d*$/.test(value)) {
    throw new InvalidArgumentError(`expected a positive integer, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

function parseRate(value: string): number {
  const rate = Number(value);
  if (!/^(?:\d+(?:\.\d*)?|\.\d+)$/.test(value) || rate > 1) {
    throw new InvalidArgumentError(`expected a number from 0 to 1, got ${JSON.stringify(value)}`);
  }
  return rate;
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(seconds)) {
    throw new InvalidArgumentError(`expected a whole number of seconds, 0 or more, got ${JSON.stringify(value)}`);
  }
  return seconds;
}

function parseSeed(value: string): number {
  const seed = Number(value);
  if (!/^\d+$/.test(value) || seed > MAX_FAULT_PROFILE_SEED) {
    throw new InvalidArgumentError(`expected an integer from 0 to ${MAX_FAULT_PROFILE_SEED}, got ${JSON.stringify(value)}`);
  }
  return seed;
}

/** Parses `<min>..<max>` or a single duration, which then is both bounds. */
function parseLatencyRange(value: string): { min: number; max: number } {
  const expected = 'expected a duration such as 200ms, or a range <min>..<max> such as 50ms..2s with min not above max';
  const parts = value.split('..');
  let bounds: number[];
  try {
    bounds = parts.map(parseDuration);
  } catch {
    throw new InvalidArgumentError(`${expected}, got ${JSON.stringify(value)}`);
  }

  const min = bounds[0];
  const max = bounds[1] ?? min;
  if (parts.length > 2 || min === undefined || max === undefined || min > max) {
    throw new InvalidArgumentError(`${expected}, got ${JSON.stringify(value)}`);
  }
  return { min, max };
}

function parseStatuses(value: string): string[] {
  const statuses = value.split(',').map((status) => status.trim());
  if (statuses.some((status) => status === '')) {
    throw new InvalidArgumentError(
      `expected comma-separated non-empty statuses such as Pending,Processing,Terminate, got ${JSON.stringify(value)}`,
    );
  }
  return statuses;
}

function buildProgram(): Command {
  const program = new Command()
    .name('hadoop-eco-emulator')
    .description('Serve an emulated Kakao Cloud Hadoop Eco Job Cluster API for tests, demos and benchmarks.')
    .addOption(new Option('--host <host>', 'address to bind to (default: 127.0.0.1)'))
    .addOption(
      new Option('--port <port>', `TCP port, 0 for any free port (default: ${DEFAULT_CLI_PORT})`).argParser(parsePort),
    )
    .addOption(new Option('--config <file>', 'JSON file with the full emulator options; the flags below override it'))
    .addOption(
      new Option(
        '--statuses <list>',
        `comma-separated requestStatus values of every run; the last one is terminal (default: ${DEFAULT_STATUSES.join(',')})`,
      ).argParser(parseStatuses),
    )
    .addOption(
      new Option('--step <duration>', 'advance runs by time: each status lasts this long, e.g. 2s')
        .argParser(parsePositiveDuration)
        .conflicts('stepPolls'),
    )
    .addOption(
      new Option(
        '--step-polls <n>',
        'advance runs by polls: each status is returned to n status requests (default: 1)',
      ).argParser(parsePositiveInteger),
    )
    .addOption(
      new Option('--result <result>', 'requestResult of every run once it ends (default: Success)').choices([
        'Success',
        'Failure',
      ]),
    )
    .addOption(
      new Option('--latency <duration>', 'delay before every API response, e.g. 200ms (default: 0)').argParser(parseDuration),
    );

  for (const { flag, description } of RATE_FLAGS) {
    program.addOption(
      new Option(`${flag} <rate>`, `share of API requests ${description}, from 0 to 1 (default: 0)`).argParser(parseRate),
    );
  }

  return program
    .addOption(
      new Option('--retry-after <seconds>', 'Retry-After of the 429 responses of --fault-429-rate, in seconds (default: 1)')
        .argParser(parseSeconds),
    )
    .addOption(
      new Option(
        '--fault-latency <range>',
        'random extra delay before API responses, uniform in <min>..<max> such as 50ms..2s, or one fixed duration (default: 0)',
      ).argParser(parseLatencyRange),
    )
    .addOption(
      new Option(
        '--seed <n>',
        `seed of the random fault draws, an integer from 0 to ${MAX_FAULT_PROFILE_SEED}; the same seed gives the same faults for the same requests (default: unseeded)`,
      ).argParser(parseSeed),
    )
    .addHelpText(
      'after',
      '\nThe run flags (--statuses, --step, --step-polls, --result) apply to the default run script and to\n' +
        'every run script that a cluster in the config file sets.\n' +
        '\nThe --fault-* rates share one random draw per API request, so each request gets at most one of\n' +
        'those faults and the rates must sum to at most 1. They override the faultProfile of the config\n' +
        'file field by field. A fault queued with POST /_emulator/faults takes precedence over them.',
    );
}

/** Lays the fault flags over the config file's fault profile. Returns the file's profile when no fault flag is set. */
function mergeFaultProfile(fileProfile: FaultProfileInput | undefined, flags: CliFlags): FaultProfileInput | undefined {
  const overrides: FaultProfileInput = {};
  for (const { key, field } of RATE_FLAGS) {
    const rate = flags[key];
    if (rate !== undefined) overrides[field] = rate;
  }
  if (flags.retryAfter !== undefined) overrides.retryAfterSeconds = flags.retryAfter;
  if (flags.faultLatency !== undefined) overrides.latencyMs = flags.faultLatency;
  if (flags.seed !== undefined) overrides.seed = flags.seed;

  if (Object.keys(overrides).length === 0) return fileProfile;
  return { ...fileProfile, ...overrides };
}

/**
 * Returns an error message naming the rate flags when their rates alone sum
 * to more than 1. A sum that exceeds 1 only with the config file's rates is
 * reported by the option validation, which names the profile fields.
 */
function checkRateFlagSum(flags: CliFlags): string | undefined {
  const given = RATE_FLAGS.filter(({ key }) => flags[key] !== undefined);
  const total = given.reduce((sum, { key }) => sum + (flags[key] ?? 0), 0);
  if (total <= 1 + RATE_SUM_TOLERANCE) return undefined;

  const terms = given.map(({ flag, key }) => `${flag} ${flags[key]}`).join(' + ');
  return `error: the fault rates sum to ${total}, more than 1 (${terms}): lower them so that their sum is at most 1`;
}

/** Lays the flags over the config file's options. Defaults are left to `createEmulator`, except the CLI's port. */
function mergeOptions(fileOptions: EmulatorOptionsInput, flags: CliFlags): EmulatorOptionsInput {
  const runOverrides: Partial<RunScriptInput> = {};
  if (flags.statuses !== undefined) runOverrides.statuses = flags.statuses;
  if (flags.step !== undefined) runOverrides.advance = { by: 'time', stepMs: flags.step };
  if (flags.stepPolls !== undefined) runOverrides.advance = { by: 'polls', polls: flags.stepPolls };
  if (flags.result !== undefined) runOverrides.result = flags.result;

  return {
    ...fileOptions,
    host: flags.host ?? fileOptions.host ?? '127.0.0.1',
    port: flags.port ?? fileOptions.port ?? DEFAULT_CLI_PORT,
    latencyMs: flags.latency ?? fileOptions.latencyMs,
    faultProfile: mergeFaultProfile(fileOptions.faultProfile, flags),
    defaultRun: { ...fileOptions.defaultRun, ...runOverrides },
    clusters: fileOptions.clusters?.map((cluster) =>
      cluster.run === undefined ? cluster : { ...cluster, run: { ...cluster.run, ...runOverrides } },
    ),
  };
}

function describeEmulator(emulator: Emulator): string {
  const { credentials, clusters } = emulator.options;
  const clusterList = clusters
    .map((cluster) => `cluster ${cluster.clusterId} (${cluster.clusterName}) Hadoop-Eco-Api-Key: ${cluster.openApiKey}`)
    .join('; ');
  // The credentials are the emulator's test values, not real access keys. They
  // are printed so that a demo script or a person can call the emulator.
  return (
    `Hadoop Eco emulator listening on ${emulator.url} | ` +
    `Credential-ID: ${credentials.accessKeyId} | Credential-Secret: ${credentials.accessKeySecret} | ${clusterList}`
  );
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  await program.parseAsync(argv);
  const flags = program.opts<CliFlags>();
  const rateSumError = checkRateFlagSum(flags);
  if (rateSumError !== undefined) program.error(rateSumError);

  const fileOptions = flags.config === undefined ? {} : await loadEmulatorConfigFile(flags.config);
  const emulator = await createEmulator(mergeOptions(fileOptions, flags));
  console.log(describeEmulator(emulator));
  if (emulator.options.faultProfile !== undefined) {
    console.log(`Hadoop Eco emulator fault profile: ${JSON.stringify(emulator.options.faultProfile)}`);
  }

  const stop = (signal: NodeJS.Signals) => {
    console.log(`Hadoop Eco emulator received ${signal}, stopping`);
    emulator.close().then(
      () => console.log('Hadoop Eco emulator stopped'),
      (error: unknown) => {
        console.error('Hadoop Eco emulator failed to stop cleanly:', error);
        process.exitCode = 1;
      },
    );
  };
  // `once`, so a second signal gets Node's default handling and ends a stop that hangs.
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main(process.argv).catch((error: unknown) => {
    console.error(`Hadoop Eco emulator failed to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
