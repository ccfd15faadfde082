import { Command, InvalidArgumentError, Option } from 'commander';
import ms from 'ms';
import { DEFAULT_STATUSES, loadEmulatorConfigFile, type EmulatorOptionsInput, type RunScriptInput } from './config';
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
}

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
  return new Command()
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
    )
    .addHelpText(
      'after',
      '\nThe run flags (--statuses, --step, --step-polls, --result) apply to the default run script and to\n' +
        'every run script that a cluster in the config file sets.',
    );
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

  const fileOptions = flags.config === undefined ? {} : await loadEmulatorConfigFile(flags.config);
  const emulator = await createEmulator(mergeOptions(fileOptions, flags));
  console.log(describeEmulator(emulator));

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
