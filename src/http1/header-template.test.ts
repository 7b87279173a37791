import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dateLine, headerBlock, type BlockInfo } from './header-block.js';
import { HeaderTemplate } from './header-template.js';

const PAIRS = ['Content-Type', 'text/html', 'ETag', '"123"', 'Last-Modified', 'Wed, 02 Dec 2026 15:42:28 GMT', 'Content-Length', '1026', 'Accept-Ranges', 'bytes'];
const BASE: BlockInfo = { version: 'HTTP/1.1', status: 200, reason: '', connection: '', framing: '', serverTag: 'tsw/1' };

function oneByOne(pairs: readonly string[], info: BlockInfo): string {
  const names = pairs.filter((_, i) => i % 2 === 0);
  const values = pairs.filter((_, i) => i % 2 === 1);
  return headerBlock(names, names.map((n) => n.toLowerCase()), values, info);
}

test('a template\'s head is the very block headerBlock writes for the same headers, for every variation', () => {
  const t = new HeaderTemplate(PAIRS);
  const infos: BlockInfo[] = [
    BASE,
    { ...BASE, connection: 'close' },
    { ...BASE, version: 'HTTP/1.0', connection: 'keep-alive' },
    { ...BASE, serverTag: '' },
    { ...BASE, status: 404, reason: 'Gone Fishing' },
    BASE,
  ];
  for (const info of infos) assert.equal(t.head(info, dateLine()), oneByOne(PAIRS, info));
  const withDate = ['Date', 'x', 'Server', 'y', 'X-Sendfile', '/etc/passwd', 'X-Empty', ''];
  assert.equal(new HeaderTemplate(withDate).head(BASE, dateLine()), oneByOne(withDate, BASE));
});

test('the head and head + body are memoised while nothing they depend on changes', () => {
  const t = new HeaderTemplate(PAIRS);
  const a = t.head(BASE, 'D1');
  assert.equal(t.head({ ...BASE }, 'D1'), a, 'equal facts: the same string');
  assert.notEqual(t.head({ ...BASE, connection: 'close' }, 'D1'), a);
  const b = t.head(BASE, 'D1');
  const body = 'x'.repeat(1026);
  const joined = t.join(b, body);
  assert.equal(joined, b + body);
  assert.equal(t.join(b, body), joined);
  assert.equal(t.join(b, 'other'), `${b}other`, 'another body: joined anew');
});

test('bad names and values are refused as setHeader refuses them; a repeated name is refused', () => {
  assert.throws(() => new HeaderTemplate(['Bad Name', 'v']), { code: 'ERR_INVALID_HTTP_TOKEN' });
  assert.throws(() => new HeaderTemplate(['X-A', 'a\r\nInjected: 1']), { code: 'ERR_INVALID_CHAR' });
  assert.throws(() => new HeaderTemplate(['X-A', '1', 'x-a', '2']), /given twice/);
});
