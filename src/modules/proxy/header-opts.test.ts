import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticList } from '../../diagnostics.js';
import type { ConfigValue } from '../../config/tree.js';
import { parseForwardedOpts, parseHeaderOpts } from './header-opts.js';

const s = (value: string): ConfigValue => ({ type: 'string', value });
const n = (value: number): ConfigValue => ({ type: 'integer', value });
const arr = (...items: [string | null, ConfigValue][]): ConfigValue => ({ type: 'array', items: items.map(([key, value]) => ({ key, value })) });

test('proxy.header: every sub-option is read; map options keep their order', () => {
  const d = new DiagnosticList();
  const o = parseHeaderOpts(
    arr(
      ['upgrade', s('enable')],
      ['connect', n(1)],
      ['force-http10', s('disable')],
      ['https-remap', s('enable')],
      ['map-urlpath', arr(['/b/', s('/y/')], ['/a/', s('/x/')])],
      ['map-host-request', arr(['-', s('back:80')])],
      ['map-host-response', arr(['back:80', s('-')])],
    ),
    d,
  );
  assert.equal(d.items.length, 0);
  assert.deepEqual(o, {
    upgrade: true,
    connect: true,
    forceHttp10: false,
    httpsRemap: true,
    mapUrlpath: [['/b/', '/y/'], ['/a/', '/x/']],
    mapHostRequest: [['-', 'back:80']],
    mapHostResponse: [['back:80', '-']],
  });
});

test('proxy.header: an unknown key or a bad value is fatal', () => {
  const d = new DiagnosticList();
  assert.equal(parseHeaderOpts(arr(['upgrades', s('enable')]), d), undefined);
  assert.equal(d.items[0]?.code, 'TSW_PROXY_HEADER_KEY');
  assert.equal(d.items[0]?.severity, 'error');
  const d2 = new DiagnosticList();
  assert.equal(parseHeaderOpts(arr(['upgrade', s('maybe')]), d2), undefined);
  assert.equal(parseHeaderOpts(arr(['map-urlpath', s('/x')]), d2), undefined);
  assert.equal(d2.items.length, 2);
});

test('proxy.forwarded: known params with 0/1/enable/disable; anything else is fatal', () => {
  const d = new DiagnosticList();
  assert.deepEqual(parseForwardedOpts(arr(['for', n(1)], ['proto', s('enable')], ['remote_user', s('1')], ['by', s('disable')]), d), {
    for: true,
    proto: true,
    host: false,
    by: false,
    remoteUser: true,
  });
  assert.equal(d.items.length, 0);
  assert.equal(parseForwardedOpts(arr(['port', n(1)]), d), undefined);
  assert.equal(d.items[0]?.code, 'TSW_PROXY_FORWARDED_KEY');
  assert.equal(parseForwardedOpts(arr(['for', s('yes please')]), d), undefined);
  assert.equal(d.items.length, 2);
});
