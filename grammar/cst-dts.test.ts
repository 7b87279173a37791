// cst.generated.ts must match the grammar: regenerate in memory and compare (run `npm run gen:cst` to fix).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderCstDts } from './cst-dts.js';

test('grammar/cst.generated.ts is up to date (npm run gen:cst)', () => {
  // compiled to dist/grammar/, the source is ../../grammar/
  const file = fileURLToPath(new URL('../../grammar/cst.generated.ts', import.meta.url));
  assert.equal(readFileSync(file, 'utf8'), renderCstDts(), 'grammar/cst.generated.ts is stale: run npm run gen:cst');
});
