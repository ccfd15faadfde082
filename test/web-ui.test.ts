import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { resolve } from 'node:path';
import type { Client, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { startJob } from '../src/client';
import { createEmulator, type Emulator } from '../src/emulator';
import { devServerExecutable } from '../src/temporal-binaries';
import type { HadoopEcoWorker } from '../src/worker';
import { JOB_SEARCH_ATTRIBUTE_KEYS } from '../src/workflows/search-attributes';
import { jobSummary } from '../src/workflows/summary';
import { createTestWorker, installQuietRuntime, uniqueTaskQueue } from './support/temporal';

/**
 * Runs one job on a dev server of its own with the Web UI, then checks in
 * headless Chromium what the Web UI shows. The workflow list filtered by
 * cluster ID must show the run, and the run's page must show its summary and
 * the summaries of its activities and timers. The expected texts come from
 * Web UI 2.54.1, which the temporal CLI 1.9.1 serves.
 *
 * UPDATE_SCREENSHOT=1 also writes the run's timeline to docs/web-ui.png.
 */

const CHROMIUM = '/usr/bin/chromium';
const CLUSTER = '7c1e5a0b-3d2f-4e8a-9b61-0f4d2c8e7a15';
const SETTINGS = { workerCnt: 3 };
const SUMMARY = jobSummary(CLUSTER, 'emulator', SETTINGS);
const SCREENSHOT = resolve(__dirname, '../docs/web-ui.png');

/** Maximum wait for the single-page app to fetch and render a view. It is generous because other test files may load the machine at the same time. */
const UI_TIMEOUT_MS = 30_000;

let env: TestWorkflowEnvironment | undefined;
let emulator: Emulator | undefined;
let worker: HadoopEcoWorker | undefined;
let workerRun: Promise<void> | undefined;
let browser: Browser | undefined;
let page: Page;
let uiUrl: string;
let handle: WorkflowHandleWithFirstExecutionRunId;

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Waits until the list API returns the run as completed, so that the Web UI's list has it on the first load. */
async function waitForVisibility(client: Client, query: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for await (const execution of client.workflow.list({ query })) {
      if (execution.runId === handle.firstExecutionRunId && execution.status.name === 'COMPLETED') return;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for run ${handle.workflowId} to be listed as completed for ${query}`);
    await new Promise((wake) => setTimeout(wake, 250));
  }
}

/**
 * Waits until `locator` is visible. On timeout the error contains the page's
 * URL and text, so that a changed Web UI shows what it renders instead.
 */
async function waitVisible(locator: Locator, description: string): Promise<void> {
  try {
    await locator.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  } catch (error) {
    const text = await page.innerText('body').catch(() => '(page text not available)');
    const cause = (error as Error).message.split('\n')[0];
    throw new Error(`timed out after ${UI_TIMEOUT_MS} ms waiting for ${description} on ${page.url()} (${cause}). Page text:\n${text.slice(0, 4000)}`);
  }
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}, which the Web UI test drives. Install Debian's package: apt-get update && apt-get install -y chromium`);
  }
  installQuietRuntime();

  emulator = await createEmulator({
    clusters: [{ clusterId: CLUSTER, clusterName: 'nightly-etl', openApiKey: 'cluster-key-1', jobType: 'spark', run: { statuses: ['Processing', 'Terminate'] } }],
  });
  const uiPort = await freePort();
  uiUrl = `http://127.0.0.1:${uiPort}`;
  env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: devServerExecutable(),
      ip: '127.0.0.1',
      ui: true,
      uiPort,
      log: { format: 'pretty', level: 'error' },
      searchAttributes: JOB_SEARCH_ATTRIBUTE_KEYS,
    },
  });
  const taskQueue = uniqueTaskQueue('web-ui');
  worker = await createTestWorker(env.nativeConnection, taskQueue, emulator, { searchAttributes: true });
  workerRun = worker.worker.run();

  handle = await startJob(
    env.client,
    { clusterId: CLUSTER, region: 'emulator', settings: SETTINGS, pollInterval: { initial: '5s', maximum: '5s' } },
    { taskQueue },
  );
  await handle.result();
  await waitForVisibility(env.client, `HadoopEcoClusterId="${CLUSTER}"`);

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Fails every host name lookup, so that nothing but the loopback servers of this test can be reached.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
  // The Web UI scrolls inside its own panes, so a screenshot shows only the viewport. 1080 pixels fit the whole timeline of this run.
  const context = await browser.newContext({ viewport: { width: 1600, height: 1080 }, timezoneId: 'UTC', locale: 'en-US' });
  // The Web UI fetches a news feed from newsfeed.temporal.io. Abort that and every other request that does not go to 127.0.0.1.
  await context.route('**/*', async (route) => {
    if (new URL(route.request().url()).hostname === '127.0.0.1') {
      await route.continue();
    } else {
      await route.abort('blockedbyclient');
    }
  });
  page = await context.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  worker?.worker.shutdown();
  await workerRun;
  await worker?.close();
  await env?.teardown();
  await emulator?.close();
});

