/**
 * From `server.modules` to compiled modules: lighttpd's load order (compat edits), our registry,
 * guards for lighttpd modules we do not implement, and the per-block compilation of every module's keys.
 */
import { DiagnosticList } from '../diagnostics.js';
import type { ConfigTree } from '../config/tree.js';
import type { AnyModule } from '../modules/module.js';
import { resolveModuleList } from '../modules/load-order.js';
import type { ModuleRegistry } from '../modules/registry.js';
import { guardsRequests, isKnownUnsupported, unsupportedModule } from '../modules/unsupported.js';
import { compileModule, type CompiledModule } from '../request/effective.js';
import { StartupError } from './startup-error.js';

/** Modules lighttpd has that tswstunnel will implement but this build may not have yet. */
const PLANNED = new Set(['mod_staticfile', 'mod_indexfile', 'mod_dirlisting', 'mod_access', 'mod_alias', 'mod_redirect', 'mod_rewrite', 'mod_setenv', 'mod_wstunnel', 'mod_accesslog']);

/** The compiled modules in load order, and the warnings to log after "server started". */
export interface ModuleSetup {
  readonly modules: readonly CompiledModule<object>[];
  readonly warnings: readonly StartupWarning[];
}

/** A warning line for the error log: lighttpd-style pseudo source and text. */
export interface StartupWarning {
  readonly source: string;
  readonly message: string;
}

/** Resolves, instantiates and compiles the modules; throws StartupError for unknown names or bad values. */
export function setupModules(tree: ConfigTree, listed: readonly string[], compat: boolean, registry: ModuleRegistry, diags: DiagnosticList): ModuleSetup {
  const { names, warnings: orderWarnings } = resolveModuleList(listed, tree, compat);
  const warnings: StartupWarning[] = orderWarnings.map((message) => ({ source: 'configfile.c.387', message }));
  const instances: AnyModule[] = [];
  for (const name of names) {
    const factory = registry.get(name);
    if (factory) {
      instances.push(factory());
    } else if (isKnownUnsupported(name)) {
      instances.push(unsupportedModule(name));
      const message = guardsRequests(name)
        ? `WARNING: ${name} is not supported by tswstunnel; requests it would handle get 503`
        : `WARNING: ${name} is not supported by tswstunnel (ignored)`;
      warnings.push({ source: 'plugin.c.0', message });
    } else if (PLANNED.has(name)) {
      if (name !== 'mod_staticfile') warnings.push({ source: 'plugin.c.0', message: `WARNING: ${name} is not available in this build (ignored)` });
    } else {
      throw new StartupError('TSW_MODULE_UNKNOWN', `dlopen() failed for: ${name} (no such module in tswstunnel or lighttpd 1.4.69); loading plugins finally failed`, 'plugin.c.214');
    }
  }
  const modules = instances.map((m) => compileModule(m, tree, diags));
  return { modules, warnings };
}
