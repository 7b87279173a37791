import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConfigKeys } from './check-keys.js';
import { effectiveModules } from './module-list.js';
import { closestSpelling } from './suggest.js';
import { valueHasType } from './value-types.js';
import { catalogueKeys, LIGHTTPD_MODULES } from './key-catalogue.js';
import { arr, int, str, TreeBuilder } from '../../test/helpers/tree-builder.js';

function base(...modules: string[]): TreeBuilder {
  const t = new TreeBuilder();
  t.set(t.global, 'server.document-root', str('/srv'));
  if (modules.length > 0) t.set(t.global, 'server.modules', arr(...modules.map(str)));
  return t;
}

const codes = (t: TreeBuilder): string[] => checkConfigKeys(t.tree()).map((d) => `${d.severity} ${d.code}`);

test('a clean config with implemented modules has no diagnostics', () => {
  const t = base('mod_wstunnel', 'mod_access');
  const b = t.cond(t.global, '$HTTP["url"] =^ "/ws"');
  t.set(b, 'wstunnel.server', arr(['', arr(arr(['host', str('127.0.0.1')], ['port', str('5900')]))]));
  t.set(b, 'wstunnel.frame-type', str('binary')).set(b, 'url.access-deny', arr(str('~')));
  t.set(b, 'server.stream-request-body', int(2)).set(t.global, 'var.x', int(1));
  assert.deepEqual(checkConfigKeys(t.tree()), []);
});

test('unknown key: warning with the key, its location and a "did you mean"', () => {
  const t = base('mod_wstunnel');
  t.set(t.global, 'wstunnel.frametype', str('binary'));
  const [d, ...rest] = checkConfigKeys(t.tree());
  assert.equal(rest.length, 0);
  assert.equal(d?.severity, 'warning');
  assert.equal(d?.code, 'TSW_CONFIG_UNKNOWN_KEY');
  assert.match(d?.message ?? '', /"wstunnel\.frametype" \(ignored\); did you mean "wstunnel\.frame-type"\?/);
  assert.deepEqual(d?.loc, { file: 'test.conf', line: 5, column: 1 });
});

test('unknown key with no close spelling: no suggestion', () => {
  const t = base();
  t.set(t.global, 'completely.different', str('x'));
  const [d] = checkConfigKeys(t.tree());
  assert.equal(d?.message, 'unknown config key "completely.different" (ignored)');
});

test('keys of a lighttpd module tswstunnel does not implement: warning naming the module', () => {
  const t = base('mod_fastcgi');
  t.set(t.global, 'fastcgi.server', arr(['.php', arr(arr(['socket', str('/run/php.sock')]))]));
  const ds = checkConfigKeys(t.tree());
  assert.deepEqual(ds.map((d) => d.code), ['TSW_CONFIG_MODULE_NOT_IMPLEMENTED', 'TSW_CONFIG_IGNORED_KEY']);
  assert.match(ds[0]?.message ?? '', /mod_fastcgi is not implemented by tswstunnel/);
  assert.match(ds[1]?.message ?? '', /"fastcgi\.server" is ignored: mod_fastcgi is not implemented/);
});

test('keys of an implemented module that is not loaded are ignored with a hint', () => {
  const t = base();
  t.set(t.global, 'proxy.server', arr(['', arr(arr(['host', str('127.0.0.1')]))]));
  const ds = checkConfigKeys(t.tree());
  assert.equal(ds.length, 1);
  assert.match(ds[0]?.message ?? '', /"proxy\.server" is ignored: mod_proxy is not in server\.modules/);
});

test('a bad module value type is an error at the value', () => {
  const t = base('mod_wstunnel', 'mod_proxy');
  t.set(t.global, 'wstunnel.frame-type', arr(str('binary')));
  t.set(t.global, 'wstunnel.ping-interval', str('soon'));
  t.set(t.global, 'proxy.replace-http-host', str('maybe'));
  t.set(t.global, 'wstunnel.origins', arr(['k', str('v')]));
  t.set(t.global, 'proxy.server', arr(str('x')));
  assert.deepEqual(codes(t), Array(5).fill('error TSW_CONFIG_BAD_VALUE_TYPE'));
  assert.match(checkConfigKeys(t.tree())[0]?.message ?? '', /"wstunnel\.frame-type" should be a string, not a list/);
});

test('network keys are type-checked at -tt; core keys are left to the reader', () => {
  const t = base();
  t.set(t.global, 'server.use-ipv6', str('perhaps')).set(t.global, 'server.port', str('not checked here'));
  assert.deepEqual(codes(t), ['error TSW_CONFIG_BAD_VALUE_TYPE']);
});

test('backend hosts: option types, unknown options, and an address is required', () => {
  const t = base('mod_wstunnel');
  t.set(t.global, 'wstunnel.server', arr(['', arr(arr(['host', str('')], ['port', str('5900')], ['hots', str('x')], ['max-procs', str('many')]))]));
  const ds = checkConfigKeys(t.tree());
  assert.deepEqual(
    ds.map((d) => d.code),
    ['TSW_CONFIG_UNKNOWN_BACKEND_OPTION', 'TSW_CONFIG_BAD_VALUE_TYPE', 'TSW_CONFIG_BACKEND_NO_ADDRESS'],
  );
  assert.match(ds[0]?.message ?? '', /did you mean "host"/);
});

