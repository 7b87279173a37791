/**
 * Writing an HTTP/1.1 response by hand on a raw client socket: used on the Upgrade path, where node's
 * ServerResponse is not available (the 101 that starts a tunnel, a backend's refusal).
 */
import { dateLine } from '../../http1/header-block.js';
import { reasonPhrase } from '../../http/status-text.js';

/** Serialises a status line and headers (plus `Date`, and `Server` unless `serverTag` is empty, when the list has none). */
export function serializeHead(
  status: number,
  headers: readonly (readonly [string, string])[],
  serverTag: string,
): string {
  let text = `HTTP/1.1 ${status} ${reasonPhrase(status)}\r\n`;
  for (const [name, value] of headers) text += `${name}: ${value}\r\n`;
  const has = (n: string): boolean => headers.some((h) => h[0].toLowerCase() === n);
  if (!has('date')) text += `${dateLine().slice(2)}\r\n`;
  if (serverTag !== '' && !has('server')) text += `Server: ${serverTag}\r\n`;
  return `${text}\r\n`;
}

