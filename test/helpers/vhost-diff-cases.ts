/**
 * The config, files and requests of the vhost differential test (test/integration/vhost-diff.test.ts):
 * mod_simple_vhost (host, port cut, default host, unset keys in blocks), mod_evhost (labels, `%_`,
 * `%{N.M}`, `%%`, empty label, IP literals, an empty pattern in a block, misses) on top of it, mod_alias
 * below a vhost's root, and mod_userdir (basepath, letterhomes, include / exclude lists, `active`, the
 * redirect, refused names, and home directories of real system users via getpwnam). `@DIR@` is the
 * shared directory (the document root is `@DIR@/www`), `@LOG@` each server's own access log name.
 */

/** Files below `@DIR@` (the document root is `www/`). */
export const VHOST_FILES: Readonly<Record<string, string>> = {
  'www/index.html': '<p>main index</p>\n',
  'www/hello.txt': 'main hello\n',
  'sv/a.sv/htdocs/~bob/f.txt': 'a.sv docroot bob\n',
  'sv/a.sv/htdocs/~carol/f.txt': 'a.sv docroot carol\n',
  'sv/a.sv/htdocs/~offuser/f.txt': 'a.sv docroot offuser\n',
  'sv/a.sv/htdocs/~root/x': 'a.sv docroot root\n',
  'sv/a.sv/htdocs/~nobody/x': 'a.sv docroot nobody\n',
  'www/nodefault/f.txt': 'docroot nodefault\n',
  'www/off/f.txt': 'docroot off\n',
  'sv/default.sv/htdocs/index.html': '<p>default vhost</p>\n',
  'sv/default.sv/htdocs/hello.txt': 'default hello\n',
  'sv/default.sv/htdocs/sub/x.txt': 'default sub\n',
  'sv/a.sv/htdocs/hello.txt': 'a.sv hello\n',
  'sv/a.sv/htdocs/nodefault/f.txt': 'a.sv nodefault\n',
  'sv/a.sv/htdocs/off/f.txt': 'a.sv off\n',
  'sv/plain.sv/not-htdocs.txt': 'no htdocs here\n',
  'ev/example.com/www/htdocs/index.html': '<p>ev www index</p>\n',
  'ev/example.com/www/htdocs/hello.txt': 'ev www hello\n',
  'ev/example.com/www/htdocs/sub/y.txt': 'ev www sub\n',
  'ev/example.com/www/htdocs/empty/f.txt': 'ev www empty\n',
  'ev/example.com/htdocs/hello.txt': 'ev bare hello\n',
  'ev/127.0.0.1/hello.txt': 'ev ip hello\n',
  'ev/[/hello.txt': 'ev v6 hello\n',
  'ev/to/%/hello.txt': 'ev tokens hello\n',
  'alias/x.txt': 'alias x\n',
  'homes/alice/public_html/index.html': '<p>alice index</p>\n',
  'homes/alice/public_html/f.txt': 'alice f\n',
  'homes/alice/public_html/sub/g.txt': 'alice sub g\n',
  'homes/l/lucy/public_html/f.txt': 'lucy letterhome\n',
  'homes/lucy/public_html/f.txt': 'lucy without letter\n',
  'homes/..x/public_html/f.txt': 'dot dot x\n',
  'homes/bob/public_html/f.txt': 'bob home\n',
  'homes/carol/public_html/f.txt': 'carol home\n',
  'homes/offuser/public_html/f.txt': 'offuser home\n',
};

/** The shared lighttpd.conf text (without port, bind and document root). */
export const VHOST_CONFIG = `server.modules = ( "mod_simple_vhost", "mod_evhost", "mod_alias", "mod_userdir", "mod_indexfile", "mod_accesslog", "mod_staticfile" )
index-file.names = ( "index.html" )
mimetype.assign = ( ".html" => "text/html", ".txt" => "text/plain" )
accesslog.filename = "@DIR@/@LOG@"
accesslog.format = "%v %U %s"
simple-vhost.server-root = "@DIR@/sv"
simple-vhost.document-root = "htdocs"
simple-vhost.default-host = "default.sv"
$HTTP["url"] =^ "/nodefault/" { simple-vhost.default-host = "" }
$HTTP["url"] =^ "/off/" { simple-vhost.server-root = "" }
$HTTP["host"] == "plain.sv" { simple-vhost.document-root = "" }
$HTTP["host"] =~ "example" {
  evhost.path-pattern = "@DIR@/ev/%0/%3/htdocs/"
  $HTTP["url"] =^ "/empty/" { evhost.path-pattern = "" }
}
$HTTP["host"] =~ "^127" { evhost.path-pattern = "@DIR@/ev/%_" }
$HTTP["host"] =~ "::1" { evhost.path-pattern = "@DIR@/ev/%_/" }
$HTTP["host"] == "tok.test" { evhost.path-pattern = "@DIR@/ev/%{1.1}%{2.2}%{2.9}/%%/" }
alias.url = ( "/al/" => "@DIR@/alias/" )
userdir.path = "public_html"
userdir.basepath = "@DIR@/homes"
userdir.exclude-user = ( "bob" )
$HTTP["url"] =^ "/~carol" { userdir.include-user = ( "dave" ) }
$HTTP["url"] =^ "/~l" { userdir.letterhomes = "enable" }
$HTTP["url"] =^ "/~off" { userdir.active = "disable" }
$HTTP["url"] =~ "^/~(daemon|bin|nobody|root|nosuchuser)" { userdir.basepath = "" userdir.path = "" }
$HTTP["url"] =^ "/~root" { userdir.path = "public_html" }
`;

