/**
 * The request list of the mod_proxy differential test (test/integration/proxy-diff.test.ts): each is
 * raw bytes sent to lighttpd 1.4.69 and to tswstunnel with the same config (PROXY_DIFF_CONFIG), both
 * proxying to the same recording backend.
 */

/** One request of the proxy differential test. */
export interface ProxyDiffCase {
  readonly name: string;
  readonly request: string;
}

/** The config both servers run; `@BACKEND@` and `@DEAD@` are backend ports, `@DOCROOT@` a directory. */
export const PROXY_DIFF_CONFIG = `server.document-root = "@DOCROOT@"
server.modules += ( "mod_proxy", "mod_setenv" )
proxy.server = ( "" => ( ( "host" => "127.0.0.1", "port" => @BACKEND@ ) ) )
$HTTP["url"] =^ "/fwd/" {
  proxy.forwarded = ( "for" => 1, "proto" => 1, "host" => 1, "by" => 1 )
}
$HTTP["url"] =^ "/up/" {
  proxy.header = ( "upgrade" => "enable" )
}
$HTTP["url"] =^ "/h10/" {
  proxy.header = ( "force-http10" => "enable" )
}
$HTTP["url"] =^ "/pub" {
  proxy.header = (
    "map-urlpath" => ( "/pub/" => "/app/", "/pub" => "/app" ),
    "map-host-request" => ( "-" => "backend.internal:8080", "front.example" => "back.example" ),
    "map-host-response" => ( "backend.internal:8080" => "-", "backend.internal" => "front.example" ),
    "https-remap" => "enable" )
}
$HTTP["url"] =^ "/rh/" {
  proxy.server = ( "" => ( "backend.label:8080" => ( "host" => "127.0.0.1", "port" => @BACKEND@ ) ) )
  proxy.replace-http-host = "enable"
}
$HTTP["url"] =^ "/ext/" {
  proxy.server = ( ".php" => ( ( "host" => "127.0.0.1", "port" => @BACKEND@ ) ) )
  proxy.map-extensions = ( ".php3" => ".php", ".inc" => ".nomatch" )
}
$HTTP["url"] =^ "/setenv/" {
  setenv.add-request-header = ( "X-Added" => "1", "Accept" => "extra", "cookie" => "c=2" )
  setenv.set-request-header = ( "User-Agent" => "", "X-Set" => "v", "x-custom" => "replaced" )
}
$HTTP["url"] =^ "/dead/" {
  proxy.server = ( "" => ( ( "host" => "127.0.0.1", "port" => @DEAD@ ) ) )
}
`;

function req(method: string, target: string, headers: readonly string[] = [], opts: { version?: string; body?: string; close?: boolean } = {}): string {
  const version = opts.version ?? 'HTTP/1.1';
  const host = version === 'HTTP/1.1' && !headers.some((h) => /^host:/i.test(h)) ? ['Host: front.example'] : [];
  const close = opts.close === false || headers.some((h) => /^connection:/i.test(h)) ? [] : ['Connection: close'];
  return [`${method} ${target} ${version}`, ...host, ...headers, ...close, '', opts.body ?? ''].join('\r\n');
}

const WS = ['Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13'];

