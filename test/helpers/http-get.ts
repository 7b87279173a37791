/**
 * A plain HTTP client for tests that look at encoded bodies: one request on its own connection, the body
 * returned as sent (no decoding), and `decodeBody` to undo a Content-Encoding with node's zlib.
 */
import http from 'node:http';
import zlib from 'node:zlib';

/** One answer, body as sent. */
export interface GotResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Sends one request to 127.0.0.1:`port`. */
export function httpGet(port: number, path: string, headers: Readonly<Record<string, string>> = {}, method = 'GET', body?: string): Promise<GotResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The body with its Content-Encoding undone (gzip, x-gzip, deflate, br; none: as it is). */
export function decodeBody(encoding: string | undefined, body: Buffer): Buffer {
  switch (encoding) {
    case undefined:
      return body;
    case 'gzip':
    case 'x-gzip':
      return zlib.gunzipSync(body);
    case 'deflate':
      return zlib.inflateSync(body);
    case 'br':
      return zlib.brotliDecompressSync(body);
    default:
      throw new Error(`unexpected Content-Encoding ${encoding}`);
  }
}
