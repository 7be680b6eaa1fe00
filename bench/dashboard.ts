/**
 * `npm run bench -- dashboard`: the web dashboard in a real chromium (playwright-core, the system
 * browser) against the built server on 127.0.0.1 with SQLite, 50 services and 5,000 heartbeat
 * monitors (no probes, so the server is idle while the browser is measured):
 * - JavaScript shipped: web/dist/assets/*.js, raw and gzipped (the issue's target: < 300 KB);
 * - first load of the overview: navigation start to the service table in the DOM, cold context;
 * - the monitors page: navigation start to the first rows, and to all 5,000 loaded;
 * - scrolling the 5,000-row list to the end, one step per frame: frame times and rows in the DOM.
 * Prints one Markdown table with the targets marked pass or FAIL.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { benchmarkEntry } from './support/bench-entry.js';
import { numberFlag, parseFlags, type FlagSpec } from './support/args.js';
import { onInterrupt } from './support/interrupt.js';
import { formatMachineInfo, machineInfo } from './support/machine.js';
import { formatMs, markdownTable, passMark } from './support/markdown.js';
import { cliPath, createAdminToken, createWorkspace, repoRoot, startServer, type ServerUnderTest } from './support/server-under-test.js';

const flagSpecs: Record<string, FlagSpec> = {
  monitors: { description: 'monitors in the config (heartbeat kind: no probes run)', defaultValue: '5000' },
  runs: { description: 'cold page loads measured per page (the median is reported)', defaultValue: '5' },
  chromium: { description: 'chromium executable', defaultValue: '/usr/bin/chromium' },
  help: { description: 'show this help', boolean: true },
};

interface Settings {
  monitors: number;
  runs: number;
  chromium: string;
  cli?: string;
}

const serviceCount = 50;
const webDist = path.join(repoRoot, 'web', 'dist');
const targets = { gzippedJsBytes: 300 * 1024, overviewMs: 1000, monitorsFirstRenderMs: 500 };
const chromiumArgs = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update'];

function parseSettings(args: string[]): Settings | undefined {
  const values = parseFlags(args, flagSpecs);
  if (values.has('help')) return undefined;
  return {
    monitors: numberFlag(values, 'monitors', { min: 1, max: 50_000, integer: true }),
    runs: numberFlag(values, 'runs', { min: 1, max: 50, integer: true }),
    chromium: values.get('chromium') ?? '/usr/bin/chromium',
  };
}

function log(message: string): void {
  process.stderr.write(`[bench dashboard] ${message}\n`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
}

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

function configYaml(monitors: number): string {
  const lines = ['auth:', '  anonymous: none', 'services:'];
  for (let s = 0; s < serviceCount; s += 1) lines.push(`  - name: svc-${String(s).padStart(2, '0')}`, '    criticality: high');
  lines.push('monitors:');
  for (let m = 0; m < monitors; m += 1) {
    lines.push(`  - name: job-${String(m).padStart(5, '0')}`, `    service: svc-${String(m % serviceCount).padStart(2, '0')}`, '    kind: heartbeat', '    interval: 1d');
  }
  return `${lines.join('\n')}\n`;
}

async function javascriptShipped(): Promise<{ rawBytes: number; gzippedBytes: number; files: number }> {
  const assets = path.join(webDist, 'assets');
  const names = (await readdir(assets)).filter((name) => name.endsWith('.js'));
  let rawBytes = 0;
  let gzippedBytes = 0;
  for (const name of names) {
    const content = await readFile(path.join(assets, name));
    rawBytes += content.length;
    gzippedBytes += gzipSync(content, { level: 9 }).length;
  }
  return { rawBytes, gzippedBytes, files: names.length };
}

/** Records performance.now() (ms since navigation start) when `selector` first matches. */
function markWhen(selector: string, key: string): string {
  return `new MutationObserver((_, observer) => {
    if (document.querySelector(${JSON.stringify(selector)})) { globalThis[${JSON.stringify(key)}] = performance.now(); observer.disconnect(); }
  }).observe(document, { subtree: true, childList: true, characterData: true });`;
}

async function coldPage(browser: Browser, baseUrl: string, token: string, marks: string[]): Promise<{ page: Page; close: () => Promise<void> }> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 900 } });
  const login = await context.request.post('/api/v1/session', { headers: { authorization: `Bearer ${token}` } });
  if (login.status() !== 201) throw new Error(`login failed: ${login.status()}`);
  for (const mark of marks) await context.addInitScript(mark);
  const page = await context.newPage();
  return { page, close: () => context.close() };
}

async function waitForMark(page: Page, key: string, timeoutMs = 30_000): Promise<number> {
  await page.waitForFunction(`globalThis[${JSON.stringify(key)}] !== undefined`, undefined, { timeout: timeoutMs });
  return page.evaluate<number>(`globalThis[${JSON.stringify(key)}]`);
}

async function measureOverview(browser: Browser, server: ServerUnderTest, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const { page, close } = await coldPage(browser, server.baseUrl, server.adminToken, [markWhen('[data-service]', 'contentMs')]);
    await page.goto('/');
    times.push(await waitForMark(page, 'contentMs'));
    await close();
  }
  return times;
}

interface MonitorsRun {
  firstRowsMs: number;
  allLoadedMs: number;
}

