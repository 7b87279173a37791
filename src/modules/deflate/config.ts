/**
 * mod_deflate's keys (lighttpd 1.4.69 src/mod_deflate.c set_defaults), checked once per config block.
 *
 * The legacy mod_compress keys are the same settings under old names, each with lighttpd's DEPRECATED
 * warning: compress.filetype → deflate.mimetypes, compress.allowed-encodings → deflate.allowed-encodings,
 * compress.cache-dir → deflate.cache-dir, compress.max-filesize → deflate.max-compress-size,
 * compress.max-loadavg → deflate.max-loadavg (in one block the compress.* key wins, as in lighttpd).
 * deflate.output-buffer-size and deflate.work-block-size do nothing in 1.4.69 and are accepted;
 * deflate.params is accepted with a warning and not applied (docs/compat.md).
 */
import type { DiagnosticSink } from '../../diagnostics.js';
import type { ConfigEntry } from '../../config/tree.js';
import type { BlockValues, KeySpec } from '../module.js';
import { readShort, readStringList } from '../values.js';
import { allowedFromList } from './encodings.js';

/** Effective mod_deflate settings. */
export interface DeflateConf {
  /** Content-Type prefixes to compress; null: compress nothing (the default, and `= ()`). */
  readonly mimetypes: readonly string[] | null;
  /** Allowed codings in preference order (encodings.ts); null: the key was never set, which in 1.4.69 compresses nothing. */
  readonly allowed: readonly number[] | null;
  /** Bodies larger than this many KiB stay as they are; 0: no limit. */
  readonly maxCompressSizeKiB: number;
  /** Bodies of this many bytes or fewer stay as they are. */
  readonly minCompressSize: number;
  /** zlib level 1–9, or -1 for the codec's default (gzip 6, brotli 5 as lighttpd sets it). */
  readonly compressionLevel: number;
  /** No compression while the 1-minute load average is above this; 0: no limit. */
  readonly maxLoadavg: number;
  /** Directory for compressed copies of static files (no trailing slash); null: none. */
  readonly cacheDir: string | null;
}

/** lighttpd's defaults (max-compress-size 128 MiB counted in KiB, min-compress-size 256). */
export const DEFLATE_DEFAULTS: DeflateConf = {
  mimetypes: null,
  allowed: null,
  maxCompressSizeKiB: 128 * 1024,
  minCompressSize: 256,
  compressionLevel: -1,
  maxLoadavg: 0,
  cacheDir: null,
};

/** The keys mod_deflate claims. */
export const DEFLATE_KEYS: Readonly<Record<string, KeySpec>> = {
  'deflate.mimetypes': { type: 'array' },
  'deflate.allowed-encodings': { type: 'array' },
  'deflate.max-compress-size': { type: 'integer' },
  'deflate.min-compress-size': { type: 'short' },
  'deflate.compression-level': { type: 'short' },
  'deflate.output-buffer-size': { type: 'short' },
  'deflate.work-block-size': { type: 'short' },
  'deflate.max-loadavg': { type: 'string' },
  'deflate.cache-dir': { type: 'string' },
  'deflate.params': { type: 'array-kv-any' },
  'compress.filetype': { type: 'array' },
  'compress.allowed-encodings': { type: 'array' },
  'compress.cache-dir': { type: 'string' },
  'compress.max-filesize': { type: 'integer' },
  'compress.max-loadavg': { type: 'string' },
};

/** Old key → the deflate key it stands for. */
const LEGACY: Readonly<Record<string, string>> = {
  'compress.filetype': 'deflate.mimetypes',
  'compress.allowed-encodings': 'deflate.allowed-encodings',
  'compress.cache-dir': 'deflate.cache-dir',
  'compress.max-filesize': 'deflate.max-compress-size',
  'compress.max-loadavg': 'deflate.max-loadavg',
};

function locOf(e: ConfigEntry): { loc?: NonNullable<ConfigEntry['loc']> } {
  const loc = e.value.loc ?? e.loc;
  return loc ? { loc } : {};
}

function problem(report: DiagnosticSink, e: ConfigEntry, severity: 'error' | 'warning', message: string): void {
  report.report({ severity, code: severity === 'error' ? 'TSW_CONFIG_BAD_VALUE' : 'TSW_DEFLATE_CONFIG', message, ...locOf(e) });
}

