/**
 * Whether lighttpd 1.4.69's startup URL normalisation of config values applies: its
 * `srvconf.http_url_normalize` is non-zero unless the global `server.http-parseopts` says
 * `"url-normalize" => "disable"` (which switches every URL option off). Only then does lighttpd rewrite
 * `$HTTP["querystring"]` values and patterns (configfile.c) and the keys and values of url.redirect and
 * url.rewrite* (mod_redirect.c, mod_rewrite.c) into the form a normalised request target has. The
 * decision is taken after the whole config is read, so a later `server.http-parseopts` still counts.
 */
import { findEntry, type ConfigBlock } from './tree.js';
import { asBoolean } from './values.js';

/** True unless the global block disables `url-normalize`; any block of the tree may be passed. */
export function urlNormalizeEnabled(block: ConfigBlock): boolean {
  let global = block;
  while (global.parent) global = global.parent;
  const opts = findEntry(global, 'server.http-parseopts')?.value;
  if (opts?.type !== 'array') return true;
  // lighttpd compares the option names case-sensitively; core-keys.ts rejects unknown spellings
  return !opts.items.some((item) => item.key === 'url-normalize' && asBoolean(item.value) === false);
}
