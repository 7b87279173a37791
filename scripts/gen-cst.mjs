#!/usr/bin/env node
// Writes grammar/cst.generated.ts from the compiled parser (run `npm run build` first; `npm run gen:cst` does both).
import { writeFileSync } from 'node:fs';
import { renderCstDts } from '../dist/grammar/cst-dts.js';

writeFileSync(new URL('../grammar/cst.generated.ts', import.meta.url), renderCstDts());
console.log('wrote grammar/cst.generated.ts');
