/**
 * Throw-away client certificates for the `ssl.verifyclient.*` tests, made with the `openssl` command
 * line at test time (no private key is committed), once per test process in a temporary directory
 * removed at exit: a client CA, another CA nobody trusts, an intermediate CA below the client CA, and
 * clients issued by them — alice (a subject with several parts), bob (revoked by the CA's CRL),
 * mallory (from the untrusted CA), carol (from the intermediate, a chain of depth 2) — plus the CRLs.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One client's certificate (with its chain, when it has one) and key, as PEM text. */
export interface ClientCert {
  readonly name: string;
  readonly cert: string;
  readonly key: string;
}

/** The files a config names and the clients a test connects as. */
export interface ClientCertSet {
  readonly dir: string;
  /** The client CA (what `ssl.verifyclient.ca-file` trusts). */
  readonly caFile: string;
  /** The intermediate CA's certificate. */
  readonly intermediateFile: string;
  /** The client CA's CRL (bob revoked) and the intermediate's (nothing revoked), in one file. */
  readonly crlFile: string;
  /** The client CA's CRL alone. */
  readonly caCrlFile: string;
  readonly clients: Readonly<Record<'alice' | 'bob' | 'mallory' | 'carol', ClientCert>>;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
const CA_EXT = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'];

let made: ClientCertSet | null = null;

/** Makes the set once per process. */
export function clientCerts(): ClientCertSet {
  if (made !== null) return made;
  const d = mkdtempSync(join(tmpdir(), 'tsw-mtls-'));
  process.once('exit', () => rmSync(d, { recursive: true, force: true }));
  const run = (args: readonly string[]): void => {
    execFileSync('openssl', args, { cwd: d, stdio: ['ignore', 'ignore', 'pipe'] });
  };
  writeFileSync(join(d, 'ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
  writeFileSync(join(d, 'client.ext'), 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n');
  const ca = (name: string, subj: string): void => run(['req', '-x509', ...EC, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', subj, ...CA_EXT]);
  const issue = (name: string, subj: string, issuer: string, ext: string, serial: string): void => {
    run(['req', '-new', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subj]);
    run(['x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-set_serial', serial, '-out', `${name}.pem`, '-days', '2', '-extfile', ext]);
  };
  ca('ca', '/C=DE/O=tsw test/CN=tsw client CA');
  ca('other', '/CN=tsw other CA');
  issue('int', '/CN=tsw intermediate', 'ca', 'ca.ext', '0x1002');
  issue('alice', '/C=DE/O=tsw test/OU=dev/CN=alice/emailAddress=alice@example.test', 'ca', 'client.ext', '0x0A11CE');
  issue('bob', '/CN=bob', 'ca', 'client.ext', '0x0B0B');
  issue('mallory', '/CN=mallory', 'other', 'client.ext', '0x66');
  issue('carol', '/CN=carol', 'int', 'client.ext', '0x0CA201');
  const crl = (issuer: string, revoke: string | null): string => {
    const db = join(d, `${issuer}-db`);
    mkdirSync(db);
    writeFileSync(join(db, 'index.txt'), '');
    writeFileSync(join(db, 'crlnumber'), '01\n');
    writeFileSync(join(d, `${issuer}-crl.cnf`), `[ca]\ndefault_ca=d\n[d]\ndatabase=${db}/index.txt\ncrlnumber=${db}/crlnumber\ndefault_md=sha256\ndefault_crl_days=2\n`);
    const base = ['ca', '-config', `${issuer}-crl.cnf`, '-cert', `${issuer}.pem`, '-keyfile', `${issuer}.key`];
    if (revoke !== null) run([...base, '-revoke', `${revoke}.pem`]);
    run([...base, '-gencrl', '-out', `${issuer}.crl`]);
    return readFileSync(join(d, `${issuer}.crl`), 'utf8');
  };
  const caCrl = crl('ca', 'bob');
  writeFileSync(join(d, 'all.crl'), caCrl + crl('int', null));
  const pem = (f: string): string => readFileSync(join(d, f), 'utf8');
  const client = (name: string, chain = ''): ClientCert => ({ name, cert: pem(`${name}.pem`) + chain, key: pem(`${name}.key`) });
  made = {
    dir: d,
    caFile: join(d, 'ca.pem'),
    intermediateFile: join(d, 'int.pem'),
    crlFile: join(d, 'all.crl'),
    caCrlFile: join(d, 'ca.crl'),
    clients: { alice: client('alice'), bob: client('bob'), mallory: client('mallory'), carol: client('carol', pem('int.pem')) },
  };
  return made;
}