async function measureMonitors(browser: Browser, server: ServerUnderTest, runs: number, total: number): Promise<MonitorsRun[]> {
  const results: MonitorsRun[] = [];
  for (let run = 0; run < runs; run += 1) {
    const allText = `${total} of ${total}`;
    const allLoaded = `(() => { const el = document.querySelector('.filters [role=status]'); return el && el.textContent === ${JSON.stringify(allText)}; })()`;
    const { page, close } = await coldPage(browser, server.baseUrl, server.adminToken, [
      markWhen('.monitor-row', 'firstRowsMs'),
      `new MutationObserver((_, observer) => { if (${allLoaded}) { globalThis.allLoadedMs = performance.now(); observer.disconnect(); } }).observe(document, { subtree: true, childList: true, characterData: true });`,
    ]);
    await page.goto('/monitors');
    results.push({ firstRowsMs: await waitForMark(page, 'firstRowsMs'), allLoadedMs: await waitForMark(page, 'allLoadedMs') });
    await close();
  }
  return results;
}

interface ScrollResult {
  frames: number;
  frameMs: number[];
  maxRowsInDom: number;
  reachedEnd: boolean;
}

/** Scrolls the list to its end in equal steps, one per animation frame, timing every frame. */
async function measureScroll(browser: Browser, server: ServerUnderTest, total: number): Promise<ScrollResult> {
  const { page, close } = await coldPage(browser, server.baseUrl, server.adminToken, []);
  await page.goto('/monitors');
  await page.waitForFunction(`document.querySelector('.filters [role=status]')?.textContent === ${JSON.stringify(`${total} of ${total}`)}`, undefined, { timeout: 60_000 });
  const result = await page.evaluate<ScrollResult>(`new Promise((resolve) => {
    const list = document.querySelector('.vlist');
    const frames = 240;
    const step = (list.scrollHeight - list.clientHeight) / frames;
    const frameMs = [];
    let maxRowsInDom = 0;
    let last = performance.now();
    let frame = 0;
    const tick = (now) => {
      frameMs.push(now - last);
      last = now;
      maxRowsInDom = Math.max(maxRowsInDom, list.querySelectorAll('.vrow').length);
      if (frame >= frames + 2) {
        const lastRow = list.querySelector('[aria-rowindex="${total}"]');
        // The two settling frames after the last step are not scroll frames.
        resolve({ frames, frameMs: frameMs.slice(1, frames + 1), maxRowsInDom, reachedEnd: lastRow !== null });
        return;
      }
      frame += 1;
      list.scrollTop = Math.round(step * Math.min(frame, frames));
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })`);
  await close();
  return result;
}

export async function run(args: string[]): Promise<number> {
  const entry = benchmarkEntry('dashboard', 'Dashboard load, JS size and a 5,000-monitor list in chromium', flagSpecs, parseSettings, args);
  if ('exitCode' in entry) return entry.exitCode;
  const settings = entry.settings;

  const js = await javascriptShipped().catch(() => undefined);
  if (!js) {
    process.stderr.write("web/dist is missing: run 'npm run build' first\n");
    return 1;
  }
  const workspace = await createWorkspace({ kind: 'sqlite' });
  let server: ServerUnderTest | undefined;
  let browser: Browser | undefined;
  const release = onInterrupt(async () => {
    await browser?.close();
    await server?.stop();
    await workspace.cleanup();
  });
  try {
    await writeFile(workspace.configFile, `${await readFile(workspace.configFile, 'utf8')}${configYaml(settings.monitors)}`);
    const adminToken = createAdminToken(workspace.configFile, cliPath);
    log(`starting the server with ${settings.monitors} monitors`);
    server = await startServer({ configFile: workspace.configFile, adminToken });
    browser = await chromium.launch({ executablePath: settings.chromium, args: chromiumArgs });

    log('overview');
    await measureOverview(browser, server, 1); // warm the server's caches and chromium's code cache once
    const overview = await measureOverview(browser, server, settings.runs);
    log('monitors page');
    const monitors = await measureMonitors(browser, server, settings.runs, settings.monitors);
    log('scrolling');
    const scroll = await measureScroll(browser, server, settings.monitors);

    const firstRender = median(monitors.map((m) => m.firstRowsMs));
    const rows: string[][] = [
      ['JavaScript shipped (gzip -9)', `${(js.gzippedBytes / 1024).toFixed(1)} KB (${(js.rawBytes / 1024).toFixed(1)} KB raw, ${js.files} file)`, '< 300 KB', passMark(js.gzippedBytes < targets.gzippedJsBytes)],
      ['Overview: time to content (median of runs)', `${formatMs(median(overview))} ms (min ${formatMs(Math.min(...overview))}, max ${formatMs(Math.max(...overview))})`, '< 1,000 ms', passMark(median(overview) < targets.overviewMs)],
      [`Monitors (${settings.monitors}): first rows`, `${formatMs(firstRender)} ms`, '< 500 ms', passMark(firstRender < targets.monitorsFirstRenderMs)],
      [`Monitors (${settings.monitors}): all loaded and rendered`, `${formatMs(median(monitors.map((m) => m.allLoadedMs)))} ms`, '–', ''],
      [`Scroll to the end in ${scroll.frames} frames: frame time p50 / p95 / max`, `${formatMs(percentile(scroll.frameMs, 0.5))} / ${formatMs(percentile(scroll.frameMs, 0.95))} / ${formatMs(Math.max(...scroll.frameMs))} ms`, '–', ''],
      ['Rows in the DOM while scrolling (max)', `${scroll.maxRowsInDom} of ${settings.monitors}${scroll.reachedEnd ? ', last row reached' : ', LAST ROW NOT REACHED'}`, '–', ''],
    ];
    process.stdout.write(`\n${formatMachineInfo(machineInfo())}\n\n${markdownTable([{ title: 'Measure' }, { title: 'Result' }, { title: 'Target' }, { title: '' }], rows)}\n`);
    return 0;
  } finally {
    await browser?.close();
    await server?.stop();
    await workspace.cleanup();
    release();
  }
}
