/**
 * One HTTPS request over a fresh TLS connection (node's https client, no agent), answering status,
 * headers, body and what the TLS layer negotiated.
 */
import { request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** What came back. */
export interface HttpsAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The ALPN protocol the server selected (false: none). */
  readonly alpn: string | false;
  /** `TLSv1.3`, `TLSv1.2`. */
  readonly protocol: string | null;
}

/** Request options beyond the URL path. */
export interface HttpsOptions {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Trusted CA (PEM); without it the certificate is not verified. */
  readonly ca?: string;
  readonly alpn?: readonly string[];
  readonly maxVersion?: 'TLSv1.2' | 'TLSv1.3';
}

/** GETs (or `method`s) `path` from 127.0.0.1:`port` over TLS with SNI `localhost`. */
export function httpsRequest(port: number, path: string, o: HttpsOptions = {}): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: o.method ?? 'GET',
        headers: { Host: 'localhost', ...o.headers },
        servername: 'localhost',
        agent: false,
        ...(o.ca !== undefined ? { ca: o.ca } : { rejectUnauthorized: false }),
        ...(o.alpn ? { ALPNProtocols: [...o.alpn] } : {}),
        ...(o.maxVersion ? { maxVersion: o.maxVersion } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        const socket = res.socket as TLSSocket;
        const alpn = socket.alpnProtocol;
        const protocol = socket.getProtocol();
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString(), alpn: alpn ?? false, protocol }));
        res.on('error', reject);
      },
    );
    req.setTimeout(5000, () => req.destroy(new Error('https request timed out')));
    req.on('error', reject);
    req.end();
  });
}
