/**
 * Configs and requests of the mod_extforward differential test (test/integration/extforward-diff.test.ts).
 * The effective client address is made visible by the answer: `$HTTP["remote-ip"] =~ "^(.*)$"` redirects
 * `/echo` to `/ip/<address>` (its `%1`), CIDR / equality blocks add headers, `$HTTP["scheme"]` adds
 * `X-Scheme`, and a `server.tag` block shows what the core decided before mod_extforward ran. Each
 * config also writes an access log (`%h %a %{remote}p`), compared line by line.
 */

/** One request (or several, pipelined on one connection). */
export interface ExtforwardCase {
  readonly name: string;
  readonly request: string;
  /** How many responses the request text asks for. */
  readonly responses?: number;
}

/** A config with its requests. */
export interface ExtforwardScenario {
  readonly name: string;
  /** Config text without port/bind lines; `@DIR@` is the shared directory (docroot `@DIR@/www`). */
  readonly config: string;
  readonly cases: readonly ExtforwardCase[];
}

function req(headers: readonly string[], target = '/echo', close = true): string {
  return [`GET ${target} HTTP/1.1`, 'Host: localhost', ...headers, ...(close ? ['Connection: close'] : []), '', ''].join('\r\n');
}

function cases(prefix: string, list: readonly (readonly string[])[]): ExtforwardCase[] {
  return list.map((h) => ({ name: `${prefix} ${h.join(' | ') || '(none)'}`, request: req(h) }));
}

/** Probes shared by every scenario. */
const PROBES = `
server.document-root = "@DIR@/www"
server.tag = "T"
accesslog.filename = "@DIR@/access-@NAME@.log"
accesslog.format = "%h %a %{remote}p \\"%r\\" %>s"
$HTTP["remote-ip"] =~ "^(.*)$" { url.redirect = ( "^/echo" => "/ip/%1" ) }
$HTTP["remote-ip"] == "1.2.3.0/24" { setenv.add-response-header = ( "X-Net" => "1.2.3.0/24" ) }
$HTTP["remote-ip"] == "2001:db8::/32" { setenv.add-response-header = ( "X-Net" => "2001:db8::/32" ) }
$HTTP["remote-ip"] == "127.0.0.1" { setenv.set-response-header = ( "X-Peer" => "loopback" ) }
$HTTP["remote-ip"] == "1.2.3.4" { server.tag = "F" }
$HTTP["scheme"] == "https" { url.redirect-code = 308 }
`;

const XFF: readonly (readonly string[])[] = [
  [],
  ['X-Forwarded-For: 1.2.3.4'],
  ['X-Forwarded-For: 5.6.7.8, 1.2.3.4'],
  ['X-Forwarded-For: 1.2.3.4, 127.0.0.1'],
  ['X-Forwarded-For: 127.0.0.1'],
  ['X-Forwarded-For: garbage'],
  ['X-Forwarded-For: unknown'],
  ['X-Forwarded-For: 1'],
  ['X-Forwarded-For: 10.1'],
  ['X-Forwarded-For: 001.002.003.004'],
  ['X-Forwarded-For: 1.2.3.4.5'],
  ['X-Forwarded-For: 256.1.1.1'],
  ['X-Forwarded-For: 2001:db8::1'],
  ['X-Forwarded-For: [2001:db8::1]:443'],
  ['X-Forwarded-For: 1.2.3.4:5678'],
  ['X-Forwarded-For: ::ffff:1.2.3.4'],
  ['X-Forwarded-For: fe80::1%eth0'],
  ['X-Forwarded-For:   1.2.3.4 ,  '],
  ['X-Forwarded-For: 1.1.1.1', 'X-Forwarded-For: 1.2.3.9'],
  ['Forwarded-For: 9.9.9.9'],
  ['X-Forwarded-For: 1.2.3.4', 'Forwarded-For: 9.9.9.9'],
  ['Forwarded: for=8.8.8.8;proto=https'],
  ['X-Forwarded-For: 1.2.3.4', 'X-Forwarded-Proto: https'],
  ['X-Forwarded-For: 1.2.3.4', 'X-Forwarded-Proto: HTTPS'],
  ['X-Forwarded-For: 1.2.3.4', 'X-Forwarded-Proto: http'],
  ['X-Forwarded-For: 1.2.3.4', 'X-Forwarded-Proto: ftp'],
  ['X-Forwarded-For: 1.2.3.4', 'X-Forwarded-Proto: https, http'],
  ['X-Forwarded-For: garbage', 'X-Forwarded-Proto: https'],
  ['X-Forwarded-Proto: https'],
  ['x-forwarded-for: 1.2.3.5'],
];

