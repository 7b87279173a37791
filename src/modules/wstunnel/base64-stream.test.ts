import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Base64Stream } from './base64-stream.js';

/** One message pushed in the given pieces; the decoded bytes joined, or null if any push refused it. */
function decode(pieces: readonly string[], s = new Base64Stream()): Buffer | null {
  const out: Buffer[] = [];
  for (let i = 0; i < pieces.length; i++) {
    const d = s.push(Buffer.from(pieces[i] ?? '', 'latin1'), i === pieces.length - 1);
    if (d === null) return null;
    out.push(d);
  }
  return Buffer.concat(out);
}

test('whole messages: strict base64, whitespace ignored', () => {
  assert.deepEqual(decode(['aGk=']), Buffer.from('hi'));
  assert.deepEqual(decode(['aG k=\n']), Buffer.from('hi'));
  assert.deepEqual(decode(['']), Buffer.alloc(0));
  assert.equal(decode(['aGk']), null, 'length not a multiple of four');
  assert.equal(decode(['a*k=']), null, 'outside the alphabet');
  assert.equal(decode(['aG=k']), null, '= before the end');
  assert.equal(decode(['a===']), null, 'three =');
  assert.equal(decode(['aGk=aGk=']), null, '= then more groups');
});

test('a message split anywhere decodes to the same bytes, and each piece is decoded when it arrives', () => {
  const bytes = Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255, 65, 66]);
  const text = bytes.toString('base64');
  for (let a = 0; a <= text.length; a++) {
    for (let b = a; b <= text.length; b++) assert.deepEqual(decode([text.slice(0, a), text.slice(a, b), text.slice(b)]), bytes, `${a}/${b}`);
  }
  const s = new Base64Stream();
  assert.deepEqual(s.push(Buffer.from('aGVsbG8g'), false), Buffer.from('hello '), 'complete groups go on at once');
  assert.deepEqual(s.push(Buffer.from('d29y'), false), Buffer.from('wor'));
  assert.deepEqual(s.push(Buffer.from('bGQ'), false), Buffer.alloc(0), 'an incomplete group waits');
  assert.deepEqual(s.push(Buffer.from('='), true), Buffer.from('ld'));
});

test('split messages keep the rules across pieces, and a refused message leaves the next one clean', () => {
  assert.equal(decode(['aG', '=', 'k']), null);
  assert.equal(decode(['a=', '==']), null);
  assert.equal(decode(['aGk', '']), null, 'the end finds the short group');
  const s = new Base64Stream();
  assert.equal(decode(['aG', '=*'], s), null);
  assert.deepEqual(decode(['aG', 'k='], s), Buffer.from('hi'));
  assert.deepEqual(decode(['aA', '=='], s), Buffer.from('h'));
  assert.deepEqual(decode(['aGk='], s), Buffer.from('hi'), 'the = of one message does not carry into the next');
});
