/**
 * Listening on a host name, against lighttpd 1.4.69 (both get the same config): `server.bind` (or a
 * `$SERVER["socket"]`) naming a host is looked up for IPv6 only under `server.use-ipv6 = "enable"`, for
 * IPv4 only without it; a name without an address of that family stops the start with lighttpd's line
 * ("(sock_addr.c.510) getaddrinfo failed: Name or service not known 'localhost'"); an IPv4 literal under
 * use-ipv6 stays IPv4. What each server does is observed, not assumed, so the test holds whether or not
 * this machine's /etc/hosts gives "localhost" an IPv6 address (here it does not).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnLighttpd } from '../helpers/lighttpd.js';
import { configFromText } from '../helpers/server.js';
import { startServer, StartupError } from '../../src/main.js';

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Where a started server answers: each port on 127.0.0.1 and ::1. */
async function listening(ports: readonly number[]): Promise<string> {
  const seen: string[] = [];
  for (const p of ports) seen.push(`127.0.0.1=${String(await reachable('127.0.0.1', p))} ::1=${String(await reachable('::1', p))}`);
  return `listening: ${seen.join(', ')}`;
}

/** `text` with @PORT@ / @PORT2@ / @DIR@ for both servers, each in its own directory. */
function config(t: TestContext, text: string, ports: readonly [number, number]): { dir: string; text: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tsw-bind-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'www'));
  return { dir, text: `server.document-root = "${dir}/www"\n${text.replaceAll('@PORT2@', String(ports[1])).replaceAll('@PORT@', String(ports[0]))}` };
}

async function lighttpdOutcome(t: TestContext, text: string): Promise<string> {
  const ports = [await freePort(), await freePort()] as const;
  const c = config(t, text, ports);
  const file = join(c.dir, 'lighttpd.conf');
  writeFileSync(file, c.text);
  const child = spawnLighttpd(file, c.dir);
  t.after(child.stop);
  const deadline = Date.now() + 5000;
  while (!child.exited() && !child.stderr().includes('server started') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (child.exited()) return `exit: ${child.stderr().trim().replace(/^[0-9: -]+: /, '')}`;
  return listening(ports);
}

async function ourOutcome(t: TestContext, text: string): Promise<string> {
  const ports = [await freePort(), await freePort()] as const;
  const c = config(t, text, ports);
  try {
    const s = await startServer(configFromText(c.text, c.dir), { foreground: false });
    t.after(() => s.close());
    return await listening(ports);
  } catch (e) {
    if (e instanceof StartupError) return `exit: (${e.source}) ${e.message}`;
    throw e;
  }
}

const CASES: readonly { readonly name: string; readonly text: string }[] = [
  { name: 'server.bind = "localhost" with server.use-ipv6', text: 'server.bind = "localhost"\nserver.port = @PORT@\nserver.use-ipv6 = "enable"\n' },
  { name: 'server.bind = "localhost" without server.use-ipv6', text: 'server.bind = "localhost"\nserver.port = @PORT@\n' },
  { name: 'server.bind = "127.0.0.1" with server.use-ipv6', text: 'server.bind = "127.0.0.1"\nserver.port = @PORT@\nserver.use-ipv6 = "enable"\n' },
  {
    name: '$SERVER["socket"] == "localhost:…" with server.use-ipv6 in its block',
    text: 'server.bind = "127.0.0.1"\nserver.port = @PORT@\n$SERVER["socket"] == "localhost:@PORT2@" { server.use-ipv6 = "enable" }\n',
  },
];

for (const c of CASES) {
  test(`${c.name}: as lighttpd 1.4.69`, async (t) => {
    const theirs = await lighttpdOutcome(t, c.text);
    const ours = await ourOutcome(t, c.text);
    assert.equal(ours, theirs);
  });
}
