/**
 * TLS settings that cannot be used stop the start with one error-log line in lighttpd 1.4.69's words
 * and exit status 255 (the real CLI, `-D -f`), never a stack trace.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTsw } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/server.js';
import { testCert, testChain } from '../helpers/tls-cert.js';

const CASES: readonly { readonly name: string; readonly ssl: (dir: string) => string; readonly message: (dir: string) => string }[] = [
  {
    name: 'a missing ssl.pemfile file',
    ssl: (dir) => `ssl.pemfile = "${join(dir, 'missing.pem')}"`,
    message: (dir) => `(fdevent.c.647) fdevent_load_file() ${join(dir, 'missing.pem')}: No such file or directory`,
  },
  {
    name: 'a PEM file without a certificate',
    ssl: (dir) => `ssl.pemfile = "${join(dir, 'garbage.pem')}"`,
    message: (dir) => `(mod_openssl.c.1327) SSL: couldn't read X509 certificate from '${join(dir, 'garbage.pem')}'`,
  },
  {
    name: 'a certificate without its key',
    ssl: () => `ssl.pemfile = "${testCert().certFile}"`,
    message: () => `(mod_openssl.c.1367) SSL: couldn't read private key from '${testCert().certFile}'`,
  },
  {
    name: 'a key that belongs to another certificate',
    ssl: () => `ssl.pemfile = "${testCert().certFile}"\nssl.privkey = "${testChain().leafBothFile}"`,
    message: () => `(mod_openssl.c.1701) SSL: Private key does not match the certificate public key: ${testCert().certFile} ${testChain().leafBothFile}`,
  },
  {
    name: 'ssl.engine without ssl.pemfile',
    ssl: () => '',
    message: () => '(mod_openssl.c.2659) ssl.pemfile has to be set when ssl.engine = "enable"',
  },
  {
    name: 'a cipher string OpenSSL rejects',
    ssl: () => `ssl.pemfile = "${testCert().bothFile}"\nssl.openssl.ssl-conf-cmd = ( "CipherString" => "NO-SUCH-CIPHER" )`,
    message: () => `(mod_openssl.c.1989) SSL: ${testCert().bothFile}:`,
  },
];

for (const c of CASES) {
  test(`startup error, exit 255: ${c.name}`, async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'garbage.pem'), 'not a certificate\n');
    const conf = join(dir, 'lighttpd.conf');
    writeFileSync(conf, `server.document-root = "${dir}"\nserver.bind = "127.0.0.1"\nserver.port = 0\nserver.modules = ("mod_openssl")\nssl.engine = "enable"\n${c.ssl(dir)}\n`);
    const r = await runTsw(['-D', '-f', conf], { timeoutMs: 15000 });
    assert.equal(r.status, 255, r.stderr);
    assert.ok(r.stderr.includes(c.message(dir)), r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });
}
