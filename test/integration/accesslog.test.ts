import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, renameSync } from 'node:fs';
import { startTestServer } from '../helpers/server.js';
import { createProbeModule } from '../helpers/probe-module.js';
import { rawRequest } from '../helpers/raw-http.js';

const probe = { mod_probe: createProbeModule };

async function waitForLines(file: string, n: number): Promise<string[]> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const lines = existsSync(file) ? readFileSync(file, 'latin1').split('\n').filter((l) => l !== '') : [];
    if (lines.length >= n || Date.now() > deadline) return lines;
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('default format: %h %V %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" with the raw target', async (t) => {
  const s = await startTestServer(t, 'server.modules = ("mod_accesslog")\naccesslog.filename = "@DIR@/access.log"\n');
  const log = `${s.dir}/access.log`;
  await rawRequest(s.port, 'GET /a/../x?a=%41b&c=%2F HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nReferer: http://r/\r\nUser-Agent: UA "q"\r\nConnection: close\r\n\r\n');
  const [line] = await waitForLines(log, 1);
  assert.match(line ?? '', /^127\.0\.0\.1 127\.0\.0\.1:8080 - \[\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "GET \/a\/\.\.\/x\?a=%41b&c=%2F HTTP\/1\.1" 404 341 "http:\/\/r\/" "UA \\"q\\""$/);
});

test('parser errors, HEAD and custom formats are logged; %b is 0 for HEAD; escaping of bytes', async (t) => {
  const s = await startTestServer(
    t,
    `server.modules = ("mod_accesslog", "mod_probe")
probe.tag = "ok"
accesslog.filename = "@DIR@/a.log"
accesslog.format = "%s|%b|%m|%U|%q|%H|%{X-Y}i|%{Content-Type}o|%X|%k|%p|%{remote}p|%a|%l|%u|%%|%{sec}t"
`,
    { modules: probe },
  );
  const log = `${s.dir}/a.log`;
  await rawRequest(s.port, 'GET /p?q=1 HTTP/1.1\r\nHost: a\r\nX-Y: a\xff"\\\r\n\r\nHEAD /h HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n', { timeoutMs: 2000, head: [false, true] });
  await rawRequest(s.port, 'GET / HTTP/1.1\r\n\r\n', { expect: 1 });
  const lines = await waitForLines(log, 3);
  assert.equal(lines.length, 3);
  const [a, b, c] = lines.map((l) => l.split('|'));
  assert.equal(a?.[0], '200');
  assert.equal(a?.[2], 'GET');
  assert.equal(a?.[3], '/p');
  assert.equal(a?.[4], 'q=1');
  assert.equal(a?.[5], 'HTTP/1.1');
  assert.equal(a?.[6], 'a\\xFF\\"\\\\');
  assert.equal(a?.[7], 'application/json');
  assert.equal(a?.[8], '+');
  assert.equal(a?.[9], '0');
  assert.equal(a?.[10], String(s.port));
  assert.equal(a?.[12], '127.0.0.1');
  assert.equal(a?.[13], '-');
  assert.equal(a?.[14], '-');
  assert.equal(a?.[15], '%');
  assert.ok(Math.abs(Number(a?.[16]) - Date.now() / 1000) < 10);
  assert.equal(b?.[0], '200');
  assert.equal(b?.[1], '0');
  assert.equal(b?.[2], 'HEAD');
  assert.equal(b?.[8], '-');
  assert.equal(b?.[9], '1');
  assert.equal(c?.[0], '400');
  assert.equal(c?.[1], '345');
});

test('per-block accesslog.filename; "" disables logging for a block', async (t) => {
  const s = await startTestServer(
    t,
    `server.modules = ("mod_accesslog")
accesslog.filename = "@DIR@/main.log"
accesslog.format = "%U"
$HTTP["url"] =^ "/v/" { accesslog.filename = "@DIR@/v.log" }
$HTTP["url"] =^ "/quiet/" { accesslog.filename = "" }
`,
  );
  for (const p of ['/a', '/v/b', '/quiet/c', '/d']) await (await fetch(`${s.base}${p}`)).arrayBuffer();
  assert.deepEqual(await waitForLines(`${s.dir}/main.log`, 2), ['/a', '/d']);
  assert.deepEqual(await waitForLines(`${s.dir}/v.log`, 1), ['/v/b']);
});

test('reopenLogs (SIGHUP) reopens the file after a rename, as logrotate needs', async (t) => {
  const s = await startTestServer(t, 'server.modules = ("mod_accesslog")\naccesslog.filename = "@DIR@/r.log"\naccesslog.format = "%U"\n');
  await (await fetch(`${s.base}/one`)).arrayBuffer();
  await waitForLines(`${s.dir}/r.log`, 1);
  renameSync(`${s.dir}/r.log`, `${s.dir}/r.log.1`);
  s.server.reopenLogs();
  await new Promise((r) => setTimeout(r, 50));
  await (await fetch(`${s.base}/two`)).arrayBuffer();
  assert.deepEqual(await waitForLines(`${s.dir}/r.log`, 1), ['/two']);
  assert.deepEqual(await waitForLines(`${s.dir}/r.log.1`, 1), ['/one']);
});

test('a bad accesslog.format is a startup error naming the problem', async (t) => {
  await assert.rejects(
    startTestServer(t, 'server.modules = ("mod_accesslog")\naccesslog.filename = "@DIR@/x.log"\naccesslog.format = "%Z"\n'),
    /must be followed by a valid format-specifier/,
  );
  await assert.rejects(
    startTestServer(t, 'server.modules = ("mod_accesslog")\naccesslog.filename = "@DIR@/x.log"\naccesslog.format = "%t %{%Y}t"\n'),
    /strftime timestamp format %\{\}t twice/,
  );
});
