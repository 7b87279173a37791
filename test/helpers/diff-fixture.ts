/**
 * The shared document root and config for the HTTP differential test: the same files and the same
 * lighttpd.conf text are served by the real lighttpd 1.4.69 and by tswstunnel. File times are fixed so
 * Last-Modified / If-Modified-Since answers are reproducible; a secret file sits outside the root.
 */
import { mkdtemp, mkdir, writeFile, symlink, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Marker text of the file outside the document root; no response may contain it. */
export const SECRET = 'TOP-SECRET-9f2c1e';

/** Where the fixture lives. */
export interface DiffFixture {
  readonly base: string;
  readonly docroot: string;
  readonly config: string;
}

const MTIME = new Date(Date.UTC(2026, 10, 22, 13, 39, 26));

const FILES: Readonly<Record<string, string | Buffer>> = {
  'hello.txt': 'hello world\n',
  'range.txt': '0123456789abcdefghijklmnopqrstuvwxyz',
  'big.txt': 'a'.repeat(1000),
  'empty.txt': '',
  'a b.txt': 'space\n',
  'a%b.txt': 'percent\n',
  'index.html': '<html>root index</html>\n',
  'style.css': 'body{}\n',
  'data.json': '{"a":1}\n',
  'img.svg': '<svg/>\n',
  'app.js': 'export const x = 1;\n',
  'blob.bin': Buffer.from([0, 1, 2, 3, 255]),
  'README': 'readme\n',
  'secret.inc': 'include\n',
  'backup.txt~': 'backup\n',
  'x.php': '<?php echo 1;\n',
  '.hidden': 'dot\n',
  'UPPER.TXT': 'upper\n',
  'sub/file.js': 'sub js\n',
  'sub/index.html': '<html>sub index</html>\n',
  'sub/deep/x.txt': 'deep\n',
  'noindex/a.txt': 'a\n',
  'listing/one.txt': 'one\n',
  'listing/two.css': 'two\n',
  'listing/dir/inner.txt': 'inner\n',
  'private/p.txt': 'private\n',
  'allowonly/ok.txt': 'ok\n',
  'allowonly/no.html': 'no\n',
  'nopi/f.txt': 'nopi\n',
  'noetag/f.txt': 'noetag\n',
  'norange/f.txt': '0123456789',
  'mime16/a.tar.gz': 'tgz',
  'mime16/b.gz': 'gz',
  'mime16/Makefile': 'make',
  'mime16/c.unknown': 'unknown',
  'mime16/d.ext': 'bare ext',
  'alias-target/al.txt': 'aliased\n',
  'nofollow/plain.txt': 'plain\n',
  'emptydir/.keep': '',
  "q'uote/f.txt": 'quote\n',
  'a,b/f.txt': 'comma\n',
  'sp ace/f.txt': 'space dir\n',
  'idxabs/x.txt': 'x\n',
  'denyhtml/index.html': '<html>denied index</html>\n',
  'small/f.txt': 'small\n',
  'etagx/f.txt': 'etag flags\n',
  'etagm/f.txt': 'etag mtime\n',
  'eh404/.keep': '',
  'types/x.png': 'png', 'types/x.ico': 'ico', 'types/x.woff2': 'woff2', 'types/x.wasm': 'wasm', 'types/x.oga': 'oga',
  'types/x.md': 'md', 'types/x.tar.gz': 'tgz', 'types/x.gz': 'gz', 'types/x.conf': 'conf', 'types/x.log': 'log',
  'types/README': 'readme', 'types/Makefile': 'make', 'types/x.unknownext': 'unknown', 'types/x.JS': 'upper js',
  'types/x.pl': 'perl', 'types/index.php': '<?php',
};

/** Debian's stock lighttpd.conf settings (corpus 01-debian-bookworm) with its generated MIME table. */
export function debianConfig(docroot: string): string {
  return `
server.document-root = "${docroot}"
server.modules = ( "mod_indexfile", "mod_access", "mod_alias", "mod_redirect", "mod_rewrite", "mod_dirlisting", "mod_staticfile" )
server.http-parseopts = (
  "header-strict"           => "enable",
  "host-strict"             => "enable",
  "host-normalize"          => "enable",
  "url-normalize-unreserved"=> "enable",
  "url-normalize-required"  => "enable",
  "url-ctrls-reject"        => "enable",
  "url-path-2f-decode"      => "enable",
  "url-path-dotseg-remove"  => "enable",
)
index-file.names = ( "index.php", "index.html" )
url.access-deny = ( "~", ".inc" )
static-file.exclude-extensions = ( ".php", ".pl", ".fcgi" )
include_shell "/usr/share/lighttpd/create-mime.conf.pl"
url.redirect = ( "^/showqs(.*)$" => "/q?\${url.query}|$1" )
url.rewrite-once = ( "^/rwqs/(.*)$" => "/hello.txt?$1" )
$HTTP["querystring"] =~ "^a=/" { url.access-deny = ( "" ) }
`;
}

/**
 * The url-normalize-off scenario: `"url-normalize" => "disable"` switches every URL normalisation off,
 * including lighttpd's startup normalisation of `$HTTP["querystring"]` values and patterns and of the
 * url.redirect / url.rewrite* keys and values, so lower-case %xx and non-ASCII bytes compare as written.
 */
export function rawUrlConfig(docroot: string): string {
  return `
server.document-root = "${docroot}"
server.modules = ( "mod_redirect", "mod_rewrite", "mod_setenv", "mod_staticfile" )
server.http-parseopts = ( "url-normalize" => "disable" )
mimetype.assign = ( ".txt" => "text/plain" )
url.redirect = ( "^/r/a%2fb$" => "/to/lower-key", "^/r/\u00e9$" => "/to/utf8-key", "^/r/B%2Fc$" => "/to/upper-key",
  "^/r/v$" => "/to/a%%2fb?q=\u00e9", "^/seen(.*)$" => "/saw$1",
  "^/x/([^?]*)(?:\\?(.*))?$" => "/to?e=\${escape:1}&n=\${escnde:1}&p=\${1}&b=\${encb64u:1}&q=\${esc:2}&l=\${esc:tolower:1}" )
url.rewrite-once = ( "^/rw/a%2fb$" => "/hello.txt", "^/rw/\u00e9$" => "/range.txt", "^/rw/v$" => "/seen?x=%%2f\u00e9" )
$HTTP["url"] =^ "/hello" {
  $HTTP["querystring"] =~ "^a=%2f(.*)" { setenv.set-response-header = ( "X-Cond" => "lower-hex regex" ) }
  else $HTTP["querystring"] == "b=\u00e9" { setenv.set-response-header = ( "X-Cond" => "utf-8 ==" ) }
  else $HTTP["querystring"] =~ "^c=\u00e9+" { setenv.set-response-header = ( "X-Cond" => "utf-8 regex" ) }
  else $HTTP["querystring"] =^ "d=%c3" { setenv.set-response-header = ( "X-Cond" => "lower-hex prefix" ) }
}
`;
}

/** Builds the fixture in a new temp directory. */
export async function createDiffFixture(): Promise<DiffFixture> {
  const base = await mkdtemp(path.join(tmpdir(), 'tsw-diff-'));
  const docroot = path.join(base, 'www');
  const aliasDir = path.join(base, 'aliasdir');
  const vhost = path.join(base, 'vhost');
  for (const [rel, body] of Object.entries(FILES)) {
    const p = path.join(docroot, rel);
    await mkdir(path.dirname(p), { recursive: true });
    await writeFile(p, body);
    await utimes(p, MTIME, MTIME);
  }
  await writeFile(path.join(base, 'secret.txt'), `${SECRET}\n`);
  await mkdir(path.join(aliasDir, 'sub'), { recursive: true });
  await writeFile(path.join(aliasDir, 'a.txt'), 'alias a\n');
  await writeFile(path.join(aliasDir, 'sub', 'b.txt'), 'alias b\n');
  await mkdir(`${aliasDir}2`, { recursive: true });
  await writeFile(path.join(`${aliasDir}2`, 'y.txt'), 'alias2 y\n');
  await writeFile(`${aliasDir}2y.txt`, 'alias2y\n');
  await mkdir(vhost, { recursive: true });
  await writeFile(path.join(vhost, 'hello.txt'), 'vhost hello\n');
  for (const p of [path.join(aliasDir, 'a.txt'), path.join(aliasDir, 'sub', 'b.txt'), path.join(`${aliasDir}2`, 'y.txt'), `${aliasDir}2y.txt`, path.join(vhost, 'hello.txt')]) {
    await utimes(p, MTIME, MTIME);
  }
  await symlink(path.join(base, 'secret.txt'), path.join(docroot, 'link-out.txt'));
  await symlink(path.join(base, 'secret.txt'), path.join(docroot, 'nofollow', 'link-out.txt'));
  await symlink(path.join(docroot, 'hello.txt'), path.join(docroot, 'nofollow', 'link-in.txt'));
  await mkdir(path.join(docroot, 'nofollow', 'idx'), { recursive: true });
  await symlink(path.join(base, 'secret.txt'), path.join(docroot, 'nofollow', 'idx', 'index.html'));
  return { base, docroot, config: diffConfig(docroot, aliasDir, vhost) };
}

function diffConfig(docroot: string, aliasDir: string, vhost: string): string {
  const mime16 = Array.from({ length: 14 }, (_v, i) => `".m${i}" => "x/m${i}"`).join(', ');
  return `
server.document-root = "${docroot}"
server.modules = ( "mod_access", "mod_alias", "mod_redirect", "mod_rewrite", "mod_setenv", "mod_indexfile", "mod_dirlisting", "mod_staticfile" )
index-file.names = ( "index.html" )
mimetype.assign = ( ".html" => "text/html", ".txt" => "text/plain;charset=utf-8",
  ".js" => "application/javascript", ".css" => "text/css", ".json" => "application/json", ".svg" => "image/svg+xml",
  ".gz" => "application/gzip", ".tar.gz" => "application/x-gtar", "README" => "text/plain" )
url.access-deny = ( "~", ".inc" )
static-file.exclude-extensions = ( ".php" )
alias.url = ( "/al2" => "${aliasDir}2", "/al/" => "${aliasDir}/", "/alx" => "${aliasDir}/", "/alfile" => "${aliasDir}/a.txt" )
url.redirect = ( "^/old/(.*)$" => "/new/$1", "^/gone$" => "http://example.com/gone", "^/keep-exception" => "",
  "^/keep" => "/kept", "^/enc/(.*)$" => "/e?v=\${esc:1}&p=\${url.path}&q=\${url.query}\${qsa}",
  "^/fold/(.*)$" => "/f?l=\${tolower:1}&u=\${toupper:1}&el=\${esc:tolower:1}&nl=\${tolower:noesc:1}&pl=\${tolower:url.path}&q=x\${tolower:qsa}" )
url.rewrite-once = ( "^/rw/(.*)$" => "/$1", "^/rwq/([^?]*)(\\?.*)?$" => "/hello.txt?x=$1", "^/bad-rewrite" => "nope",
  "^/rw-stop" => "", "^/qsrw$" => "/hello.txt?deny=1", "^/keepq/([^?]*)(?:\\?(.*))?$" => "/$1?\${qsa}" )
url.rewrite-repeat = ( "^/rep/a/(.*)$" => "/rep/b/$1", "^/rep/b/(.*)$" => "/$1" )
url.rewrite-if-not-file = ( "^/nf/(.*)$" => "/hello.txt?orig=$1", "^/sub/missing" => "/range.txt" )
url.rewrite-repeat-if-not-file = ( "^/rnf/a/(.*)$" => "/rnf/b/$1", "^/rnf/b/(.*)$" => "/$1" )
setenv.add-response-header = ( "X-Global" => "g" )

$HTTP["url"] =^ "/sub/" {
  setenv.add-response-header = ( "X-Sub" => "s" )
  setenv.set-response-header = ( "X-Set" => "v" )
}
$HTTP["url"] =~ "^/r302/(.*)$" {
  url.redirect = ( "" => "/dest?cap=%1\${qsa}" )
  url.redirect-code = 302
}
$HTTP["url"] =~ "^/r307" { url.redirect = ( "^/r307(.*)" => "/t$1" ) url.redirect-code = 307 }
$HTTP["host"] == "vhost.example" { server.document-root = "${vhost}" }
$HTTP["host"] == "portcond.example:8080" { url.access-deny = ( "" ) }
$HTTP["host"] =^ "neport." { $HTTP["host"] != "neport.example:81" { setenv.add-response-header = ( "X-Ne" => "1" ) } }
$HTTP["host"] =~ "^www\\.(.*)$" { url.redirect = ( "^/(.*)" => "http://%1/$1" ) }
$HTTP["url"] =^ "/loop/" { url.rewrite-repeat = ( "^/loop/(.*)" => "/loop/x$1" ) }
$HTTP["url"] =^ "/listing/" { dir-listing.activate = "enable" }
$HTTP["url"] =^ "/private/" { url.access-deny = ( "" ) }
$HTTP["url"] =^ "/allowonly/" { url.access-allow = ( ".txt" ) }
$HTTP["url"] =^ "/nopi/" { static-file.disable-pathinfo = "enable" }
$HTTP["url"] =^ "/noetag/" { static-file.etags = "disable" }
$HTTP["url"] =^ "/norange/" { server.range-requests = "disable" }
$HTTP["url"] =^ "/nofollow/" { server.follow-symlink = "disable" }
$HTTP["url"] =^ "/mime16/" { mimetype.assign = ( ".gz" => "A", ".tar.gz" => "B", "Makefile" => "M", "ext" => "E", "" => "D", ${mime16} ) }
$HTTP["querystring"] =~ "deny=1" { url.access-deny = ( "" ) }
$HTTP["request-method"] == "POST" { setenv.add-response-header = ( "X-Post" => "1" ) }
$HTTP["useragent"] =~ "BadBot" { url.access-deny = ( "" ) }
$REQUEST_HEADER["X-Block"] == "yes" { url.access-deny = ( "" ) }
$HTTP["url"] =~ "^/cond-else" { setenv.add-response-header = ( "X-Branch" => "if" ) }
else $HTTP["url"] =~ "^/hello" { setenv.add-response-header = ( "X-Branch" => "elif" ) }
$HTTP["url"] =^ "/eh404/" { server.error-handler-404 = "/hello.txt" }
$HTTP["url"] =^ "/ehrel/" { server.error-handler-404 = "hello.txt" }
$HTTP["url"] =^ "/ehrel2/" { server.error-handler = "hello.txt" }
$HTTP["url"] =^ "/eh/" { server.error-handler = "/range.txt" }
$HTTP["url"] =^ "/etagx/" { etag.use-inode = "disable" }
$HTTP["url"] =^ "/etagm/" { etag.use-mtime = "disable" etag.use-size = "disable" }
$HTTP["url"] =^ "/idxabs/" { index-file.names = ( "/index.html" ) }
$HTTP["url"] =^ "/denyhtml/" { url.access-deny = ( ".html" ) }
$HTTP["url"] =^ "/small/" { mimetype.assign = ( "" => "C", ".txt" => "T" ) }
$HTTP["url"] =^ "/cond/ip" {
  $HTTP["remote-ip"] == "::ffff:127.0.0.1" { setenv.set-response-header = ( "X-Cond" => "mapped" ) }
  else $HTTP["remote-ip"] == "::/64" { setenv.set-response-header = ( "X-Cond" => "v6-net" ) }
  else $HTTP["remote-ip"] == "::ffff:127.0.0.0/104" { setenv.set-response-header = ( "X-Cond" => "mapped-mask" ) }
}
$HTTP["url"] =^ "/cond/qs" {
  $HTTP["querystring"] =~ "^a=%2f" { setenv.set-response-header = ( "X-Cond" => "lower-hex" ) }
  else $HTTP["querystring"] == "b=\u00e9" { setenv.set-response-header = ( "X-Cond" => "utf-8" ) }
}
$HTTP["url"] =^ "/lowkey/" { url.redirect = ( "^/lowkey/a%3ab$" => "/to/%%3a\u00e9", "^/lowkey/\u00e9$" => "/to/utf8-key" ) }
$HTTP["url"] =^ "/lowrw/" { url.rewrite-once = ( "^/lowrw/a%3ab$" => "/hello.txt", "^/lowrw/\u00e9$" => "/range.txt" ) }
$HTTP["url"] =^ "/cond/cap." { url.redirect = ( "" => "/dest?c=%0" ) }
$HTTP["url"] =^ "/cond/ne" { $HTTP["host"] != "ne.example" { url.redirect = ( "" => "/ne?c=%0" ) } }
$HTTP["url"] =^ "/cond/ipcap" { $HTTP["remote-ip"] == "127.0.0.0/8" { url.redirect = ( "" => "/ip?c=%0" ) } }
$HTTP["host"] == "pct.example" { url.redirect = ( "" => "/p?x=%%1" ) }
$HTTP["url"] =^ "/cond/sock" { $SERVER["socket"] =^ "127.0.0." { url.redirect = ( "" => "/s?c=%0" ) } }
$HTTP["host"] == "Case.Example" { setenv.set-response-header = ( "X-Cond" => "upper-case value" ) }
$HTTP["url"] =^ "/cond/utf" {
  $HTTP["useragent"] == "\u00e9x" { setenv.set-response-header = ( "X-Cond" => "ua ==" ) }
  else $REQUEST_HEADER["X-T"] == "\u00fc" { setenv.set-response-header = ( "X-Cond" => "header ==" ) }
  else $HTTP["referer"] =^ "\u00e4" { setenv.set-response-header = ( "X-Cond" => "referer prefix" ) }
  else $HTTP["cookie"] =$ "\u20ac" { setenv.set-response-header = ( "X-Cond" => "cookie suffix" ) }
  else $HTTP["language"] != "\u00f8" { setenv.set-response-header = ( "X-Cond" => "language !=" ) }
}
$HTTP["url"] =^ "/cond/hh" { $REQUEST_HEADER["Host"] == "hh.example" { setenv.set-response-header = ( "X-Cond" => "normalized" ) } }
$HTTP["host"] =~ "^(sub)\\.example\\.org$" { url.redirect = ( "^/(.*)$" => "https://\${url.authority}/$1?h=%0&h1=%1" ) url.redirect-code = 308 }
`;
}
