// $HTTP["querystring"] values and patterns follow the final url-normalize setting (lighttpd 1.4.69
// config_burl_normalize_cond runs only when srvconf.http_url_normalize is set).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorCodes, loadText } from './load-fixture.js';
import { urlNormalizeEnabled } from './url-normalize.js';

const CONDS = '$HTTP["querystring"] =~ "^a=%2f(.*)" { server.tag = "a" }\nelse { server.tag = "n" }\n$HTTP["querystring"] == "b=\u00e9" { server.tag = "b" }\n';
const OFF = 'server.http-parseopts = ( "url-normalize" => "disable" )\n';

function conditions(text: string): { value: string; text: string; regex: RegExp | null }[] {
  const r = loadText(text);
  assert.ok(r.tree, r.diagnostics.map((d) => d.message).join('; '));
  return r.tree.blocks.slice(1).map((b) => ({ value: b.condition?.value ?? '', text: b.condition?.text ?? '', regex: b.condition?.regex ?? null }));
}

test('url-normalize on (the default): values and patterns are normalised, -p text stays as written', () => {
  const [re, els, eq] = conditions(CONDS);
  assert.deepEqual([re?.value, els?.value, eq?.value], ['^a=%2F(.*)', '^a=%2F(.*)', 'b=%C3%A9']);
  assert.deepEqual([re?.text, eq?.text], ['$HTTP["querystring"] =~ "^a=%2f(.*)"', '$HTTP["querystring"] == "b=\u00e9"']);
  assert.equal(re?.regex?.test('a=%2F'), true);
  assert.equal(re?.regex?.test('a=%2f'), false);
  assert.equal(els?.regex?.test('a=%2F'), true);
});

test('"url-normalize" => "disable" keeps them as written, even when it comes after the conditions', () => {
  for (const text of [OFF + CONDS, CONDS + OFF]) {
    const [re, els, eq] = conditions(text);
    // as written: the UTF-8 bytes of the text, one char each, as the raw query is held
    assert.deepEqual([re?.value, els?.value, eq?.value], ['^a=%2f(.*)', '^a=%2f(.*)', 'b=\u00c3\u00a9']);
    assert.equal(re?.regex?.test('a=%2f'), true);
    assert.equal(re?.regex?.test('a=%2F'), false);
  }
  // other options do not switch it off
  const [re] = conditions('server.http-parseopts = ( "url-normalize-required" => "enable", "url-path-2f-decode" => "disable" )\n' + CONDS);
  assert.equal(re?.value, '^a=%2F(.*)');
});

test('a pattern compiles from its final text: only the written form has a range out of order', () => {
  const cond = '$HTTP["querystring"] =~ "[\u00e9-a]" { server.tag = "x" }\n';
  assert.deepEqual(errorCodes(loadText(cond)), []);
  assert.deepEqual(errorCodes(loadText(cond + OFF)), ['TSW_CONFIG_BAD_REGEX']);
});

test('urlNormalizeEnabled reads the global block from any block', () => {
  const r = loadText(`$HTTP["url"] =^ "/x" { server.tag = "x" }\n${OFF}`);
  const inner = r.tree?.blocks[1];
  assert.ok(inner);
  assert.equal(urlNormalizeEnabled(inner), false);
  const on = loadText('server.http-parseopts = ( "url-normalize" => "enable" )\n').tree?.global;
  assert.ok(on);
  assert.equal(urlNormalizeEnabled(on), true);
});
