/**
 * lighttpd's error documents and body-less statuses (http-core.md §6.2): the errorfile-prefix file or the
 * built-in page, with every header set so far dropped; redirects and `OPTIONS` with `Content-Length: 0`.
 * The header block itself is the engine's (src/http1/header-block.ts).
 */
import { readFile } from 'node:fs/promises';
import type { HttpResponse } from '../http1/response.js';
import { builtinErrorPage } from '../http/status-text.js';

/** Removes every header set so far, except WWW-Authenticate on a 401 (lighttpd's error document rule). */
export function resetHeadersForError(res: HttpResponse, status: number): void {
  for (const name of res.getHeaderNames()) {
    if (status === 401 && name === 'www-authenticate') continue;
    res.removeHeader(name);
  }
}

/** Sends lighttpd's error document for status >= 400 (errorfile-prefix file or the built-in page). */
export async function sendErrorDocument(res: HttpResponse, status: number, errorfilePrefix: string): Promise<void> {
  resetHeadersForError(res, status);
  let body: Buffer | null = null;
  if (errorfilePrefix !== '') {
    try {
      body = await readFile(`${errorfilePrefix}${status}.html`);
    } catch {
      body = null;
    }
  }
  if (res.headersSent || res.writableEnded) return;
  const data = body ?? Buffer.from(builtinErrorPage(status), 'latin1');
  res.setHeader('Content-Type', 'text/html');
  res.setHeader('Content-Length', data.length);
  res.writeHead(status);
  res.end(data);
}

/**
 * Sends a status without a body (3xx redirects, OPTIONS 200): `Content-Length: 0`, except for 204, 304 and
 * answers to HEAD (lighttpd's http_response_write_prepare adds it only where a body could be).
 */
export function sendEmpty(res: HttpResponse, status: number, extra: Readonly<Record<string, string>>): void {
  for (const [k, v] of Object.entries(extra)) res.setHeader(k, v);
  if (status !== 204 && status !== 304 && !res.isHead) res.setHeader('Content-Length', '0');
  res.writeHead(status);
  res.end();
}
