import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../helpers/server.js';
import { createProbeModule, type ProbeReply } from '../helpers/probe-module.js';

const probe = { mod_probe: createProbeModule };

test('built-in error page is byte-exact and lengths follow lighttpd (341 for 404, 345 for 400)', async (t) => {
  const s = await startTestServer(t, 'server.modules = ()\n');
  const r = await fetch(`${s.base}/missing`);
  const body = await r.text();
  assert.equal(
    body,
    '<?xml version="1.0" encoding="iso-8859-1"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"\n         "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n </body>\n</html>\n',
  );
  assert.equal(r.headers.get('content-length'), '341');
});

test('server.errorfile-prefix serves <prefix><status>.html, per conditional block', async (t) => {
  const s = await startTestServer(t, 'server.modules = ()\nserver.errorfile-prefix = "@DIR@/err/e-"\n$HTTP["url"] =^ "/plain/" { server.errorfile-prefix = "" }\n');
  const { writeFileSync, mkdirSync } = await import('node:fs');
  mkdirSync(`${s.dir}/err`);
  writeFileSync(`${s.dir}/err/e-404.html`, '<p>custom 404</p>');
  const r = await fetch(`${s.base}/nothing`);
  assert.equal(r.status, 404);
  assert.equal(await r.text(), '<p>custom 404</p>');
  const plain = await fetch(`${s.base}/plain/x`);
  assert.equal(plain.status, 404);
  assert.match(await plain.text(), /<h1>404 Not Found<\/h1>/);
});

test('server.error-handler keeps the original status; error-handler-404 uses the handler\'s own status', async (t) => {
  const s = await startTestServer(
    t,
    `server.modules = ("mod_probe")
$HTTP["url"] =^ "/eh/" { server.error-handler = "/handler.html" }
$HTTP["url"] =^ "/e404/" { server.error-handler-404 = "/handler.html?from=404" }
$HTTP["url"] == "/handler.html" { probe.tag = "file:handler" }
`,
    { modules: probe, files: { 'handler.html': 'h' } },
  );
  const a = await fetch(`${s.base}/eh/missing`);
  assert.equal(a.status, 404);
  const ja = (await a.json()) as ProbeReply;
  assert.equal(ja.tag, 'file:handler');
  assert.equal(ja.method, 'GET');
  const b = await fetch(`${s.base}/e404/missing`, { method: 'POST', body: 'x' });
  assert.equal(b.status, 200);
  const jb = (await b.json()) as ProbeReply;
  assert.equal(jb.query, 'from=404');
  assert.equal(jb.method, 'GET');
});

test('an error handler that fails itself falls back to the built-in page of the original status', async (t) => {
  // without compat loading no mod_staticfile is appended, so nobody handles a.txt (403)
  const s = await startTestServer(t, 'server.modules = ()\nserver.compat-module-load = "disable"\nserver.error-handler = "/also-missing.html"\n', { files: { 'a.txt': 'x' } });
  const r = await fetch(`${s.base}/a.txt`);
  assert.equal(r.status, 403);
  assert.match(await r.text(), /403 Forbidden/);
});

test('error documents drop headers set before, response-start hooks still add theirs, Server follows server.tag', async (t) => {
  const s = await startTestServer(
    t,
    `server.modules = ("mod_probe")
probe.header = "on-error"
server.tag = "MyServer/1"
$HTTP["url"] =^ "/deny/" { probe.status = 403 }
$HTTP["url"] =^ "/notag/" { server.tag = "" probe.status = 401 }
`,
    { modules: probe },
  );
  const r = await fetch(`${s.base}/deny/x`);
  assert.equal(r.status, 403);
  assert.equal(r.headers.get('x-probe'), 'on-error');
  assert.equal(r.headers.get('server'), 'MyServer/1');
  assert.equal(r.headers.get('content-type'), 'text/html');
  await r.arrayBuffer();
  const n = await fetch(`${s.base}/notag/x`);
  assert.equal(n.status, 401);
  assert.equal(n.headers.get('server'), null);
  await n.arrayBuffer();
});

test('unsupported handler modules: startup warning, their URLs get 503, never the source', async (t) => {
  const s = await startTestServer(
    t,
    `server.modules = ("mod_fastcgi", "mod_cgi", "mod_probe")
fastcgi.server = ( ".php" => (( "socket" => "/tmp/php.sock" )) )
cgi.assign = ( ".pl" => "/usr/bin/perl" )
probe.tag = "file:served"
`,
    { modules: probe, files: { 'index.php': '<?php secret ?>', 'x.pl': 'print 1', 'pub.txt': 'ok' } },
  );
  assert.match(s.stderr(), /mod_fastcgi is not supported by tswstunnel; requests it would handle get 503/);
  for (const p of ['/index.php', '/x.pl']) {
    const r = await fetch(`${s.base}${p}`);
    assert.equal(r.status, 503, p);
    assert.doesNotMatch(await r.text(), /secret|print/);
  }
  const ok = await fetch(`${s.base}/pub.txt`);
  assert.equal(ok.status, 200);
  await ok.arrayBuffer();
  // lighttpd: mod_cgi and a check-local fastcgi host take only files that exist; a missing one is 404
  for (const p of ['/missing.php', '/missing.pl']) {
    const r = await fetch(`${s.base}${p}`);
    assert.equal(r.status, 404, p);
    await r.arrayBuffer();
  }
});

test('unsupported fastcgi host with "check-local" => "disable": its URLs get 503 whether or not the file exists', async (t) => {
  const s = await startTestServer(
    t,
    `server.modules = ("mod_fastcgi")
fastcgi.server = ( ".php" => (( "socket" => "/tmp/php.sock", "check-local" => "disable" )) )
`,
    { files: { 'index.php': '<?php secret ?>' } },
  );
  for (const p of ['/index.php', '/missing.php']) {
    const r = await fetch(`${s.base}${p}`);
    assert.equal(r.status, 503, p);
    assert.doesNotMatch(await r.text(), /secret/);
  }
});
