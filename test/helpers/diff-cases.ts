/**
 * The request list of the HTTP differential test (test/integration/http-diff.test.ts): conditions,
 * static files, conditional and range requests, redirects, rewrites, access rules, path safety and
 * malformed requests. Every request is raw bytes, so nothing is normalised on the client side.
 */

/** One request of the differential test. */
export interface DiffCase {
  readonly name: string;
  readonly request: string;
  /** The body is generated HTML whose bytes may differ (directory listings). */
  readonly ignoreBody?: boolean;
}

const LM = 'Sun, 22 Nov 2026 13:39:26 GMT';

function req(method: string, target: string, headers: readonly string[] = [], version = 'HTTP/1.1', body = ''): string {
  const host = version === 'HTTP/1.1' && !headers.some((h) => /^host:/i.test(h)) ? ['Host: localhost'] : [];
  return [`${method} ${target} ${version}`, ...host, ...headers, 'Connection: close', '', body].join('\r\n');
}

const get = (target: string, ...headers: string[]): string => req('GET', target, headers);

function many(prefix: string, targets: readonly string[], build: (t: string) => string = (t) => get(t)): DiffCase[] {
  return targets.map((t) => ({ name: `${prefix} ${t}`, request: build(t) }));
}

/** Static files, MIME types and methods. */
const STATIC: DiffCase[] = [
  ...many('static', [
    '/hello.txt', '/range.txt', '/big.txt', '/empty.txt', '/a%20b.txt', '/a%25b.txt', '/style.css', '/data.json', '/img.svg',
    '/app.js', '/blob.bin', '/README', '/UPPER.TXT', '/.hidden', '/missing.txt', '/sub/file.js', '/sub/deep/x.txt',
    '/x.php', '/x.PHP', '/hello.txt/extra', '/hello.txt/', '/sub/file.js/a/b', '/%68ello.txt', '/hello%2Etxt', '/sub%2Ffile.js',
    '/sub%2ffile.js', '/%zz', '/%E2%82%AC', '/hello.txt#frag', '/hello.txt?x=1', '/HELLO.txt', '/hello.txt.', '/link-out.txt',
  ]),
  { name: 'static raw space', request: get('/a b.txt') },
  { name: 'HEAD file', request: req('HEAD', '/hello.txt') },
  { name: 'HEAD empty', request: req('HEAD', '/empty.txt') },
  { name: 'HEAD redirect', request: req('HEAD', '/old/x') },
  { name: 'HEAD directory redirect', request: req('HEAD', '/sub') },
  { name: 'HEAD 302 redirect', request: req('HEAD', '/r302/x') },
  { name: 'POST file', request: req('POST', '/hello.txt', ['Content-Length: 3'], 'HTTP/1.1', 'abc') },
  { name: 'POST no length', request: req('POST', '/hello.txt', [], 'HTTP/1.0') },
  { name: 'PUT file', request: req('PUT', '/hello.txt', ['Content-Length: 0']) },
  { name: 'DELETE file', request: req('DELETE', '/hello.txt') },
  { name: 'PATCH file', request: req('PATCH', '/hello.txt', ['Content-Length: 0']) },
  { name: 'OPTIONS file', request: req('OPTIONS', '/hello.txt') },
  { name: 'OPTIONS *', request: req('OPTIONS', '*', [], 'HTTP/1.0') },
  { name: 'OPTIONS missing', request: req('OPTIONS', '/missing') },
  { name: 'HTTP/1.0 file', request: req('GET', '/hello.txt', [], 'HTTP/1.0') },
  { name: 'absolute-form', request: req('GET', 'http://localhost/hello.txt') },
];

