import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusCounters } from './counters.js';
import { escapeHtml, formatUptime, jsonpName, renderAuto, renderConfigHtml, renderJson, renderStatusHtml, withPrefix, type StatusSnapshot } from './pages.js';

const SNAP: StatusSnapshot = { requests: 12, bytesOut: 5000, uptime: 93784, startedAt: 1_700_000_000, busy: 2, idle: 3, avgRequests: 1.6, avgBytes: 4096 };

test('?auto: lighttpd\'s lines, kBytes rounded down, one scoreboard slot per connection allowed', () => {
  assert.equal(renderAuto(SNAP), 'Total Accesses: 12\nTotal kBytes: 4\nUptime: 93784\nBusyServers: 2\nIdleServers: 3\nScoreboard: hh___\n');
});

test('?json and ?jsonp=name: lighttpd\'s fields; only a plain identifier becomes a JSONP call', () => {
  const json = renderJson(SNAP, null);
  assert.equal(json, '{\n\t"RequestsTotal": 12,\n\t"TrafficTotal": 4,\n\t"Uptime": 93784,\n\t"BusyServers": 2,\n\t"IdleServers": 3,\n\t"RequestAverage5s":1,\n\t"TrafficAverage5s":4\n}');
  assert.deepEqual(JSON.parse(json), { RequestsTotal: 12, TrafficTotal: 4, Uptime: 93784, BusyServers: 2, IdleServers: 3, RequestAverage5s: 1, TrafficAverage5s: 4 });
  assert.equal(renderJson(SNAP, 'cb'), `cb(${json});`);
  assert.equal(jsonpName('jsonp=cb_1'), 'cb_1');
  assert.equal(jsonpName('jsonp=1cb'), null);
  assert.equal(jsonpName('jsonp=a;alert(1)'), null);
  assert.equal(jsonpName('json'), null);
});

test('HTML pages: facts, escaping, refresh bound, module names without mod_', () => {
  assert.equal(formatUptime(93784), '1 days 2 hours 3 min 4 s');
  assert.equal(formatUptime(5), '5 s');
  assert.equal(withPrefix(1500, 1000), '1 k');
  assert.equal(withPrefix(3 * 1024 * 1024, 1024), '3.00 M');
  assert.equal(escapeHtml('<a href="x">&\''), '&#60;a href=&#34;x&#34;&#62;&#38;&#39;');
  const html = renderStatusHtml(SNAP, 'tag/1', 'h<st', 10_000_000);
  assert.match(html, /<meta http-equiv="refresh" content="604800">/);
  assert.match(html, /h&#60;st/);
  assert.match(html, /1 days 2 hours 3 min 4 s/);
  assert.doesNotMatch(renderStatusHtml(SNAP, '', 'h', 0), /refresh/);
  assert.match(renderConfigHtml('t', ['mod_status', 'mod_staticfile']), /status<br>staticfile/);
});

test('counters: totals, and the five-second average leaves out the current and older seconds', () => {
  const c = new StatusCounters();
  c.record(100, 10);
  c.record(100, 10);
  c.record(50, 12);
  c.record(1000, 16);
  assert.equal(c.requests, 4);
  assert.equal(c.bytesOut, 1250);
  assert.deepEqual(c.average5s(15), { requests: 3 / 5, bytes: 250 / 5 });
  assert.deepEqual(c.average5s(16), { requests: 1 / 5, bytes: 50 / 5 });
  assert.deepEqual(c.average5s(17), { requests: 2 / 5, bytes: 1050 / 5 });
});
