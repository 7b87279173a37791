/**
 * JavaScript literals that stand for lighttpd config values in tests (tunnel-server.ts writes them
 * out as config text): strings → strings, numbers → integers, arrays → lists, objects → keyed
 * arrays in insertion order (use `pairs()` for keys that JavaScript would reorder, such as "0").
 */

/** An ordered keyed array, for keys JavaScript objects would reorder. */
export class Pairs {
  readonly items: ReadonlyArray<readonly [string, Literal]>;
  constructor(items: ReadonlyArray<readonly [string, Literal]>) {
    this.items = items;
  }
}

/** A literal that maps onto a config value. */
export type Literal = string | number | Pairs | readonly Literal[] | { readonly [key: string]: Literal };

/** Ordered keyed array. */
export function pairs(...items: Array<readonly [string, Literal]>): Pairs {
  return new Pairs(items);
}
