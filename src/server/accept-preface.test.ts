import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiagnosticList } from '../diagnostics.js';
import { BUILTIN_MODULES } from '../modules/registry.js';
import { acceptVerdict, type AcceptVerdict } from '../request/accept-match.js';
import { configFromText } from '../../test/helpers/server.js';
import { listenerPreface } from './accept-preface.js';
import { setupModules } from './modules-setup.js';
import { readServerConf } from './server-config.js';

/** The listeners' prefaces of a config, by socket token. */
function prefaces(text: string): Map<string, ReturnType<typeof listenerPreface>> {
  const dir = mkdtempSync(join(tmpdir(), 'tsw-accept-'));
  try {
    const tree = configFromText(`server.document-root = "${dir}"\nserver.port = 8080\n${text}`, dir);
    const diags = new DiagnosticList();
    const conf = readServerConf(tree, diags);
    const { modules } = setupModules(tree, conf.modules, conf.compatModuleLoad, BUILTIN_MODULES, diags);
    assert.deepEqual(diags.items.filter((d) => d.severity === 'error'), []);
    return new Map(conf.listeners.map((spec) => [spec.token, listenerPreface(modules, spec)]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const MODULES = 'server.modules = ( "mod_extforward" )\nextforward.forwarder = ( "127.0.0.1" => "trust" )\n';

test('no hap-PROXY anywhere (mod_extforward loaded, forwarders set): no listener has a preface', () => {
  const p = prefaces(`${MODULES}$SERVER["socket"] == ":8081" { }\n$HTTP["remote-ip"] == "10.0.0.0/8" { extforward.forwarder = ( "all" => "trust" ) }`);
  assert.deepEqual([...p.values()], [undefined, undefined]);
});

test('hap-PROXY in one socket block: only that listener asks, per connection, by the peer\'s trust', () => {
  const p = prefaces(`${MODULES}$SERVER["socket"] == ":8081" { extforward.hap-PROXY = "enable" }`);
  assert.equal(p.get(':8080'), undefined);
  const hap = p.get(':8081');
  assert.ok(hap);
  assert.notEqual(hap('127.0.0.1'), null);
  assert.equal(hap('192.0.2.1'), null);
});

test('decided at accept: remote-ip blocks are, url blocks are not (unset: not applied), else members of a decided chain are', () => {
  const p = prefaces(`${MODULES}
$HTTP["remote-ip"] == "127.0.0.0/8" { extforward.hap-PROXY = "enable" }
$HTTP["url"] =^ "/" { extforward.hap-PROXY = "disable" }
$SERVER["socket"] == ":8081" {
  $HTTP["remote-ip"] != "127.0.0.1" { } else { extforward.forwarder = ( "all" => "untrusted" ) }
}
$SERVER["socket"] == ":8082" { $HTTP["url"] =^ "/x" { } else { extforward.hap-PROXY = "disable" } }`);
  const main = p.get(':8080');
  assert.ok(main);
  assert.notEqual(main('127.0.0.1'), null);
  assert.equal(main('192.0.2.1'), null); // the remote-ip block does not hold
  const second = p.get(':8081');
  assert.ok(second);
  assert.equal(second('127.0.0.1'), null); // the else member untrusts everybody
  const third = p.get(':8082');
  assert.ok(third);
  assert.notEqual(third('127.0.0.1'), null); // the else member of an unset url test is unset too
});

test('acceptVerdict: unset propagates to nested blocks and later else members; a remote-ip test without an address is maybe', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsw-accept-'));
  try {
    const tree = configFromText(
      `server.document-root = "${dir}"
$HTTP["host"] == "a" { $SERVER["socket"] == ":80" { } }
else $HTTP["remote-ip"] == "10.0.0.1" { }
$HTTP["remote-ip"] == "10.0.0.0/8" { } else { $SERVER["socket"] == ":80" { } }`,
      dir,
    );
    const verdicts = (remote: string | null): AcceptVerdict[] => {
      const memo = new Map<number, AcceptVerdict>();
      return tree.blocks.slice(1).map((b) => acceptVerdict(b, ':80', remote, memo));
    };
    assert.deepEqual(verdicts('10.0.0.1'), ['unset', 'unset', 'unset', 'true', 'skip', 'skip']);
    assert.deepEqual(verdicts('192.0.2.2'), ['unset', 'unset', 'unset', 'false', 'true', 'true']);
    assert.deepEqual(verdicts(null), ['unset', 'unset', 'unset', 'maybe', 'maybe', 'maybe']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
