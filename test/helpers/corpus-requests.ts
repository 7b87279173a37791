/**
 * The requests of the corpus serving differential: a fixed set every config gets, plus requests derived
 * from the config's own `lighttpd -p` print — a Host for each `$HTTP["host"]` block, a URL for each
 * `$HTTP["url"]` block, and a WebSocket upgrade to each URL a wstunnel / proxy block claims.
 */

/** One request: a name for reports and the raw request text (`@ETAG@` is the server's own ETag of /index.html). */
export interface CorpusRequest {
  readonly name: string;
  readonly raw: string;
  readonly isHead?: boolean;
  readonly isUpgrade?: boolean;
}

/** The Host every request sends unless it targets a host block. */
export const DEFAULT_HOST = 'localhost';

function get(path: string, extra = '', host = DEFAULT_HOST, method = 'GET'): string {
  return `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\n${extra}Connection: close\r\n\r\n`;
}

const FIXED: readonly CorpusRequest[] = [
  { name: 'GET /', raw: get('/') },
  { name: 'GET /index.html', raw: get('/index.html') },
  { name: 'GET missing file', raw: get('/no-such-file.html') },
  { name: 'GET directory without slash', raw: get('/sub') },
  { name: 'GET directory with slash', raw: get('/sub/') },
  { name: 'GET .js', raw: get('/app.js') },
  { name: 'GET .css', raw: get('/style.css') },
  { name: 'GET .txt', raw: get('/sub/page.txt') },
  { name: 'GET unknown extension', raw: get('/data.qqzz') },
  { name: 'HEAD /index.html', raw: get('/index.html', '', DEFAULT_HOST, 'HEAD'), isHead: true },
  { name: 'HEAD directory without slash', raw: get('/sub', '', DEFAULT_HOST, 'HEAD'), isHead: true },
  { name: 'GET Range', raw: get('/notes.txt', 'Range: bytes=2-5\r\n') },
  { name: 'GET If-None-Match', raw: get('/index.html', 'If-None-Match: @ETAG@\r\n') },
  { name: 'GET %2e%2e', raw: get('/sub/%2e%2e/%2e%2e/%2e%2e/etc/passwd') },
];

/** A string the condition value matches, when one can be made simply (checked with a JS RegExp). */
function sample(op: string, value: string, kind: 'host' | 'url'): string | null {
  switch (op) {
    case '==':
      return value;
    case '=^':
      return kind === 'url' ? `${value}${value.endsWith('/') ? '' : '/'}index.html` : `${value}x.example`;
    case '=$':
      return kind === 'url' ? `/index${value}` : `x${value}`;
    case '=~': {
      let s = value.replace(/^\^/, '').replace(/\$$/, '');
      s = s.replace(/\(\?![^)]*\)/g, '').replace(/\([^()|]*\)\?/g, '').replace(/\(\?:/g, '(');
      s = s.replace(/\(([^()|]*)\|[^()]*\)/g, '$1').replace(/\|.*$/, '').replace(/\[[^\]]*\][*+]?/g, 'a');
      s = s.replace(/\.\*|\.\+/g, 'x').replace(/\\(.)/g, '$1').replace(/[()?*+$^]/g, '');
      if (kind === 'url' && !s.startsWith('/')) s = `/x${s}`;
      try {
        return new RegExp(value).test(s) ? s : null;
      } catch {
        return null;
      }
    }
    default:
      return null;
  }
}

/** The conditions of the print: field, operator, value and the block's body text. */
function conditions(print: string): { field: string; op: string; value: string; body: string }[] {
  const lines = print.split('\n');
  const out: { field: string; op: string; value: string; body: string }[] = [];
  lines.forEach((line, i) => {
    const m = /^(\s*)(?:else )?\$HTTP\["(host|url)"\] (==|!=|=~|!~|=\^|=\$) "((?:[^"\\]|\\.)*)" \{$/.exec(line);
    if (!m) return;
    const indent = m[1] ?? '';
    const end = lines.findIndex((l, n) => n > i && l.startsWith(`${indent}}`));
    out.push({ field: m[2] ?? '', op: m[3] ?? '', value: (m[4] ?? '').replace(/\\"/g, '"'), body: lines.slice(i + 1, end < 0 ? undefined : end).join('\n') });
  });
  return out;
}

function upgrade(path: string, host: string): string {
  return `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;
}

const MAX_DERIVED = 12;

/** Extensions and prefixes the global backend / CGI keys claim (`".php" => …`), as request paths. */
function claimedPaths(print: string): string[] {
  const lines = print.split('\n');
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (!/^ {4}(?:fastcgi\.server|scgi\.server|cgi\.assign|ssi\.extension)\s*=/.test(line)) return;
    for (const next of lines.slice(i + 1)) {
      if (/^ {4}\S/.test(next) || next.trim() === '') break;
      const m = /^ {8}"([^"]+)"/.exec(next);
      if (m?.[1] === undefined) continue;
      const key = m[1];
      if (key.startsWith('.')) out.push(`/index${key}`, `/script${key}`);
      else if (key.startsWith('/') && key !== '/') out.push(`${key}${key.endsWith('/') ? '' : '/'}x`);
    }
  });
  return [...new Set(out)];
}

/** The requests for a config, given its print. */
export function corpusRequests(print: string): CorpusRequest[] {
  const out = [...FIXED];
  const seen = new Set<string>();
  const conds = conditions(print);
  for (const c of conds) {
    const s = sample(c.op, c.value, c.field === 'host' ? 'host' : 'url');
    if (s === null || s === '' || /[\s\r\n]/.test(s) || seen.has(`${c.field} ${s}`) || seen.size >= MAX_DERIVED) continue;
    seen.add(`${c.field} ${s}`);
    if (c.field === 'host') {
      out.push({ name: `Host ${s} GET /`, raw: get('/', '', s) }, { name: `Host ${s} GET /index.html`, raw: get('/index.html', '', s) });
    } else {
      out.push({ name: `GET ${s}`, raw: get(s) });
    }
    if (/\b(?:wstunnel|proxy)\.server\b/.test(c.body)) {
      const path = c.field === 'url' ? s : '/';
      out.push({ name: `WebSocket upgrade ${c.field === 'host' ? `Host ${s} ` : ''}${path}`, raw: upgrade(path, c.field === 'host' ? s : DEFAULT_HOST), isUpgrade: true });
    }
  }
  // /index.EXT does not exist (lighttpd: 404 before the module), /script.EXT does (corpus-entry.ts SERVED_FILES)
  for (const p of claimedPaths(print)) out.push({ name: `GET ${p} (claimed by a backend or CGI module)`, raw: get(p) });
  if (/^ {4}(?:wstunnel|proxy)\.server\b/m.test(print)) out.push({ name: 'WebSocket upgrade /', raw: upgrade('/', DEFAULT_HOST), isUpgrade: true });
  return out;
}
