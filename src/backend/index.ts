/**
 * The shared backend layer (lighttpd's gw_backend): parse `*.server`, balance, connect, spawn.
 * mod_wstunnel and mod_proxy plug into it; nothing here knows about either module.
 */
export * from './spec.js';
export * from './balance.js';
export * from './connect.js';
export * from './pool.js';
export * from './registry.js';
export * from './lease.js';
export * from './keepalive.js';
export { ProcessSupervisor, buildEnvironment, listenerFd, openListener, probeAddress, type SupervisorHooks } from './spawn.js';
export { parseHost, type HostWhere } from './host-spec.js';
