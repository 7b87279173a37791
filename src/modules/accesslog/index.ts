/**
 * mod_accesslog (lighttpd src/mod_accesslog.c, http-core.md §10): one line per finished request,
 * including parser errors, in lighttpd's format language.
 *
 * Keys: accesslog.filename (file or `|command`; `""` disables for a block), accesslog.format,
 * accesslog.escaping ("default" | "json"). accesslog.use-syslog / accesslog.syslog-level are accepted;
 * syslog output is not implemented (a startup warning; lines go nowhere for such blocks).
 * Differences: file lines are written at the end of the event-loop turn instead of lighttpd's ~4 s buffer.
 */
import type { DiagnosticSink } from '../../diagnostics.js';
import type { BlockValues, Module, ModuleEnv } from '../module.js';
import type { RequestCtx, RequestDone } from '../../request/context.js';
import { readBool, readString } from '../../server/read-values.js';
import { DEFAULT_FORMAT, parseFormat, renderLine, type Field } from './format.js';
import { LogWriter } from './writer.js';
import { catalogueKeys } from '../../config/key-catalogue.js';

/** Effective accesslog settings. */
export interface AccesslogConf {
  readonly filename: string;
  readonly fields: readonly Field[];
  readonly json: boolean;
  readonly syslog: boolean;
}

/** Creates a mod_accesslog instance (its open files belong to one server). */
export function createAccesslogModule(): Module<AccesslogConf> {
  const filenames = new Set<string>();
  const writers = new Map<string, LogWriter>();
  let env: ModuleEnv | null = null;
  let syslogWarned = false;

  return {
    name: 'mod_accesslog',
    keys: catalogueKeys('mod_accesslog'),
    defaults: { filename: '', fields: parseFormat(DEFAULT_FORMAT), json: false, syslog: false },

    compile(values: BlockValues, report: DiagnosticSink): Partial<AccesslogConf> {
      const out: { -readonly [K in keyof AccesslogConf]?: AccesslogConf[K] } = {};
      const fn = values.entries.get('accesslog.filename');
      if (fn) {
        const s = readString(fn, report);
        if (s !== undefined) {
          out.filename = s;
          if (s !== '') filenames.add(s);
        }
      }
      const fmt = values.entries.get('accesslog.format');
      if (fmt) {
        const s = readString(fmt, report);
        if (s !== undefined) {
          try {
            out.fields = parseFormat(s);
          } catch (e) {
            const loc = fmt.value.loc ?? fmt.loc;
            report.report({ severity: 'error', code: 'TSW_ACCESSLOG_FORMAT', message: `accesslog.format: ${(e as Error).message}`, ...(loc ? { loc } : {}) });
          }
        }
      }
      const escaping = values.entries.get('accesslog.escaping');
      if (escaping) {
        const s = readString(escaping, report);
        if (s !== undefined) out.json = s.toLowerCase() === 'json';
      }
      const sys = values.entries.get('accesslog.use-syslog');
      if (sys) {
        const b = readBool(sys, report);
        if (b !== undefined) out.syslog = b;
      }
      return out;
    },

    init(e: ModuleEnv): void {
      env = e;
      for (const name of filenames) {
        writers.set(name, new LogWriter(name, (m) => env?.log(m)));
      }
    },

    onRequestDone(req: RequestCtx, done: RequestDone, conf: AccesslogConf): void {
      if (conf.syslog) {
        if (!syslogWarned) env?.log('accesslog: accesslog.use-syslog is not supported; no access log line written');
        syslogWarned = true;
        return;
      }
      if (conf.filename === '') return;
      const w = writers.get(conf.filename);
      if (!w) return;
      w.append(renderLine(conf.fields, { req, done, serverName: req.serverName ?? req.core.name, json: conf.json }));
    },

    reopenLogs(): void {
      for (const w of writers.values()) void w.reopen();
    },

    async close(): Promise<void> {
      await Promise.all([...writers.values()].map((w) => w.close()));
    },
  };
}