/** Directories, index files, listings. */
const DIRS: DiffCase[] = [
  ...many('dir', ['/', '/sub', '/sub/', '/sub?x=1&y=%20', '/noindex', '/noindex/', '/emptydir/', '/sub/deep', '/sub/deep/', '/sub/.', '/sub/..', '/a%20dir']),
  { name: 'listing /listing/', request: get('/listing/'), ignoreBody: true },
  { name: 'listing /listing/dir/', request: get('/listing/dir/'), ignoreBody: true },
  { name: 'listing HEAD', request: req('HEAD', '/listing/'), ignoreBody: true },
  { name: 'listing POST', request: req('POST', '/listing/', ['Content-Length: 0']) },
  { name: 'listing no slash', request: get('/listing') },
  { name: 'listing file', request: get('/listing/one.txt') },
  { name: 'listing css type', request: get('/listing/two.css') },
];

/** Conditional requests (T2) and ranges (T3). */
const CONDITIONAL: DiffCase[] = [
  { name: 'IMS equal', request: get('/hello.txt', `If-Modified-Since: ${LM}`) },
  { name: 'IMS later', request: get('/hello.txt', 'If-Modified-Since: Mon, 23 Nov 2026 00:00:00 GMT') },
  { name: 'IMS earlier', request: get('/hello.txt', 'If-Modified-Since: Sat, 21 Nov 2026 00:00:00 GMT') },
  { name: 'IMS rfc850', request: get('/hello.txt', 'If-Modified-Since: Sunday, 22-Nov-26 13:39:26 GMT') },
  { name: 'IMS asctime', request: get('/hello.txt', 'If-Modified-Since: Sun Nov 22 13:39:26 2026') },
  { name: 'IMS garbage', request: get('/hello.txt', 'If-Modified-Since: garbage') },
  { name: 'INM *', request: get('/hello.txt', 'If-None-Match: *') },
  { name: 'INM nope', request: get('/hello.txt', 'If-None-Match: "nope"') },
  { name: 'INM nope + IMS', request: get('/hello.txt', 'If-None-Match: "nope"', `If-Modified-Since: ${LM}`) },
  { name: 'INM * POST', request: req('POST', '/hello.txt', ['If-None-Match: *', 'Content-Length: 0']) },
  { name: 'INM * HEAD', request: req('HEAD', '/hello.txt', ['If-None-Match: *']) },
  { name: 'IMS implicit type', request: get('/blob.bin', `If-Modified-Since: ${LM}`) },
  { name: 'INM noetag', request: get('/noetag/f.txt', 'If-None-Match: *') },
  { name: 'IMS noetag', request: get('/noetag/f.txt', `If-Modified-Since: ${LM}`) },
  { name: 'noetag plain', request: get('/noetag/f.txt') },
  { name: 'IMS + Range', request: get('/range.txt', `If-Modified-Since: ${LM}`, 'Range: bytes=0-4') },
  ...many(
    'range',
    ['bytes=0-4', 'bytes=-3', 'bytes=30-100', 'bytes=0-2,4-6', 'bytes=0-2,90-95', 'bytes=36-', 'bytes=10-5', 'bytes=abc', 'items=0-3', 'bytes=0-0,-1', 'bytes= 1 - 2', 'bytes=-0', 'bytes=5-', 'BYTES=0-1', 'bytes=0-1,,3-4', 'bytes='],
    (r) => get('/range.txt', `Range: ${r}`),
  ),
  ...many('range big', ['bytes=0-1,500-501,-2', 'bytes=0-99,900-999', 'bytes=0-1,50-51', 'bytes=999-'], (r) => get('/big.txt', `Range: ${r}`)),
  { name: 'range empty file', request: get('/empty.txt', 'Range: bytes=0-1') },
  { name: 'range HEAD', request: req('HEAD', '/range.txt', ['Range: bytes=0-4']) },
  { name: 'range HTTP/1.0', request: req('GET', '/range.txt', ['Range: bytes=0-4'], 'HTTP/1.0') },
  { name: 'range POST', request: req('POST', '/range.txt', ['Range: bytes=0-4', 'Content-Length: 0']) },
  { name: 'range disabled', request: get('/norange/f.txt', 'Range: bytes=0-4') },
  { name: 'range implicit type', request: get('/blob.bin', 'Range: bytes=1-2') },
  { name: 'If-Range LM match', request: get('/range.txt', 'Range: bytes=0-4', `If-Range: ${LM}`) },
  { name: 'If-Range LM other', request: get('/range.txt', 'Range: bytes=0-4', 'If-Range: Mon, 23 Nov 2026 00:00:00 GMT') },
  { name: 'If-Range etag other', request: get('/range.txt', 'Range: bytes=0-4', 'If-Range: "1"') },
  { name: 'range listing', request: get('/listing/', 'Range: bytes=0-9'), ignoreBody: true },
];

