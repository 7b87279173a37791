/**
 * The explicit list of modules tswstunnel implements: `server.modules` name → factory.
 *
 * Importing a module file registers nothing; a module exists for the server only when listed here.
 * Each server instance calls the factory once, so module state (log files, pools) is per server.
 * To add a module: import its factory and add one line to BUILTIN_MODULES.
 */
import type { AnyModule } from './module.js';
import { createAccesslogModule } from './accesslog/index.js';
import { createProxyModule } from './proxy/index.js';

/** Creates a fresh instance of a module. */
export type ModuleFactory = () => AnyModule;

/** name (as in server.modules) → factory. */
export type ModuleRegistry = ReadonlyMap<string, ModuleFactory>;

/** The modules tswstunnel implements. */
export const BUILTIN_MODULES: ModuleRegistry = new Map<string, ModuleFactory>([
  ['mod_accesslog', createAccesslogModule],
  ['mod_proxy', () => createProxyModule()],
]);