/** Default headers, one trusted proxy. */
const DEFAULT_HEADERS: ExtforwardScenario = {
  name: 'default-headers',
  config: `server.modules = ( "mod_extforward", "mod_redirect", "mod_setenv", "mod_accesslog" )
extforward.forwarder = ( "127.0.0.1" => "trust" )
${PROBES}`,
  cases: [
    ...cases('xff', XFF),
    // not redirected (404): the X-Net / X-Peer blocks show the `==` tests against the new address
    ...[[], ['X-Forwarded-For: 1.2.3.4'], ['X-Forwarded-For: 1.2.3.77, 127.0.0.1'], ['X-Forwarded-For: 2001:DB8::5'], ['X-Forwarded-For: ::ffff:1.2.3.4'], ['X-Forwarded-For: 001.002.003.004'], ['X-Forwarded-For: 1.2.3.4', 'X-Forwarded-Proto: https']].map(
      (h): ExtforwardCase => ({ name: `other ${h.join(' | ') || '(none)'}`, request: req(h, '/other') }),
    ),
    {
      name: 'keep-alive: the next request sees the peer again',
      request: req(['X-Forwarded-For: 1.2.3.4'], '/echo', false) + req([], '/echo', false) + req(['X-Forwarded-For: 2001:db8::7'], '/echo'),
      responses: 3,
    },
  ],
};

const FWD: readonly (readonly string[])[] = [
  ['Forwarded: for=1.2.3.4'],
  ['Forwarded: for=1.2.3.4;proto=https'],
  ['Forwarded: for=1.2.3.4, for=5.6.7.8'],
  ['Forwarded: for=1.2.3.4, for=10.1.1.1'],
  ['Forwarded: for=1.2.3.4;by=x, for=10.1.1.1'],
  ['Forwarded: for=1.2.3.4;proto=https, for=127.0.0.1;proto=http'],
  ['Forwarded: a=b, for=1.2.3.4'],
  ['Forwarded: a=b, for=1.2.3.4;proto=https'],
  ['Forwarded: for="[2001:db8::1]:4711";proto=http, by=x'],
  ['Forwarded: for="1.2.3.4:80";proto=https, by=x'],
  ['Forwarded: for=unknown;proto=https, by=x'],
  ['Forwarded: for="_hidden";proto=https, by=x'],
  ['Forwarded: for="1.2.3.4;proto=https'],
  ['Forwarded: for="[]";x=y'],
  ['Forwarded: for="[2001:db8::2";x=y'],
  ['Forwarded: proto=https;for=1.2.3.4'],
  ['Forwarded: for=1.2.3.4;proto=https;proto=http'],
  ['Forwarded: for=1.2.3.4;proto="https"'],
  ['Forwarded: For=1.2.3.4;PROTO=HTTPS'],
  ['Forwarded: for= ;proto=https, for=1.2.3.4;x=1'],
  ['Forwarded: for=1.2.3.4 ;proto=https'],
  ['Forwarded: for=1.2.3.4;host=example.com;remote_user=bob'],
  ['Forwarded: for="1.2.3.4";proto=https;x="a\\"b"'],
  ['Forwarded: for=1.2.3.4;proto=https, for=10.2.2.2;proto=http, for=127.0.0.1'],
  ['Forwarded: x;y;for=1.2.3.4;proto=https'],
  ['Forwarded: for=_a;for=1.2.3.4'],
  ['Forwarded: for=1.2.3.4;proto=https, for=_x;y=z'],
  ['Forwarded: for=5.5.5.5;a=b, for=1.2.3.4;a=b, for=10.3.3.3;a=b'],
  [`Forwarded: ${Array.from({ length: 63 }, (_, i) => `k${i}=v`).join(';')}`],
  [`Forwarded: ${Array.from({ length: 64 }, (_, i) => `k${i}=v`).join(';')}`],
  [`Forwarded: ${Array.from({ length: 62 }, (_, i) => `k${i}=v`).join(';')},for=1.2.3.4`],
  [`Forwarded: ${Array.from({ length: 62 }, (_, i) => `k${i}=v`).join(';')};for=1.2.3.4`],
  ['Forwarded: for=1.2.3.4;proto=https', 'X-Forwarded-For: 5.6.7.8'],
  ['X-Forwarded-For: 5.6.7.8'],
];

