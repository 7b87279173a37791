import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEvhostPath, parseEvhostPattern, splitEvhostHost } from './evhost-pattern.js';
import { simpleVhostPath } from './simple-vhost.js';
import { parsePasswd } from './userdir-passwd.js';

test('evhost: host labels as lighttpd numbers them', () => {
  assert.deepEqual(splitEvhostHost('www.example.com'), ['example.com', 'com', 'example', 'www']);
  assert.deepEqual(splitEvhostHost('a.b.example.com:8080'), ['example.com', 'com', 'example', 'b', 'a']);
  assert.deepEqual(splitEvhostHost('localhost'), ['localhost', 'localhost']);
  assert.deepEqual(splitEvhostHost('localhost:81'), ['localhost', 'localhost']);
  assert.deepEqual(splitEvhostHost('example.com'), ['example.com', 'com', 'example']);
  assert.deepEqual(splitEvhostHost('127.0.0.1'), ['0.1', '1', '0', '0', '127']);
  assert.deepEqual(splitEvhostHost('[::1]:8080'), ['[::1]']);
  assert.deepEqual(splitEvhostHost('[::1]'), ['[::1]']);
});

test('evhost: pattern tokens; invalid sequences refused', () => {
  assert.equal(parseEvhostPattern('/srv/%'), null);
  assert.equal(parseEvhostPattern('/srv/%x'), null);
  assert.equal(parseEvhostPattern('/srv/%{a}'), null);
  assert.equal(parseEvhostPattern('/srv/%{1.a}'), null);
  assert.equal(parseEvhostPattern('/srv/%{1.2'), null);
  assert.equal(parseEvhostPattern(`/${'%0'.repeat(64)}`), null);
  assert.notEqual(parseEvhostPattern(`/${'%0'.repeat(63)}`), null);
  const p = parseEvhostPattern('/srv/%3/%2.%1/%_/%%/%{2.1}/%{2.0}/%{3}/%{2.9}/%7/htdocs');
  assert.ok(p);
  assert.equal(buildEvhostPath(p, 'www.example.com:8080'), '/srv/www/example.com/www.example.com/%/e/example/www///htdocs/');
  assert.equal(buildEvhostPath(p, 'example.com'), '/srv//example.com/example.com/%/e/example////htdocs/');
  const fq = parseEvhostPattern('/v/%_');
  assert.ok(fq);
  // lighttpd cuts the host at its first ':' (an IPv6 literal leaves "[")
  assert.equal(buildEvhostPath(fq, '[::1]:8080'), '/v/[/');
  assert.equal(buildEvhostPath(fq, 'a.b'), '/v/a.b/');
});

test('simple-vhost: server root + host + document root with one slash', () => {
  assert.equal(simpleVhostPath('/srv/', 'www.example.com:81', 'htdocs/'), '/srv/www.example.com/htdocs/');
  assert.equal(simpleVhostPath('/srv/', 'a', '/htdocs/'), '/srv/a/htdocs/');
  assert.equal(simpleVhostPath('/srv/', null, 'htdocs/'), '/srv/htdocs/');
  assert.equal(simpleVhostPath('/srv/', null, '/htdocs/'), '/srv/htdocs/');
  assert.equal(simpleVhostPath('/srv/', 'a', null), '/srv/a/');
  assert.equal(simpleVhostPath('/srv/', null, null), '/srv/');
});

test('userdir: passwd text, first entry wins, NIS lines skipped', () => {
  const homes = parsePasswd('root:x:0:0:root:/root:/bin/bash\n+nis::::::\nu:x:1:1::/home/u:/bin/sh\nu:x:2:2::/other:/bin/sh\nshort:x:1\n');
  assert.deepEqual([...homes], [['root', '/root'], ['u', '/home/u']]);
});
