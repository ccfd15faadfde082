import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_INTERCEPTOR_MODULES } from './worker';

/**
 * `npm run bundle [-- <output path>]`: writes the prebuilt workflow bundle
 * that production workers load through HADOOP_ECO_WORKFLOW_BUNDLE, with the
 * workflow interceptor modules included. The bundle must be made with the
 * same @temporalio/worker version that runs it.
 */
async function main(output = 'dist/workflow-bundle.js'): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('./workflows'),
    workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
  });
  const path = resolve(output);
  writeFileSync(path, code);
  process.stdout.write(`wrote the workflow bundle to ${path} (${code.length} bytes)\n`);
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`bundling failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