/** `Forwarded` listed first, a trusted mask for the chain. */
const FORWARDED: ExtforwardScenario = {
  name: 'forwarded',
  config: `server.modules = ( "mod_extforward", "mod_redirect", "mod_setenv", "mod_accesslog" )
extforward.forwarder = ( "127.0.0.1" => "trust", "10.0.0.0/8" => "trust" )
extforward.headers = ( "Forwarded", "X-Forwarded-For" )
extforward.params = ( "host" => "enable", "remote_user" => 1 )
${PROBES}`,
  cases: cases('fwd', FWD),
};

/** "all", masks, an untrusted entry, and mod_rewrite listed before mod_extforward. */
const ALL: ExtforwardScenario = {
  name: 'all',
  config: `server.modules = ( "mod_rewrite", "mod_extforward", "mod_redirect", "mod_setenv", "mod_accesslog" )
extforward.forwarder = ( "all" => "trust", "10.0.0.0/8" => "trust", "192.168.1.1" => "untrusted", "172.16.0.0/12" => "nope", "10.5.5.5" => "maybe" )
$HTTP["remote-ip"] == "1.2.3.4" { url.rewrite-once = ( "^/rw$" => "/echo" ) }
$HTTP["remote-ip"] == "10.5.5.5" { url.rewrite-once = ( "^/rw$" => "/echo" ) }
${PROBES}`,
  cases: [
    ...cases('all', [['X-Forwarded-For: 1.2.3.4, 10.2.2.2'], ['X-Forwarded-For: 10.2.2.2'], ['X-Forwarded-For: 192.168.1.1'], ['X-Forwarded-For: 1.2.3.4, 10.5.5.5'], ['X-Forwarded-For: 172.16.1.1']]),
    { name: 'rewrite before extforward sees the proxy', request: req(['X-Forwarded-For: 1.2.3.4'], '/rw') },
  ],
};

/** The forwarder set only inside conditional blocks; globally the peer is not trusted. */
const SCOPED: ExtforwardScenario = {
  name: 'scoped',
  config: `server.modules = ( "mod_extforward", "mod_redirect", "mod_setenv", "mod_accesslog" )
extforward.forwarder = ( "10.9.9.9" => "trust" )
$HTTP["querystring"] == "fw" { extforward.forwarder = ( "127.0.0.0/8" => "trust" ) }
$HTTP["querystring"] == "fwall" { extforward.forwarder = ( "all" => "untrusted", "127.0.0.1" => "trust" ) }
$HTTP["querystring"] == "fwhdr" { extforward.forwarder = ( "127.0.0.1" => "trust" ) extforward.headers = ( "X-Real-IP" ) }
$HTTP["querystring"] == "fwnone" { extforward.forwarder = ( "127.0.0.1" => "trust" ) extforward.headers = ( ) }
${PROBES}`,
  cases: [
    { name: 'scoped outside', request: req(['X-Forwarded-For: 1.2.3.4']) },
    { name: 'scoped inside', request: req(['X-Forwarded-For: 1.2.3.4'], '/echo?fw') },
    { name: 'scoped all untrusted', request: req(['X-Forwarded-For: 1.2.3.4'], '/echo?fwall') },
    { name: 'scoped X-Real-IP', request: req(['X-Real-IP: 1.2.3.4', 'X-Forwarded-For: 5.6.7.8'], '/echo?fwhdr') },
    { name: 'scoped X-Real-IP absent', request: req(['X-Forwarded-For: 5.6.7.8'], '/echo?fwhdr') },
    { name: 'scoped empty headers', request: req(['X-Forwarded-For: 1.2.3.4'], '/echo?fwnone') },
  ],
};

/** Every scenario, in order. */
export const EXTFORWARD_SCENARIOS: readonly ExtforwardScenario[] = [DEFAULT_HEADERS, FORWARDED, ALL, SCOPED];
