/**
 * One request over a fresh TLS connection that presents a client certificate (or none), reporting how
 * it ended: the HTTP answer's status line and chosen headers, or that the server refused the
 * connection (a TLS alert, or a close without an answer) and how.
 */
import { connect } from 'node:tls';
import type { ClientCert } from './client-certs.js';

/** How the exchange ended. */
export interface MtlsOutcome {
  /** `HTTP/1.1 200 OK | www-authenticate: …`, or `refused`. */
  readonly summary: string;
  /** For a refusal: the alert's error code (`ERR_SSL_TLSV1_ALERT_UNKNOWN_CA`) or how the socket ended (`ECONNRESET`, `closed`). */
  readonly how: string;
}

/** Options: the client certificate, TLS version, server name, request path and the headers to report. */
export interface MtlsOptions {
  readonly client: ClientCert | null;
  readonly maxVersion?: 'TLSv1.2' | 'TLSv1.3';
  readonly servername?: string;
  readonly path?: string;
  readonly headers?: readonly string[];
}

/** Connects to 127.0.0.1:`port`, sends one GET and reads until the server closes. */
export function mtlsRequest(port: number, o: MtlsOptions): Promise<MtlsOutcome> {
  return new Promise((resolve) => {
    const s = connect({
      host: '127.0.0.1',
      port,
      servername: o.servername ?? 'localhost',
      rejectUnauthorized: false,
      maxVersion: o.maxVersion ?? 'TLSv1.3',
      ...(o.client ? { cert: o.client.cert, key: o.client.key } : {}),
    });
    let data = '';
    let error = '';
    const timer = setTimeout(() => s.destroy(new Error('timeout')), 5000);
    s.on('secureConnect', () => {
      s.write(`GET ${o.path ?? '/index.html'} HTTP/1.1\r\nHost: ${o.servername ?? 'localhost'}\r\nConnection: close\r\n\r\n`);
    });
    s.on('data', (d: Buffer) => (data += d.toString('latin1')));
    s.on('error', (e: Error) => {
      if (error === '') error = 'code' in e && typeof e.code === 'string' ? e.code : e.message;
    });
    s.on('close', () => {
      clearTimeout(timer);
      const head = data.split('\r\n\r\n')[0] ?? '';
      const lines = head.split('\r\n');
      if (data === '') return resolve({ summary: 'refused', how: error === '' ? 'closed' : error });
      const parts = [lines[0] ?? ''];
      for (const h of o.headers ?? []) {
        const line = lines.find((l) => l.toLowerCase().startsWith(`${h}:`));
        if (line !== undefined) parts.push(line.toLowerCase());
      }
      resolve({ summary: parts.join(' | '), how: '' });
    });
  });
}
