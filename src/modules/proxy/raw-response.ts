/**
 * Writing an HTTP/1.1 response by hand on a raw client socket: used on the Upgrade path, where node's
 * ServerResponse is not available (the 101 that starts a tunnel, a backend's refusal, an error page).
 */
import type { Duplex } from 'node:stream';
import { builtinErrorPage, reasonPhrase } from '../../http/status-text.js';

/** The `Date` header value (IMF-fixdate). */
export function httpDate(d = new Date()): string {
  return d.toUTCString();
}

/** Serialises a status line and headers (plus `Date`, and `Server` unless `serverTag` is empty, when the list has none). */
export function serializeHead(
  status: number,
  headers: readonly (readonly [string, string])[],
  serverTag: string,
): string {
  let text = `HTTP/1.1 ${status} ${reasonPhrase(status)}\r\n`;
  for (const [name, value] of headers) text += `${name}: ${value}\r\n`;
  const has = (n: string): boolean => headers.some((h) => h[0].toLowerCase() === n);
  if (!has('date')) text += `Date: ${httpDate()}\r\n`;
  if (serverTag !== '' && !has('server')) text += `Server: ${serverTag}\r\n`;
  return `${text}\r\n`;
}


/** Writes an error page with `Connection: close` and ends the socket. */
export function writeRawError(socket: Duplex, status: number, serverTag: string): void {
  if (socket.destroyed) return;
  const body = Buffer.from(builtinErrorPage(status), 'latin1');
  const head = serializeHead(
    status,
    [
      ['Content-Type', 'text/html'],
      ['Content-Length', String(body.length)],
      ['Connection', 'close'],
    ],
    serverTag,
  );
  socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]));
}
