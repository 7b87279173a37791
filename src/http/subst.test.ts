import { test } from 'node:test';
import assert from 'node:assert/strict';
import { substitute, normalizeRuleKey, normalizeRuleValue, type SubstContext, type UrlParts } from './subst.js';
import { compilePcre } from './pcre.js';

const url: UrlParts = { scheme: 'http', authority: '127.0.0.1:18204', port: 18204, target: '/showdollar/a%20b/c?x=1&y=%2F', query: 'x=1&y=%2F' };

function run(re: string, subject: string, repl: string, cond: (string | undefined)[] | null = null, u: UrlParts = url): string {
  const c = compilePcre(re);
  assert.ok(c.ok);
  const m = c.regex.exec(subject);
  assert.ok(m, `${re} should match ${subject}`);
  const ctx: SubstContext = { match: [...m], cond, url: u };
  return substitute(repl, ctx);
}

test('verified expansion example (http-core.md §2.5)', () => {
  const out = run(
    '^/showdollar/([^?]*)(\\?.*)?$',
    url.target,
    '/?d1=$1&d2=$2&d0=$0&enc=${esc:1}&qsa=x${qsa}&path=${url.path}&q=${url.query}&auth=${url.authority}&sch=${url.scheme}&port=${url.port}',
  );
  assert.equal(
    out,
    '/?d1=a%20b/c&d2=?x=1&y=%2F&d0=/showdollar/a%20b/c?x=1&y=%2F&enc=a%2520b%2Fc&qsa=x&x=1&y=%2F&path=/showdollar/a%20b/c&q=x=1&y=%2F&auth=127.0.0.1:18204&sch=http&port=18204',
  );
});

test('%N from the condition is inserted raw; ${N} is psnde-encoded', () => {
  assert.equal(run('^/(.*)', '/x', '/redir?cap=%1&e=%{1}', ['foo bar', 'foo bar']), '/redir?cap=foo bar&e=foo%20bar');
  assert.equal(run('^/(.*)', '/a b/€', '${1}'), 'a%20b/%E2%82%AC');
  assert.equal(run('^/(.*)', '/a%20b/c', '${1}|${escnde:1}|${escpsnde:1}|${noesc:1}'), 'a%20b/c|a%20b%2Fc|a%20b/c|a%20b/c');
  assert.equal(run('^/(.*)', '/x', '%1'), '', 'no enclosing regex: nothing');
});

test('escapes and literals', () => {
  assert.equal(run('^/(.*)', '/x', '%%1 $$1 %a $a 100%'), '%1 $1 %a $a 100%');
  assert.equal(run('^/(.*)', '/x', 'end$'), 'end$');
  assert.equal(run('^/(.*)', '/x', 'a${1'), 'a', 'unterminated ${ truncates');
  assert.equal(run('^/(.*)', '/x', '[$9]'), '[]');
});

test('tolower/toupper fold what an encoding appended, and append nothing alone (lighttpd burl_append)', () => {
  assert.equal(run('^/(.*)', '/AbC%2Fd', '[${tolower:1}|${toupper:1}]'), '[|]');
  assert.equal(run('^/(.*)', '/AbC%2fd', '${noesc:tolower:1}|${tolower:esc:1}|${toupper:noesc:1}'), 'abc%2fd|abc%252fd|ABC%2fD');
  assert.equal(run('^/(.*)', '/AbC', '${tolower:url.path}|${toupper:noesc:url.path}'), '|/SHOWDOLLAR/A%20B/C');
});

test('encodings work on the bytes of a byte string (raw request bytes are encoded once)', () => {
  // é as it arrives in a target with url-normalize disabled: two chars, one per byte
  assert.equal(run('^/(.*)', '/\xc3\xa9x', '${esc:1}|${1}|${encb64u:1}'), '%C3%A9x|%C3%A9x|w6l4');
  assert.equal(run('^/(.*)', '/w6l4', '${decb64u:1}'), '\xc3\xa9x');
  // text with characters above U+00FF is taken as UTF-8
  assert.equal(run('^/(.*)', '/\u20ac', '${esc:1}'), '%E2%82%AC');
});

test('b64u', () => {
  assert.equal(run('^/(.*)', '/hi?', '${encb64u:1}'), 'aGk_');
  assert.equal(run('^/(.*)', '/aGk_', '${decb64u:1}'), 'hi?');
});

test('${qsa}: ? or & or nothing', () => {
  const noQuery: UrlParts = { ...url, target: '/p', query: null };
  assert.equal(run('^/(.*)', '/p', '/n${qsa}', null, noQuery), '/n');
  assert.equal(run('^/(.*)', '/p', '/n${qsa}', null, { ...url, query: 'a=1' }), '/n?a=1');
  assert.equal(run('^/(.*)', '/p', '/n?b=2${qsa}', null, { ...url, query: 'a=1' }), '/n?b=2&a=1');
  assert.equal(run('^/(.*)', '/p', '/n?b=2${qsa}', null, { ...url, query: '' }), '/n?b=2');
});

test('rule normalisation at startup', () => {
  assert.equal(normalizeRuleKey('^/a%2fb/é'), '^/a%2Fb/%C3%A9');
  assert.equal(normalizeRuleValue('/x%%2fé'), '/x%%2F%%C3%%A9');
});

test('compilePcre: (?i), u-mode fallback, capture limit, bad regex', () => {
  const a = compilePcre('(?i)^/ABC');
  assert.ok(a.ok && a.regex.test('/abc'));
  const b = compilePcre('^/a\\-b');
  assert.ok(b.ok && b.regex.test('/a-b'));
  assert.equal(compilePcre('('.repeat(20) + ')'.repeat(20)).ok, false);
  assert.equal(compilePcre('[').ok, false);
});
