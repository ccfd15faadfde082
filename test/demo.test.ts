import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

const DEMO = resolve(__dirname, '../dist/src/demo.js');

describe('npm run demo', () => {
  test('runs one job to the end and exits 0', async () => {
    const outcome = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(process.execPath, [DEMO], { env: { ...process.env, LANG: 'C.UTF-8' }, timeout: 90_000 }, (error, stdout, stderr) =>
        done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

    expect(outcome.stderr).not.toContain('demo failed');
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/launched run req-[0-9a-f]{32} on cluster demo-spark-cluster/);
    expect(outcome.stdout).toContain('status: Terminate');
    expect(outcome.stdout).toContain('Run succeeded');
    expect(outcome.stdout).toMatch(/Web UI\s+http:\/\/127\.0\.0\.1:\d+\/namespaces\/default\/workflows\/hadoop-eco-58ceed05-e4f5-4a85-b9a6-e9b79ae8dcdf-\d{8}T\d{9}Z-[0-9a-f]{4}\/[0-9a-f-]+\/history/);
    expect(outcome.stdout).toContain('"cluster_name": "demo-spark-cluster"');
    expect(outcome.stdout).toContain('userTaskExecParams="-sparkApplicationParams=testParams"');
  }, 120_000);
});