/** mod_access, mod_alias, exclude-extensions, follow-symlink, mime16, pathinfo. */
const ACCESS: DiffCase[] = [
  ...many('access', [
    '/secret.inc', '/backup.txt~', '/backup.txt%7E', '/private/p.txt', '/private/', '/private', '/allowonly/ok.txt', '/allowonly/no.html',
    '/allowonly/', '/hello.txt?deny=1', '/hello.txt?deny=0', '/nofollow/plain.txt', '/nofollow/link-in.txt', '/nofollow/link-out.txt', '/nofollow/idx/', '/nofollow/idx',
    '/nopi/f.txt', '/nopi/f.txt/x', '/mime16/a.tar.gz', '/mime16/b.gz', '/mime16/Makefile', '/mime16/c.unknown', '/mime16/d.ext',
    '/al/a.txt', '/al/sub/b.txt', '/al/sub', '/al/', '/al', '/al2/y.txt', '/al2y.txt', '/alx../secret.txt', '/alx..', '/alxa.txt',
    '/al/../hello.txt', '/al/missing',
  ]),
  { name: 'access useragent', request: get('/hello.txt', 'User-Agent: BadBot/1.0') },
  { name: 'access request header', request: get('/hello.txt', 'X-Block: yes') },
  { name: 'access request header other', request: get('/hello.txt', 'X-Block: no') },
];

/** mod_redirect and mod_rewrite. */
const REWRITE: DiffCase[] = [
  ...many('redirect', ['/old/x/y?q=1', '/old/', '/gone', '/gone?x', '/keep-exception', '/keep', '/keeper', '/r302/a%20b?z=1', '/r302/x', '/r307/p?q', '/enc/a%20b/c?x=1&y=%2F', '/enc/z']),
  // a case prefix alone appends nothing (lighttpd's burl_append); with an encoding it folds what that appended
  ...many('redirect fold', ['/fold/AbC%2Fd?Q=1', '/fold/x%c3%A9Y', '/fold/']),
  { name: 'redirect www host', request: get('/path/x?y=1', 'Host: www.example.org') },
  { name: 'vhost docroot', request: get('/hello.txt', 'Host: vhost.example') },
  { name: 'vhost docroot port', request: get('/hello.txt', 'Host: vhost.example:8080') },
  { name: 'vhost case', request: get('/hello.txt', 'Host: VHOST.Example') },
  { name: 'host == with port, request without', request: get('/hello.txt', 'Host: portcond.example') },
  { name: 'host == with port, same port', request: get('/hello.txt', 'Host: portcond.example:8080') },
  { name: 'host == with port, default port', request: get('/hello.txt', 'Host: portcond.example:80') },
  { name: 'host == with port, other port', request: get('/hello.txt', 'Host: portcond.example:9090') },
  { name: 'host == with port, shorter port', request: get('/hello.txt', 'Host: portcond.example:808') },
  { name: 'host != with port, request without', request: get('/range.txt', 'Host: neport.example') },
  { name: 'host != with port, same port', request: get('/range.txt', 'Host: neport.example:81') },
  { name: 'host != with port, other port', request: get('/range.txt', 'Host: neport.example:82') },
  ...many('rewrite', [
    '/rw/hello.txt', '/rw/sub/', '/rw/missing', '/rwq/abc?z=9', '/rwq/abc', '/rep/a/hello.txt', '/rep/b/range.txt', '/nf/abc', '/nf/../hello.txt',
    '/sub/missing', '/sub/missing2', '/rw-stop', '/rw/old/z', '/rw/private/p.txt', '/rw/%2e%2e/secret.txt',
  ]),
  { name: 'rewrite loop', request: get('/loop/a') },
  { name: 'rewrite invalid result', request: get('/bad-rewrite') },
  { name: 'setenv sub', request: get('/sub/file.js') },
  { name: 'setenv POST', request: req('POST', '/hello.txt', ['Content-Length: 0']) },
  { name: 'else branch', request: get('/cond-else') },
  { name: 'elif branch', request: get('/hello.txt') },
];

