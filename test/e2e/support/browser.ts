/**
 * The system Chromium driven by playwright-core. No browser is ever downloaded; each launch gets a fresh
 * temporary profile (playwright's launch() always creates and removes one).
 */
import { chromium, type Browser, type Page } from 'playwright-core';

/** The Debian chromium binary (.ci/run installs it). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches headless Chromium (bounded by a 30 s launch timeout). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
}

/** A page that records console messages and page errors, for failure messages. */
export interface RecordedPage {
  readonly page: Page;
  /** Console lines and uncaught errors, in order, each prefixed by its type. */
  readonly log: string[];
}

/** Opens a page with a given viewport and starts recording its console. */
export async function openPage(browser: Browser, viewport = { width: 1280, height: 1024 }): Promise<RecordedPage> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const log: string[] = [];
  page.on('console', (m) => log.push(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => log.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  return { page, log };
}
