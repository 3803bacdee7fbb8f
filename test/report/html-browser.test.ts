/**
 * The HTML report in a real browser (Chromium through playwright-core): it renders without
 * console errors under its own Content-Security-Policy, and sorting, filtering and the host
 * map selection work. Skips with a reason when Chromium or playwright-core is missing.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { FACTORY_META, factoryReport } from './report-factory.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface Page {
  goto(url: string): Promise<unknown>;
  on(event: 'console', f: (m: { type(): string; text(): string }) => void): void;
  on(event: 'pageerror', f: (e: Error) => void): void;
  on(event: 'request', f: (r: { url(): string }) => void): void;
  /** Expressions are strings: the project's type library has no DOM. */
  evaluate<T>(expression: string): Promise<T>;
  click(selector: string): Promise<void>;
  fill(selector: string, value: string): Promise<void>;
  selectOption(selector: string, value: string): Promise<unknown>;
}
interface Browser {
  newPage(): Promise<Page>;
  close(): Promise<void>;
}
interface Playwright {
  chromium: { launch(o: { executablePath: string; args: string[] }): Promise<Browser> };
}

async function loadPlaywright(): Promise<Playwright | null> {
  try {
    // A variable specifier keeps the type checker from requiring the optional package.
    const name = 'playwright-core';
    return (await import(name)) as Playwright;
  } catch {
    return null;
  }
}

const playwright = await loadPlaywright();
const reason = !existsSync(CHROMIUM) ? `${CHROMIUM} is not installed` : playwright === null ? 'playwright-core is not installed' : null;
if (reason !== null) console.log(`Skipping the HTML browser test: ${reason}.`);

describe.skipIf(reason !== null)('html report in a browser', () => {
  let browser: Browser;
  let page: Page;
  let dir: string;
  const errors: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tlsautopsy-html-'));
    const file = join(dir, 'report.html');
    await writeFile(file, renderHtml(factoryReport(), FACTORY_META));
    browser = await (playwright as Playwright).chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    page = await browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href);
  });

  afterAll(async () => {
    await browser?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const visibleIds = (): Promise<string[]> =>
    page.evaluate<string[]>(`Array.from(document.querySelectorAll('#capture-0 tbody.conn')).filter((b) => !b.hidden).map((b) => b.dataset.id)`);

  it('renders without console errors and requests nothing but itself', async () => {
    expect(errors).toEqual([]);
    expect(requests.every((u) => u.startsWith('file:'))).toBe(true);
    expect(await page.evaluate<boolean>(`document.querySelector('#capture-0 .controls').hasAttribute('hidden')`)).toBe(false);
  });

  it('shows one row per connection, failed first, and the ladders', async () => {
    expect(await visibleIds()).toEqual(['1', '6', '3', '2', '5', '4']);
    expect(await page.evaluate<number>(`document.querySelectorAll('svg.ladder').length`)).toBe(6);
    expect(await page.evaluate<number>(`document.querySelector('svg.ladder').getBoundingClientRect().height`)).toBeGreaterThan(100);
    // The wire's markup stays text.
    expect(await page.evaluate<number>(`document.querySelectorAll('script').length`)).toBe(1);
    expect(await page.evaluate<string>(`document.querySelector('#capture-0 tbody.conn[data-id="6"] td:nth-child(4)').textContent`)).toBe('evil.example<script>alert(1)</script>');
  });

  it('sorts by a column and back', async () => {
    await page.click('#capture-0 th:nth-child(8) button');
    const byResult = await visibleIds();
    expect(byResult.slice(0, 2).sort()).toEqual(['1', '6']);
    expect(byResult[2]).toBe('3');
    await page.click('#capture-0 th:nth-child(1) button');
    expect(await visibleIds()).toEqual(['1', '2', '3', '4', '5', '6']);
    await page.click('#capture-0 th:nth-child(1) button');
    expect(await visibleIds()).toEqual(['6', '5', '4', '3', '2', '1']);
    expect(await page.evaluate<string>(`document.querySelector('#capture-0 th:nth-child(1)').getAttribute('aria-sort')`)).toBe('descending');
  });

  it('filters by text and by result', async () => {
    await page.fill('#capture-0 .controls input', '2001:db8');
    expect(await visibleIds()).toEqual(['5']);
    await page.fill('#capture-0 .controls input', '');
    await page.selectOption('#capture-0 .controls select', 'failed');
    expect((await visibleIds()).sort()).toEqual(['1', '6']);
    expect(await page.evaluate<string>(`document.querySelector('#capture-0 .shown').textContent`)).toBe('2 of 6 connections shown');
    await page.selectOption('#capture-0 .controls select', '');
    expect(await visibleIds()).toHaveLength(6);
  });

  it('filters the table to the connections of a host-map edge', async () => {
    await page.click('#capture-0 svg.hostmap .edge[data-ids="1 2"] .line');
    expect((await visibleIds()).sort()).toEqual(['1', '2']);
    await page.click('#capture-0 .edge-filter button');
    expect(await visibleIds()).toHaveLength(6);
  });

  it('opens and closes a row’s details by clicking the row', async () => {
    const open = (): Promise<boolean> => page.evaluate<boolean>(`document.querySelector('#capture-0 tbody.conn[data-id="2"] details').open`);
    expect(await open()).toBe(false);
    await page.click('#capture-0 tbody.conn[data-id="2"] tr.row td:nth-child(2)');
    expect(await open()).toBe(true);
    await page.click('#capture-0 tbody.conn[data-id="2"] tr.row td:nth-child(2)');
    expect(await open()).toBe(false);
    expect(errors).toEqual([]);
  });
});
