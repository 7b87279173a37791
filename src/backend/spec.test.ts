import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticList } from '../diagnostics.js';
import type { ConfigValue } from '../config/tree.js';
import { addressName, parseMapExtensions, parseServerSpec, procAddress } from './spec.js';

const L = { file: 'x.conf', line: 3, column: 7 };
const s = (value: string): ConfigValue => ({ type: 'string', value, loc: L });
const n = (value: number): ConfigValue => ({ type: 'integer', value, loc: L });
const arr = (...items: Array<[string | null, ConfigValue]>): ConfigValue => ({ type: 'array', items: items.map(([key, value]) => ({ key, value })), loc: L });
const host = (...opts: Array<[string, ConfigValue]>): ConfigValue => arr(...opts);

function parse(v: ConfigValue): { spec: ReturnType<typeof parseServerSpec>; d: DiagnosticList } {
  const d = new DiagnosticList();
  return { spec: parseServerSpec(v, 'wstunnel.server', d), d };
}

test('the usual shape: key → list of hosts, labels implicit or explicit', () => {
  const { spec, d } = parse(
    arr(
      ['/ws/', arr([null, host(['host', s('127.0.0.1')], ['port', s('5900')])])],
      ['.vnc', arr(['vnc', host(['socket', s('/run/vnc.sock')])])],
    ),
  );
  assert.deepEqual(d.items, []);
  assert.ok(spec);
  assert.equal(spec.extensions[0]?.key, '/ws/');
  const h0 = spec.extensions[0]?.hosts[0];
  assert.deepEqual(h0?.address, { kind: 'tcp', host: '127.0.0.1', port: 5900 });
  assert.equal(h0?.label, '0');
  assert.equal(h0?.connectTimeout, 8);
  assert.equal(h0?.disableTime, 1);
  const h1 = spec.extensions[1]?.hosts[0];
  assert.deepEqual(h1?.address, { kind: 'unix', path: '/run/vnc.sock' });
  assert.equal(h1?.label, 'vnc');
});

test('port: a digit string works, 70000 wraps to 4464, 59x is an error at the value', () => {
  assert.deepEqual(parse(arr(['', arr([null, host(['host', s('h')], ['port', n(70000)])])])).spec?.extensions[0]?.hosts[0]?.address, {
    kind: 'tcp',
    host: 'h',
    port: 4464,
  });
  const { spec, d } = parse(arr(['', arr([null, host(['host', s('h')], ['port', s('59x')])])]));
  assert.equal(spec, null);
  assert.equal(d.items[0]?.code, 'TSW_BACKEND_BAD_VALUE');
  assert.match(d.items[0]?.message ?? '', /expected a short: port 59x/);
  assert.deepEqual(d.items[0]?.loc, L);
});

