/**
 * IPv6 listening sockets against lighttpd 1.4.69 (both get the same config): an IPv6 socket is v6-only
 * unless `server.v4mapped = "enable"` (in its `$SERVER["socket"]` block or global) or
 * `server.set-v6only = "disable"` makes it dual-stack; an IPv4 client of a dual-stack socket is
 * `::ffff:127.0.0.1` for `$HTTP["remoteip"]` (`127.0.0.0/8` matches it, `127.0.0.1` does not,
 * `::ffff:127.0.0.1` does), the access log `%h` and mod_proxy's X-Forwarded-For; lighttpd's startup
 * warnings are the same. Clients connect over 127.0.0.1 and ::1 (the loopback has IPv6 here).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startLighttpd } from '../helpers/lighttpd.js';
import { startHttpBackend, rawHeader, type Backend } from '../helpers/proxy-backends.js';
import { startTestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

function body(name: string, backend: number): string {
  return `server.modules = ( "mod_setenv", "mod_proxy", "mod_accesslog" )
accesslog.filename = "@DIR@/access-${name}.log"
accesslog.format = "%h"
$HTTP["remoteip"] == "127.0.0.0/8" { setenv.add-response-header = ( "X-Net" => "127/8" ) }
$HTTP["remoteip"] == "127.0.0.1" { setenv.set-response-header = ( "X-Exact" => "127.0.0.1" ) }
$HTTP["remoteip"] == "::ffff:127.0.0.1" { setenv.add-request-header = ( "X-Mapped" => "yes" ) }
proxy.server = ( "" => (( "host" => "127.0.0.1", "port" => ${backend} )) )
`;
}

/** One request from the loopback of `family`: what the client and the backend saw, or `refused`. */
function ask(host: string, port: number, backend: Backend): Promise<string> {
  return new Promise((resolve) => {
    const before = backend.requests.length;
    const req = http.request({ host, port, path: '/x', agent: false }, (res) => {
      res.resume();
      res.on('end', () => {
        const rec = backend.requests[before];
        const seen = rec === undefined ? 'backend: none' : `xff=${rawHeader(rec, 'X-Forwarded-For') ?? '-'} mapped=${rawHeader(rec, 'X-Mapped') ?? '-'}`;
        resolve(`${res.statusCode ?? 0} net=${String(res.headers['x-net'] ?? '-')} exact=${String(res.headers['x-exact'] ?? '-')} ${seen}`);
      });
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED' ? 'refused' : `error ${e.code ?? e.message}`));
    req.end();
  });
}

function lines(file: string): string[] {
  try {
    return readFileSync(file, 'latin1').split('\n').filter((l) => l !== '');
  } catch {
    return [];
  }
}

/** The error log's warnings without their timestamps. */
function warnings(log: string): string[] {
  return log.split('\n').filter((l) => l.includes('warning:')).map((l) => l.replace(/^[0-9: -]+: /, ''));
}

const MAPPED = '200 net=127/8 exact=- xff=::ffff:127.0.0.1 mapped=yes';
const V6 = '200 net=- exact=- xff=::1 mapped=-';
const SCENARIOS = [
  { name: 'v6-only by default', socket: '{ }', v4: 'refused', log: ['::1'] },
  { name: 'v4mapped in the socket block', socket: '{ server.v4mapped = "enable" }', v4: MAPPED, log: ['::ffff:127.0.0.1', '::1'] },
  { name: 'v4mapped global', global: 'server.v4mapped = "enable"', socket: '{ }', v4: MAPPED, log: ['::ffff:127.0.0.1', '::1'] },
  { name: 'v4mapped disabled', socket: '{ server.v4mapped = "disable" }', v4: 'refused', log: ['::1'] },
  { name: 'set-v6only disabled', socket: '{ server.set-v6only = "disable" }', v4: MAPPED, log: ['::ffff:127.0.0.1', '::1'] },
];

for (const sc of SCENARIOS) {
  test(`dual-stack differential (${sc.name}): tswstunnel vs lighttpd 1.4.69`, { timeout: 30_000 }, async (t) => {
    const backend = await startHttpBackend();
    t.after(() => backend.close());
    const conf = (name: string, port2: string): string => `${sc.global ?? ''}\n${body(name, backend.port)}$SERVER["socket"] == "[::]:${port2}" ${sc.socket}\n`;
    const ours = await startTestServer(t, conf('ours', '@FREEPORT@'));
    const oursV6 = ours.server.listeners[1]?.port ?? 0;
    const oracle = await startLighttpd(t, `server.port = @PORT@\nserver.bind = "127.0.0.1"\nserver.document-root = "${ours.docroot}"\n${conf('lighttpd', '@PORT2@')}`, { dir: ours.dir });
    const theirs = [await ask('127.0.0.1', oracle.port2, backend), await ask('::1', oracle.port2, backend)];
    const mine = [await ask('127.0.0.1', oursV6, backend), await ask('::1', oursV6, backend)];
    await oracle.stop();
    assert.deepEqual(theirs, [sc.v4, V6], 'lighttpd');
    assert.deepEqual(mine, theirs, 'tswstunnel');
    const theirsLog = join(ours.dir, 'access-lighttpd.log');
    const oursLog = join(ours.dir, 'access-ours.log');
    await waitFor(() => lines(theirsLog).length === sc.log.length && lines(oursLog).length === sc.log.length, 3000, 'the access log lines');
    assert.deepEqual(lines(theirsLog), sc.log, 'lighttpd %h');
    assert.deepEqual(lines(oursLog), lines(theirsLog), 'tswstunnel %h');
    assert.deepEqual(warnings(ours.stderr()), warnings(oracle.stderr()), 'startup warnings');
  });
}

test('dual-stack: the main socket on [::] (server.bind, or server.use-ipv6 without a bind) is v6-only, with lighttpd 1.4.69\'s warning for the latter', { timeout: 30_000 }, async (t) => {
  const backend = await startHttpBackend();
  t.after(() => backend.close());
  const bound = await startTestServer(t, `server.bind = "[::]"\n${body('a', backend.port)}`);
  assert.deepEqual([await ask('127.0.0.1', bound.port, backend), await ask('::1', bound.port, backend)], ['refused', V6]);
  assert.deepEqual(warnings(bound.stderr()), []);
  const port = await freePort();
  const any = await startTestServer(t, `server.bind = ""\nserver.use-ipv6 = "enable"\nserver.port = ${port}\n${body('b', backend.port)}`);
  assert.deepEqual([await ask('127.0.0.1', port, backend), await ask('::1', port, backend)], ['refused', V6]);
  assert.deepEqual(warnings(any.stderr()), [
    '(network.c.387) warning: please use server.use-ipv6 only for hostnames, not without server.bind / empty address; your config will break if the kernel default for IPV6_V6ONLY changes',
  ]);
});
