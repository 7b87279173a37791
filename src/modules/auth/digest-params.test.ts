import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDigestParams } from './digest-params.js';
import { userStar } from './digest-user.js';

test('Digest parameters: quoted and bare values, blanks around =, unknown names skipped', () => {
  const p = parseDigestParams('username="a b", realm = "R,x", nc=00000001 ,qop=auth, foo="bar", uri="/p?q=\\"1\\""');
  assert.equal(p.get('username'), 'a b');
  assert.equal(p.get('realm'), 'R,x');
  assert.equal(p.get('nc'), '00000001');
  assert.equal(p.get('qop'), 'auth');
  assert.equal(p.get('uri'), '/p?q=\\"1\\"', 'backslashes are kept, as lighttpd keeps them');
  assert.equal(p.has('foo'), false);
});

test('Digest parameters: reading stops at an unterminated quote or a name without "="', () => {
  assert.deepEqual([...parseDigestParams('username="a", realm="open')], [['username', 'a']]);
  assert.deepEqual([...parseDigestParams('nonce="n", response x')], [['nonce', 'n']]);
  // lighttpd steps over unknown text one character at a time, so a known name inside it is found
  assert.equal(parseDigestParams('xusername="evil"').get('username'), 'evil');
});

test('username*: RFC 8187 value, lighttpd checks', () => {
  const star = (v: string, extra: [string, string][] = []): ReturnType<typeof userStar> => userStar(new Map([['username*', v], ...extra]));
  const bad = (v: string, extra: [string, string][] = []): string => {
    const r = star(v, extra);
    return 'bad' in r ? r.bad : '';
  };
  assert.deepEqual(star("UTF-8''J%C3%A4s%C3%B8n"), { user: 'J\u00c3\u00a4s\u00c3\u00b8n' });
  assert.deepEqual(star("iso-8859-1'en'%E9"), { user: '\u00e9' });
  assert.match(bad("utf-8''%E9"), /invalid UTF-8/);
  assert.match(bad("latin1''x"), /ext-value/);
  assert.match(bad("UTF-8''a%0Ab"), /ctrl chars/);
  assert.match(bad("UTF-8''a", [['userhash', 'true']]), /with "userhash" = true/);
});