test('rejected shapes give lighttpd’s messages', () => {
  const a = parse(arr(['', arr(['host', s('127.0.0.1')], ['port', n(5900)])]));
  assert.equal(a.spec, null);
  assert.match(a.d.items[0]?.message ?? '', /^unexpected value for gw.server near \[host\]\(string\); expected \( "ext" => \( "backend-label"/);
  const b = parse(arr([null, host(['host', s('127.0.0.1')])]));
  assert.equal(b.spec, null);
  assert.match(b.d.items[0]?.message ?? '', /^wstunnel.server should have been a list of key => list like wstunnel.server = \(/);
  const c = parse(s('nope'));
  assert.equal(c.d.items[0]?.code, 'TSW_BACKEND_SHAPE');
});

test('address rules: empty host, socket with host, host starting with /, long socket', () => {
  const e = parse(arr(['', arr([null, host(['host', s('')], ['port', n(1)])])]));
  assert.equal(e.d.items[0]?.code, 'TSW_BACKEND_NO_ADDRESS');
  assert.match(e.d.items[0]?.message ?? '', /^host or bin-path have to be set in: wstunnel.server/);
  const c = parse(arr(['', arr([null, host(['host', s('a')], ['socket', s('/x')])])]));
  assert.equal(c.d.items[0]?.code, 'TSW_BACKEND_ADDRESS_CONFLICT');
  const u = parse(arr(['', arr([null, host(['host', s('/run/a.sock')])])]));
  assert.deepEqual(u.spec?.extensions[0]?.hosts[0]?.address, { kind: 'unix', path: '/run/a.sock' });
  const l = parse(arr(['', arr([null, host(['socket', s(`/${'x'.repeat(120)}`)])])]));
  assert.equal(l.d.items[0]?.code, 'TSW_BACKEND_SOCKET_TOO_LONG');
  const p = parse(arr(['', arr([null, host(['host', s('10.0.0.1')])])]));
  assert.deepEqual(p.spec?.extensions[0]?.hosts[0]?.address, { kind: 'tcp', host: '10.0.0.1', port: 80 });
});

test('bin-path: defaults 4 procs, min clamped, argv split on blanks, env options', () => {
  const { spec, d } = parse(
    arr([
      '',
      arr([
        null,
        host(
          ['socket', s('/tmp/a.sock')],
          ['bin-path', s('/bin/sh  -c\techo')],
          ['min-procs', n(9)],
          ['bin-environment', arr(['FOO', s('bar')])],
          ['bin-copy-environment', arr([null, s('HOME')])],
        ),
      ]),
    ]),
  );
  assert.equal(d.hasErrors, false);
  const sp = spec?.extensions[0]?.hosts[0]?.spawn;
  assert.deepEqual(sp?.argv, ['/bin/sh', '-c', 'echo']);
  assert.equal(sp?.maxProcs, 4);
  assert.equal(sp?.minProcs, 4);
  assert.deepEqual(sp?.environment, [['FOO', 'bar']]);
  assert.deepEqual(sp?.copyEnvironment, ['HOME']);
  assert.equal(sp?.killSignal, 15);
  const tcp = parse(arr(['', arr([null, host(['bin-path', s('/bin/true')], ['port', n(9000)])])]));
  assert.deepEqual(tcp.spec?.extensions[0]?.hosts[0]?.address, { kind: 'tcp', host: '127.0.0.1', port: 9000 });
});

test('warnings: underscore options, unknown mode, bad bin-path; authorizer is fatal', () => {
  const w = parse(arr(['', arr([null, host(['host', s('h')], ['max_procs', n(2)], ['mode', s('odd')], ['upgrade', s('enable')])])]));
  assert.deepEqual(
    w.d.items.map((i) => [i.severity, i.code]),
    [
      ['warning', 'TSW_BACKEND_UNDERSCORE'],
      ['warning', 'TSW_BACKEND_MODE'],
    ],
  );
  assert.equal(w.spec?.extensions[0]?.hosts[0]?.extra.get('upgrade')?.type, 'string');
  const b = parse(arr(['', arr([null, host(['socket', s('/tmp/q'), ], ['bin-path', s('/nonexistent/prog')])])]));
  assert.equal(b.d.items[0]?.code, 'TSW_BACKEND_BIN_PATH');
  assert.equal(b.d.items[0]?.severity, 'warning');
  const a = parse(arr(['', arr([null, host(['host', s('h')], ['mode', s('authorizer')])])]));
  assert.equal(a.spec, null);
  assert.equal(a.d.items[0]?.code, 'TSW_BACKEND_AUTHORIZER');
});

test('map-extensions and address helpers', () => {
  const d = new DiagnosticList();
  assert.deepEqual(parseMapExtensions(arr(['.ws2', s('.ws')]), 'wstunnel.map-extensions', d), [{ suffix: '.ws2', target: '.ws' }]);
  assert.equal(parseMapExtensions(arr([null, s('.ws')]), 'wstunnel.map-extensions', d), null);
  assert.equal(addressName(procAddress({ kind: 'unix', path: '/s' }, 2)), 'unix:/s-2');
  assert.equal(addressName(procAddress({ kind: 'tcp', host: '127.0.0.1', port: 18170 }, 1)), 'tcp:127.0.0.1:18171');
});
