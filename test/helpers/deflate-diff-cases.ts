/**
 * Config, files, backend and requests of the mod_deflate differential test
 * (test/integration/deflate-diff.test.ts). `@ETAG:file@` in a request is replaced by that file's ETag
 * without its closing quote, so a case can name the compressed ETag (`@ETAG:a.txt@-gzip"`).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';

/** One request of the differential test. */
export interface DeflateCase {
  readonly name: string;
  readonly request: string;
  /** A proxied answer: Accept-Ranges is not compared (mod_proxy's own difference, docs/compat.md). */
  readonly proxied?: boolean;
}

export const TEXT = 'line of compressible text for mod_deflate\n'.repeat(200);

/** Files under the shared document root. */
export const DEFLATE_FILES: Readonly<Record<string, string>> = {
  'a.txt': TEXT,
  'page.html': `<html><body>${TEXT}</body></html>\n`,
  'app.js': `var s = ${JSON.stringify(TEXT)};\n`,
  'style.css': `body { color: red; }\n`.repeat(40),
  'pic.png': TEXT,
  'tiny.txt': 'tiny\n',
  'b256.txt': 'x'.repeat(256),
  'b257.txt': 'x'.repeat(257),
  'big.txt': Array.from({ length: 20000 }, (_, i) => `row ${i} of a larger text file\n`).join(''),
  'off/a.txt': TEXT,
  'small-max/a.txt': TEXT,
  'vary/a.txt': TEXT,
  'level/a.txt': TEXT,
};

/** The config both servers run (deflate.cache-dir under each server's own directory). */
export function deflateConfig(docroot: string, backendPort: number): string {
  return `server.document-root = "${docroot}"
server.modules = ( "mod_setenv", "mod_deflate", "mod_proxy" )
mimetype.assign = ( ".txt" => "text/plain", ".html" => "text/html", ".js" => "application/javascript", ".css" => "text/css", ".png" => "image/png" )
deflate.mimetypes = ( "text/", "application/javascript" )
deflate.allowed-encodings = ( "br", "gzip", "deflate" )
deflate.cache-dir = "@DIR@/cache/"
$HTTP["url"] =^ "/off/" { deflate.mimetypes = () }
$HTTP["url"] =^ "/small-max/" { deflate.max-compress-size = 4 }
$HTTP["url"] =^ "/vary/" { setenv.add-response-header = ( "Vary" => "Cookie" ) }
$HTTP["url"] =^ "/level/" { deflate.compression-level = 9 }
$HTTP["url"] =^ "/p/" { proxy.server = ( "" => ( ( "host" => "127.0.0.1", "port" => ${backendPort} ) ) ) }
`;
}

/** The legacy mod_compress spelling of a similar setup. */
export function compressConfig(docroot: string): string {
  return `server.document-root = "${docroot}"
server.modules = ( "mod_compress" )
mimetype.assign = ( ".txt" => "text/plain", ".html" => "text/html", ".js" => "application/javascript", ".css" => "text/css", ".png" => "image/png" )
compress.filetype = ( "text/plain", "text/html", "application/javascript" )
compress.allowed-encodings = ( "gzip", "deflate" )
compress.cache-dir = "@DIR@/compress/"
compress.max-filesize = 0
`;
}

/** A text backend: a length, chunked in two writes, tiny chunked, already encoded, Vary + ETag. */
export async function startDeflateBackend(): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    switch (req.url) {
      case '/p/len':
        res.end(TEXT);
        return;
      case '/p/chunked':
        res.write(TEXT.slice(0, 1000));
        setTimeout(() => res.end(TEXT.slice(1000)), 20);
        return;
      case '/p/tiny':
        res.write('ti');
        setTimeout(() => res.end('ny\n'), 20);
        return;
      case '/p/encoded':
        res.setHeader('Content-Encoding', 'identity');
        res.end(TEXT);
        return;
      case '/p/json':
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ text: TEXT }));
        return;
      default:
        res.setHeader('Vary', 'Cookie');
        res.setHeader('ETag', '"backend-etag"');
        res.end(TEXT);
    }
  });
  server.keepAliveTimeout = 500;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function req(method: string, target: string, headers: readonly string[] = [], version = 'HTTP/1.1', body = ''): string {
  const host = version === 'HTTP/1.1' ? ['Host: localhost'] : [];
  return [`${method} ${target} ${version}`, ...host, ...headers, 'Connection: close', '', body].join('\r\n');
}

const ae = (v: string): string => `Accept-Encoding: ${v}`;

function gets(prefix: string, target: string, codings: readonly string[]): DeflateCase[] {
  return codings.map((c) => ({ name: `${prefix} ${target} [${c}]`, request: req('GET', target, [ae(c)]) }));
}

