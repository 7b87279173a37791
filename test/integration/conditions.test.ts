import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../helpers/server.js';
import { createProbeModule, type ProbeReply } from '../helpers/probe-module.js';
import { rawRequest } from '../helpers/raw-http.js';

const probe = { mod_probe: createProbeModule };

async function tagOf(url: string, init: RequestInit = {}): Promise<string> {
  const r = await fetch(url, init);
  if (r.status !== 200) return `status ${r.status}`;
  return ((await r.json()) as ProbeReply).tag;
}

test('$HTTP["url"]: decoded normalised path without query; ==, =^, =$, =~, !~, !=', async (t) => {
  const s = await startTestServer(
    t,
    `server.modules = ("mod_probe")
probe.tag = "global"
$HTTP["url"] != "/y/z" { probe.tag = "ne" }
$HTTP["url"] == "/a b/c?d%e" { probe.tag = "eq" }
$HTTP["url"] =^ "/pre/" { probe.tag = "prefix" }
$HTTP["url"] =$ ".php" { probe.tag = "suffix" }
$HTTP["url"] =~ "^/re/([0-9]+)$" { probe.tag = "regex" }
$HTTP["url"] !~ "^/(pre|re|a b|x)" { probe.header = "notmatch" }
`,
    { modules: probe },
  );
  assert.equal(await tagOf(`${s.base}/a%20b%2Fc%3Fd%25e?x=%20y`), 'eq');
  assert.equal(await tagOf(`${s.base}/x/../pre//q`), 'prefix');
  assert.equal(await tagOf(`${s.base}/x/t.php?a=b`), 'suffix');
  assert.equal(await tagOf(`${s.base}/re/42`), 'regex');
  assert.equal(await tagOf(`${s.base}/re/4x`), 'ne');
  // `/x/../y//z` is seen as `/y/z`: neither ne nor any other block
  assert.equal(await tagOf(`${s.base}/y/z`), 'global');
  const r = await fetch(`${s.base}/other`);
  assert.equal(r.headers.get('x-probe'), 'notmatch');
  await r.arrayBuffer();
});

test('$HTTP["querystring"], request-method, scheme, user agent, referer, cookie, language, $REQUEST_HEADER', async (t) => {
  const s = await startTestServer(
    t,
    `server.modules = ("mod_probe")
$HTTP["scheme"] == "http" { probe.tag = "scheme" }
$HTTP["querystring"] =~ "^a=%20b&c=d%2Fe\\+f&g=A$" { probe.tag = "qs" }
$HTTP["request-method"] == "DELETE" { probe.tag = "method" }
$HTTP["useragent"] =~ "Bot" { probe.tag = "ua" }
$HTTP["user-agent"] == "Exact/1" { probe.tag = "ua2" }
$HTTP["referer"] =^ "http://ref/" { probe.tag = "referer" }
$HTTP["cookie"] =~ "sid=([a-z]+)" { probe.tag = "cookie" }
$HTTP["language"] =^ "de" { probe.tag = "lang" }
$REQUEST_HEADER["X-Custom"] == "yes" { probe.tag = "header" }
$REQUEST_HEADER["X-Missing"] == "" { probe.header = "missing-is-empty" }
`,
    { modules: probe },
  );
  assert.equal(await tagOf(`${s.base}/?a=%20b&c=d%2Fe+f&g=%41`), 'qs');
  assert.equal(await tagOf(`${s.base}/`, { method: 'DELETE' }), 'method');
  assert.equal(await tagOf(`${s.base}/`, { headers: { 'User-Agent': 'GoogleBot/2' } }), 'ua');
  assert.equal(await tagOf(`${s.base}/`, { headers: { 'User-Agent': 'Exact/1' } }), 'ua2');
  assert.equal(await tagOf(`${s.base}/`, { headers: { Referer: 'http://ref/x' } }), 'referer');
  assert.equal(await tagOf(`${s.base}/`, { headers: { Cookie: 'a=1; sid=abc' } }), 'cookie');
  assert.equal(await tagOf(`${s.base}/`, { headers: { 'Accept-Language': 'de-DE,en' } }), 'lang');
  assert.equal(await tagOf(`${s.base}/`, { headers: { 'X-Custom': 'yes' } }), 'header');
  const r = await fetch(`${s.base}/`);
  assert.equal(((await r.json()) as ProbeReply).tag, 'scheme');
  assert.equal(r.headers.get('x-probe'), 'missing-is-empty');
});

