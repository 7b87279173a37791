/**
 * The echo example from lighttpd's mod_wstunnel docs, verbatim, in a real browser: Chromium opens
 * examples/count.html from disk, which connects to ws://localhost:8080/ (lighttpd-proxy.conf, mod_proxy
 * with upgrade enabled) → 127.0.0.1:8081 (lighttpd-wstunnel.conf, mod_wstunnel) → /dev/shm/echo.pl
 * spawned on /dev/shm/psock. The page must count 1 … 5, and no echo.pl may outlive the servers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchBrowser, openPage } from './support/browser.js';
import { ECHO_BIN, echoProcessesUnder, installEchoScript, waitEchoProcessesGone } from './support/echo-script.js';
import { EXAMPLES_DIR } from './support/paths.js';
import type { ManagedProcess } from './support/process.js';
import { serverKindFromEnv, startEchoChain } from './support/servers.js';

const kind = serverKindFromEnv();

/** What count.html shows once it has sent and received 1 … 5 (log() adds '\n'; the echo keeps its '\n'). */
const EXPECTED_LOG = 'CONNECT\n\n' + [1, 2, 3, 4, 5].map((n) => `SEND: ${n}\nRECV: ${n}\n\n`).join('');

test(`echo chain through ${kind} (examples/lighttpd-proxy.conf → lighttpd-wstunnel.conf → echo.pl)`, { timeout: 60_000 }, async (t) => {
  const cleanups: (() => Promise<void>)[] = [];
  t.after(async () => {
    for (const c of cleanups.reverse()) await c();
  });
  cleanups.push(await installEchoScript());
  const servers: ManagedProcess[] = await startEchoChain(kind);
  const stopServers = async (sweep = true): Promise<void> => {
    for (const p of [...servers].reverse()) await p.stop(3000, sweep);
  };
  cleanups.push(stopServers);
  const browser = await launchBrowser();
  cleanups.push(() => browser.close());

  const { page, log } = await openPage(browser);
  const url = pathToFileURL(join(EXAMPLES_DIR, 'count.html')).href;
  const diagnostics = (): string =>
    `--- page log ---\n${log.join('\n')}\n--- ${servers.map((s) => s.describe()).join('\n--- ')}`;
  let waitError = '';
  try {
    await page.goto(url, { waitUntil: 'load', timeout: 15_000 });
    // Stop waiting at the last echo, or as soon as the page reports the socket closed.
    await page.waitForFunction(`/RECV: 5|DISCONNECT/.test(document.getElementById('log')?.textContent ?? '')`, undefined, {
      timeout: 15_000,
      polling: 100,
    });
  } catch (err) {
    waitError = `${err instanceof Error ? err.message : String(err)}\n`;
  }
  const shown = (await page.textContent('#log').catch(() => null)) ?? '(page gone)';
  if (shown !== EXPECTED_LOG) {
    assert.fail(`count.html through ${kind} showed ${JSON.stringify(shown)}, expected ${JSON.stringify(EXPECTED_LOG)}\n${waitError}${diagnostics()}`);
  }

  // Stopping the servers (SIGTERM to each group, as Ctrl-C would) must also end the spawned echo.pl.
  const spawned = await echoProcessesUnder(servers.map((s) => s.child.pid ?? -1));
  assert.ok(spawned.length > 0, `no ${ECHO_BIN} process descends from the servers, yet the page got its echoes`);
  await browser.close();
  await stopServers(false);
  await waitEchoProcessesGone(spawned);
});
