/**
 * mod_auth configuration problems at startup: lighttpd's errors stop the server with its text (never a
 * crash), its warnings are logged and the server runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../helpers/server.js';
import { rawRequest } from '../helpers/raw-http.js';
import { StartupError } from '../../src/server/startup-error.js';

const rule = (fields: string): string => `server.modules = ( "mod_auth", "mod_authn_file" )\nauth.backend = "htpasswd"\nauth.require = ( "/p/" => ( ${fields} ) )\n`;

test('startup errors: unknown method, missing realm, bad require, unknown field, unsupported backend', async (t) => {
  const cases: [string, RegExp][] = [
    [rule('"method" => "foo", "realm" => "R", "require" => "valid-user"'), /unknown method foo \(e\.g\. "basic", "digest" or "extern"\)/],
    [rule('"method" => "basic", "require" => "valid-user"'), /the realm field is missing/],
    [rule('"method" => "basic", "realm" => "R", "require" => "valid-user|user=a"'), /missing '='/],
    [rule('"method" => "basic", "realm" => "R", "require" => "valid-user", "nonce" => "x"'), /the field is unknown in: .*"nonce"/],
    ['server.modules = ( "mod_auth" )\nauth.backend = "files"\n', /auth\.backend not supported: files/],
  ];
  for (const [conf, want] of cases) {
    await assert.rejects(startTestServer(t, conf), (e: unknown) => e instanceof StartupError && want.test(e.message), conf);
  }
});

test('warnings: host= and a backend of a module tswstunnel lacks are logged; such rules fail closed (503)', async (t) => {
  const s = await startTestServer(
    t,
    `server.modules = ( "mod_auth", "mod_authn_ldap" )
auth.backend = "ldap"
auth.require = ( "/p/" => ( "method" => "basic", "realm" => "R", "require" => "host=h|user=a" ) )
`,
  );
  assert.match(s.stderr(), /warning parsing auth\.require 'require' field: 'host' not implemented; field value: host=h\|user=a/);
  assert.match(s.stderr(), /auth\.backend "ldap" is not supported by tswstunnel/);
  const x = await rawRequest(s.port, 'GET /p/x HTTP/1.1\r\nHost: a\r\n\r\n', { expect: 1 });
  assert.equal(x.responses[0]?.status, 503);
  const open = await rawRequest(s.port, 'GET /q HTTP/1.1\r\nHost: a\r\n\r\n', { expect: 1 });
  assert.equal(open.responses[0]?.status, 404);
});
