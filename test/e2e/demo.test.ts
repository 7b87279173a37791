/**
 * The `npm start` demo in a real browser: examples/default.conf served by tswstunnel (port and socket
 * moved for the test), its page opened in headless Chromium; the page's WebSocket reaches the
 * bin-path backend and a typed line comes back reversed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { loadConfig } from '../../src/config/load.js';
import { startServer } from '../../src/main.js';
import { launchBrowser, openPage } from './support/browser.js';
import { EXAMPLES_DIR, REPO_ROOT } from './support/paths.js';

test('the demo page opens a tunnel to the spawned backend and shows its answers', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsw-demo-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const text = readFileSync(join(EXAMPLES_DIR, 'default.conf'), 'utf8')
    .replace(/server\.port\s+= 8080/, 'server.port = 0')
    .replace('/tmp/tswstunnel-demo.sock', join(dir, 'demo.sock'));
  const file = join(dir, 'default-e2e.conf');
  writeFileSync(file, text);
  const { tree, diagnostics } = loadConfig({ file, cwd: REPO_ROOT });
  assert.ok(tree, diagnostics.map((d) => d.message).join('\n'));
  const err = new PassThrough();
  let serverLog = '';
  err.on('data', (d: Buffer) => (serverLog += d.toString()));
  const server = await startServer(tree, { foreground: true, stderr: err });
  t.after(() => server.close());
  const port = server.listeners[0]?.port ?? 0;

  const browser = await launchBrowser();
  t.after(() => browser.close());
  const { page, log } = await openPage(browser);
  try {
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.locator('#status', { hasText: 'connected' }).waitFor();
    await page.locator('#log', { hasText: 'hello from backend pid' }).waitFor();
    await page.fill('#line', 'tunnel ✓ works');
    await page.press('#line', 'Enter');
    await page.locator('#log', { hasText: '#1 skrow ✓ lennut' }).waitFor();
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\npage log:\n${log.join('\n')}\nserver log:\n${serverLog}`);
  }
});
