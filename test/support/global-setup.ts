import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { describeExecutable, devServerExecutable } from '../../src/temporal-binaries';
import { JOB_SEARCH_ATTRIBUTE_KEYS } from '../../src/workflows/search-attributes';

/**
 * Runs once before all test files: builds `dist/` for the tests that start
 * the CLI, worker and demo as processes, bundles the workflow code once, and
 * starts one Temporal dev server that every test file shares. Test files
 * read the results from environment variables, which jest's worker
 * processes inherit.
 */
export default async function globalSetup(): Promise<void> {
  const root = resolve(__dirname, '../..');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

  const bundle = await bundleWorkflowCode({
    workflowsPath: join(root, 'src/workflows'),
    workflowInterceptorModules: [join(root, 'src/workflows/log-attributes')],
    logger: quietLogger,
  });
  const bundlePath = join(mkdtempSync(join(tmpdir(), 'hadoop-eco-test-')), 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);
  process.env.HADOOP_ECO_TEST_WORKFLOW_BUNDLE = bundlePath;

  const executable = devServerExecutable();
  process.stderr.write(`\ntest Temporal dev server: ${describeExecutable(executable)}\n`);
  const environment = await TestWorkflowEnvironment.createLocal({
    server: { executable, ip: '127.0.0.1', ui: false, log: { format: 'pretty', level: 'error' }, searchAttributes: JOB_SEARCH_ATTRIBUTE_KEYS },
  });
  process.env.TEMPORAL_TEST_ADDRESS = environment.address;
  (globalThis as { sharedTemporal?: TestWorkflowEnvironment }).sharedTemporal = environment;
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => process.stderr.write(`bundler: ${message}\n`),
  error: (message: string) => process.stderr.write(`bundler: ${message}\n`),
};
