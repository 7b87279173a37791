import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticList } from '../../diagnostics.js';
import type { ConfigBlock, ConfigEntry, ConfigValue } from '../../config/tree.js';
import { compileDeflate } from './config.js';
import { BR, DEFLATE, GZIP, X_GZIP } from './encodings.js';

const str = (value: string): ConfigValue => ({ type: 'string', value });
const int = (value: number): ConfigValue => ({ type: 'integer', value });
const list = (...values: string[]): ConfigValue => ({ type: 'array', items: values.map((v) => ({ key: null, value: str(v) })) });

function compile(pairs: [string, ConfigValue][]): { conf: ReturnType<typeof compileDeflate>; diags: DiagnosticList } {
  const entries = new Map<string, ConfigEntry>(pairs.map(([key, value]) => [key, { key, value }]));
  const diags = new DiagnosticList();
  const conf = compileDeflate({ block: {} as ConfigBlock, entries }, diags);
  return { conf, diags };
}

test('deflate.mimetypes: trailing * dropped, application/javascript read as text/javascript, () is nothing', () => {
  assert.deepEqual(compile([['deflate.mimetypes', list('text/*', 'application/javascript', 'image/svg+xml', '*')]]).conf.mimetypes, ['text/', 'text/javascript', 'image/svg+xml', '*']);
  assert.equal(compile([['deflate.mimetypes', list()]]).conf.mimetypes, null);
});

test('compress.* keys: mapped onto deflate.* with lighttpd\'s DEPRECATED warning, and win in their block', () => {
  const { conf, diags } = compile([
    ['compress.filetype', list('text/plain')],
    ['deflate.mimetypes', list('text/html')],
    ['compress.allowed-encodings', list('gzip')],
    ['compress.cache-dir', str('/var/cache/lighttpd/compress/')],
    ['compress.max-filesize', int(0)],
    ['compress.max-loadavg', str('3.5')],
  ]);
  assert.deepEqual(conf.mimetypes, ['text/plain']);
  assert.deepEqual(conf.allowed, [GZIP | X_GZIP]);
  assert.equal(conf.cacheDir, '/var/cache/lighttpd/compress');
  assert.equal(conf.maxCompressSizeKiB, 0);
  assert.equal(conf.maxLoadavg, 3.5);
  assert.deepEqual(diags.items.map((d) => d.message), [
    'DEPRECATED: compress.filetype replaced with deflate.mimetypes',
    'DEPRECATED: compress.allowed-encodings replaced with deflate.allowed-encodings',
    'DEPRECATED: compress.cache-dir replaced with deflate.cache-dir',
    'DEPRECATED: compress.max-filesize replaced with deflate.max-compress-size',
    'DEPRECATED: compress.max-loadavg replaced with deflate.max-loadavg',
  ]);
  assert.ok(diags.items.every((d) => d.severity === 'warning'));
});

test('deflate.compression-level: 1–9 or -1, anything else stops the server', () => {
  assert.equal(compile([['deflate.compression-level', int(9)]]).conf.compressionLevel, 9);
  assert.equal(compile([['deflate.compression-level', int(-1)]]).conf.compressionLevel, -1);
  for (const bad of [0, 10]) {
    const { conf, diags } = compile([['deflate.compression-level', int(bad)]]);
    assert.equal(conf.compressionLevel, undefined);
    assert.equal(diags.hasErrors, true);
    assert.match(diags.items[0]?.message ?? '', /compression-level must be between 1 and 9/);
  }
});

test('allowed-encodings, sizes, empty cache-dir, deflate.params', () => {
  const { conf, diags } = compile([
    ['deflate.allowed-encodings', list('brotli', 'gzip, deflate')],
    ['deflate.min-compress-size', int(10)],
    ['deflate.max-compress-size', str('64')],
    ['deflate.cache-dir', str('')],
    ['deflate.params', { type: 'array', items: [{ key: 'BROTLI_mode', value: str('text') }] }],
  ]);
  assert.deepEqual(conf.allowed, [BR, GZIP | X_GZIP, DEFLATE]);
  assert.equal(conf.minCompressSize, 10);
  assert.equal(conf.maxCompressSizeKiB, 64);
  assert.equal(conf.cacheDir, null);
  assert.equal(diags.items.length, 1);
  assert.match(diags.items[0]?.message ?? '', /deflate\.params is not supported/);
});
