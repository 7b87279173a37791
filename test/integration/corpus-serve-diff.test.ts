/**
 * Serving differential over the real-world corpus (shared/corpus/INDEX.md): every entry's primary config
 * is rewritten mechanically (test/helpers/corpus-rewrite.ts: loopback listeners on free ports, system
 * paths under a temporary root, no user / group / chroot), the same text is served by the real lighttpd
 * 1.4.69 and by tswstunnel, and a fixed set of requests plus requests derived from the config's own host
 * and url blocks go to both. Compared: status, Content-Type, Content-Length, Location, Content-Range,
 * whether there is an ETag, and the body of 200 answers. A difference is allowed only when it is listed
 * in DOCUMENTED with its reason, the reason names a docs/compat.md entry, and the listed answers really
 * differ. Configs lighttpd itself cannot start here are reported with lighttpd's reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { corpusConfigs, entryTemplate, prepareCopy, type CorpusConfig } from '../helpers/corpus-entry.js';
import { corpusRequests, type CorpusRequest } from '../helpers/corpus-requests.js';
import { startOracle, startTsw } from '../helpers/corpus-serve.js';
import { freePort } from '../helpers/lighttpd.js';
import { rawRequest } from '../helpers/raw-http.js';
import { REPO_ROOT, sharedDir } from '../helpers/run-cli.js';

const CORPUS = path.join(sharedDir(), 'corpus');

/** A documented difference: why, and the docs/compat.md text that describes it. */
interface Documented {
  readonly reason: string;
  readonly compat: string;
}

const UNSUPPORTED_MODULE: Documented = {
  reason: 'an existing script claimed by cgi.assign: lighttpd runs it (perl: 200, python missing here: 500), tswstunnel answers 503',
  compat: '**Unsupported modules** (mod_fastcgi, mod_cgi, mod_scgi, mod_ssi, mod_webdav, …)',
};

const BUILTIN_MIME: Documented = {
  reason: 'no mimetype.assign in the config: lighttpd sends application/octet-stream without an ETag (so no 304), tswstunnel types files from its built-in table and sends an ETag',
  compat: '**Built-in MIME table.**',
};

/** The fixed requests whose answer carries a file's type or ETag. */
const TYPED_FIXED = ['GET /', 'GET /index.html', 'GET directory with slash', 'GET .js', 'GET .css', 'GET .txt', 'GET unknown extension', 'HEAD /index.html', 'GET Range', 'GET If-None-Match'];

function listed(config: string, d: Documented, requests: readonly string[]): [string, Documented][] {
  return requests.map((r) => [`${config} :: ${r}`, d]);
}

const UPSTREAM_HEAD_HOSTS = ['symlink.example.org', 'nosymlink.example.org', 'no-simple.example.org', 'referer.example.org', 'cgi.example.org', 'errors.example.org', 'lowercase-allow', 'lowercase-deny'];

/** `config id :: request name` → documented reason; every one must really differ. */
const DOCUMENTED: ReadonlyMap<string, Documented> = new Map<string, Documented>([
  ...listed('04-upstream-tests-1.4.69/lighttpd.conf', UNSUPPORTED_MODULE, ['GET /script.pl (claimed by a backend or CGI module)', 'GET /script.cgi (claimed by a backend or CGI module)']),
  ...listed('05-upstream-tests-HEAD/lighttpd.conf', UNSUPPORTED_MODULE, ['GET /script.pl (claimed by a backend or CGI module)', 'GET /script.cgi (claimed by a backend or CGI module)']),
  ...listed('22-andrepuel-httptunnel/lighttpd.conf', UNSUPPORTED_MODULE, ['GET /script.py (claimed by a backend or CGI module)', 'GET /script.pl (claimed by a backend or CGI module)']),
  // the HEAD upstream test config sets no mimetype.assign (the 1.4.69 one does)
  ...listed('05-upstream-tests-HEAD/lighttpd.conf', BUILTIN_MIME, [...TYPED_FIXED, ...UPSTREAM_HEAD_HOSTS.flatMap((h) => [`Host ${h} GET /`, `Host ${h} GET /index.html`])]),
  // its mime-types.conf is an empty placeholder in the corpus (INDEX.md)
  ...listed('21-dokuwiki-container/lighttpd.conf', BUILTIN_MIME, TYPED_FIXED),
]);

/** What a closed connection without a response is recorded as. */
const NO_ANSWER = 'connection closed without an answer';

const COMPARED = ['content-type', 'content-length', 'location', 'content-range'] as const;

async function answer(port: number, r: CorpusRequest, etag: string, tls: boolean): Promise<string> {
  const raw = r.raw.replace('@ETAG@', etag);
  const ex = await rawRequest(port, raw, { timeoutMs: 3000, tls, head: [r.isHead === true], ...(r.isUpgrade ? { expect: 1 } : {}) });
  const res = ex.responses[0];
  if (!res) return NO_ANSWER;
  const fields = COMPARED.map((h) => `${h}=${res.header(h) ?? '-'}`);
  const body = res.status === 200 && r.isHead !== true ? `body sha1 ${createHash('sha1').update(res.body).digest('hex').slice(0, 12)}` : '';
  return [`status=${res.status}`, ...fields, `etag=${res.header('etag') === undefined ? 'no' : 'yes'}`, body].filter((s) => s !== '').join(' | ');
}

async function etagOf(port: number, tls: boolean): Promise<string> {
  const ex = await rawRequest(port, 'GET /index.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n', { timeoutMs: 3000, tls });
  return ex.responses[0]?.header('etag') ?? '"none"';
}