test('a named backend and a socket backend are fine', () => {
  const t = base('mod_proxy');
  t.set(t.global, 'proxy.server', arr(['/api', arr(['a', arr(['socket', str('/run/a.sock')])], ['b', arr(['bin-path', str('/bin/x')])])]));
  assert.deepEqual(checkConfigKeys(t.tree()), []);
});

test('unknown module names are errors with a suggestion; the document root is required', () => {
  const t = new TreeBuilder();
  t.set(t.global, 'server.modules', arr(str('mod_wstunel')));
  const ds = checkConfigKeys(t.tree());
  assert.deepEqual(ds.map((d) => d.code), ['TSW_CONFIG_UNKNOWN_MODULE', 'TSW_CONFIG_NO_DOCROOT']);
  assert.match(ds[0]?.message ?? '', /unknown module "mod_wstunel" in server\.modules; did you mean "mod_wstunnel"\?/);
});

test('var.* keys and dir-listing.* keys are never reported; keys compare case-insensitively', () => {
  const t = base('mod_proxy');
  t.set(t.global, 'var.whatever', int(1)).set(t.global, 'dir-listing.whatever', int(1));
  t.set(t.global, 'PROXY.Balance', str('fair'));
  assert.deepEqual(checkConfigKeys(t.tree()), []);
});

test('module list: de-duplicated, compat additions and removals (config-language.md §9)', () => {
  const t = base('mod_access', 'mod_access', 'mod_indexfile', 'mod_dirlisting', 'mod_compress');
  assert.deepEqual(effectiveModules(t.tree()), ['mod_access', 'mod_staticfile']);
  t.set(t.global, 'index-file.names', arr(str('index.html')));
  const b = t.cond(t.global, '$HTTP["url"] =^ "/pub"');
  t.set(b, 'dir-listing.activate', str('enable')).set(b, 'ssl.engine', str('enable')).set(b, 'compress.filetype', arr());
  assert.deepEqual(effectiveModules(t.tree()), ['mod_access', 'mod_indexfile', 'mod_dirlisting', 'mod_deflate', 'mod_staticfile', 'mod_openssl']);
  t.set(t.global, 'server.compat-module-load', str('disable'));
  // mod_compress is folded into mod_deflate even without compat loading (config_deprecate_module_compress)
  assert.deepEqual(effectiveModules(t.tree()), ['mod_access', 'mod_indexfile', 'mod_dirlisting', 'mod_deflate']);
});

test('module list: mod_indexfile prepended when index files are configured', () => {
  const t = base('mod_wstunnel');
  t.set(t.global, 'server.indexfiles', arr(str('index.html')));
  assert.deepEqual(effectiveModules(t.tree()), ['mod_indexfile', 'mod_wstunnel', 'mod_staticfile']);
});

test('value types follow lighttpd: booleans are words or integers, integers may be decimal strings', () => {
  assert.ok(valueHasType(str('Enable'), 'boolean'));
  assert.ok(valueHasType(int(0), 'boolean'));
  assert.ok(!valueHasType(str('yes'), 'boolean'));
  assert.ok(valueHasType(str('65535'), 'short'));
  assert.ok(!valueHasType(str('65536'), 'short'));
  assert.ok(!valueHasType(str('-1'), 'integer'));
  assert.ok(valueHasType(str('4294967295'), 'integer'));
  assert.ok(valueHasType(arr(), 'array-kv-array'));
  assert.ok(!valueHasType(arr(['k', str('v')]), 'array-of-strings'));
  assert.ok(valueHasType(arr(['k', int(1)]), 'array-kv-any'));
  assert.ok(!valueHasType(arr(['k', int(1)]), 'array-kv-strings'));
});

test('closestSpelling: small edits only', () => {
  assert.equal(closestSpelling('server.documentroot', ['server.document-root', 'server.port']), 'server.document-root');
  assert.equal(closestSpelling('sevrer.port', ['server.port']), 'server.port');
  assert.equal(closestSpelling('abc', ['xyz']), undefined);
});

test('the catalogue has every module of config-keys-1.4.69.md with its keys', () => {
  assert.equal(LIGHTTPD_MODULES.length, 45);
  const ws = LIGHTTPD_MODULES.find((m) => m.name === 'mod_wstunnel');
  assert.deepEqual(Object.keys(ws?.keys ?? {}).length, 7);
  assert.equal(ws?.keys['wstunnel.server']?.type, 'array-kv-array');
  const mbed = LIGHTTPD_MODULES.find((m) => m.name === 'mod_mbedtls');
  assert.equal(mbed?.keys['ssl.stapling-file'], undefined);
});

test('catalogueKeys gives a module its catalogue table, and refuses a name the catalogue lacks', () => {
  assert.deepEqual(Object.keys(catalogueKeys('mod_alias')), ['alias.url']);
  assert.equal(catalogueKeys('mod_wstunnel')['wstunnel.ping-interval']?.type, 'short');
  assert.throws(() => catalogueKeys('mod_nonesuch'), /no module mod_nonesuch/);
});