/** The cases, in the order they are sent. */
export const PROXY_DIFF_CASES: readonly ProxyDiffCase[] = [
  { name: 'plain GET', request: req('GET', '/') },
  { name: 'query string', request: req('GET', '/q?a=1&b=two') },
  { name: 'dot segments', request: req('GET', '/a/./b/../c') },
  { name: 'unreserved escapes', request: req('GET', '/%41%7e?x=%41') },
  { name: 'encoded slash', request: req('GET', '/a%2Fb') },
  { name: 'encoded space', request: req('GET', '/a%20b') },
  { name: 'HEAD', request: req('HEAD', '/head') },
  { name: 'POST with Content-Length', request: req('POST', '/post', ['Content-Type: text/plain', 'Content-Length: 5'], { body: 'hello' }) },
  { name: 'POST chunked', request: req('POST', '/chunked-up', ['Transfer-Encoding: chunked'], { body: '4\r\nabcd\r\n3\r\nefg\r\n0\r\n\r\n' }) },
  { name: 'PUT', request: req('PUT', '/put', ['Content-Length: 3'], { body: 'abc' }) },
  { name: 'DELETE with Content-Length 0', request: req('DELETE', '/del', ['Content-Length: 0']) },
  { name: 'OPTIONS', request: req('OPTIONS', '/opt') },
  { name: 'HTTP/1.0 without Host', request: req('GET', '/nohost', ['X-A: 1'], { version: 'HTTP/1.0' }) },
  { name: 'HTTP/1.0 with Host', request: req('GET', '/host10', ['Host: front.example'], { version: 'HTTP/1.0' }) },
  { name: 'Host normalised', request: req('GET', '/hn', ['Host: Front.EXAMPLE:80']) },
  { name: 'Host with port', request: req('GET', '/hp', ['Host: front.example:8443']) },
  { name: 'repeated Accept', request: req('GET', '/dup', ['Accept: a', 'accept: b']) },
  { name: 'repeated Cookie', request: req('GET', '/cookie', ['Cookie: x=1', 'Cookie: y=2']) },
  { name: 'X-Forwarded-For extended', request: req('GET', '/xff', ['X-Forwarded-For: 10.0.0.1, 10.0.0.2']) },
  { name: 'Forwarded appended', request: req('GET', '/fwd/a', ['Forwarded: for=1.2.3.4']) },
  { name: 'Forwarded seeded from XFF', request: req('GET', '/fwd/b', ['X-Forwarded-For: 10.9.9.9, 2001:db8::1']) },
  { name: 'Forwarded plain', request: req('GET', '/fwd/c') },
  { name: 'Forwarded HTTP/1.0 no Host', request: req('GET', '/fwd/d', [], { version: 'HTTP/1.0' }) },
  { name: 'TE trailers', request: req('GET', '/te1', ['TE: trailers']) },
  { name: 'TE trailers with Connection: TE', request: req('GET', '/te2', ['TE: trailers', 'Connection: TE, close']) },
  { name: 'TE gzip', request: req('GET', '/te3', ['TE: gzip', 'Connection: TE, close']) },
  { name: 'TE from HTTP/1.0', request: req('GET', '/te4', ['Host: h', 'TE: trailers'], { version: 'HTTP/1.0' }) },
  { name: 'Proxy and Proxy-Connection dropped', request: req('GET', '/httpoxy', ['Proxy: http://evil', 'Proxy-Connection: keep-alive']) },
  { name: 'Keep-Alive header kept', request: req('GET', '/ka', ['Keep-Alive: 300']) },
  { name: 'empty header value', request: req('GET', '/empty', ['X-Empty:', 'X-Sp:   v  ']) },
  { name: 'X-Host spoofed', request: req('GET', '/xhost', ['X-Host: evil', 'X-Forwarded-Host: evil2']) },
  { name: 'X-Forwarded-Proto spoofed', request: req('GET', '/xproto', ['X-Forwarded-Proto: https']) },
  { name: 'Expect 100-continue', request: req('POST', '/expect', ['Expect: 100-continue', 'Content-Length: 2'], { body: 'ok' }) },
  { name: 'Set-Cookie in a request', request: req('GET', '/setc', ['Set-Cookie: a=1']) },
  { name: 'Authorization passes', request: req('GET', '/auth', ['Authorization: Basic dTpw']) },
  { name: 'keep-alive client', request: req('GET', '/keep', ['Connection: keep-alive']) },
  { name: 'Upgrade without "upgrade"', request: req('GET', '/ws', WS) },
  { name: 'Upgrade with "upgrade"', request: req('GET', '/up/ws', WS) },
  { name: 'Upgrade h2c', request: req('GET', '/up/h2c', ['Upgrade: h2c', 'Connection: Upgrade, HTTP2-Settings', 'HTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA']) },
  { name: 'Upgrade without Connection', request: req('GET', '/up/noconn', ['Upgrade: websocket']) },
  { name: 'Sec-WebSocket headers on a plain GET', request: req('GET', '/secws', ['Sec-WebSocket-Key: abc', 'Sec-WebSocket-Version: 13']) },
  { name: 'force-http10 GET', request: req('GET', '/h10/a') },
  { name: 'force-http10 with TE', request: req('GET', '/h10/b', ['TE: trailers', 'Connection: TE']) },
  { name: 'map-urlpath request side', request: req('GET', '/pub/x?y=/pub/z', ['Host: www.front', 'Destination: http://www.front/pub/dest', 'Content-Location: /pub/cl']) },
  {
    name: 'map response Location and Set-Cookie',
    request: req('GET', '/pub/r?h=Location:http://backend.internal:8080/app/next%3Fx%3D1&h=Set-Cookie:a=1;%20Domain=backend.internal;%20Path=/app/&code=302', ['Host: www.front']),
  },
  { name: 'map-urlpath second entry', request: req('GET', '/public') },
  { name: 'replace-http-host', request: req('GET', '/rh/x', ['Host: www.front']) },
  { name: 'map-extensions .php3', request: req('GET', '/ext/a.php3') },
  { name: 'suffix key .php', request: req('GET', '/ext/a.php') },
  { name: 'map-extensions to a missing key', request: req('GET', '/ext/a.inc') },
  { name: 'dead backend', request: req('GET', '/dead/x') },
  { name: 'status 599', request: req('GET', '/s?code=599') },
  { name: 'status 204', request: req('GET', '/x/204') },
  { name: 'javascript type', request: req('GET', '/js?h=Content-Type:application/javascript') },
  { name: 'redirect passes', request: req('GET', '/redir?code=301&h=Location:/elsewhere') },
  { name: 'long header', request: req('GET', '/long', [`X-Long: ${'v'.repeat(4000)}`]) },
  { name: 'mod_setenv request headers', request: req('GET', '/setenv/a', ['User-Agent: ua', 'Accept: a', 'X-Custom: 1', 'Cookie: c=1']) },
  { name: 'mod_setenv on an Upgrade request', request: req('GET', '/setenv/up', WS) },
];
