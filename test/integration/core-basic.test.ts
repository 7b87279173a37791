import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../helpers/server.js';
import { createProbeModule, type ProbeReply } from '../helpers/probe-module.js';

const probe = { mod_probe: createProbeModule };

test('a server with no handler answers 404 with lighttpd\'s built-in page', async (t) => {
  const s = await startTestServer(t, 'server.modules = ()\n');
  const r = await fetch(`${s.base}/nothing-here`);
  assert.equal(r.status, 404);
  assert.equal(r.headers.get('content-type'), 'text/html');
  const body = await r.text();
  assert.equal(body.length, 341);
  assert.match(body, /<title>404 Not Found<\/title>/);
  assert.equal(r.headers.get('server'), 'tswstunnel/0.1.0');
  assert.match(s.stderr(), /\(server\.c\.1704\) server started \(tswstunnel\/0\.1\.0\)/);
});

test('an existing file nobody handles is 403 for GET, 501 for PUT; a directory without slash is 301', async (t) => {
  // compat loading would append mod_staticfile (which serves the file); without it nobody handles it
  const s = await startTestServer(t, 'server.modules = ()\nserver.compat-module-load = "disable"\n', { files: { 'a.txt': 'x', 'sub/b.txt': 'y' } });
  assert.equal((await fetch(`${s.base}/a.txt`)).status, 403);
  assert.equal((await fetch(`${s.base}/a.txt`, { method: 'PUT', body: 'z' })).status, 501);
  const dir = await fetch(`${s.base}/sub?x=1&y=%20`, { redirect: 'manual' });
  assert.equal(dir.status, 301);
  assert.equal(dir.headers.get('location'), '/sub/?x=1&y=%20');
  assert.equal(dir.headers.get('content-length'), '0');
});

test('modules are routed: the probe answers where its block matches', async (t) => {
  const s = await startTestServer(t, 'server.modules = ("mod_probe")\n$HTTP["url"] =^ "/p/" { probe.tag = "hit" }\n', { modules: probe });
  const r = await fetch(`${s.base}/p/a%20b?q=1`);
  assert.equal(r.status, 200);
  const j = (await r.json()) as ProbeReply;
  assert.equal(j.tag, 'hit');
  assert.equal(j.path, '/p/a b');
  assert.equal(j.query, 'q=1');
  assert.equal(j.physical, null);
  assert.equal((await fetch(`${s.base}/q/`)).status, 404);
});

test('handler-phase modules see the physical path and path-info after the file check', async (t) => {
  const s = await startTestServer(t, 'server.modules = ("mod_probe")\nprobe.tag = "file:x"\n', { modules: probe, files: { 'f.txt': 'x' } });
  const j = (await (await fetch(`${s.base}/f.txt/extra/more`)).json()) as ProbeReply;
  assert.equal(j.physical, `${s.docroot}/f.txt`);
  assert.equal(j.path, '/f.txt');
  assert.equal((await fetch(`${s.base}/missing.txt`)).status, 404);
});
