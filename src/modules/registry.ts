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
import { createAccessModule } from './access.js';
import { createAuthModule, createAuthnFileModule } from './auth/index.js';
import { createDeflateModule } from './deflate/index.js';
import { createAliasModule } from './alias.js';
import { createDirlistingModule } from './dirlisting.js';
import { createExpireModule } from './expire.js';
import { createEvhostModule } from './evhost.js';
import { createExtforwardModule } from './extforward/index.js';
import { createIndexfileModule } from './indexfile.js';
import { createRedirectModule } from './redirect.js';
import { createRewriteModule } from './rewrite.js';
import { createSetenvModule } from './setenv.js';
import { createSimpleVhostModule } from './simple-vhost.js';
import { createStaticfileModule } from './staticfile.js';
import { createStatusModule } from './status/index.js';
import { createTlsModule } from './tls.js';
import { createUserdirModule } from './userdir.js';
import { createWstunnelModule } from './wstunnel/index.js';

/** Creates a fresh instance of a module. */
export type ModuleFactory = () => AnyModule;

/** name (as in server.modules) → factory. */
export type ModuleRegistry = ReadonlyMap<string, ModuleFactory>;

/** The modules tswstunnel implements. */
export const BUILTIN_MODULES: ModuleRegistry = new Map<string, ModuleFactory>([
  ['mod_accesslog', createAccesslogModule],
  ['mod_proxy', () => createProxyModule()],
  ['mod_access', createAccessModule],
  ['mod_alias', createAliasModule],
  ['mod_auth', createAuthModule],
  ['mod_authn_file', createAuthnFileModule],
  ['mod_deflate', createDeflateModule],
  ['mod_dirlisting', createDirlistingModule],
  ['mod_evhost', createEvhostModule],
  ['mod_expire', createExpireModule],
  ['mod_extforward', createExtforwardModule],
  ['mod_indexfile', createIndexfileModule],
  ['mod_redirect', createRedirectModule],
  ['mod_rewrite', createRewriteModule],
  ['mod_setenv', createSetenvModule],
  ['mod_simple_vhost', createSimpleVhostModule],
  ['mod_staticfile', createStaticfileModule],
  ['mod_status', createStatusModule],
  ['mod_userdir', () => createUserdirModule()],
  ['mod_wstunnel', () => createWstunnelModule()],
  ...['mod_openssl', 'mod_gnutls', 'mod_mbedtls', 'mod_nss', 'mod_wolfssl'].map((name): [string, ModuleFactory] => [name, () => createTlsModule(name)]),
]);
