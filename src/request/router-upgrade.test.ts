import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { HttpRequest } from '../http1/request.js';
import type { HttpResponse } from '../http1/response.js';
import { DiagnosticList } from '../diagnostics.js';
import { loadConfig } from '../config/load.js';
import type { Module, Outcome } from '../modules/module.js';
import { coreModule } from '../server/core-config.js';
import type { RequestCtx } from './context.js';
import { compileModule } from './effective.js';
import { DEFAULT_URL_OPTIONS } from './normalize.js';
import { createPipeline, routeUpgrade, type Pipeline } from './router.js';

function ctx(path: string): RequestCtx {
  return {
    raw: {} as HttpRequest,
    method: 'GET', protocol: 'HTTP/1.1', targetOrig: path, target: path, path, query: '', host: 'h', scheme: 'http',
    remoteAddr: '127.0.0.1', remotePort: 1, localAddr: '127.0.0.1', localPort: 80, serverSocket: ':80',
    headers: new Map(), env: new Map(), captures: new Map(), keepAliveIndex: 0, startTime: 0,
  };
}

interface TConf {
  readonly tag: string;
}

/** A module whose uri hooks and onUpgrade record their calls; `answer` decides (a promise when `async`). */
function upgrader(name: string, seen: string[], answer: (hook: string, req: RequestCtx) => Outcome, isAsync: boolean): Module<TConf> {
  const run = (h: string, req: RequestCtx, conf: TConf): Outcome | Promise<Outcome> => {
    seen.push(`${name}.${h}(${conf.tag}) ${req.path}`);
    const out = answer(h, req);
    return isAsync ? Promise.resolve(out) : out;
  };
  return {
    name,
    keys: { [`${name}.tag`]: { type: 'string' } },
    defaults: { tag: '-' },
    compile(v) {
      const e = v.entries.get(`${name}.tag`);
      return e?.value.type === 'string' ? { tag: e.value.value } : {};
    },
    onUriRaw: (req, _res, conf) => run('raw', req, conf),
    onUpgrade: (req, _socket, _head, conf) => run('up', req, conf),
  };
}

function pipeline(t: { after(fn: () => void): void }, text: string, mods: readonly Module<TConf>[]): Pipeline {
  const dir = mkdtempSync(join(tmpdir(), 'tsw-router-up-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'x.conf');
  writeFileSync(file, `server.document-root = "${dir}"\n${text}`);
  const tree = loadConfig({ file }).tree;
  if (!tree) throw new Error('config');
  const diags = new DiagnosticList();
  return createPipeline({
    core: compileModule(coreModule, tree, diags),
    modules: mods.map((m) => compileModule(m as unknown as Module<object>, tree, diags)),
    url: DEFAULT_URL_OPTIONS,
    log: () => undefined,
    statCacheEngine: 'simple',
  });
}

const res = { hasHeader: () => false } as unknown as HttpResponse;
const head = Buffer.alloc(0);
const claimUp = (h: string): Outcome => (h === 'up' ? 'handled' : 'continue');

test('upgrade with synchronous hooks: decided without a promise, each module with its own config', (t) => {
  const seen: string[] = [];
  const p = pipeline(t, '$HTTP["url"] =^ "/ws" { b.tag = "B" }\n', [upgrader('a', seen, () => 'continue', false), upgrader('b', seen, claimUp, false)]);
  const r = routeUpgrade(ctx('/ws'), res, new PassThrough(), head, p);
  assert.deepEqual(r, { kind: 'handled' });
  assert.deepEqual(seen, ['a.raw(-) /ws', 'b.raw(B) /ws', 'a.up(-) /ws', 'b.up(B) /ws']);
});

test('upgrade nobody claims: not-upgraded, synchronously or after an asynchronous hook', async (t) => {
  for (const isAsync of [false, true]) {
    const seen: string[] = [];
    const p = pipeline(t, '', [upgrader('a', seen, () => 'continue', isAsync)]);
    const r = routeUpgrade(ctx('/ws'), res, new PassThrough(), head, p);
    assert.equal(r instanceof Promise, isAsync);
    assert.deepEqual(await r, { kind: 'not-upgraded' });
    assert.deepEqual(seen, ['a.raw(-) /ws', 'a.up(-) /ws']);
  }
});

test('an asynchronous onUpgrade that passes: the next module still gets the upgrade, in order', async (t) => {
  const seen: string[] = [];
  const p = pipeline(t, '', [upgrader('a', seen, () => 'continue', true), upgrader('b', seen, claimUp, false)]);
  const r = routeUpgrade(ctx('/ws'), res, new PassThrough(), head, p);
  assert.ok(r instanceof Promise);
  assert.deepEqual(await r, { kind: 'handled' });
  assert.deepEqual(seen, ['a.raw(-) /ws', 'b.raw(-) /ws', 'a.up(-) /ws', 'b.up(-) /ws']);
});

test('a rewrite in the uri phase restarts the upgrade; a uri hook answer ends it before onUpgrade', async (t) => {
  for (const isAsync of [false, true]) {
    const seen: string[] = [];
    const rewrite = (h: string, req: RequestCtx): Outcome => {
      if (h === 'raw' && req.target === '/old') {
        req.target = '/ws';
        return 'restart';
      }
      if (h === 'raw' && req.target === '/deny') return 'handled';
      return claimUp(h);
    };
    const p = pipeline(t, '', [upgrader('a', seen, rewrite, isAsync)]);
    assert.deepEqual(await routeUpgrade(ctx('/old'), res, new PassThrough(), head, p), { kind: 'handled' });
    assert.deepEqual(seen, ['a.raw(-) /old', 'a.raw(-) /ws', 'a.up(-) /ws']);
    seen.length = 0;
    assert.deepEqual(await routeUpgrade(ctx('/deny'), res, new PassThrough(), head, p), { kind: 'handled' });
    assert.deepEqual(seen, ['a.raw(-) /deny']);
  }
});
