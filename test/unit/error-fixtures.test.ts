import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { formatDiagnostic } from '../../src/diagnostics.js';
import { GOLDEN_ENV } from '../helpers/golden.js';
import { REPO_ROOT } from '../helpers/run-cli.js';

// Error fixtures (STYLE.md §7): fixtures/errors/NAME.conf starts with
// `# expect: LINE:COL: error CODE [in FILE]` — the first error tswstunnel reports, where it points, its code.
// lighttpd 1.4.69 must reject each of them too (exit 255).

const DIR = path.join(REPO_ROOT, 'fixtures', 'errors');
const EXPECT = /^# expect: (\d+):(\d+): error (TSW_[A-Z_]+)(?: in (\S+))?$/;
const names = readdirSync(DIR).filter((n) => n.endsWith('.conf')).sort();

test('every error fixture: the first error, its location and code', async (t) => {
  assert.ok(names.length >= 15, `${names.length} error fixtures`);
  for (const name of names) {
    await t.test(name, () => {
      const header = readFileSync(path.join(DIR, name), 'utf8').split('\n', 1)[0] ?? '';
      const m = EXPECT.exec(header);
      assert.ok(m, `first line must be "# expect: LINE:COL: error CODE": ${header}`);
      const result = loadConfig({ file: name, cwd: DIR, env: GOLDEN_ENV, pid: 1 });
      assert.equal(result.tree, null);
      const first = result.diagnostics.find((d) => d.severity === 'error');
      assert.ok(first);
      const got = `${first.loc?.line}:${first.loc?.column}: error ${first.code}${first.loc?.file === name ? '' : ` in ${first.loc?.file}`}`;
      assert.equal(`# expect: ${got}`, header, formatDiagnostic(first));
    });
  }
});

test('lighttpd 1.4.69 rejects every error fixture too', () => {
  for (const name of names) {
    const r = spawnSync('/usr/sbin/lighttpd', ['-p', '-f', name], { cwd: DIR, env: GOLDEN_ENV, encoding: 'utf8', timeout: 10_000 });
    assert.equal(r.status, 255, `${name}: ${r.stdout}`);
  }
});
