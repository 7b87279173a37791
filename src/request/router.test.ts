import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HttpRequest } from '../http1/request.js';
import type { HttpResponse } from '../http1/response.js';
import { DiagnosticList } from '../diagnostics.js';
import { loadConfig } from '../config/load.js';
import type { Module, Outcome } from '../modules/module.js';
import { coreModule } from '../server/core-config.js';
import type { RequestCtx } from './context.js';
import { compileModule } from './effective.js';
import { DEFAULT_URL_OPTIONS } from './normalize.js';
import { createPipeline, routeRequest, type Pipeline } from './router.js';

function ctx(path: string): RequestCtx {
  return {
    raw: {} as HttpRequest,
    method: 'GET', protocol: 'HTTP/1.1', targetOrig: path, target: path, path, query: '', host: 'h', scheme: 'http',
    remoteAddr: '127.0.0.1', remotePort: 1, localAddr: '127.0.0.1', localPort: 80, serverSocket: ':80',
    headers: new Map(), env: new Map(), captures: new Map(), core: coreModule.defaults, match: null, keepAliveIndex: 0, startTime: 0,
  };
}

interface TConf {
  readonly tag: string;
}

/** A module that records its calls; `answer` decides each hook's outcome (a promise when `async`). */
function recorder(name: string, seen: string[], answer: (hook: string, req: RequestCtx) => Outcome, isAsync: boolean): Module<TConf> {
  const hook = (h: string) => (req: RequestCtx, _res: HttpResponse, conf: TConf): Outcome | Promise<Outcome> => {
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
    onUriRaw: hook('raw'),
    onUriClean: hook('clean'),
    onPhysical: hook('phys'),
    onRequest: hook('req'),
  };
}

function pipeline(t: { after(fn: () => void): void }, text: string, mods: readonly Module<TConf>[]): Pipeline {
  const dir = mkdtempSync(join(tmpdir(), 'tsw-router-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'f.txt'), 'f');
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

test('synchronous hooks: the route is decided without a promise, phases in order with each module\'s config', (t) => {
  const seen: string[] = [];
  const answer = (h: string): Outcome => (h === 'req' ? 'handled' : 'continue');
  const p = pipeline(t, '$HTTP["url"] =^ "/f" { a.tag = "A" }\n', [recorder('a', seen, answer, false), recorder('b', seen, () => 'continue', false)]);
  const r = routeRequest(ctx('/f.txt'), res, p);
  assert.deepEqual(r, { kind: 'handled' });
  assert.deepEqual(seen, ['a.raw(A) /f.txt', 'b.raw(-) /f.txt', 'a.clean(A) /f.txt', 'b.clean(-) /f.txt', 'a.phys(A) /f.txt', 'b.phys(-) /f.txt', 'a.req(A) /f.txt']);
});

test('an asynchronous hook in the middle: the later modules still run after it, in order', async (t) => {
  const seen: string[] = [];
  const p = pipeline(t, '', [recorder('a', seen, () => 'continue', false), recorder('b', seen, () => 'continue', true), recorder('c', seen, (h) => (h === 'req' ? 'handled' : 'continue'), false)]);
  const r = routeRequest(ctx('/f.txt'), res, p);
  assert.ok(r instanceof Promise);
  assert.deepEqual(await r, { kind: 'handled' });
  const order = seen.map((s) => s.split('(')[0]);
  assert.deepEqual(order, ['a.raw', 'b.raw', 'c.raw', 'a.clean', 'b.clean', 'c.clean', 'a.phys', 'b.phys', 'c.phys', 'a.req', 'b.req', 'c.req']);
});

test('restart from a synchronous and from an asynchronous hook; nobody claims → 403; a missing file → 404', async (t) => {
  for (const isAsync of [false, true]) {
    const seen: string[] = [];
    const rewrite = (h: string, req: RequestCtx): Outcome => {
      if (h === 'raw' && req.target === '/old') {
        req.target = '/f.txt';
        return 'restart';
      }
      return 'continue';
    };
    const p = pipeline(t, '', [recorder('a', seen, rewrite, isAsync)]);
    assert.deepEqual(await routeRequest(ctx('/old'), res, p), { kind: 'status', status: 403 });
    assert.equal(seen[0], 'a.raw(-) /old');
    assert.equal(seen[1], 'a.raw(-) /f.txt');
    assert.deepEqual(await routeRequest(ctx('/nothing.txt'), res, p), { kind: 'status', status: 404 });
  }
});
