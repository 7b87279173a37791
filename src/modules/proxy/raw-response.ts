/**
 * Writing an HTTP/1.1 response by hand on a raw client socket: used on the Upgrade path, where node's
 * ServerResponse is not available (the 101 that starts a tunnel, a backend's refusal, an error page).
 */
import type { Duplex } from 'node:stream';

/** lighttpd's reason phrases for the statuses this module produces or relays most (others: empty). */
const REASONS: Readonly<Record<number, string>> = {
  100: 'Continue', 101: 'Switching Protocols', 103: 'Early Hints', 200: 'OK', 204: 'No Content', 301: 'Moved Permanently',
  302: 'Found', 304: 'Not Modified', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 411: 'Length Required', 426: 'Upgrade Required', 500: 'Internal Server Error',
  502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

/** The reason phrase lighttpd writes for `status` (empty for codes it does not know). */
export function reasonOf(status: number): string {
  return REASONS[status] ?? '';
}

/** The `Date` header value (IMF-fixdate). */
export function httpDate(d = new Date()): string {
  return d.toUTCString();
}

/** Serialises a status line and headers (plus `Date`/`Server` when the list has none). */
export function serializeHead(
  status: number,
  headers: readonly (readonly [string, string])[],
  serverTag: string | null,
): string {
  let text = `HTTP/1.1 ${status} ${reasonOf(status)}\r\n`;
  for (const [name, value] of headers) text += `${name}: ${value}\r\n`;
  const has = (n: string): boolean => headers.some((h) => h[0].toLowerCase() === n);
  if (!has('date')) text += `Date: ${httpDate()}\r\n`;
  if (serverTag !== null && serverTag !== '' && !has('server')) text += `Server: ${serverTag}\r\n`;
  return `${text}\r\n`;
}

/** lighttpd's built-in error document for `status`. */
export function errorPage(status: number): string {
  const title = `${status} ${reasonOf(status)}`;
  return (
    '<?xml version="1.0" encoding="iso-8859-1"?>\n' +
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"\n' +
    '         "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n' +
    '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">\n' +
    ' <head>\n' +
    `  <title>${title}</title>\n` +
    ' </head>\n' +
    ' <body>\n' +
    `  <h1>${title}</h1>\n` +
    ' </body>\n' +
    '</html>\n'
  );
}

/** Writes an error page with `Connection: close` and ends the socket. */
export function writeRawError(socket: Duplex, status: number, serverTag: string | null): void {
  if (socket.destroyed) return;
  const body = Buffer.from(errorPage(status), 'latin1');
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