/** The requests: negotiation, what is left alone, limits, conditionals, Range, error pages, proxied bodies. */
export const DEFLATE_CASES: readonly DeflateCase[] = [
  ...gets('coding', '/a.txt', ['gzip', 'deflate', 'br', 'x-gzip', 'gzip, deflate, br', 'deflate, gzip', 'deflate, x-gzip', 'gzip;q=0', 'br;q=0, gzip', 'GZIP', 'identity', '*', 'compress', '', ' gzip ,deflate']),
  { name: 'no Accept-Encoding', request: req('GET', '/a.txt') },
  { name: 'HEAD gzip', request: req('HEAD', '/a.txt', [ae('gzip')]) },
  { name: 'POST gzip', request: req('POST', '/a.txt', [ae('gzip'), 'Content-Length: 0']) },
  { name: 'HTTP/1.0 gzip', request: req('GET', '/a.txt', [ae('gzip')], 'HTTP/1.0') },
  ...gets('type', '/page.html', ['br', 'gzip']),
  ...gets('type', '/app.js', ['gzip']),
  ...gets('type', '/style.css', ['deflate']),
  ...gets('type', '/pic.png', ['gzip']),
  ...gets('size', '/tiny.txt', ['gzip']),
  ...gets('size', '/b256.txt', ['gzip']),
  ...gets('size', '/b257.txt', ['gzip']),
  ...gets('size', '/big.txt', ['gzip', 'br', 'deflate']),
  { name: 'HTTP/1.0 big gzip', request: req('GET', '/big.txt', [ae('gzip')], 'HTTP/1.0') },
  ...gets('block', '/off/a.txt', ['gzip']),
  ...gets('block', '/small-max/a.txt', ['gzip']),
  ...gets('block', '/vary/a.txt', ['gzip']),
  ...gets('block', '/level/a.txt', ['gzip', 'br']),
  { name: 'again (cache) gzip', request: req('GET', '/a.txt', [ae('gzip')]) },
  { name: 'again (cache) br', request: req('GET', '/a.txt', [ae('br')]) },
  { name: 'Range + gzip', request: req('GET', '/a.txt', [ae('gzip'), 'Range: bytes=0-9']) },
  { name: 'Range without coding', request: req('GET', '/a.txt', ['Range: bytes=0-9']) },
  { name: 'Range + gzip, png', request: req('GET', '/pic.png', [ae('gzip'), 'Range: bytes=0-9']) },
  { name: 'Range + gzip, tiny', request: req('GET', '/tiny.txt', [ae('gzip'), 'Range: bytes=0-1']) },
  { name: 'INM compressed gzip', request: req('GET', '/a.txt', [ae('gzip'), 'If-None-Match: @ETAG:a.txt@-gzip"']) },
  { name: 'INM compressed br', request: req('GET', '/a.txt', [ae('br'), 'If-None-Match: @ETAG:a.txt@-br"']) },
  { name: 'INM gzip, asks br', request: req('GET', '/a.txt', [ae('br'), 'If-None-Match: @ETAG:a.txt@-gzip"']) },
  { name: 'INM compressed x-gzip', request: req('GET', '/a.txt', [ae('x-gzip'), 'If-None-Match: @ETAG:a.txt@-x-gzip"']) },
  { name: 'INM compressed HEAD', request: req('HEAD', '/a.txt', [ae('gzip'), 'If-None-Match: @ETAG:a.txt@-gzip"']) },
  { name: 'INM compressed POST', request: req('POST', '/a.txt', [ae('gzip'), 'If-None-Match: @ETAG:a.txt@-gzip"', 'Content-Length: 0']) },
  { name: 'INM plain ETag', request: req('GET', '/a.txt', [ae('gzip'), 'If-None-Match: @ETAG:a.txt@"']) },
  { name: 'IMS + gzip', request: req('GET', '/a.txt', [ae('gzip'), 'If-Modified-Since: Sun, 22 Nov 2099 13:39:26 GMT']) },
  { name: '404 gzip', request: req('GET', '/missing.txt', [ae('gzip')]) },
  { name: '404 br', request: req('GET', '/missing.txt', [ae('br')]) },
  { name: '404 plain', request: req('GET', '/missing.txt') },
  { name: '405 gzip', request: req('PUT', '/a.txt', [ae('gzip'), 'Content-Length: 0']) },
  ...['/p/len', '/p/chunked', '/p/tiny', '/p/encoded', '/p/json', '/p/vary'].map((p) => ({ name: `proxy ${p}`, request: req('GET', p, [ae('gzip')]), proxied: true })),
  { name: 'proxy INM backend ETag', request: req('GET', '/p/vary', [ae('gzip'), 'If-None-Match: "backend-etag-gzip"']), proxied: true },
  { name: 'proxy br', request: req('GET', '/p/len', [ae('br')]), proxied: true },
  { name: 'proxy HEAD', request: req('HEAD', '/p/len', [ae('gzip')]), proxied: true },
];

/** The requests of the mod_compress run. */
export const COMPRESS_CASES: readonly DeflateCase[] = [
  ...gets('compress', '/a.txt', ['gzip', 'deflate', 'br', 'gzip, deflate, br']),
  ...gets('compress', '/page.html', ['gzip']),
  ...gets('compress', '/app.js', ['gzip']),
  ...gets('compress', '/style.css', ['gzip']),
  ...gets('compress', '/big.txt', ['gzip']),
  ...gets('compress', '/tiny.txt', ['gzip']),
  { name: 'compress again', request: req('GET', '/a.txt', [ae('gzip')]) },
  { name: 'compress 404', request: req('GET', '/missing.txt', [ae('gzip')]) },
];
