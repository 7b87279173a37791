/**
 * mod_setenv: `setenv.add-request-header`, `setenv.set-request-header`, `setenv.add-response-header`,
 * `setenv.set-response-header`, `setenv.add-environment`, `setenv.set-environment`
 * (lighttpd src/mod_setenv.c, http-core.md §9.5).
 *
 * The config is captured once per request at uri-clean (so when an earlier uri-clean module such as
 * mod_access answered first, no headers are added — module order is observable, as in lighttpd), and
 * request headers and environment are changed then. Response headers are added when the response
 * starts, error pages included (not the 416 page, which lighttpd builds after that stage): add = one
 * more header line, set = replace (an empty value removes).
 */
import type { HttpResponse } from '../http1/response.js';
import type { DiagnosticSink } from '../diagnostics.js';
import type { BlockValues, Module, Outcome } from './module.js';
import { setEnv, type RequestCtx } from '../request/context.js';
import { readKvStrings } from './values.js';
import { configBytes } from '../config/config-bytes.js';

type Pairs = readonly (readonly [string, string])[];

/** Effective mod_setenv settings. */
export interface SetenvConf {
  readonly addRequestHeader: Pairs;
  readonly setRequestHeader: Pairs;
  readonly addResponseHeader: Pairs;
  readonly setResponseHeader: Pairs;
  readonly addEnvironment: Pairs;
  readonly setEnvironment: Pairs;
}

const KEYS: Readonly<Record<string, keyof SetenvConf>> = {
  'setenv.add-request-header': 'addRequestHeader',
  'setenv.set-request-header': 'setRequestHeader',
  'setenv.add-response-header': 'addResponseHeader',
  'setenv.set-response-header': 'setResponseHeader',
  'setenv.add-environment': 'addEnvironment',
  'setenv.set-environment': 'setEnvironment',
};

/** Appends to a request header the way lighttpd joins repeats (`, `, Cookie with `; `). */
function appendRequestHeader(req: RequestCtx, name: string, value: string): void {
  const headers = req.headers as Map<string, string>;
  const key = name.toLowerCase();
  const old = headers.get(key);
  const joined = old === undefined || old === '' ? value : `${old}${key === 'cookie' ? '; ' : ', '}${value}`;
  if (old === undefined) (req.addedHeaderNames ??= new Map()).set(key, name);
  headers.set(key, joined);
  req.raw.headers[key] = joined;
}

function setRequestHeader(req: RequestCtx, name: string, value: string): void {
  const headers = req.headers as Map<string, string>;
  const key = name.toLowerCase();
  if (value === '') {
    headers.delete(key);
    delete req.raw.headers[key];
  } else {
    if (!headers.has(key)) (req.addedHeaderNames ??= new Map()).set(key, name);
    headers.set(key, value);
    req.raw.headers[key] = value;
  }
}

/** Creates mod_setenv. */
export function createSetenvModule(): Module<SetenvConf> {
  const captured = new WeakMap<RequestCtx, SetenvConf>();
  return {
    name: 'mod_setenv',
    keys: Object.fromEntries(Object.keys(KEYS).map((k) => [k, { type: 'array-kv-strings' as const }])),
    defaults: { addRequestHeader: [], setRequestHeader: [], addResponseHeader: [], setResponseHeader: [], addEnvironment: [], setEnvironment: [] },
    compile(values: BlockValues, report: DiagnosticSink): Partial<SetenvConf> {
      const out: Partial<Record<keyof SetenvConf, Pairs>> = {};
      for (const [key, prop] of Object.entries(KEYS)) {
        const e = values.entries.get(key);
        if (!e) continue;
        // lighttpd trims surrounding whitespace from the values; they go out as their UTF-8 bytes
        const pairs = readKvStrings(e, report);
        if (pairs) out[prop] = pairs.map(([k, v]) => [k, configBytes(v.trim())] as const);
      }
      return out;
    },
    onUriClean(req: RequestCtx, _res: HttpResponse, conf: SetenvConf): Outcome {
      if (captured.has(req)) return 'continue';
      captured.set(req, conf);
      for (const [k, v] of conf.addRequestHeader) appendRequestHeader(req, k, v);
      for (const [k, v] of conf.setRequestHeader) setRequestHeader(req, k, v);
      for (const [k, v] of conf.addEnvironment) {
        const old = req.env.get(k);
        setEnv(req, k, old === undefined ? v : `${old}, ${v}`);
      }
      for (const [k, v] of conf.setEnvironment) setEnv(req, k, v);
      return 'continue';
    },
    onResponseStart(req: RequestCtx, res: HttpResponse): void {
      const conf = captured.get(req);
      // lighttpd builds the 416 page in its Range stage, after response-start, and that page discards
      // every header set before it (http-core.md §6.2, §8.6)
      if (!conf || res.headersSent || res.statusCode === 416) return;
      for (const [k, v] of conf.addResponseHeader) {
        if (v !== '') res.appendHeader(k, v);
      }
      for (const [k, v] of conf.setResponseHeader) {
        if (v === '') res.removeHeader(k);
        else res.setHeader(k, v);
      }
    },
  };
}