/** The first `"bin-path"` program of the print that does not exist on this machine, or null. */
function missingBinPath(print: string): string | null {
  for (const m of print.matchAll(/"bin-path"\s*=>\s*"([^"\s]+)/g)) {
    const bin = m[1] ?? '';
    if (!existsSync(bin)) return bin;
  }
  return null;
}

interface ConfigOutcome {
  readonly id: string;
  /** Why the config was not served (lighttpd cannot start it here), or null. */
  readonly notServed: string | null;
  readonly agree: number;
  readonly total: number;
  readonly problems: string[];
  readonly differing: string[];
}

async function serveConfig(config: CorpusConfig, base: string): Promise<ConfigOutcome> {
  const tpl = entryTemplate(config);
  const portsOracle = await Promise.all(tpl.ports.ports.map(() => freePort()));
  const portsTsw = await Promise.all(tpl.ports.ports.map(() => freePort()));
  const oracleCopy = prepareCopy(tpl, path.join(base, 'l'), portsOracle);
  const tswCopy = prepareCopy(tpl, path.join(base, 't'), portsTsw);
  const outcome = (notServed: string | null, problems: string[] = []): ConfigOutcome => ({ id: config.id, notServed, agree: 0, total: 0, problems, differing: [] });
  if (oracleCopy.print === '') return outcome(`lighttpd -p fails: ${oracleCopy.printError.split('\n')[0] ?? ''}`);
  const oracle = await startOracle(oracleCopy, portsOracle[0] ?? 0);
  if (!oracle.ok) return outcome(`lighttpd does not start: ${oracle.reason}`);
  // lighttpd spawns bin-path backends at startup and stops when the spawn fails — but only when it sees
  // the child die in time, a race on a busy machine; such configs are not served rather than flaky
  const missingBin = missingBinPath(oracleCopy.print);
  if (missingBin !== null) {
    await oracle.stop();
    return outcome(`lighttpd cannot spawn its backend: bin-path ${missingBin} is not installed here`);
  }
  const tsw = await startTsw(tswCopy, portsTsw[0] ?? 0);
  if (!tsw.ok) {
    await oracle.stop();
    return outcome(null, [`${config.id}: lighttpd starts, tswstunnel does not: ${tsw.reason}`]);
  }
  try {
    const requests = corpusRequests(oracleCopy.print);
    // a global ssl.engine makes the main listener TLS (getarun's "SSL only" layout)
    const tls = /^ {4}ssl\.engine\s*=\s*"enable"/m.test(oracleCopy.print);
    const [etagL, etagT] = await Promise.all([etagOf(oracle.port, tls), etagOf(tsw.port, tls)]);
    const problems: string[] = [];
    const differing: string[] = [];
    let agree = 0;
    let answered = 0;
    for (const r of requests) {
      const [want, got] = await Promise.all([answer(oracle.port, r, etagL, tls), answer(tsw.port, r, etagT, tls)]);
      if (want !== NO_ANSWER) answered++;
      const key = `${config.id} :: ${r.name}`;
      if (want === got) {
        agree++;
        if (DOCUMENTED.has(key)) problems.push(`${key}: listed as a documented difference but the answers agree`);
        continue;
      }
      differing.push(key);
      if (!DOCUMENTED.has(key)) problems.push(`${key}\n    lighttpd:   ${want}\n    tswstunnel: ${got}`);
    }
    // a request may legitimately be dropped (a rewrite to a path without '/'), but not all of them
    if (answered === 0) problems.push(`${config.id}: lighttpd answered none of the requests (the comparison would prove nothing)`);
    return { id: config.id, notServed: null, agree, total: requests.length, problems, differing };
  } finally {
    await Promise.all([oracle.stop(), tsw.stop()]);
  }
}

test('corpus configs served: tswstunnel answers as lighttpd 1.4.69', { timeout: 120_000 }, async () => {
  const configs = corpusConfigs(CORPUS);
  assert.ok(configs.length >= 27, `corpus entries found: ${configs.length}`);
  const compat = readFileSync(path.join(REPO_ROOT, 'docs', 'compat.md'), 'utf8');
  for (const [key, d] of DOCUMENTED) assert.ok(compat.includes(d.compat), `${key}: docs/compat.md has no entry "${d.compat}"`);
  const outcomes: ConfigOutcome[] = [];
  for (const config of configs) {
    const base = mkdtempSync(path.join(tmpdir(), 'csd-'));
    try {
      outcomes.push(await serveConfig(config, base));
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  }
  let agree = 0;
  let total = 0;
  for (const o of outcomes) {
    if (o.notServed !== null) {
      console.log(`${o.id}: not served (${o.notServed})`);
      continue;
    }
    const documented = o.differing.filter((k) => DOCUMENTED.has(k)).length;
    console.log(`${o.id}: ${o.agree} of ${o.total} answers agree${documented > 0 ? ` (${documented} documented differences)` : ''}`);
    agree += o.agree;
    total += o.total;
  }
  const served = outcomes.filter((o) => o.notServed === null).length;
  console.log(`corpus serving: ${agree} of ${total} answers agree over ${served} of ${outcomes.length} configs (${DOCUMENTED.size} documented differences)`);
  const problems = outcomes.flatMap((o) => o.problems);
  assert.deepEqual(problems, [], `differences not documented:\n${problems.join('\n')}`);
  const differing = new Set(outcomes.flatMap((o) => o.differing));
  for (const key of DOCUMENTED.keys()) assert.ok(differing.has(key), `${key}: listed but not seen (config not served?)`);
  assert.ok(served >= 10, `only ${served} configs could be served`);
});
