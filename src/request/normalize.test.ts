import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_URL_OPTIONS, normaliseTarget, simplifyPath } from './normalize.js';

test('lighttpd 1.4.69 mapping examples (http-core.md §4.4)', () => {
  const cases: [string, string | null][] = [
    ['/a/../hello.txt', '/hello.txt'],
    ['//hello.txt', '/hello.txt'],
    ['/./hello.txt', '/hello.txt'],
    ['/../hello.txt', '/hello.txt'],
    ['/sub%2Ffile.js', '/sub/file.js'],
    ['/sub%2ffile.js', '/sub/file.js'],
    ['/a%20b.txt', '/a b.txt'],
    ['/a%25b.txt', '/a%b.txt'],
    ['/%zz', '/%zz'],
    ['/hello.txt%00', null],
    ['/hello%0a.txt', null],
    ['/hello%7F.txt', null],
    ['/%C0%AF', null],
    ['/%FF', null],
    ['/%E2%82%AC', '/€'],
    ['/hello.txt#frag', '/hello.txt'],
    ['/sub/.', '/sub/'],
    ['/sub/..', '/'],
    ['/../../etc/passwd', '/etc/passwd'],
    ['/%68ello.txt', '/hello.txt'],
    ['hello.txt', null],
  ];
  for (const [raw, want] of cases) assert.equal(normaliseTarget(raw)?.path ?? null, want, raw);
});

test('the query keeps its encoding except unreserved characters; controls in the query are rejected', () => {
  const n = normaliseTarget('/showurl/a%20b%2Fc%3Fd%25e?a=%20b&c=d%2Fe+f&g=%41');
  assert.equal(n?.path, '/showurl/a b/c?d%e');
  assert.equal(n?.query, 'a=%20b&c=d%2Fe+f&g=A');
  assert.equal(n?.target, '/showurl/a%20b/c%3Fd%25e?a=%20b&c=d%2Fe+f&g=A');
  assert.equal(normaliseTarget('/?%00'), null);
  assert.equal(normaliseTarget('/x?')?.query, '');
});

test('raw bytes that must be encoded are encoded in the target and decoded in the path', () => {
  const n = normaliseTarget('/a b\xe2\x82\xac"');
  assert.equal(n?.target, '/a%20b%E2%82%AC%22');
  assert.equal(n?.path, '/a b€"');
});

test('url-normalize-required decodes more in the query and splits at the last ?', () => {
  const o = { ...DEFAULT_URL_OPTIONS, required: true };
  assert.equal(normaliseTarget('/showqs?a=%2F&b=?c', o)?.query, 'c');
  assert.equal(normaliseTarget('/showqs?a=%2F&b=c', o)?.query, 'a=/&b=c');
});

test('2f-reject and dotseg-reject', () => {
  assert.equal(normaliseTarget('/a%2Fb', { ...DEFAULT_URL_OPTIONS, path2fDecode: false, path2fReject: true }), null);
  assert.equal(normaliseTarget('/a/../b', { ...DEFAULT_URL_OPTIONS, dotsegRemove: false, dotsegReject: true }), null);
});

test('simplifyPath keeps dot-files and "..." segments', () => {
  assert.equal(simplifyPath('/a/.hidden/.../b'), '/a/.hidden/.../b');
  assert.equal(simplifyPath('/a//b///c/'), '/a/b/c/');
});

test('property: the plain-target fast path gives what the full normalisation gives', () => {
  // a fragment always takes the full path and is dropped there, so `t#` is the reference for `t`
  const chars = ['a', 'Z', '0', '/', '.', '?', '=', '&', '+', '-', '_', '~', ';', ':', '@', '!', '$', "'", '(', ')', '*', ',', '%', '%2F', '%41', ' ', '"', '\x7f', '\xe2'];
  const target = fc.array(fc.constantFrom(...chars), { maxLength: 24 }).map((parts) => `/${parts.join('')}`);
  for (const o of [DEFAULT_URL_OPTIONS, { ...DEFAULT_URL_OPTIONS, required: true }, { ...DEFAULT_URL_OPTIONS, query20Plus: true }]) {
    fc.assert(
      fc.property(target, (t) => {
        assert.deepEqual(normaliseTarget(t, o), normaliseTarget(`${t}#`, o));
      }),
      { numRuns: 2000 },
    );
  }
  assert.deepEqual(normaliseTarget('/small.html?a=1'), { target: '/small.html?a=1', path: '/small.html', query: 'a=1' });
});
