/**
 * The pages of mod_status. The machine formats are lighttpd 1.4.69's (src/mod_status.c): `?auto` as
 * `Key: value` lines, `?json` (optionally `?jsonp=name`) with its field names; the HTML pages are
 * tswstunnel's own, smaller ones with the same facts (docs/compat.md).
 */

/** What the status pages show, taken once per request. */
export interface StatusSnapshot {
  readonly requests: number;
  readonly bytesOut: number;
  /** Seconds since the server started. */
  readonly uptime: number;
  /** Start time, seconds since the epoch. */
  readonly startedAt: number;
  /** Open connections (the asking one included) and how many more `server.max-connections` allows. */
  readonly busy: number;
  readonly idle: number;
  /** Per-second averages over the last five seconds. */
  readonly avgRequests: number;
  readonly avgBytes: number;
}

/** `?auto`: lighttpd's plain-text lines; every open connection shows as `h` on the scoreboard. */
export function renderAuto(s: StatusSnapshot): string {
  return [
    `Total Accesses: ${s.requests}`,
    `Total kBytes: ${Math.floor(s.bytesOut / 1024)}`,
    `Uptime: ${s.uptime}`,
    `BusyServers: ${s.busy}`,
    `IdleServers: ${s.idle}`,
    `Scoreboard: ${'h'.repeat(s.busy)}${'_'.repeat(s.idle)}`,
    '',
  ].join('\n');
}

/** The JSONP function name of `?jsonp=name` (letters, digits, `_`, starting with a letter), or null. */
export function jsonpName(query: string): string | null {
  const m = /^jsonp=([A-Za-z][A-Za-z0-9_]*)$/.exec(query);
  return m ? (m[1] ?? null) : null;
}

/** `?json`: lighttpd's fields and layout (traffic in kBytes), wrapped as `name(…);` for JSONP. */
export function renderJson(s: StatusSnapshot, jsonp: string | null): string {
  const body = [
    '{',
    `\t"RequestsTotal": ${s.requests},`,
    `\t"TrafficTotal": ${Math.floor(s.bytesOut / 1024)},`,
    `\t"Uptime": ${s.uptime},`,
    `\t"BusyServers": ${s.busy},`,
    `\t"IdleServers": ${s.idle},`,
    `\t"RequestAverage5s":${Math.floor(s.avgRequests)},`,
    `\t"TrafficAverage5s":${Math.floor(Math.floor(s.avgBytes) / 1024)}`,
    '}',
  ].join('\n');
  return jsonp === null ? body : `${jsonp}(${body});`;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `3 days 2 hours 5 min 7 s`, leaving out leading zero parts (as lighttpd words the uptime). */
export function formatUptime(seconds: number): string {
  const parts: string[] = [];
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const mins = Math.floor((seconds % 3600) / 60);
  if (days) parts.push(`${days} days`);
  if (hours) parts.push(`${hours} hours`);
  if (mins) parts.push(`${mins} min`);
  parts.push(`${seconds % 60} s`);
  return parts.join(' ');
}

/** A count with a k/M/G/… prefix (1000 steps, whole numbers) or a byte count (1024 steps, two decimals). */
export function withPrefix(value: number, step: 1000 | 1024): string {
  const prefixes = ['', 'k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
  let v = value;
  let i = 0;
  while (v > step && i < prefixes.length - 1) {
    v /= step;
    i++;
  }
  return `${step === 1000 ? Math.floor(v) : v.toFixed(2)} ${prefixes[i] ?? ''}`;
}

function localTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

function page(title: string, head: string, body: string): string {
  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${title}</title>\n${head}</head>\n<body>\n${body}</body>\n</html>\n`;
}

function rows(pairs: readonly (readonly [string, string])[]): string {
  return pairs.map(([k, v]) => `<tr><th scope="row">${k}</th><td>${v}</td></tr>\n`).join('');
}

/** The HTML status page; `refresh`: seconds for a meta refresh (0: none). */
export function renderStatusHtml(s: StatusSnapshot, tag: string, host: string, refresh: number): string {
  const head = refresh > 0 ? `<meta http-equiv="refresh" content="${Math.min(refresh, 604800)}">\n` : '';
  const up = Math.max(s.uptime, 1);
  const table = rows([
    ['Hostname', escapeHtml(host)],
    ['Uptime', formatUptime(s.uptime)],
    ['Started at', localTime(s.startedAt)],
    ['Requests (since start)', `${withPrefix(s.requests, 1000)}req`],
    ['Traffic (since start)', `${withPrefix(s.bytesOut, 1024)}byte`],
    ['Requests (average since start)', `${withPrefix(s.requests / up, 1000)}req/s`],
    ['Traffic (average since start)', `${withPrefix(s.bytesOut / up, 1024)}byte/s`],
    ['Requests (last 5 s)', `${withPrefix(s.avgRequests, 1000)}req/s`],
    ['Traffic (last 5 s)', `${withPrefix(s.avgBytes, 1024)}byte/s`],
    ['Connections', `${s.busy} open, ${s.idle} more allowed`],
  ]);
  const title = tag === '' ? 'Server status' : `Server status (${escapeHtml(tag)})`;
  return page('Server status', head, `<h1>${title}</h1>\n<table>\n${table}</table>\n`);
}

/** The HTML config page: the server tag and the loaded modules. */
export function renderConfigHtml(tag: string, modules: readonly string[]): string {
  const table = rows([
    ['Network engine', 'node.js (libuv)'],
    ['Loaded modules', modules.map((m) => escapeHtml(m.replace(/^mod_/, ''))).join('<br>')],
  ]);
  return page('Server configuration', '', `<h1>${escapeHtml(tag)}</h1>\n<table>\n${table}</table>\n`);
}
