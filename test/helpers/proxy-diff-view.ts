/**
 * What a differential proxy test compares for one request: the status and a few headers the client
 * gets, and every request the backend received (request line, headers in order, body size).
 */
import { rawRequest } from './raw-http.js';
import type { Recorded } from './proxy-backends.js';

/**
 * Sends `request` to `port` and describes the outcome as text; `seen` is the backend's record list,
 * `ownPort` the proxy's port (Forwarded `by=` names it, which differs between the two servers).
 *
 * The one normalisation: tswstunnel keeps backend connections alive, so where lighttpd sends
 * `Connection: close` (with the same `, te` / `, upgrade` tokens after it) tswstunnel sends
 * `Connection: keep-alive` (docs/compat.md, mod_proxy); that first token is compared as `close`.
 */
export async function proxiedView(port: number, request: string, seen: readonly Recorded[], ownPort: number): Promise<string> {
  const before = seen.length;
  const isHead = request.startsWith('HEAD ');
  const ex = await rawRequest(port, request, { timeoutMs: 3000, expect: 1, head: [isHead] });
  const r = ex.responses[0];
  const client = r
    ? [`status=${r.status}`, ...['location', 'set-cookie', 'content-type'].map((h) => `${h}=${r.header(h) ?? '-'}`)]
    : ['no response'];
  const backend = seen.slice(before).map((rec) => {
    const lines = [`${rec.method} ${rec.url} HTTP/${rec.httpVersion}`];
    for (let i = 0; i + 1 < rec.rawHeaders.length; i += 2) {
      const name = rec.rawHeaders[i] ?? '';
      let value = rec.rawHeaders[i + 1] ?? '';
      if (name.toLowerCase() === 'connection') value = value.replace(/^keep-alive\b/, 'close');
      lines.push(`${name}: ${value}`);
    }
    lines.push(`(${rec.bodyBytes} body bytes)`);
    return lines.join('\n').replaceAll(`127.0.0.1:${ownPort}`, '127.0.0.1:<port>');
  });
  return [...client, '-- backend saw:', ...(backend.length ? backend : ['nothing'])].join('\n');
}
