/**
 * What "noVNC works" means for one page: connected, the remote framebuffer shows the painted colour, and
 * keys typed in the page reach the X display (an xterm runs the typed `touch` command).
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT_POINT, ROOT_RGB, XTERM_POINT, XTERM_RGB } from './x-desktop.js';
import { waitFor } from './wait.js';

/** How a page shows that it is connected, or that it gave up. */
export interface ConnectedProbe {
  /** A JavaScript expression, evaluated in the page, that is truthy once the RFB connection is up. */
  readonly connected: string;
  /** A JavaScript expression that is truthy once the page reports a failed or closed connection. */
  readonly failed: string;
  /** A JavaScript expression giving the page's status text, for failure messages. */
  readonly statusText: string;
}

/** vnc_lite.html writes "Connected to <desktop name>" into #status on the rfb 'connect' event. */
export const LITE_CONNECTED: ConnectedProbe = {
  connected: `(document.getElementById('status')?.textContent ?? '').startsWith('Connected')`,
  failed: `/^(Disconnected|Something went wrong)/.test(document.getElementById('status')?.textContent ?? '')`,
  statusText: `document.getElementById('status')?.textContent ?? '(no #status)'`,
};

/** vnc.html adds the class noVNC_connected to <html> on the rfb 'connect' event. */
export const FULL_CONNECTED: ConnectedProbe = {
  connected: `document.documentElement.classList.contains('noVNC_connected')`,
  failed: `!!document.getElementById('noVNC_status')?.classList.contains('noVNC_status_error')`,
  statusText: `(document.getElementById('noVNC_status')?.textContent ?? '') + ' [html class: ' + document.documentElement.className + ']'`,
};

/** Waits (bounded) for the page to report a connected RFB session; fails at once if it reports a failure. */
export async function waitConnected(page: Page, probe: ConnectedProbe, timeoutMs = 20_000): Promise<void> {
  let outcome: unknown;
  try {
    const handle = await page.waitForFunction(`(${probe.connected}) ? 'connected' : (${probe.failed}) ? 'failed' : false`, undefined, {
      timeout: timeoutMs,
      polling: 100,
    });
    outcome = await handle.jsonValue();
  } catch {
    outcome = `nothing within ${timeoutMs} ms`;
  }
  if (outcome === 'connected') return;
  const status = await page.evaluate(probe.statusText).catch(() => '(page gone)');
  throw new Error(`noVNC did not report "connected" (got: ${String(outcome)}); status: ${String(status)}`);
}

/** Reads one pixel of the noVNC canvas (framebuffer coordinates) as [r, g, b], or undefined if no canvas. */
export async function readCanvasPixel(page: Page, x: number, y: number): Promise<[number, number, number] | undefined> {
  const raw: unknown = await page.evaluate(`(() => {
    const c = document.querySelector('canvas');
    const ctx = c && c.getContext('2d');
    if (!ctx || c.width <= ${x} || c.height <= ${y}) return null;
    return Array.from(ctx.getImageData(${x}, ${y}, 1, 1).data);
  })()`);
  if (!Array.isArray(raw) || raw.length < 3) return undefined;
  const [r, g, b] = raw as unknown[];
  if (typeof r !== 'number' || typeof g !== 'number' || typeof b !== 'number') return undefined;
  return [r, g, b];
}

type Rgb = readonly [number, number, number];

function sameRgb(a: Rgb | undefined, b: Rgb): boolean {
  return a !== undefined && a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
}

/**
 * Waits (bounded) until the canvas shows the remote desktop: the painted root colour outside the xterm
 * and the xterm's black background inside it.
 */
export async function waitForPaintedPixel(page: Page, timeoutMs = 15_000): Promise<void> {
  let root: Rgb | undefined;
  let xterm: Rgb | undefined;
  await waitFor(
    `the noVNC canvas to show rgb(${ROOT_RGB.join(',')}) at (${ROOT_POINT.x},${ROOT_POINT.y}) and the xterm's rgb(${XTERM_RGB.join(',')}) at (${XTERM_POINT.x},${XTERM_POINT.y})`,
    async () => {
      root = await readCanvasPixel(page, ROOT_POINT.x, ROOT_POINT.y);
      xterm = await readCanvasPixel(page, XTERM_POINT.x, XTERM_POINT.y);
      return sameRgb(root, ROOT_RGB) && sameRgb(xterm, XTERM_RGB) ? true : undefined;
    },
    timeoutMs,
    () => `last pixels: root ${root ? `rgb(${root.join(',')})` : 'no canvas'}, xterm ${xterm ? `rgb(${xterm.join(',')})` : 'no canvas'}`,
  );
}

/** Clicks into the xterm through the canvas (moves the X pointer there, which gives it the keyboard focus). */
async function clickIntoXterm(page: Page): Promise<void> {
  const raw: unknown = await page.evaluate(`(() => {
    const c = document.querySelector('canvas');
    const r = c.getBoundingClientRect();
    return [r.left + ${XTERM_POINT.x} * r.width / c.width, r.top + ${XTERM_POINT.y} * r.height / c.height];
  })()`);
  if (!Array.isArray(raw)) throw new Error('cannot locate the noVNC canvas');
  const [x, y] = raw as unknown[];
  if (typeof x !== 'number' || typeof y !== 'number') throw new Error('cannot locate the noVNC canvas');
  await page.mouse.click(x, y);
}

/**
 * Types `touch <scratchDir>/<name>` and Enter into the page, then waits (bounded) until the file exists,
 * which proves the keystrokes went browser → tunnel → x11vnc → X display → xterm's shell.
 */
export async function typeTouchCommand(page: Page, scratchDir: string, name: string, timeoutMs = 15_000): Promise<void> {
  const file = join(scratchDir, name);
  await clickIntoXterm(page);
  await page.keyboard.type(`touch ${file}`, { delay: 10 });
  await page.keyboard.press('Enter');
  await waitFor(`${file} to be created by the keystrokes typed into noVNC`, async () => {
    try {
      await access(file);
      return true;
    } catch {
      return undefined;
    }
  }, timeoutMs);
}