/** One request: its Host (null: an HTTP/1.0 request without one) and target. */
export interface VhostCase {
  readonly host: string | null;
  readonly target: string;
}

const paths = (host: string | null, targets: readonly string[]): VhostCase[] => targets.map((target) => ({ host, target }));

/** The requests, in order (the access logs are compared line by line). */
export const VHOST_CASES: readonly VhostCase[] = [
  // mod_simple_vhost
  ...paths('a.sv', ['/hello.txt', '/', '/nodefault/f.txt', '/off/f.txt', '/al/x.txt', '/missing.txt']),
  ...paths('a.sv:8080', ['/hello.txt']),
  ...paths('A.SV', ['/hello.txt']),
  ...paths('missing.sv', ['/hello.txt', '/', '/sub', '/sub/x.txt', '/nodefault/f.txt', '/off/f.txt', '/al/x.txt']),
  ...paths('plain.sv', ['/not-htdocs.txt', '/hello.txt']),
  ...paths(null, ['/hello.txt', '/nodefault/f.txt', '/']),
  // mod_evhost over it
  ...paths('www.example.com', ['/hello.txt', '/', '/sub', '/sub/y.txt', '/empty/f.txt', '/al/x.txt']),
  ...paths('www.example.com:8080', ['/hello.txt']),
  ...paths('WWW.Example.COM.', ['/hello.txt']),
  ...paths('example.com', ['/hello.txt']),
  ...paths('blog.example.com', ['/hello.txt', '/']),
  ...paths('a.b.example.com', ['/hello.txt']),
  ...paths('127.0.0.1', ['/hello.txt']),
  ...paths('127.0.0.1:81', ['/hello.txt']),
  ...paths('[::1]:8080', ['/hello.txt']),
  ...paths('tok.test', ['/hello.txt']),
  // mod_userdir with a basepath
  ...paths('a.sv', [
    '/~alice/', '/~alice/f.txt', '/~alice', '/~alice?x=1&y', '/~alice/sub', '/~alice/sub/', '/~alice/sub/g.txt', '/~alice/nothing.txt',
    '/~ALICE/f.txt', '/~', '/~/', '/~/f.txt', '/~al%20ice/f.txt', '/~..x/f.txt', '/~bob/f.txt', '/~carol/f.txt',
    '/~lucy/f.txt', '/~offuser/f.txt', '/~nobody-here/f.txt', `/~${'u'.repeat(256)}/f.txt`, '/~alice/f.txt/extra',
  ]),
  ...paths('www.example.com', ['/~alice/f.txt']),
  // mod_userdir with home directories from the system's users
  ...paths('a.sv', ['/~daemon/lighttpd', '/~bin/true', '/~bin', '/~nobody/x', '/~root/', '/~root/x', '/~nosuchuser/x']),
];

/**
 * A second config: `server.force-lowercase-filenames` with mod_userdir and mod_evhost, and mod_alias after
 * mod_userdir (aliases below a user's directory; an error handler's pass after a user's 404).
 */
export const VHOST_LOWER_CONFIG = `server.modules = ( "mod_evhost", "mod_userdir", "mod_alias", "mod_accesslog", "mod_staticfile" )
server.force-lowercase-filenames = "enable"
alias.url = ( "/err/" => "@DIR@/errs/" )
server.error-handler-404 = "/err/404.txt"
mimetype.assign = ( ".txt" => "text/plain" )
accesslog.filename = "@DIR@/@LOG@"
accesslog.format = "%v %U %s"
evhost.path-pattern = "@DIR@/ev/%2/"
userdir.path = "Public"
userdir.basepath = "@DIR@/homes"
userdir.exclude-user = ( "BOB" )
userdir.include-user = ( "Ann", "bob", "ann", "Lee" )
$HTTP["url"] =^ "/~L" { userdir.letterhomes = "enable" }
`;

/** Files of the second config (lower case, as the lookups are). */
export const VHOST_LOWER_FILES: Readonly<Record<string, string>> = {
  // "localhost" has no %2: its document root is @DIR@/ev/ (a directory)
  'ev/~bob/f.txt': 'ev root bob\n',
  'ev/~cy/f.txt': 'ev root cy\n',
  'ev/example/f.txt': 'ev example\n',
  'homes/ann/Public/f.txt': 'ann\n',
  'homes/ann/public/f.txt': 'ann lower public\n',
  'homes/bob/Public/f.txt': 'bob\n',
  'homes/l/lee/Public/f.txt': 'lee\n',
  'errs/404.txt': 'error page\n',
  'errs/e.txt': 'aliased below the user\n',
};

/** The second config's requests. */
export const VHOST_LOWER_CASES: readonly VhostCase[] = [
  ...paths('www.Example.com', ['/F.TXT', '/f.txt']),
  ...paths('localhost', ['/~Ann/F.TXT', '/~ann/f.txt', '/~ANN/f.txt', '/~Bob/f.txt', '/~bob/f.txt', '/~cy/f.txt', '/~Lee/f.txt', '/~Ann', '/~ann/missing.txt', '/~ann/err/e.txt']),
];
