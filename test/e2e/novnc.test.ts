/**
 * The noVNC example from lighttpd's mod_wstunnel docs (examples/novnc.conf, verbatim) in a real browser:
 * Chromium loads noVNC from the server under test, which tunnels /websockify to x11vnc on :5900 serving a
 * throw-away Xvfb desktop. Both vnc_lite.html and the full vnc.html must connect, show the painted root
 * window and deliver keystrokes to an xterm. E2E_SERVER picks the server (see support/servers.ts);
 * E2E_SCREENSHOT=1 also saves docs/novnc-<server>.png.
 */
import { test } from 'node:test';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openPage } from './support/browser.js';
import { FULL_CONNECTED, LITE_CONNECTED, typeTouchCommand, waitConnected, waitForPaintedPixel, type ConnectedProbe } from './support/novnc-page.js';
import { REPO_ROOT } from './support/paths.js';
import type { ManagedProcess } from './support/process.js';
import { serverKindFromEnv, startNovncServer } from './support/servers.js';
import { freePort } from './support/wait.js';
import { startXDesktop, type XDesktop } from './support/x-desktop.js';

const kind = serverKindFromEnv();
const wantScreenshot = process.env['E2E_SCREENSHOT'] === '1';

interface Scene {
  readonly browser: Browser;
  readonly desktop: XDesktop;
  readonly server: ManagedProcess;
  readonly base: string;
}

/** Runs one page through the three checks; on failure the message carries the page console and server output. */
async function checkPage(scene: Scene, path: string, probe: ConnectedProbe, label: string, screenshot?: string): Promise<void> {
  const { page, log } = await openPage(scene.browser);
  try {
    const response = await page.goto(`${scene.base}${path}`, { waitUntil: 'load', timeout: 15_000 });
    if (!response?.ok()) throw new Error(`GET ${path} answered ${response?.status() ?? 'nothing'}`);
    await waitConnected(page, probe);
    await waitForPaintedPixel(page);
    await typeTouchCommand(page, scene.desktop.scratchDir, `typed-in-${label}`);
    if (screenshot) await saveScreenshot(page, screenshot);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new Error(`${path} through ${kind}: ${msg}\n--- page log ---\n${log.join('\n')}\n--- ${scene.server.describe()}`, { cause: err });
  } finally {
    await page.context().close();
  }
}

/**
 * Saves the page once the last framebuffer update (the typed command echoed by the xterm) has reached the
 * canvas and vnc.html has finished sliding its control bar away (it hides it ~2 s after connecting).
 */
async function saveScreenshot(page: Page, file: string): Promise<void> {
  await sleep(3000);
  await page.screenshot({ path: file, timeout: 10_000 });
}

test(`noVNC through ${kind} (examples/novnc.conf)`, { timeout: 120_000 }, async (t) => {
  const cleanups: (() => Promise<void>)[] = [];
  t.after(async () => {
    for (const c of cleanups.reverse()) await c();
  });
  const desktop = await startXDesktop();
  cleanups.push(() => desktop.stop());
  const port = await freePort();
  const server = await startNovncServer(kind, port);
  cleanups.push(() => server.stop());
  const browser = await launchBrowser();
  cleanups.push(() => browser.close());
  const scene: Scene = { browser, desktop, server, base: `http://127.0.0.1:${port}` };

  await t.test('vnc_lite.html', () => checkPage(scene, '/vnc_lite.html', LITE_CONNECTED, 'lite'));
  await t.test('vnc.html?autoconnect=true&path=websockify', () =>
    checkPage(scene, '/vnc.html?autoconnect=true&path=websockify', FULL_CONNECTED, 'full',
      wantScreenshot ? join(REPO_ROOT, 'docs', `novnc-${kind}.png`) : undefined));
});
