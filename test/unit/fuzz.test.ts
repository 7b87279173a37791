import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { printConfig } from '../../src/config/print.js';
import { formatDiagnostic } from '../../src/diagnostics.js';
import { generateConfig, mutate, Rng } from '../helpers/config-gen.js';
import { GOLDEN_ENV } from '../helpers/golden.js';
import { REPO_ROOT, sharedDir } from '../helpers/run-cli.js';

// Property test: for generated configs and mutations of real ones (corpus + fixtures), the reader never
// throws, fails exactly when it reports an error, locates every error, and its tree always prints.
// A second test compares a sample with the real lighttpd -p (stdout and exit status).
// FUZZ_SEED=<n> replays a run; FUZZ_RUNS=<n> changes the count (default 10,000), FUZZ_DIFF_RUNS the sample.

const FIXTURES = path.join(REPO_ROOT, 'fixtures', 'configs');
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261125);
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 10_000);
const DIFF_RUNS = Number(process.env['FUZZ_DIFF_RUNS'] ?? 300);
/** Deliberate difference (docs/compat.md): else-if spellings are read as lighttpd >= 1.4.74 reads them. */
const NEWER_ELSE_IF = /\b(?:elif|elsif|elseif|if)\b|\belse\s+if\b/;

function confFiles(dir: string): string[] {
  const names = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  return names.filter((n) => /\.(conf|template)$|lighttpd\.conf[.-]/.test(n) && !/\.p\.|\.tt\./.test(n)).map((n) => path.join(dir, n));
}

/** Real configs to mutate; include_shell becomes include so that no mutated command is ever run. */
function seeds(): string[] {
  const files = [...confFiles(path.join(sharedDir(), 'corpus')), ...confFiles(FIXTURES)];
  return files.map((f) => readFileSync(f, 'latin1')).map(defuse);
}

function defuse(text: string): string {
  return text.replace(/include_shell/gi, 'include');
}

test(`fuzz: ${RUNS} generated and mutated configs never crash the reader, errors are located`, { timeout: 120_000 }, () => {
  const rng = new Rng(SEED);
  const sources = seeds();
  assert.ok(sources.length > 50, `${sources.length} seed configs`);
  let failed = 0;
  let accepted = 0;
  const started = Date.now();
  for (let run = 0; run < RUNS; run++) {
    let text = run % 4 === 0 ? generateConfig(rng, 1 + rng.int(25)) : rng.pick(sources);
    const mutations = run % 4 === 0 ? rng.int(3) : 1 + rng.int(3);
    for (let m = 0; m < mutations; m++) text = defuse(mutate(rng, text));
    const context = `seed ${SEED} run ${run}: ${JSON.stringify(text.slice(0, 300))}`;
    let result;
    try {
      result = loadConfig({ file: '-', stdinText: text, cwd: FIXTURES, env: GOLDEN_ENV, pid: 4242 });
    } catch (e) {
      assert.fail(`loadConfig threw (${String(e)}) on ${context}`);
    }
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    for (const d of errors) assert.ok(d.loc && d.loc.line > 0 && d.loc.column > 0, `unlocated: ${formatDiagnostic(d)} on ${context}`);
    assert.equal(result.tree === null, errors.length > 0, `tree iff no error on ${context}`);
    if (result.tree === null) {
      failed++;
    } else {
      accepted++;
      assert.doesNotThrow(() => printConfig(result.tree ?? assert.fail()), context);
    }
  }
  console.log(`fuzz: ${RUNS} configs (seed ${SEED}): ${accepted} accepted, ${failed} rejected, ${Date.now() - started} ms`);
});

test(`fuzz: ${DIFF_RUNS} generated and mutated configs print exactly as lighttpd 1.4.69 prints them`, { timeout: 120_000 }, (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tsw-fuzz-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const rng = new Rng(SEED + 1);
  const sources = readdirSync(FIXTURES).filter((n) => n.endsWith('.conf')).map((n) => defuse(readFileSync(path.join(FIXTURES, n), 'utf8')));
  let compared = 0;
  for (let run = 0; compared < DIFF_RUNS && run < DIFF_RUNS * 2; run++) {
    let text = run % 2 === 0 ? generateConfig(rng, 1 + rng.int(12)) : rng.pick(sources);
    for (let m = rng.int(3); m > 0; m--) text = defuse(mutate(rng, text));
    if (NEWER_ELSE_IF.test(text)) continue;
    compared++;
    writeFileSync(path.join(dir, 't.conf'), text, 'utf8');
    const real = spawnSync('/usr/sbin/lighttpd', ['-p', '-f', 't.conf'], { cwd: dir, env: GOLDEN_ENV, encoding: 'utf8', timeout: 10_000 });
    const ours = loadConfig({ file: 't.conf', cwd: dir, env: GOLDEN_ENV, pid: real.pid ?? 0 });
    const context = `seed ${SEED + 1} run ${run}: ${JSON.stringify(text.slice(0, 400))}`;
    assert.equal(ours.tree === null ? 255 : 0, real.status, `exit status on ${context}: ${real.stderr}`);
    if (ours.tree !== null) assert.equal(printConfig(ours.tree), real.stdout, context);
  }
  assert.equal(compared, DIFF_RUNS);
  console.log(`fuzz: ${compared} configs compared with lighttpd 1.4.69 -p (seed ${SEED + 1}): identical`);
});
