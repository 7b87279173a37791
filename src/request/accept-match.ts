/**
 * Which config blocks hold when a connection is accepted, before any request (lighttpd 1.4.69
 * connection_accepted → configfile-glue.c config_check_cond_nocache): only `$SERVER["socket"]` and
 * `$HTTP["remote-ip"]` can be decided then. A block testing another field is *unset*, and so is every
 * block below it and every later member of its else chain; an unset block does not apply. An else
 * member is tried only when the member before it was false (not skipped, not true); a plain `else` is
 * true when reached. This is what connection-scoped accept hooks (mod_extforward's hap-PROXY) see.
 *
 * With no peer address (`remoteAddr` null, at startup) `$HTTP["remote-ip"]` is *maybe*: a block that
 * is true or maybe may apply to some connection of that listener.
 */
import type { ConfigBlock } from '../config/tree.js';
import { testValue } from './match.js';

/** lighttpd's results, plus 'maybe' for a remote-ip test without an address. */
export type AcceptVerdict = 'true' | 'false' | 'skip' | 'unset' | 'maybe';

function testAtAccept(block: ConfigBlock, socket: string, remoteAddr: string | null): AcceptVerdict {
  // a plain else carries its chain's condition, negated: its field decides whether it can be tried
  const cond = block.condition;
  if (cond === null) return 'true';
  if (cond.field !== 'socket' && cond.field !== 'remote-ip') return 'unset';
  if (block.isPlainElse) return 'true';
  if (cond.field === 'remote-ip' && remoteAddr === null) return 'maybe';
  const value = cond.field === 'socket' ? socket : (remoteAddr ?? '');
  return testValue(cond, value) === null ? 'false' : 'true';
}

/** The verdict on `block` for a connection on `socket` from `remoteAddr` (memo: by block id, per connection). */
export function acceptVerdict(block: ConfigBlock, socket: string, remoteAddr: string | null, memo: Map<number, AcceptVerdict>): AcceptVerdict {
  const known = memo.get(block.id);
  if (known !== undefined) return known;
  let maybe = false;
  let verdict: AcceptVerdict | null = null;
  const parent = block.parent;
  if (parent !== null && parent.parent !== null) {
    const p = acceptVerdict(parent, socket, remoteAddr, memo);
    if (p === 'unset') verdict = 'unset';
    else if (p === 'false' || p === 'skip') verdict = 'skip';
    else if (p === 'maybe') maybe = true;
  }
  const prev = block.elsePrev;
  if (verdict === null && prev !== null) {
    const p = acceptVerdict(prev, socket, remoteAddr, memo);
    if (p === 'unset') verdict = 'unset';
    else if (p === 'true' || p === 'skip') verdict = 'skip';
    else if (p === 'maybe') maybe = true;
  }
  if (verdict === null) {
    const own = testAtAccept(block, socket, remoteAddr);
    verdict = maybe && own !== 'unset' ? 'maybe' : own;
  }
  memo.set(block.id, verdict);
  return verdict;
}
