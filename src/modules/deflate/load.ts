/**
 * The 1-minute load average for deflate.max-loadavg, read at most once a second (lighttpd keeps it in
 * srv->loadavg, refreshed by its periodic timer). Only read when the setting is in use.
 */
import { loadavg } from 'node:os';

let value = 0;
let readAt = 0;

/** The current 1-minute load average (at most a second old). */
export function loadAverage(): number {
  const now = Date.now();
  if (now - readAt >= 1000) {
    readAt = now;
    value = loadavg()[0] ?? 0;
  }
  return value;
}