describe('Temporal Web UI', () => {
  test('filtered workflow list shows the run', async () => {
    const query = encodeURIComponent(`HadoopEcoClusterId="${CLUSTER}"`);
    await page.goto(`${uiUrl}/namespaces/default/workflows?query=${query}`);

    const row = page.getByRole('row').filter({ hasText: handle.workflowId });
    await waitVisible(row, `list row of ${handle.workflowId}`);
    // The status badge contains "Completed", which CSS shows in capitals.
    expect((await row.first().getByTestId('execution-status').textContent())?.trim()).toBe('Completed');
    const cells = await row.first().innerText();
    expect(cells).toContain(handle.firstExecutionRunId);
    expect(cells).toContain('hadoopEcoJob');
    await waitVisible(page.getByText('1 Completed'), 'count of completed runs');

    // NOTE: Web UI 2.54.1 has no list column for the static summary, and Configure Columns offers none.
    // The list can show the search attributes that the workflow set when the run ended.
    await page.getByLabel('Configure Columns').click();
    await page.getByLabel('Add HadoopEcoRequestStatus column').click();
    await page.getByLabel('Add HadoopEcoRequestResult column').click();
    await page.getByLabel('Close Workflows Table configuration').click();
    await waitVisible(page.getByRole('columnheader', { name: 'HadoopEcoRequestResult' }), 'HadoopEcoRequestResult column');
    await waitVisible(row.getByRole('cell', { name: 'Terminate', exact: true }), 'HadoopEcoRequestStatus cell');
    await waitVisible(row.getByRole('cell', { name: 'Success', exact: true }), 'HadoopEcoRequestResult cell');

    // The workflow ID links to the run's timeline.
    await row.first().getByRole('link', { name: handle.workflowId }).click();
    await page.waitForURL(`**/workflows/${encodeURIComponent(handle.workflowId)}/${handle.firstExecutionRunId}/timeline**`, { timeout: UI_TIMEOUT_MS });
    await waitVisible(page.getByRole('heading', { name: handle.workflowId }), 'run heading after opening the run from the list');
  });

  test('run page shows the summaries', async () => {
    const runUrl = `${uiUrl}/namespaces/default/workflows/${encodeURIComponent(handle.workflowId)}/${handle.firstExecutionRunId}`;
    await page.goto(`${runUrl}/history`);
    await waitVisible(page.getByRole('heading', { name: handle.workflowId }), 'run heading');
    await waitVisible(page.getByTestId('execution-status'), 'run status');
    expect((await page.getByTestId('execution-status').first().textContent())?.trim()).toBe('Completed');

    // Event History lists the static summary under Workflow Execution Started, and each activity's or timer's summary under its scheduled or started event.
    await waitVisible(page.getByText(SUMMARY), 'static summary in Event History');
    await waitVisible(page.getByText(`launch on cluster ${CLUSTER}`), 'launch activity summary');
    await waitVisible(page.getByText('wait 5s before status read 1'), 'first timer summary');
    await waitVisible(page.getByText('status read 1 (last: none)'), 'first status read summary');
    await waitVisible(page.getByText('status read 2 (last: Processing)'), 'second status read summary');

    await page.getByTestId('user-metadata-tab').click();
    await page.waitForURL(`${runUrl}/user-metadata`, { timeout: UI_TIMEOUT_MS });
    // The tab renders the summary as Markdown in an iframe of its own.
    await waitVisible(page.getByText('Summary', { exact: true }), 'Summary section of User Metadata');
    await waitVisible(page.frameLocator('iframe#user-metadata-summary').getByText(SUMMARY), 'static summary in User Metadata');

    await page.getByTestId('timeline-tab').click();
    await page.waitForURL(`${runUrl}/timeline**`, { timeout: UI_TIMEOUT_MS });
    await waitVisible(page.getByText(`launchRun • launch on cluster ${CLUSTER}`), 'launch on the timeline');
    await waitVisible(page.getByText('getRunStatus • status read 2 (last: Processing)'), 'second status read on the timeline');

    if (process.env.UPDATE_SCREENSHOT === '1') {
      await page.screenshot({ path: SCREENSHOT });
    }
  });
});
