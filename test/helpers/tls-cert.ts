/**
 * Throw-away certificates for the TLS tests, made with the `openssl` command line at test time (no
 * private key is committed): self-signed ones (`localhost` / 127.0.0.1, or another name), and a chain (root CA →
 * intermediate CA → leaf) for the `ssl.ca-file` test. Made once per test process, in a temporary
 * directory removed when the process exits.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A certificate and its key, as files and as text. */
export interface TestCert {
  readonly dir: string;
  /** The certificate alone. */
  readonly certFile: string;
  /** The private key alone. */
  readonly keyFile: string;
  /** Certificate then key in one file (the common `ssl.pemfile` layout). */
  readonly bothFile: string;
  /** The certificate (PEM), for clients that trust it. */
  readonly certPem: string;
}

/** A leaf issued by an intermediate CA issued by a root CA. */
export interface TestChain {
  /** Leaf certificate + key (no intermediate in it). */
  readonly leafBothFile: string;
  /** The intermediate CA certificate (what `ssl.ca-file` supplies). */
  readonly intermediateFile: string;
  /** The root CA (PEM) a client trusts. */
  readonly rootPem: string;
}

let dir: string | null = null;

function workDir(): string {
  if (dir === null) {
    const d = mkdtempSync(join(tmpdir(), 'tsw-tls-'));
    process.once('exit', () => rmSync(d, { recursive: true, force: true }));
    dir = d;
  }
  return dir;
}

function openssl(args: readonly string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

const certs = new Map<string, TestCert>();

/** A self-signed certificate for `name` (default localhost, which also covers 127.0.0.1). */
export function testCert(name = 'localhost'): TestCert {
  const known = certs.get(name);
  if (known) return known;
  const d = workDir();
  const p = (f: string): string => join(d, `${name}-${f}`);
  const san = name === 'localhost' ? 'subjectAltName=DNS:localhost,IP:127.0.0.1' : `subjectAltName=DNS:${name}`;
  openssl(['req', '-x509', ...EC, '-keyout', p('key.pem'), '-out', p('cert.pem'), '-days', '2', '-subj', `/CN=${name}`, '-addext', san], d);
  const certPem = readFileSync(p('cert.pem'), 'utf8');
  writeFileSync(p('both.pem'), certPem + readFileSync(p('key.pem'), 'utf8'));
  const made = { dir: d, certFile: p('cert.pem'), keyFile: p('key.pem'), bothFile: p('both.pem'), certPem };
  certs.set(name, made);
  return made;
}

let chain: TestChain | null = null;

/** The root → intermediate → leaf chain (leaf for localhost / 127.0.0.1). */
export function testChain(): TestChain {
  if (chain !== null) return chain;
  const d = workDir();
  writeFileSync(join(d, 'ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
  writeFileSync(join(d, 'leaf.ext'), 'basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl(['req', '-x509', ...EC, '-keyout', 'root.key', '-out', 'root.pem', '-days', '2', '-subj', '/CN=tsw test root', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], d);
  openssl(['req', '-new', ...EC, '-keyout', 'int.key', '-out', 'int.csr', '-subj', '/CN=tsw test intermediate'], d);
  openssl(['x509', '-req', '-in', 'int.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-CAcreateserial', '-out', 'int.pem', '-days', '2', '-extfile', 'ca.ext'], d);
  openssl(['req', '-new', ...EC, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=localhost'], d);
  openssl(['x509', '-req', '-in', 'leaf.csr', '-CA', 'int.pem', '-CAkey', 'int.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '2', '-extfile', 'leaf.ext'], d);
  writeFileSync(join(d, 'leaf-both.pem'), readFileSync(join(d, 'leaf.pem'), 'utf8') + readFileSync(join(d, 'leaf.key'), 'utf8'));
  chain = { leafBothFile: join(d, 'leaf-both.pem'), intermediateFile: join(d, 'int.pem'), rootPem: readFileSync(join(d, 'root.pem'), 'utf8') };
  return chain;
}
