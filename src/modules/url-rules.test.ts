// url.redirect / url.rewrite* keys and values follow the final url-normalize setting (lighttpd 1.4.69
// mod_redirect.c / mod_rewrite.c normalise them only when srvconf.http_url_normalize is set).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticList } from '../diagnostics.js';
import { loadText } from '../config/load-fixture.js';
import { findEntry } from '../config/tree.js';
import { compileRuleEntry, type UrlRule } from './url-rules.js';

const RULES = 'url.redirect = ( "^/a%2fb/\u00e9$" => "/to/%%2f\u00e9$1" )\n';
const OFF = 'server.http-parseopts = ( "url-normalize" => "disable" )\n';

function compile(text: string): { rules: UrlRule[] | undefined; errors: string[] } {
  const tree = loadText(text).tree;
  assert.ok(tree);
  const block = tree.blocks[tree.blocks.length - 1] ?? tree.global;
  const e = findEntry(block, 'url.redirect');
  assert.ok(e);
  const d = new DiagnosticList();
  const rules = compileRuleEntry(e, block, d);
  return { rules, errors: d.items.map((i) => i.code) };
}

test('url-normalize on: key and value normalised like the target', () => {
  const [r] = compile(RULES).rules ?? [];
  assert.equal(r?.replacement, '/to/%%2F%%C3%%A9$1');
  assert.equal(r?.regex.test('/a%2Fb/%C3%A9'), true);
  assert.equal(r?.regex.test('/a%2fb/\u00c3\u00a9'), false);
});

test('"url-normalize" => "disable" (in a later line, for a rule in a condition block): as written', () => {
  const [r] = compile(`$HTTP["url"] =^ "/a" { ${RULES} }\n${OFF}`).rules ?? [];
  // as written: the UTF-8 bytes of the text, one char each, as the raw target is held
  assert.equal(r?.replacement, '/to/%%2f\u00c3\u00a9$1');
  assert.equal(r?.regex.test('/a%2fb/\u00c3\u00a9'), true);
  assert.equal(r?.regex.test('/a%2Fb/%C3%A9'), false);
});

test('a key compiles from its final text: only the written form has a range out of order', () => {
  const key = 'url.redirect = ( "[\u00e9-a]" => "/x" )\n';
  assert.deepEqual(compile(key).errors, []);
  assert.deepEqual(compile(key + OFF).errors, ['TSW_CONFIG_BAD_REGEX']);
});
