import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { printConfig } from '../../src/config/print.js';
import { formatDiagnostic } from '../../src/diagnostics.js';
import { generateConfig, mutate, Rng } from '../helpers/config-gen.js';
import { GOLDEN_ENV } from '../helpers/golden.js';
import { REPO_ROOT, sharedDir } from '../helpers/run-cli.js';

// Property test: for generated configs and mutations of real ones (corpus + fixtures), the reader never
// throws, fails exactly when it reports an error, locates every error, and its tree always prints.
// FUZZ_SEED=<n> replays a run; FUZZ_RUNS=<n> changes the count (default 10,000).

const FIXTURES = path.join(REPO_ROOT, 'fixtures', 'configs');
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261125);
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 10_000);

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
