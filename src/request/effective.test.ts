import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HttpRequest } from '../http1/request.js';
import { DiagnosticList } from '../diagnostics.js';
import { loadConfig } from '../config/load.js';
import type { ConfigTree } from '../config/tree.js';
import type { Module } from '../modules/module.js';
import { coreModule } from '../server/core-config.js';
import type { RequestCtx } from './context.js';
import { compileModule, effectiveConfig } from './effective.js';
import { MatchState } from './match.js';

function tree(text: string): ConfigTree {
  const dir = mkdtempSync(join(tmpdir(), 'eff-'));
  try {
    const file = join(dir, 'x.conf');
    writeFileSync(file, text);
    const r = loadConfig({ file });
    if (!r.tree) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
    return r.tree;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function ctx(path: string, headers: Record<string, string> = {}): RequestCtx {
  return {
    raw: {} as HttpRequest,
    method: 'GET', protocol: 'HTTP/1.1', targetOrig: path, target: path, path, query: '', host: 'h', scheme: 'http',
    remoteAddr: '127.0.0.1', remotePort: 1, localAddr: '127.0.0.1', localPort: 80, serverSocket: ':80',
    headers: new Map(Object.entries(headers)), env: new Map(), captures: new Map(), core: coreModule.defaults, match: null, keepAliveIndex: 0, startTime: 0,
  };
}

interface C {
  readonly a: string;
  readonly b: string;
}

let compiles = 0;
const mod: Module<C> = {
  name: 'mod_t',
  keys: { 't.a': { type: 'string' }, 't.b': { type: 'string' } },
  defaults: { a: 'da', b: 'db' },
  compile(v) {
    compiles++;
    const out: { a?: string; b?: string } = {};
    const a = v.entries.get('t.a');
    const b = v.entries.get('t.b');
    if (a?.value.type === 'string') out.a = a.value.value;
    if (b?.value.type === 'string') out.b = b.value.value;
    return out;
  },
};

test('defaults ⊕ global ⊕ matched blocks in block order; compiled once per block; memoised by matched set', () => {
  compiles = 0;
  const cm = compileModule(mod, tree('t.a = "g"\n$HTTP["url"] =^ "/x" { t.b = "x" }\n$HTTP["url"] =^ "/xy" { t.a = "xy" }\nserver.tag = "z"\n'), new DiagnosticList());
  assert.equal(compiles, 3);
  assert.deepEqual(effectiveConfig(cm, new MatchState(ctx('/'))), { a: 'g', b: 'db' });
  const one = effectiveConfig(cm, new MatchState(ctx('/xyz')));
  assert.deepEqual(one, { a: 'xy', b: 'x' });
  assert.equal(effectiveConfig(cm, new MatchState(ctx('/xy2'))), one, 'same matched set → same object');
  assert.deepEqual(effectiveConfig(cm, new MatchState(ctx('/x1'))), { a: 'g', b: 'x' });
  assert.equal(cm.memo.size, 2);
  assert.equal(compiles, 3);
});

test('blocks without the module\'s keys are not evaluated for it (lazy conditions)', () => {
  const cm = compileModule(mod, tree('$REQUEST_HEADER["X-Other"] == "1" { server.tag = "q" }\n$HTTP["url"] =^ "/x" { t.a = "x" }\n'), new DiagnosticList());
  const seen: string[] = [];
  const headers = new Map<string, string>();
  const c = ctx('/x');
  const tracking = new Proxy(headers, {
    get(target, prop, receiver) {
      if (prop === 'get') return (k: string) => (seen.push(k), target.get(k));
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  const r = { ...c, headers: tracking };
  assert.equal(effectiveConfig(cm, new MatchState(r)).a, 'x');
  assert.deepEqual(seen, []);
});