/** More module and core combinations. */
const MORE: DiffCase[] = [
  ...many('more', [
    "/q'uote", '/a,b', '/sp%20ace', '/sub?', '/sub?a=%20', '/sp%20ace?x', "/q'uote/f.txt", '/eh404/missing', '/eh/missing', '/eh/', '/etagx/f.txt', '/etagm/f.txt',
    '/idxabs/', '/denyhtml/', '/denyhtml/index.html', '/small/f.txt', '/alfile', '/alfile/extra', '/qsrw', '/keepq/hello.txt?a=1',
    '/keepq/hello.txt', '/rnf/a/hello.txt', '/rnf/b/range.txt', '/rnf/a/sub/', '/%73ub', '/%73ub/', '/sub/index.html',
  ]),
  { name: 'cond remote-ip v4-mapped', request: get('/cond/ip') },
  { name: 'cond querystring %2f', request: get('/cond/qs?a=%2F') },
  { name: 'cond querystring utf-8', request: get('/cond/qs?b=%C3%A9') },
  // url-normalize on: rule keys and values are normalised at startup like the target (%3a → %3A, é → %C3%A9)
  ...many('rules normalised', ['/lowkey/a%3ab', '/lowkey/a%3Ab', '/lowkey/a:b', '/lowkey/\xc3\xa9', '/lowkey/%c3%a9', '/lowrw/a%3ab', '/lowrw/a%3Ab', '/lowrw/\xc3\xa9', '/lowrw/%C3%A9']),
  { name: 'cond %N prefix regex', request: get('/cond/capX/y') },
  { name: 'cond %N prefix %0', request: get('/cond/cap./y') },
  { name: 'cond %N host != port', request: get('/cond/ne', 'Host: ne.example:8080') },
  { name: 'cond %N remote-ip ==', request: get('/cond/ipcap') },
  { name: 'cond %% host port', request: get('/hello.txt', 'Host: pct.example:8080') },
  { name: 'cond %N socket prefix', request: get('/cond/sock') },
  { name: 'cond host value case', request: get('/hello.txt', 'Host: case.example') },
  { name: 'cond Host header normalized', request: get('/cond/hh', 'Host: HH.Example.:80') },
  // non-ASCII condition values compare as their UTF-8 bytes with the header's bytes
  { name: 'cond utf ua ==', request: get('/cond/utf', 'User-Agent: \xc3\xa9x') },
  { name: 'cond utf ua latin1', request: get('/cond/utf', 'User-Agent: \xe9x') },
  { name: 'cond utf header ==', request: get('/cond/utf', 'X-T: \xc3\xbc') },
  { name: 'cond utf referer', request: get('/cond/utf', 'Referer: \xc3\xa4/x') },
  { name: 'cond utf cookie', request: get('/cond/utf', 'Cookie: a=\xe2\x82\xac') },
  { name: 'cond utf language', request: get('/cond/utf', 'Accept-Language: \xc3\xb8') },
  // a handler without a leading '/' is not a request target: -404 answers 400, server.error-handler keeps the status
  ...many('error handler relative', ['/ehrel/missing', '/ehrel/', '/ehrel2/missing']),
  { name: 'error handler relative HEAD', request: req('HEAD', '/ehrel/missing') },
  { name: 'more host %0 308', request: get('/x/y?z', 'Host: sub.example.org') },
  { name: 'more host port no match', request: get('/hello.txt', 'Host: sub.example.org:8080') },
  { name: 'more If-Range etag match', request: get('/range.txt', 'Range: bytes=0-4', 'If-Range: @ETAG:range.txt@') },
  { name: 'more INM exact', request: get('/range.txt', 'If-None-Match: @ETAG:range.txt@') },
  { name: 'more INM weak', request: get('/range.txt', 'If-None-Match: W/@ETAG:range.txt@') },
  { name: 'more INM weak + Range', request: get('/range.txt', 'If-None-Match: W/@ETAG:range.txt@', 'Range: bytes=0-1') },
  { name: 'more INM list', request: get('/range.txt', 'If-None-Match: "x", @ETAG:range.txt@') },
  { name: 'more INM POST', request: req('POST', '/range.txt', ['If-None-Match: @ETAG:range.txt@', 'Content-Length: 0']) },
  { name: 'more OPTIONS dir', request: req('OPTIONS', '/sub/') },
  { name: 'more POST dir', request: req('POST', '/noindex/', ['Content-Length: 0']) },
  { name: 'more HTTP/1.0 dir', request: req('GET', '/sub', [], 'HTTP/1.0') },
];