test('$HTTP["host"]: lower-cased, default port dropped, == ignores the port; IPv6 literals canonical', async (t) => {
  const s = await startTestServer(
    t,
    `server.modules = ("mod_probe")
probe.tag = "none"
$HTTP["host"] == "example.com" { probe.tag = "example" }
$HTTP["host"] == "[::1]:8080" { probe.tag = "v6" }
$HTTP["host"] =~ "^(www)\\.site\\.org$" { probe.tag = "regex" }
`,
    { modules: probe },
  );
  const get = async (host: string): Promise<ProbeReply> => {
    const ex = await rawRequest(s.port, `GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    const body = ex.responses[0]?.body.toString() ?? '{}';
    return JSON.parse(body) as ProbeReply;
  };
  const a = await get('Example.COM:80');
  assert.equal(a.host, 'example.com');
  assert.equal(a.tag, 'example');
  const b = await get('example.com:8080');
  assert.equal(b.host, 'example.com:8080');
  assert.equal(b.tag, 'example');
  const c = await get('[0:0::1]:8080');
  assert.equal(c.host, '[::1]:8080');
  assert.equal(c.tag, 'v6');
  const d = await get('www.site.org.');
  assert.equal(d.tag, 'regex');
  assert.deepEqual(d.captures, { [Object.keys(d.captures)[0] ?? '']: ['www.site.org', 'www'] });
});

test('$HTTP["remote-ip"] with CIDR and plain addresses', async (t) => {
  const s = await startTestServer(
    t,
    `server.modules = ("mod_probe")
probe.tag = "none"
$HTTP["remote-ip"] == "10.0.0.0/8" { probe.tag = "ten" }
else $HTTP["remote-ip"] == "127.0.0.0/8" { probe.tag = "loopback" }
$HTTP["remoteip"] != "127.0.0.1" { probe.header = "not-exact" }
`,
    { modules: probe },
  );
  const r = await fetch(`${s.base}/`);
  const j = (await r.json()) as ProbeReply;
  assert.equal(j.remote, '127.0.0.1');
  assert.equal(j.tag, 'loopback');
  assert.equal(r.headers.get('x-probe'), null);
});

test('else chains and nested blocks: first true member wins, plain else catches the rest, nesting needs all parents', async (t) => {
  const s = await startTestServer(
    t,
    `server.modules = ("mod_probe")
$HTTP["url"] =^ "/a" { probe.tag = "a" }
else $HTTP["url"] =^ "/b" { probe.tag = "b" }
else $HTTP["url"] =~ "^/(a|b|c)" { probe.tag = "c" }
else { probe.tag = "else" }
$HTTP["url"] =^ "/n/" {
  $HTTP["querystring"] == "x=1" {
    probe.tag = "nested"
    $HTTP["request-method"] == "POST" { probe.tag = "deep" }
  }
}
`,
    { modules: probe },
  );
  assert.equal(await tagOf(`${s.base}/a1`), 'a');
  assert.equal(await tagOf(`${s.base}/b1`), 'b');
  assert.equal(await tagOf(`${s.base}/c1`), 'c');
  assert.equal(await tagOf(`${s.base}/zzz`), 'else');
  assert.equal(await tagOf(`${s.base}/n/x?x=1`), 'nested');
  assert.equal(await tagOf(`${s.base}/n/x?x=1`, { method: 'POST', body: '' }), 'deep');
  assert.equal(await tagOf(`${s.base}/q/x?x=1`), 'else');
});

test('the last matching block wins per key; values replace (no merge)', async (t) => {
  const s = await startTestServer(
    t,
    `server.modules = ("mod_probe")
probe.tag = "g"
probe.header = "global"
$HTTP["url"] =^ "/sub/" { probe.tag = "first" }
$HTTP["url"] =~ "^/su(b)/" { probe.tag = "second" }
`,
    { modules: probe },
  );
  const r = await fetch(`${s.base}/sub/x`);
  const j = (await r.json()) as ProbeReply;
  assert.equal(j.tag, 'second');
  assert.equal(r.headers.get('x-probe'), 'global');
  assert.deepEqual(Object.values(j.captures), [['/sub/', 'b']]);
});

test('$SERVER["socket"] opens a listener and matches requests that came in on it', async (t) => {
  const s = await startTestServer(
    t,
    `server.modules = ("mod_probe")
probe.tag = "main"
$SERVER["socket"] == "127.0.0.1:@FREEPORT@" { probe.tag = "second" }
`,
    { modules: probe },
  );
  assert.equal(s.server.listeners.length, 2);
  const second = s.server.listeners[1];
  assert.ok(second);
  assert.equal(second.token, `127.0.0.1:${second.port}`);
  assert.notEqual(second.port, s.port);
  const viaMain = (await (await fetch(`${s.base}/`)).json()) as ProbeReply;
  assert.equal(viaMain.tag, 'main');
  assert.equal(viaMain.socket, '127.0.0.1:0');
  const viaSecond = (await (await fetch(`http://127.0.0.1:${second.port}/`)).json()) as ProbeReply;
  assert.equal(viaSecond.tag, 'second');
});
