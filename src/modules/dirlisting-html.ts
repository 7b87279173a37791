/**
 * The HTML of a directory listing (functionally like lighttpd's mod_dirlisting page: title "Index of
 * <path>", a Name / Last Modified / Size / Type table, directories first, a `../` row except at `/`,
 * sizes like `0.1K` and dates like `2026-Nov-22 13:39:26`).
 */

/** One row. */
export interface ListingEntry {
  readonly name: string;
  readonly isDir: boolean;
  readonly mtime: Date;
  readonly size: number;
  readonly type: string;
}

/** Page options. */
export interface ListingOptions {
  readonly encoding: string;
  readonly footer: string;
  readonly externalCss: string;
  readonly externalJs: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Percent-encodes a name for an href (everything but unreserved characters). */
function encodeName(name: string): string {
  return encodeURIComponent(name).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** `2026-Nov-22 13:39:26` (UTC). */
export function formatListingDate(d: Date): string {
  return `${d.getUTCFullYear()}-${MONTHS[d.getUTCMonth()] ?? ''}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

/** lighttpd's human sizes: one decimal and a unit letter (`0.1K`, `20.0M`). */
export function formatListingSize(size: number): string {
  const units = ['K', 'M', 'G', 'T', 'P'];
  let v = size / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  const shown = size > 0 && v < 0.1 ? 0.1 : v;
  return `${shown.toFixed(1)}${units[u] ?? 'K'}`;
}

function row(cls: string, href: string, label: string, mtime: string, size: string, type: string): string {
  const slash = cls === 'd' ? '/' : '';
  const attr = cls === 'd' ? ' class="d"' : '';
  return `<tr${attr}><td class="n"><a href="${href}">${label}</a>${slash}</td><td class="m">${mtime}</td><td class="s">${size}</td><td class="t">${type}</td></tr>\n`;
}

/** Renders the page for `urlPath` (the decoded path, ending in `/`). */
export function renderListing(urlPath: string, entries: readonly ListingEntry[], o: ListingOptions): string {
  const sorted = [...entries].sort((a, b) => (a.isDir === b.isDir ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.isDir ? -1 : 1));
  const title = `Index of ${escapeHtml(urlPath)}`;
  let html = '<!DOCTYPE html>\n<html>\n<head>\n';
  if (o.encoding !== '') html += `<meta charset="${escapeHtml(o.encoding)}">\n`;
  html += `<title>${title}</title>\n`;
  html += o.externalCss !== ''
    ? `<link rel="stylesheet" type="text/css" href="${escapeHtml(o.externalCss)}">\n`
    : '<style>\na, a:active {text-decoration: none; color: blue;}\na:visited {color: #48468F;}\na:hover, a:focus {text-decoration: underline; color: red;}\nbody {background-color: #F5F5F5;}\nh2 {margin-bottom: 12px;}\ntable {margin-left: 12px;}\nth, td { font: 90% monospace; text-align: left;}\nth { font-weight: bold; padding-right: 14px; padding-bottom: 3px;}\ntd {padding-right: 14px;}\ntd.s, th.s {text-align: right;}\ndiv.list { background-color: white; border-top: 1px solid #646464; border-bottom: 1px solid #646464; padding-top: 10px; padding-bottom: 14px;}\ndiv.foot { font: 90% monospace; color: #787878; padding-top: 4px;}\n</style>\n';
  html += `</head>\n<body>\n<h2>${title}</h2>\n<div class="list">\n<table summary="Directory Listing" cellpadding="0" cellspacing="0">\n`;
  html += '<thead><tr><th class="n">Name</th><th class="m">Last Modified</th><th class="s">Size</th><th class="t">Type</th></tr></thead>\n<tbody>\n';
  if (urlPath !== '/') html += row('d', '../', '..', '&nbsp;', '- &nbsp;', 'Directory');
  for (const e of sorted) {
    const name = escapeHtml(e.name);
    if (e.isDir) html += row('d', `${encodeName(e.name)}/`, name, formatListingDate(e.mtime), '- &nbsp;', 'Directory');
    else html += row('', encodeName(e.name), name, formatListingDate(e.mtime), formatListingSize(e.size), escapeHtml(e.type));
  }
  html += '</tbody>\n</table>\n</div>\n';
  html += `<div class="foot">${escapeHtml(o.footer)}</div>\n`;
  if (o.externalJs !== '') html += `<script type="text/javascript" src="${escapeHtml(o.externalJs)}"></script>\n`;
  html += '</body>\n</html>\n';
  return html;
}
