import { test } from 'node:test';
import assert from 'node:assert/strict';
import { printConfig, printValue } from './print.js';
import { arr, int, str, TreeBuilder } from '../../test/helpers/tree-builder.js';

// Hand-built trees: the printer is tested without the reader (cli-print.md §4.2–§4.6).

test('empty config: CWD and PID, then the key-section terminator', () => {
  const t = new TreeBuilder('/home/user/cases', 19818);
  t.set(t.global, 'server.document-root', str('/var/www')).set(t.global, 'var.x', int(1));
  assert.equal(
    printConfig(t.tree()),
    'config {\n' +
      '    var.CWD              = "/home/user/cases"\n' +
      '    var.PID              = 19818\n' +
      '    server.document-root = "/var/www"\n' +
      '    var.x                = 1\n' +
      '\n' +
      '}\n',
  );
});

test('example 2 (cli-print.md §4.4): arrays, lossy inline keys, 5 vs 6 scalars, wrapped integers', () => {
  const t = new TreeBuilder('/home/user/t', 13060);
  const g = t.global;
  t.set(g, 'server.document-root', str('/var/www')).set(g, 'Server.Port', int(18001)).set(g, 'var.a', int(1));
  t.set(g, 'var.d', int(4)).set(g, 'var.c', int(3)).set(g, 'var.b', arr(str('x'), str('y')));
  t.set(g, 'var.e', arr(str('a'), ['k', str('v')])).set(g, 'var.f', arr());
  t.set(g, 'var.g', arr(['p', int(1)], ['q', arr(str('r'), str('s'))], str('t')));
  t.set(g, 'var.h', arr(int(1), int(2), int(3), int(4), int(5)));
  t.set(g, 'var.i', arr(int(1), int(2), int(3), int(4), int(5), int(6)));
  t.set(g, 'var.x', int(0)).set(g, 'var.y', int(-2147483648));
  const expected = `config {
    var.CWD              = "/home/user/t"
    var.PID              = 13060
    server.document-root = "/var/www"
    Server.Port          = 18001
    var.a                = 1
    var.d                = 4
    var.c                = 3
    var.b                = ("x", "y")
    var.e                = ("a", "v")
    var.f                = ()
    var.g                = (
        "p" => 1,
        "q" => ("r", "s"),
        "t",
    )
    var.h                = (1, 2, 3, 4, 5)
    var.i                = (
        1,
        2,
        3,
        4,
        5,
        6,
    )
    var.x                = 0
    var.y                = -2147483648

}
`;
  assert.equal(printConfig(t.tree()), expected);
});

test('example 3 (cli-print.md §4.5): only " is escaped; newlines, tabs, backslashes are raw', () => {
  const t = new TreeBuilder();
  const g = t.global;
  g.entries.length = 0;
  t.set(g, 'var.a', str('x"y')).set(g, 'var.b', str('back\\\\slash')).set(g, 'var.c', str('tab\\tn\\n'));
  t.set(g, 'var.d', str('multi\nline')).set(g, 'server.tag', str('a\n b'));
  assert.equal(
    printConfig(t.tree()),
    'config {\n' +
      '    var.a      = "x\\"y"\n' +
      '    var.b      = "back\\\\slash"\n' +
      '    var.c      = "tab\\tn\\n"\n' +
      '    var.d      = "multi\nline"\n' +
      '    server.tag = "a\n b"\n' +
      '\n' +
      '}\n',
  );
});