/** Path safety: no encoding may escape the document root. */
const SAFETY: DiffCase[] = many('safety', [
  '/../secret.txt', '/../../secret.txt', '/%2e%2e/secret.txt', '/%2E%2E/%2e%2e/secret.txt', '/..%2fsecret.txt', '/..%2Fsecret.txt',
  '/sub/../../secret.txt', '/.%2e/secret.txt', '/%2e./secret.txt', '/..\\secret.txt', '/%5c..%5csecret.txt', '/..%5csecret.txt',
  '/%c0%ae%c0%ae/secret.txt', '/%c0%af', '/%e0%80%ae%e0%80%ae/secret.txt', '/%00', '/hello.txt%00.php', '/%2e%2e%00/secret.txt',
  '/sub/%2e%2e/%2e%2e/secret.txt', '/./../secret.txt', '//../secret.txt', '/...//secret.txt', '/%252e%252e/secret.txt',
  '/a/b/c/../../../../secret.txt',
]);

/** Malformed requests (raw, http-core.md §3 / T5). */
const MALFORMED: DiffCase[] = [
  { name: 'no host 1.1', request: 'GET /hello.txt HTTP/1.1\r\n\r\n' },
  { name: 'bare LF', request: 'GET /hello.txt HTTP/1.1\nHost: a\n\n' },
  { name: 'HTTP/2.0', request: 'GET /hello.txt HTTP/2.0\r\n\r\n' },
  { name: 'lower version', request: 'GET /hello.txt http/1.1\r\nHost: a\r\n\r\n' },
  { name: 'unknown method', request: 'FOO /hello.txt HTTP/1.0\r\n\r\n' },
  { name: 'lowercase method', request: 'get /hello.txt HTTP/1.0\r\n\r\n' },
  { name: 'GET with body', request: 'GET /hello.txt HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc' },
  { name: 'TE gzip', request: 'POST /hello.txt HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\nConnection: close\r\n\r\n' },
  { name: 'upgrade 1.0', request: 'GET /hello.txt HTTP/1.0\r\nUpgrade: websocket\r\n\r\n' },
  { name: 'two hosts', request: 'GET /hello.txt HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n' },
  { name: 'same host twice', request: 'GET /hello.txt HTTP/1.1\r\nHost: a\r\nHost: a\r\nConnection: close\r\n\r\n' },
  { name: 'space before colon', request: 'GET /hello.txt HTTP/1.1\r\nHost: a\r\nX-Foo : b\r\nConnection: close\r\n\r\n' },
  { name: 'ctl in value', request: 'GET /hello.txt HTTP/1.1\r\nHost: a\r\nX-Foo: a\x01b\r\nConnection: close\r\n\r\n' },
  { name: 'high byte in value', request: 'GET /hello.txt HTTP/1.1\r\nHost: a\r\nX-Foo: a\xffb\r\nConnection: close\r\n\r\n' },
  { name: 'two spaces', request: 'GET /hello.txt  HTTP/1.0\r\n\r\n' },
  { name: 'relative target', request: 'GET hello.txt HTTP/1.0\r\n\r\n' },
  { name: 'star GET', request: 'GET * HTTP/1.0\r\n\r\n' },
  { name: 'bad host', request: 'GET /hello.txt HTTP/1.1\r\nHost: a_b.com\r\nConnection: close\r\n\r\n' },
  { name: 'bad port', request: 'GET /hello.txt HTTP/1.1\r\nHost: a.com:99999\r\nConnection: close\r\n\r\n' },
  { name: 'duplicate CL', request: 'POST /hello.txt HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx' },
  { name: 'CL not digits', request: 'POST /hello.txt HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\nConnection: close\r\n\r\nx' },
  { name: 'empty line first', request: '\r\nGET /hello.txt HTTP/1.0\r\n\r\n' },
  { name: 'ctl target', request: 'GET /hello%0a.txt HTTP/1.0\r\n\r\n' },
  { name: 'query ctl', request: 'GET /hello.txt?%00 HTTP/1.0\r\n\r\n' },
  { name: 'long header', request: `GET /hello.txt?${'q'.repeat(8200)} HTTP/1.0\r\n\r\n` },
];

