/**
 * mod_deflate (lighttpd 1.4.69 src/mod_deflate.c; http-core.md §12.3), also loaded for the legacy
 * mod_compress (src/config/module-list.ts) with its compress.* keys mapped (config.ts).
 *
 * Keys: deflate.mimetypes, deflate.allowed-encodings, deflate.min-compress-size,
 * deflate.max-compress-size, deflate.compression-level, deflate.cache-dir, deflate.max-loadavg
 * (+ the inactive deflate.output-buffer-size / deflate.work-block-size, and deflate.params, ignored).
 *
 * At response start (after error documents), a response is compressed when: the method is not HEAD; the
 * status has a body (not 1xx, 204, 205, 304); no Transfer-Encoding or Content-Encoding is set; mimetypes
 * and allowed-encodings are configured (1.4.69 compresses nothing without deflate.allowed-encodings);
 * Accept-Encoding names an allowed coding (encodings.ts: q-values ignored, as lighttpd does); the
 * Content-Type starts with a configured prefix; the body is larger than min-compress-size and at most
 * max-compress-size; the load is not above max-loadavg. It then gets `Vary: Accept-Encoding`, the
 * coding appended inside its ETag's quotes, `Content-Encoding`, and a new Content-Length; Range is not
 * applied to it (RequestCtx.compressesBody). Static files are cached compressed in deflate.cache-dir.
 * WebSocket and proxy upgrade tunnels never pass through here (101, and their bytes bypass responses).
 *
 * Differences (docs/compat.md): no zstd or bzip2; a streamed body whose compressed form exceeds 1 MiB
 * goes out chunked instead of with a Content-Length; a proxied body of unknown length larger than
 * min-compress-size is compressed whatever max-compress-size says.
 */
import { mkdirSync, statSync } from 'node:fs';
import type { DiagnosticSink } from '../../diagnostics.js';
import type { HttpResponse } from '../../http1/response.js';
import type { RequestCtx } from '../../request/context.js';
import type { BlockValues, Module, ModuleEnv, Outcome } from '../module.js';
import { compileDeflate, DEFLATE_DEFAULTS, DEFLATE_KEYS, type DeflateConf } from './config.js';
import { chooseEncoding } from './encodings.js';
import { applyCompression, isCandidate, overloaded, sizeAllowed, typeAllowed, type PlanEnv } from './plan.js';
import { PendingFilter } from './pending-filter.js';

/**
 * uri-clean: for a request that may get a compressed answer, tells mod_staticfile / mod_dirlisting which
 * whole bodies will be compressed, so that they skip Range as lighttpd's Range stage does then.
 */
function onUriClean(req: RequestCtx, _res: HttpResponse, conf: DeflateConf): Outcome {
  const mimetypes = conf.mimetypes;
  if (mimetypes === null || conf.allowed === null || req.method === 'HEAD') return 'continue';
  const ae = req.headers.get('accept-encoding');
  if (ae === undefined || chooseEncoding(ae, conf.allowed) === null) return 'continue';
  req.compressesBody = (contentType, length) => sizeAllowed(conf, length) && typeAllowed(mimetypes, contentType) && !overloaded(conf);
  return 'continue';
}

/** Creates mod_deflate. */
export function createDeflateModule(): Module<DeflateConf> {
  const cacheDirs = new Set<string>();
  const env: { -readonly [K in keyof PlanEnv]: PlanEnv[K] } = { log: () => undefined };
  return {
    name: 'mod_deflate',
    keys: DEFLATE_KEYS,
    defaults: DEFLATE_DEFAULTS,
    compile(values: BlockValues, report: DiagnosticSink): Partial<DeflateConf> {
      const partial = compileDeflate(values, report);
      if (partial.cacheDir) cacheDirs.add(partial.cacheDir);
      return partial;
    },
    init(moduleEnv: ModuleEnv): void {
      env.log = (message) => moduleEnv.log(message);
    },
    start(report: DiagnosticSink): Promise<void> {
      // lighttpd: the cache directory must exist or be creatable (0700), else the server does not start
      for (const dir of cacheDirs) {
        try {
          if (!statSync(dir, { throwIfNoEntry: false })) mkdirSync(dir, { recursive: true, mode: 0o700 });
        } catch (e) {
          report.report({ severity: 'error', code: 'TSW_DEFLATE_CACHE_DIR', message: `can't stat deflate.cache-dir ${dir} ${(e as Error).message}` });
        }
      }
      return Promise.resolve();
    },
    onUriClean,
    onResponseStart(req: RequestCtx, res: HttpResponse, conf: DeflateConf): void {
      const label = isCandidate(req, res, conf);
      if (label === null) return;
      const length = res.knownLength;
      if (length >= 0) {
        const filter = applyCompression(req, res, conf, label, length, env);
        if (filter !== null) res.setBodyFilter(filter);
        return;
      }
      const late = (total: number): ReturnType<typeof applyCompression> => applyCompression(req, res, conf, label, total, env);
      res.setBodyFilter(new PendingFilter(res, late, conf.minCompressSize));
    },
  };
}
