// For every main file of the lighttpd 1.4.69 corpus, loadConfig must succeed exactly where lighttpd -p did
// (same cwd and environment as the recorded run). The one deliberate difference (newer else-if
// spellings, docs/compat.md) is checked to be exactly that.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { formatDiagnostic } from '../../src/diagnostics.js';
import { sharedDir } from './shared-dir.js';

interface Run { main: string; p_rc: number; p_err: string }
interface Entry { id: string; env?: Record<string, string>; runs: Run[] }

const corpus = path.join(sharedDir(), 'corpus');
const entries = JSON.parse(readFileSync(path.join(corpus, 'results.json'), 'utf8')) as Entry[];

/** Runs accepted on purpose although 1.4.69 fails them: they use if/elif/else if (lighttpd >= 1.4.74). */
const NEWER_ELSE_IF = new Set(['05-upstream-tests-HEAD/condition.conf']);

test('corpus: loadConfig succeeds exactly where lighttpd 1.4.69 -p succeeded', () => {
  let runs = 0;
  for (const e of entries) {
    for (const run of e.runs) {
      runs++;
      const id = `${e.id}/${run.main}`;
      const env = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', SHELL: '/bin/sh', LANG: 'C', ...(e.env ?? {}) };
      const r = loadConfig({ file: run.main, cwd: path.join(corpus, e.id), env, pid: 4242 });
      const detail = `${id}\nlighttpd: ${run.p_err}\nours:\n${r.diagnostics.map(formatDiagnostic).join('\n')}`;
      if (NEWER_ELSE_IF.has(id)) {
        assert.equal(run.p_rc, 255, id);
        assert.notEqual(r.tree, null, detail);
        assert.ok(r.diagnostics.some((d) => d.code === 'TSW_CONFIG_NEWER_ELSE_IF'), detail);
        continue;
      }
      assert.equal(r.tree !== null, run.p_rc === 0, detail);
      if (r.tree === null) assert.ok(r.diagnostics.some((d) => d.severity === 'error'), detail);
    }
  }
  assert.ok(runs >= 139, `expected the whole corpus, ran ${runs}`);
});