/** Every case, in a fixed order. */
export const DIFF_CASES: readonly DiffCase[] = [...STATIC, ...DIRS, ...CONDITIONAL, ...ACCESS, ...REWRITE, ...MORE, ...SAFETY, ...MALFORMED];

/** Requests for the Debian-settings scenario (url-normalize-required, the generated MIME table). */
export const DEBIAN_CASES: readonly DiffCase[] = [
  ...many('debian', [
    '/types/x.png', '/types/x.ico', '/types/x.woff2', '/types/x.wasm', '/types/x.oga', '/types/x.md', '/types/x.tar.gz', '/types/x.gz',
    '/types/x.conf', '/types/x.log', '/types/README', '/types/Makefile', '/types/x.unknownext', '/types/x.JS', '/types/x.pl', '/types/',
    '/types/index.php', '/app.js', '/style.css', '/hello.txt', '/blob.bin', '/', '/sub/', '/backup.txt~', '/secret.inc',
    '/showqs?a=%2F&b=?c', '/showqs?a=%2F&b=c', '/showqs?p=/x/../y&q=?', '/showqs?x=%41%3f%26%3d%2b%20', '/showqs/%2Fa?b',
    '/hello.txt?a=%2Fx', '/hello.txt?a=/x', '/hello.txt?b=%2F', '/rwqs/a=%2F', '/sub%2Ffile.js', '/%73ub/', '/a%20b.txt',
  ]),
  { name: 'debian range', request: get('/range.txt', 'Range: bytes=0-4') },
  { name: 'debian IMS', request: get('/hello.txt', `If-Modified-Since: ${LM}`) },
];

/** Requests for the url-normalize-off scenario: targets, conditions and rules all compare raw bytes. */
export const RAW_URL_CASES: readonly DiffCase[] = [
  ...many('raw qs', [
    '/hello.txt?a=%2f', '/hello.txt?a=%2F', '/hello.txt?b=\xc3\xa9', '/hello.txt?b=%C3%A9', '/hello.txt?b=%c3%a9', '/hello.txt?c=\xc3\xa9',
    '/hello.txt?c=%C3%A9', '/hello.txt?d=%c3%a9', '/hello.txt?d=%C3%A9', '/hello.txt?d=\xc3\xa9',
  ]),
  ...many('raw redirect', ['/r/a%2fb', '/r/a%2Fb', '/r/B%2Fc', '/r/B%2fc', '/r/\xc3\xa9', '/r/%C3%A9', '/r/%c3%a9', '/r/v']),
  ...many('raw rewrite', ['/rw/a%2fb', '/rw/a%2Fb', '/rw/\xc3\xa9', '/rw/%C3%A9', '/rw/%c3%a9', '/rw/v']),
  // encodings of raw request bytes: each byte once (%C3%A9), not its UTF-8 again
  ...many('raw encode', ['/x/\xc3\xa9x', '/x/A%2fb\xc3\x89', '/x/a%20b?q=\xc3\xa9&r=%2f', '/x/%c3%a9']),
];
