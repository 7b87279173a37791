/**
 * The config, files and requests of the mod_expire differential test (test/integration/expire-diff.test.ts):
 * URL and Content-Type rules, bases and units, methods, statuses (304, 206, 416, errors, error handlers),
 * HTTP/1.0, a Cache-Control from mod_setenv or a backend, mod_proxy answers and upgrades, mod_wstunnel's 101.
 * `@HTTP@` is a recording HTTP backend's port, `@WS@` a WebSocket echo backend's, `@TCP@` a TCP echo's.
 */
import { upgradeHead } from './ws-raw.js';

/** One request; `timed`: its seconds depend on the clock (a modification base, a backend's Date), ±1 s between servers. */
export interface ExpireCase {
  readonly name: string;
  readonly request: string;
  readonly timed?: boolean;
}

/** Files under the document root; mtimes are set to MTIME by the test. */
export const EXPIRE_FILES: Readonly<Record<string, string>> = {
  'img/a.png': 'png-bytes-0123456789',
  'pics/p.png': 'png',
  'style.css': 'body{}\n',
  'app.js': 'let x;\n',
  'js2/app.js': 'let y;\n',
  'hello.txt': 'hello\n',
  'x.none': 'no type\n',
  'mod/f.txt': 'modification\n',
  'mod/idx/index.html': '<p>index</p>\n',
  'old/f.txt': 'old\n',
  'neg/f.txt': 'neg\n',
  'wrap/f.txt': 'wrap\n',
  'sum/f.txt': 'sum\n',
  'fb/x.none': 'fallback, no type\n',
  'fb/x.txt': 'fallback, text\n',
  'cc/f.txt': 'setenv cache-control\n',
  'eh404/.keep': '',
};

/** A fixed mtime in the past (also for directories). */
export const MTIME = new Date(Date.UTC(2026, 10, 22, 13, 39, 26));

/** The shared lighttpd.conf text (without port, bind and document root). */
export const EXPIRE_CONFIG = `server.modules = ( "mod_rewrite", "mod_expire", "mod_setenv", "mod_proxy", "mod_wstunnel", "mod_indexfile", "mod_dirlisting", "mod_staticfile" )
index-file.names = ( "index.html" )
mimetype.assign = ( ".html" => "text/html", ".txt" => "text/plain;charset=utf-8", ".css" => "text/css", ".png" => "image/png",
  ".js" => "application/javascript", ".none" => "" )
url.rewrite-once = ( "^/rw/(.*)$" => "/img/$1" )
expire.url = ( "/img/" => "access plus 1 hours", "/mod/" => "modification plus 10 years", "/old/" => "modification plus 1 seconds",
  "/neg/" => "access -5 seconds", "/wrap/" => "access 100 years", "/sum/" => "now 1 week 2 days 3 hours 4 minutes 5 seconds",
  "/cc/" => "access plus 1 minutes", "/proxy/mod/" => "modification plus 1 days", "/proxy/" => "access plus 2 hours",
  "/ws/" => "access plus 1 hours", "/pws/" => "access plus 1 hours" )
expire.mimetypes = ( "text/css" => "access plus 2 days", "image/*" => "access plus 3 days", "application/javascript" => "access plus 4 days" )
$HTTP["url"] =^ "/js2/" { expire.mimetypes = ( "application/javascript" => "access plus 9 minutes", "text/" => "access plus 1 minutes" ) }
$HTTP["url"] =^ "/fb/" { expire.mimetypes = ( "text/html" => "access plus 6 minutes", "*" => "access plus 7 minutes" ) }
$HTTP["url"] =^ "/cc/" { setenv.add-response-header = ( "Cache-Control" => "no-store" ) }
$HTTP["url"] =^ "/img/" { dir-listing.activate = "enable" }
$HTTP["url"] =^ "/mod/" { dir-listing.activate = "enable" }
$HTTP["host"] == "other" { expire.url = ( ) }
$HTTP["url"] =^ "/eh404/" { server.error-handler-404 = "/img/a.png" }
$HTTP["url"] =^ "/eh/" { server.error-handler = "/img/a.png" }
$HTTP["url"] =^ "/proxy/" { proxy.server = ( "" => ( ( "host" => "127.0.0.1", "port" => @HTTP@ ) ) ) }
$HTTP["url"] =^ "/pws/" { proxy.server = ( "" => ( ( "host" => "127.0.0.1", "port" => @WS@ ) ) ) proxy.header = ( "upgrade" => "enable" ) }
$HTTP["url"] =^ "/ws/" { wstunnel.server = ( "" => ( ( "host" => "127.0.0.1", "port" => @TCP@ ) ) ) }
`;

function req(method: string, target: string, headers: readonly string[] = [], version = 'HTTP/1.1'): string {
  const host = version === 'HTTP/1.1' && !headers.some((h) => /^host:/i.test(h)) ? ['Host: localhost'] : [];
  return [`${method} ${target} ${version}`, ...host, ...headers, 'Connection: close', '', ''].join('\r\n');
}

const get = (target: string, ...headers: string[]): string => req('GET', target, headers);
const get10 = (target: string, ...headers: string[]): string => req('GET', target, headers, 'HTTP/1.0');
const LM = MTIME.toUTCString();

