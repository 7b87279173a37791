import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticList } from '../../diagnostics.js';
import type { ConfigBlock, ConfigEntry, ConfigValue } from '../../config/tree.js';
import { BackendRegistry } from '../../backend/registry.js';
import { compileWstunnel, WSTUNNEL_KEYS } from './config.js';

const L = { file: 'w.conf', line: 4, column: 21 };
const s = (value: string): ConfigValue => ({ type: 'string', value, loc: L });
const n = (value: number): ConfigValue => ({ type: 'integer', value, loc: L });
const list = (...v: ConfigValue[]): ConfigValue => ({ type: 'array', items: v.map((value) => ({ key: null, value })), loc: L });

function compile(entries: Record<string, ConfigValue>): { out: ReturnType<typeof compileWstunnel>; d: DiagnosticList } {
  const es: ConfigEntry[] = Object.entries(entries).map(([key, value]) => ({ key, value, loc: L }));
  const block: ConfigBlock = { id: 0, parent: null, children: [], condition: null, isPlainElse: false, elsePrev: null, elseNext: null, entries: es };
  const map = new Map(es.filter((e) => e.key in WSTUNNEL_KEYS).map((e) => [e.key, e]));
  const d = new DiagnosticList();
  const out = compileWstunnel({ block, entries: map }, d, new BackendRegistry({ log: () => undefined }));
  return { out, d };
}

test('frame-type: binary in any case, everything else text', () => {
  assert.equal(compile({ 'wstunnel.frame-type': s('BINARY') }).out.frameType, 'binary');
  assert.equal(compile({ 'wstunnel.frame-type': s('binary') }).out.frameType, 'binary');
  assert.equal(compile({ 'wstunnel.frame-type': s('junk') }).out.frameType, 'text');
});

test('balance: the five names; anything else warns and means least-connection', () => {
  for (const b of ['fair', 'least-connection', 'round-robin', 'hash', 'sticky']) assert.equal(compile({ 'wstunnel.balance': s(b) }).out.balance, b);
  const { out, d } = compile({ 'wstunnel.balance': s('Round-Robin') });
  assert.equal(out.balance, 'fair');
  assert.equal(d.items[0]?.severity, 'warning');
  assert.equal(d.items[0]?.message, 'wstunnel.balance has to be one of: least-connection, round-robin, hash, sticky, but not: Round-Robin');
});

test('debug and ping-interval: integers or digit strings; other strings are errors at the value', () => {
  assert.equal(compile({ 'wstunnel.debug': n(4) }).out.debug, 4);
  assert.equal(compile({ 'wstunnel.ping-interval': s('30') }).out.pingInterval, 30);
  const d = compile({ 'wstunnel.debug': s('enable') }).d;
  assert.equal(d.items[0]?.code, 'TSW_WSTUNNEL_BAD_VALUE');
  assert.match(d.items[0]?.message ?? '', /got a string but expected an integer/);
  assert.deepEqual(d.items[0]?.loc, L);
  assert.match(compile({ 'wstunnel.ping-interval': s('often') }).d.items[0]?.message ?? '', /got a string but expected a short/);
});

test('origins: a list of strings; an empty string is an error', () => {
  assert.deepEqual(compile({ 'wstunnel.origins': list(s('a.org'), s('http://b')) }).out.origins, ['a.org', 'http://b']);
  const d = compile({ 'wstunnel.origins': list(s('a.org'), s('')) }).d;
  assert.equal(d.items[0]?.message, 'unexpected empty string in wstunnel.origins');
});

test('server and map-extensions build a backend group', () => {
  const server: ConfigValue = {
    type: 'array',
    items: [{ key: '.ws', value: list({ type: 'array', items: [{ key: 'host', value: s('127.0.0.1') }, { key: 'port', value: n(9) }] }) }],
  };
  const { out, d } = compile({
    'wstunnel.server': server,
    'wstunnel.map-extensions': { type: 'array', items: [{ key: '.ws2', value: s('.ws') }] },
  });
  assert.equal(d.items.length, 0);
  assert.ok(out.server);
  assert.equal(out.server.match('/a.ws2', out.mapExtensions)?.key, '.ws');
  assert.equal(out.server.match('/a.ws')?.key, '.ws');
  assert.equal(out.server.match('/a.ws3', out.mapExtensions), null);
  const bad = compile({ 'wstunnel.server': list(s('x')) });
  assert.equal(bad.out.server, undefined);
  assert.equal(bad.d.items[0]?.code, 'TSW_BACKEND_SHAPE');
});
