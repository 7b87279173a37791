/**
 * The module part of `-tt` (cli-print.md §5.2 step 7): every loaded module checks its values, exactly as
 * at startup, but nothing is bound, spawned or opened. Uses the server's own module setup so `-tt` and
 * a real start agree; loaded on demand by the CLI (only `-tt` needs the HTTP stack).
 */
import { DiagnosticList, type Diagnostic } from '../diagnostics.js';
import type { ConfigTree } from '../config/tree.js';
import { BUILTIN_MODULES } from '../modules/registry.js';
import { compileModule } from '../request/effective.js';
import { coreModule } from '../server/core-config.js';
import { setupModules } from '../server/modules-setup.js';
import { readServerConf } from '../server/server-config.js';
import { StartupError } from '../server/startup-error.js';

/**
 * The diagnostics of compiling the core and every loaded module for this config. The module-list
 * warnings are left out: the key checks (src/config/check-keys.ts) already name unimplemented modules.
 */
export function compileModulesDiagnostics(tree: ConfigTree): Diagnostic[] {
  const diags = new DiagnosticList();
  try {
    const conf = readServerConf(tree, diags);
    compileModule(coreModule, tree, diags);
    setupModules(tree, conf.modules, conf.compatModuleLoad, BUILTIN_MODULES, diags);
  } catch (e) {
    if (!(e instanceof StartupError)) throw e;
    diags.report({ severity: 'error', code: e.code, message: e.message });
  }
  return diags.items;
}