/** Every case, in a fixed order. */
export const EXPIRE_CASES: readonly ExpireCase[] = [
  { name: 'url rule', request: get('/img/a.png') },
  { name: 'url rule HEAD', request: req('HEAD', '/img/a.png') },
  { name: 'url rule POST', request: req('POST', '/img/a.png', ['Content-Length: 0']) },
  { name: 'url rule QUERY', request: req('QUERY', '/img/a.png', ['Content-Length: 0']) },
  { name: 'url rule OPTIONS', request: req('OPTIONS', '/img/a.png') },
  { name: 'url rule PUT', request: req('PUT', '/img/a.png', ['Content-Length: 0']) },
  { name: 'url rule HTTP/1.0', request: get10('/img/a.png') },
  { name: 'url rule HEAD HTTP/1.0', request: req('HEAD', '/img/a.png', [], 'HTTP/1.0') },
  { name: 'url rule 304', request: get('/img/a.png', `If-Modified-Since: ${LM}`) },
  { name: 'url rule 304 HTTP/1.0', request: get10('/img/a.png', `If-Modified-Since: ${LM}`) },
  { name: 'url rule 206', request: get('/img/a.png', 'Range: bytes=0-3') },
  { name: 'url rule 206 multipart', request: get('/img/a.png', 'Range: bytes=0-1,5-6') },
  { name: 'url rule 416', request: get('/img/a.png', 'Range: bytes=500-') },
  { name: 'url rule 404', request: get('/img/missing.png') },
  { name: 'url rule directory redirect', request: get('/img') },
  { name: 'url rule directory listing', request: get('/img/') },
  { name: 'url rule query string', request: get('/img/a.png?x=1') },
  { name: 'url rule via rewrite', request: get('/rw/a.png') },
  { name: 'url rules emptied in a block: mimetype rule', request: get('/img/a.png', 'Host: other') },
  { name: 'url prefix is case-sensitive', request: get('/IMG/a.png') },
  { name: 'mimetype image/* (star dropped)', request: get('/pics/p.png') },
  { name: 'mimetype text/css', request: get('/style.css') },
  { name: 'mimetype application/javascript renamed', request: get('/app.js') },
  { name: 'mimetype application/javascript kept with text/', request: get('/js2/app.js') },
  { name: 'no rule for text/plain', request: get('/hello.txt') },
  { name: 'no rule, no content type', request: get('/x.none') },
  { name: 'fallback "*" without content type', request: get('/fb/x.none') },
  { name: 'fallback "*" with content type', request: get('/fb/x.txt') },
  { name: 'modification of a file', request: get('/mod/f.txt'), timed: true },
  { name: 'modification of a file HTTP/1.0', request: get10('/mod/f.txt'), timed: true },
  { name: 'modification of a directory listing', request: get('/mod/'), timed: true },
  { name: 'modification of an index file', request: get('/mod/idx/'), timed: true },
  { name: 'modification in the past', request: get('/old/f.txt') },
  { name: 'modification in the past HTTP/1.0', request: get10('/old/f.txt') },
  { name: 'negative offset', request: get('/neg/f.txt') },
  { name: 'wrapped 100 years', request: get('/wrap/f.txt') },
  { name: 'sum of units', request: get('/sum/f.txt') },
  { name: 'sum of units HTTP/1.0', request: get10('/sum/f.txt') },
  { name: 'mod_setenv Cache-Control after mod_expire', request: get('/cc/f.txt') },
  { name: 'error-handler-404 page', request: get('/eh404/missing') },
  { name: 'error-handler keeps 404', request: get('/eh/missing') },
  { name: 'proxy 200', request: get('/proxy/x') },
  { name: 'proxy 200 HTTP/1.0', request: get10('/proxy/x'), timed: true },
  { name: 'proxy HEAD', request: req('HEAD', '/proxy/x') },
  { name: 'proxy POST', request: req('POST', '/proxy/x', ['Content-Length: 0']) },
  { name: 'proxy backend Cache-Control', request: get('/proxy/x?h=Cache-Control:private') },
  { name: 'proxy backend Expires, HTTP/1.1', request: get('/proxy/x?h=Expires:Thu,%2001%20Jan%202037%2000:00:00%20GMT') },
  { name: 'proxy backend Expires, HTTP/1.0', request: get10('/proxy/x?h=Expires:Thu,%2001%20Jan%202037%2000:00:00%20GMT'), timed: true },
  { name: 'proxy 204', request: get('/proxy/204') },
  { name: 'proxy 206', request: get('/proxy/x?code=206') },
  { name: 'proxy 203', request: get('/proxy/x?code=203') },
  { name: 'proxy 500', request: get('/proxy/x?code=500') },
  { name: 'proxy 304', request: get('/proxy/x?code=304') },
  { name: 'proxy modification', request: get('/proxy/mod/x') },
  { name: 'wstunnel 101', request: upgradeHead('/ws/') },
  { name: 'wstunnel refused', request: upgradeHead('/ws/', { 'Sec-WebSocket-Version': 'abc' }) },
  { name: 'proxy upgrade 101', request: upgradeHead('/pws/') },
];
