// The app in browser mode for end-to-end tests: the real service and host on 127.0.0.1 serving
// the built renderer, a temporary data folder, and Debian's Chromium driven by playwright-core.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createAppService, type AppService } from '../../../electron/compose/app-service';
import { startHost, type Host } from '../../../electron/host/server';
import { createWorkerOffload } from '../../../electron/engine/offload/worker-pool';

export const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const RENDERER = fileURLToPath(new URL('../../../dist/renderer/', import.meta.url));
/** The heavy-job worker as `mailprobe serve` starts it: the bundled file of the build. */
const HEAVY_WORKER = new URL('../../../dist/cli/heavy-worker.js', import.meta.url);
const CHROMIUM = process.env.MAILPROBE_CHROMIUM ?? '/usr/bin/chromium';

export interface RunningApp {
  url: string;
  dataDir: string;
  host: Host;
  service: AppService;
  browser: Browser;
  page: Page;
  /** Every request the page made, for the no-own-network check. */
  requests: string[];
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startApp(): Promise<RunningApp> {
  if (!existsSync(join(RENDERER, 'index.html')))
    throw new Error('The renderer is not built: run npm run build');
  const dataDir = await mkdtemp(join(tmpdir(), 'mailprobe-e2e-'));
  await mkdir(ARTIFACTS, { recursive: true });
  const service = await createAppService({
    dataDir,
    version: 'e2e',
    offload: createWorkerOffload({ entry: { file: HEAVY_WORKER } }),
  });
  const host = await startHost({ service, rendererDir: RENDERER });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('websocket', (ws) => requests.push(ws.url()));
  await page.goto(host.url);
  return {
    url: host.url,
    dataDir,
    host,
    service,
    browser,
    page,
    requests,
    screenshot: async (name) => {
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: false });
    },
    close: async () => {
      await browser.close();
      await host.close();
      await service.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A selector for an element of this test id showing this verdict. */
export const verdict = (testId: string, value: string): string =>
  `[data-testid="${testId}"][data-verdict="${value}"]`;

/** Runs the Demo tenant with a lab scenario and waits until the run has ended. */
export async function runDemo(app: RunningApp, scenario: string): Promise<void> {
  const page = app.page;
  await page.getByTestId('profile-item-demo').click();
  await page.getByTestId('scenario-select').selectOption(scenario);
  await page.getByTestId('run-button').click();
  await page.waitForSelector('[data-testid="run-verdict"]:not([data-verdict="running"])', {
    timeout: 30_000,
  });
}