test('example 4 (cli-print.md §4.6): empty blocks, plain else, siblings separated by one empty line', () => {
  const t = new TreeBuilder('/home/user/cases', 4242);
  const g = t.global;
  t.set(g, 'server.max-request-size', int(10)).set(g, 'var.k', str('n'));
  const b1 = t.cond(g, '$HTTP["url"] == "/a"');
  t.set(b1, 'var.x', int(1));
  t.set(t.orElse(b1, null), 'var.y', int(2));
  const b3 = t.cond(g, '$HTTP["url"] == "/b"');
  t.set(t.orElse(b3, null), 'var.z', int(1));
  const expected = `config {
    var.CWD                 = "/home/user/cases"
    var.PID                 = 4242
    server.max-request-size = 10
    var.k                   = "n"


    $HTTP["url"] == "/a" {
        # block 1
        var.x = 1

    } # end of $HTTP["url"] == "/a"
    else {
        # block 2
        var.y = 2

    } # end of else

    $HTTP["url"] == "/b" {
        # block 3

    } # end of $HTTP["url"] == "/b"
    else {
        # block 4
        var.z = 1

    } # end of else
}
`;
  assert.equal(printConfig(t.tree()), expected);
});

test('example 1 (cli-print.md §4.3): nesting, else-if chains, nested arrays, byte padding', () => {
  const t = new TreeBuilder('/home/user/demo', 445);
  const g = t.global;
  t.set(g, 'var.basedir', str('/srv/www')).set(g, 'server.document-root', str('/srv/www/htdocs'));
  t.set(g, 'server.port', int(8080)).set(g, 'server.modules', arr(str('mod_access'), str('mod_proxy'), str('mod_wstunnel')));
  t.set(g, 'server.tag', str('demo')).set(g, 'index-file.names', arr(str('index.html')));
  t.set(g, 'mimetype.assign', arr(['.html', str('text/html')], ['.js', str('text/javascript')], ['', str('application/octet-stream')]));
  t.set(g, 'var.limit', int(124)).set(g, 'server.max-keep-alive-requests', int(124));
  t.set(t.cond(g, '$SERVER["socket"] == ":8443"'), 'ssl.engine', str('enable'));
  const b2 = t.cond(g, '$HTTP["host"] =~ "^(www\\.)?example\\.org$"');
  t.set(b2, 'server.document-root', str('/srv/www/example'));
  const b3 = t.cond(b2, '$HTTP["url"] =^ "/ws/"');
  t.set(b3, 'wstunnel.server', arr(['', arr(arr(['host', str('127.0.0.1')], ['port', int(9000)]))]));
  t.set(b3, 'wstunnel.frame-type', str('binary'));
  const b4 = t.orElse(b3, '$HTTP["url"] =^ "/api/"');
  t.set(b4, 'proxy.server', arr(['', arr(['api', arr(['host', str('127.0.0.1')], ['port', int(9001)])])]));
  t.set(b4, 'proxy.header', arr(['upgrade', str('enable')], ['map-urlpath', arr(['/api/', str('/')])]));
  t.set(t.orElse(b4, null), 'url.access-deny', arr(str('~'), str('.inc')));
  const b6 = t.orElse(b2, '$HTTP["remote-ip"] == "10.0.0.0/8"');
  t.set(b6, 'server.name', str('intranet "lan"'));
  const expected = `config {
    var.CWD                        = "/home/user/demo"
    var.PID                        = 445
    var.basedir                    = "/srv/www"
    server.document-root           = "/srv/www/htdocs"
    server.port                    = 8080
    server.modules                 = ("mod_access", "mod_proxy", "mod_wstunnel")
    server.tag                     = "demo"
    index-file.names               = ("index.html")
    mimetype.assign                = (
        ".html" => "text/html",
        ".js"   => "text/javascript",
        ""      => "application/octet-stream",
    )
    var.limit                      = 124
    server.max-keep-alive-requests = 124


    $SERVER["socket"] == ":8443" {
        # block 1
        ssl.engine = "enable"

    } # end of $SERVER["socket"] == ":8443"

    $HTTP["host"] =~ "^(www\\.)?example\\.org$" {
        # block 2
        server.document-root = "/srv/www/example"


        $HTTP["url"] =^ "/ws/" {
            # block 3
            wstunnel.server     = (
                "" => (
                    (
                        "host" => "127.0.0.1",
                        "port" => 9000,
                    ),
                ),
            )
            wstunnel.frame-type = "binary"

        } # end of $HTTP["url"] =^ "/ws/"
        else $HTTP["url"] =^ "/api/" {
            # block 4
            proxy.server = (
                "" => (
                    "api" => (
                        "host" => "127.0.0.1",
                        "port" => 9001,
                    ),
                ),
            )
            proxy.header = (
                "upgrade"     => "enable",
                "map-urlpath" => (
                    "/api/" => "/",
                ),
            )

        } # end of $HTTP["url"] =^ "/api/"
        else {
            # block 5
            url.access-deny = ("~", ".inc")

        } # end of else
    } # end of $HTTP["host"] =~ "^(www\\.)?example\\.org$"
    else $HTTP["remote-ip"] == "10.0.0.0/8" {
        # block 6
        server.name = "intranet \\"lan\\""

    } # end of $HTTP["remote-ip"] == "10.0.0.0/8"
}
`;
  assert.equal(printConfig(t.tree()), expected);
});