/** lighttpd: a trailing `*` is dropped (prefix match anyway) and application/javascript means text/javascript. */
function normaliseMimetype(m: string): string {
  const s = m.length > 2 && m.endsWith('*') ? m.slice(0, -1) : m;
  return s === 'application/javascript' ? 'text/javascript' : s;
}

/** An integer (lighttpd T_CONFIG_INT: a decimal string is accepted too). */
function readInt(e: ConfigEntry, report: DiagnosticSink): number | undefined {
  const v = e.value;
  if (v.type === 'integer' && v.value >= 0) return v.value;
  if (v.type === 'string' && /^[0-9]+$/.test(v.value)) return Number(v.value);
  problem(report, e, 'error', `${e.key} should have been an integer`);
  return undefined;
}

/** deflate.compression-level: 1–9 or -1 (lighttpd refuses to start otherwise). */
function readLevel(e: ConfigEntry, report: DiagnosticSink): number | undefined {
  const v = e.value;
  const n = v.type === 'integer' ? v.value : v.type === 'string' && /^-?[0-9]+$/.test(v.value) ? Number(v.value) : NaN;
  if (n === -1 || (n >= 1 && n <= 9)) return n;
  problem(report, e, 'error', `compression-level must be between 1 and 9: ${Number.isNaN(n) ? (v.type === 'string' ? v.value : '?') : n & 0xffff}`);
  return undefined;
}

/** strtod() of the string's start, 0 when blank (lighttpd's max-loadavg). */
function readLoadavg(e: ConfigEntry): number {
  const v = e.value;
  if (v.type === 'integer') return v.value;
  if (v.type !== 'string') return 0;
  const n = Number.parseFloat(v.value.trim());
  return Number.isFinite(n) ? n : 0;
}

/** Compiles one block's deflate.* / compress.* values. */
export function compileDeflate(values: BlockValues, report: DiagnosticSink): Partial<DeflateConf> {
  const out: { -readonly [K in keyof DeflateConf]?: DeflateConf[K] } = {};
  // deflate.* first, then compress.*: the legacy spelling wins inside one block, as in lighttpd
  const ordered = [...values.entries].sort(([a], [b]) => Number(a.startsWith('compress.')) - Number(b.startsWith('compress.')));
  for (const [key, e] of ordered) {
    const legacy = LEGACY[key];
    if (legacy !== undefined) problem(report, e, 'warning', `DEPRECATED: ${key} replaced with ${legacy}`);
    switch (legacy ?? key) {
      case 'deflate.mimetypes': {
        const list = readStringList(e, report);
        if (list) out.mimetypes = list.length === 0 ? null : list.map(normaliseMimetype);
        break;
      }
      case 'deflate.allowed-encodings': {
        const list = readStringList(e, report);
        if (list) out.allowed = allowedFromList(list);
        break;
      }
      case 'deflate.max-compress-size': {
        const n = readInt(e, report);
        if (n !== undefined) out.maxCompressSizeKiB = n;
        break;
      }
      case 'deflate.min-compress-size': {
        const n = readShort(e, report);
        if (n !== undefined) out.minCompressSize = n;
        break;
      }
      case 'deflate.compression-level': {
        const n = readLevel(e, report);
        if (n !== undefined) out.compressionLevel = n;
        break;
      }
      case 'deflate.output-buffer-size':
      case 'deflate.work-block-size':
        readShort(e, report); // inactive in lighttpd 1.4.69 as well
        break;
      case 'deflate.max-loadavg':
        out.maxLoadavg = readLoadavg(e);
        break;
      case 'deflate.cache-dir': {
        const v = e.value;
        if (v.type !== 'string') {
          problem(report, e, 'error', `${e.key} should have been a string like ... = "enabled"`);
          break;
        }
        const dir = v.value.endsWith('/') ? v.value.slice(0, -1) : v.value;
        out.cacheDir = v.value.trim() === '' ? null : dir;
        break;
      }
      case 'deflate.params':
        problem(report, e, 'warning', 'deflate.params is not supported by tswstunnel (ignored); deflate.compression-level applies');
        break;
      default:
        break;
    }
  }
  return out;
}
