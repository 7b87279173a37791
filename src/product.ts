/**
 * The product name and version: the default `server.tag` (the `Server` header) and what the
 * "server started" log line names. A leaf module, so every layer may read it (STYLE.md §2).
 */

/** The product string used for `server.tag`'s default and log messages. */
export const PRODUCT = 'tswstunnel/0.1.0';
