/**
 * mod_expire on tswstunnel alone (the answers themselves are compared with lighttpd in
 * expire-diff.test.ts): bad values stop the start with lighttpd's messages and exit 255 (compared with
 * `lighttpd -tt`), module order decides whether a mod_setenv Cache-Control wins, a loaded module without
 * keys changes nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { rawRequest } from '../helpers/raw-http.js';
import { startTestServer, tempDir } from '../helpers/server.js';
import { LIGHTTPD_BIN } from '../helpers/lighttpd.js';
import { runProcess, runTsw } from '../helpers/run-cli.js';

const get = (p: string, version = 'HTTP/1.1'): string => `GET ${p} ${version}\r\nHost: a\r\nConnection: close\r\n\r\n`;

const BAD_VALUES = ['', 'access', 'Access 1 hours', 'access plus 1', 'modification 1x hours', 'access 1 foo', 'access  1 hours', 'access 1  hours', 'access 1 ', 'now 1 hours 2', 'access 0x10 seconds'];

/** lighttpd -tt's two mod_expire lines for a bad expire.url value: the detail and "parsing … failed". */
async function lighttpdLines(dir: string, value: string): Promise<{ status: number | null; lines: string[] }> {
  const file = path.join(dir, 'l.conf');
  writeFileSync(file, `server.document-root = "${dir}"\nserver.modules = ( "mod_expire" )\n$HTTP["url"] =^ "/x/" { expire.url = ( "/x/" => "${value}" ) }\n`);
  const r = await runProcess(LIGHTTPD_BIN, ['-tt', '-f', file]);
  const lines = r.stderr.split('\n').filter((l) => l.includes('(mod_expire.c.')).map((l) => l.replace(/^.*\(mod_expire\.c\.\d+\) /, ''));
  return { status: r.status, lines };
}

test('a bad expire value stops the start with lighttpd\'s detail, like lighttpd -tt', async (t) => {
  const dir = tempDir(t);
  for (const value of BAD_VALUES) {
    const theirs = await lighttpdLines(dir, value);
    assert.equal(theirs.status, 255, value);
    assert.equal(theirs.lines.length, 2, `${value}: ${theirs.lines.join(' / ')}`);
    const [detail, failed] = theirs.lines;
    await assert.rejects(startTestServer(t, `server.modules = ( "mod_expire" )\n$HTTP["url"] =^ "/x/" { expire.url = ( "/x/" => "${value}" ) }\n`), (e: Error) => {
      assert.ok(e.message.includes(`${failed ?? '?'} (${detail ?? '?'})`), `${value}: ${e.message}`);
      return true;
    });
  }
});

test('tswstunnel -tt: a bad expire.mimetypes value is an error at its location, exit 255', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'lighttpd.conf');
  writeFileSync(file, `server.document-root = "${dir}"\nserver.modules = ( "mod_expire" )\nexpire.mimetypes = ( "image/" => "access 1 fortnight" )\n`);
  const r = await runTsw(['-tt', '-f', file]);
  assert.equal(r.status, 255);
  assert.match(r.stderr, /lighttpd\.conf:3:\d+: error: parsing expire\.mimetypes failed: access 1 fortnight \(unknown type: fortnight\)/);
  assert.doesNotMatch(r.stderr, /warning/);
});

test('mod_setenv listed before mod_expire: its Cache-Control stands alone', async (t) => {
  const s = await startTestServer(
    t,
    `server.modules = ( "mod_setenv", "mod_expire", "mod_staticfile" )
mimetype.assign = ( ".txt" => "text/plain" )
expire.url = ( "/" => "access plus 1 hours" )
$HTTP["url"] =^ "/cc/" { setenv.add-response-header = ( "Cache-Control" => "no-store" ) }
`,
    { files: { 'cc/f.txt': 'x', 'f.txt': 'y' } },
  );
  const cc = (await rawRequest(s.port, get('/cc/f.txt'))).responses[0]?.headerList.filter(([k]) => k === 'Cache-Control');
  assert.deepEqual(cc, [['Cache-Control', 'no-store']]);
  assert.equal((await rawRequest(s.port, get('/f.txt'))).responses[0]?.header('cache-control'), 'max-age=3600');
  const old = (await rawRequest(s.port, get('/f.txt', 'HTTP/1.0'))).responses[0];
  assert.equal(old?.header('cache-control'), undefined);
  assert.equal(Date.parse(old?.header('expires') ?? '') - Date.parse(old?.header('date') ?? ''), 3600_000);
});

test('mod_expire loaded without keys, or with keys in a block that does not match: no header', async (t) => {
  const s = await startTestServer(
    t,
    `server.modules = ( "mod_expire", "mod_staticfile" )
mimetype.assign = ( ".txt" => "text/plain" )
$HTTP["url"] =^ "/x/" { expire.mimetypes = ( "" => "access plus 1 hours" ) }
`,
    { files: { 'f.txt': 'y', 'x/f.txt': 'z' } },
  );
  const r = (await rawRequest(s.port, get('/f.txt'))).responses[0];
  assert.equal(r?.status, 200);
  assert.equal(r?.header('cache-control'), undefined);
  assert.equal(r?.header('expires'), undefined);
  assert.equal((await rawRequest(s.port, get('/x/f.txt'))).responses[0]?.header('cache-control'), 'max-age=3600');
  assert.doesNotMatch(s.stderr(), /mod_expire/);
});