test('padding counts bytes, not characters', () => {
  const t = new TreeBuilder();
  t.global.entries.length = 0;
  t.set(t.global, 'var.é', int(1)).set(t.global, 'var.abc', int(2));
  t.set(t.global, 'var.m', arr(['é', int(1)], ['abc', int(2)], ['x', arr()]));
  // "var.é" is 6 bytes, "var.abc" 7: one pad space; "é" is 2 bytes, "abc" 3
  assert.equal(
    printConfig(t.tree()),
    'config {\n    var.é  = 1\n    var.abc = 2\n    var.m   = (\n        "é"  => 1,\n        "abc" => 2,\n        "x"   => (),\n    )\n\n}\n',
  );
});

test('array keys are printed raw (a " in a key is not escaped), values are escaped', () => {
  assert.equal(printValue(arr(['a"b', str('c"d')]), 0), '(\n    "a"b" => "c\\"d",\n)');
});

test('a keyed first element or a nested array forces one element per line; keyless lines have no key column', () => {
  assert.equal(printValue(arr(['k', str('v')]), 0), '(\n    "k" => "v",\n)');
  assert.equal(printValue(arr(str('a'), arr()), 1), '(\n        "a",\n        (),\n    )');
  assert.equal(printValue(arr(str('a'), ['kk', int(1)]), 0), '("a", 1)');
  assert.equal(printValue(arr(str('a'), ['kk', arr()]), 0), '(\n    "a",\n    "kk" => (),\n)');
});

test('nested block: condition text without parents, two empty lines before the first child, one before the next', () => {
  const t = new TreeBuilder();
  t.global.entries.length = 0;
  const a = t.cond(t.global, '$HTTP["host"] == "a"');
  t.cond(a, '$HTTP["url"] =^ "/x"');
  t.cond(a, '$HTTP["url"] =^ "/y"');
  const expected = `config {


    $HTTP["host"] == "a" {
        # block 1


        $HTTP["url"] =^ "/x" {
            # block 2

        } # end of $HTTP["url"] =^ "/x"

        $HTTP["url"] =^ "/y" {
            # block 3

        } # end of $HTTP["url"] =^ "/y"
    } # end of $HTTP["host"] == "a"
}
`;
  assert.equal(printConfig(t.tree()), expected);
});

test('block numbers are printed as stored (else blocks after the blocks nested in the previous member)', () => {
  const t = new TreeBuilder();
  t.global.entries.length = 0;
  const a = t.cond(t.global, '$HTTP["url"] == "/a"');
  t.cond(a, '$HTTP["host"] == "h"');
  t.orElse(a, '$HTTP["url"] == "/b"');
  const out = printConfig(t.tree());
  assert.deepEqual(
    [...out.matchAll(/# block (\d+)/g)].map((m) => m[1]),
    ['1', '2', '3'],
  );
  assert.match(out, /\} # end of \$HTTP\["url"\] == "\/a"\n {4}else \$HTTP\["url"\] == "\/b" \{\n {8}# block 3\n/);
});
