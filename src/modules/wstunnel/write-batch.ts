/**
 * End-of-turn flushing for bulk transfers. When a read fills its buffer, more data is usually
 * waiting and libuv reads it in the same event-loop turn; the tunnel then corks the socket it writes
 * to and uncorks it here, after the poll phase, so those reads leave as one writev — fewer syscalls
 * and fewer wake-ups of the reader on the other side. Small messages are never held back.
 */

const pending: Array<() => void> = [];
let scheduled = false;

function flush(): void {
  scheduled = false;
  const due = pending.splice(0);
  for (const fn of due) fn();
}

/** Runs `fn` once this event-loop turn's I/O callbacks are done (setImmediate, shared by all callers). */
export function atEndOfTurn(fn: () => void): void {
  pending.push(fn);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
}
