/**
 * Everything a TLS listener needs at startup: its own secure context and those of the `$HTTP["host"]`
 * blocks that select certificates by server name (tls-sni.ts), each built by tls-context.ts (so an
 * unusable file in a host block stops the start too), plus the warnings to log about the settings.
 */
import { DiagnosticList, formatDiagnostic } from '../diagnostics.js';
import type { ConfigTree } from '../config/tree.js';
import type { ListenSpec } from './server-config.js';
import { StartupError } from './startup-error.js';
import type { ListenerTls } from './tls-accept.js';
import { buildTlsContext } from './tls-context.js';
import { sniRules } from './tls-sni.js';

/** The listener's contexts (null for a plain listener) and the warnings about its settings. */
export function buildListenerTls(tree: ConfigTree, spec: ListenSpec): { readonly tls: ListenerTls | null; readonly warnings: readonly string[] } {
  if (!spec.tls.engine) return { tls: null, warnings: [] };
  const own = buildTlsContext(spec.tls);
  const warnings = [...own.warnings];
  const diags = new DiagnosticList();
  const rules = sniRules(tree, spec.token, spec.tls, diags);
  const bad = diags.items.find((d) => d.severity === 'error');
  if (bad) throw new StartupError(bad.code, formatDiagnostic(bad), 'configfile.c.0');
  const sni = rules.map((r) => {
    const built = buildTlsContext(r.settings);
    for (const w of built.warnings) if (!warnings.includes(w)) warnings.push(w);
    return { conditions: r.conditions, context: built.context, check: built.check };
  });
  return { tls: { context: own.context, check: own.check, sni }, warnings };
}
