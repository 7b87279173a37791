import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { printConfig } from '../../src/config/print.js';
import { formatDiagnostic } from '../../src/diagnostics.js';
import { GOLDEN_ENV, normalizeDump } from '../helpers/golden.js';
import { REPO_ROOT } from '../helpers/run-cli.js';

// Golden fixtures (STYLE.md §7): fixtures/configs/NAME.conf → NAME.p.txt as the real `lighttpd -p` prints it
// (recorded by scripts/update-golden.mjs; `UPDATE_GOLDEN=1 npm test` re-records), NAME.p.stderr.txt starts
// with lighttpd's exit status. Where lighttpd failed, tswstunnel must fail with a located error.

const DIR = path.join(REPO_ROOT, 'fixtures', 'configs');
const SCRIPT = path.join(REPO_ROOT, 'scripts', 'update-golden.mjs');
const LIGHTTPD = '/usr/sbin/lighttpd';
/** The var.PID given to the reader; chosen so no fixture contains this number. */
const PID = 3_999_977;

if (process.env['UPDATE_GOLDEN'] === '1') {
  const r = spawnSync(process.execPath, [SCRIPT], { stdio: 'inherit', timeout: 60_000 });
  if (r.status !== 0) throw new Error('scripts/update-golden.mjs failed');
}

const names = readdirSync(DIR).filter((n) => n.endsWith('.conf')).sort();

test('the golden folder has at least 60 fixtures', () => {
  assert.ok(names.length >= 60, `${names.length} fixtures`);
});

test('every fixture: tswstunnel prints what lighttpd 1.4.69 printed, or fails where it failed', async (t) => {
  for (const name of names) {
    await t.test(name, () => {
      const expectedOut = readFileSync(path.join(DIR, `${name}.p.txt`), 'utf8');
      const recordedErr = readFileSync(path.join(DIR, `${name}.p.stderr.txt`), 'utf8');
      const exit = /^exit=(\d+)/.exec(recordedErr)?.[1];
      const result = loadConfig({ file: name, cwd: DIR, env: GOLDEN_ENV, pid: PID });
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      if (exit === '0') {
        assert.deepEqual(errors.map(formatDiagnostic), [], 'lighttpd accepted this config');
        assert.ok(result.tree);
        assert.equal(normalizeDump(printConfig(result.tree), DIR, PID), expectedOut);
      } else {
        assert.equal(exit, '255');
        assert.equal(result.tree, null, 'lighttpd rejected this config');
        assert.ok(errors.length > 0);
        for (const d of errors) assert.ok(d.loc && d.loc.line > 0 && d.loc.column > 0, `located: ${formatDiagnostic(d)}`);
      }
    });
  }
});

test('the recorded outputs are current (lighttpd re-run live)', () => {
  assert.ok(existsSync(LIGHTTPD), `${LIGHTTPD} is needed (apt-get install lighttpd)`);
  const r = spawnSync(process.execPath, [SCRIPT, '--check'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
});
