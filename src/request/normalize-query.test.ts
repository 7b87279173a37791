import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseTarget, DEFAULT_URL_OPTIONS } from './normalize.js';

const REQUIRED = { ...DEFAULT_URL_OPTIONS, required: true };

test('only a raw ? splits path and query; a decoded %3F never does (verified with lighttpd 1.4.69)', () => {
  assert.deepEqual(normaliseTarget('/showqs?x=%41%3f%26%3d%2b%20', REQUIRED), { target: '/showqs?x=A?%26%3D%2B%20', path: '/showqs', query: 'x=A?%26%3D%2B%20' });
  assert.equal(normaliseTarget('/showqs?a=%2F&b=?c', REQUIRED)?.query, 'c', 'required mode: the last raw ? splits');
  assert.equal(normaliseTarget('/showqs?a=%2F&b=?c')?.query, 'a=%2F&b=?c', 'default mode: the first raw ? splits');
  assert.equal(normaliseTarget('/a%3Fb?c=%3F', REQUIRED)?.path, '/a?b', 'a %3F in the path stays part of the path');
});
