import type { AdArgs } from '../validate/args.js';
import { canonicalJson } from './canonical-json.js';
import { keyOfCanonical } from './idempotency-key.js';

export interface KeyedAd {
  readonly key: string;
  /** 1 for the first of identical ads, 2 for the next, … */
  readonly occurrence: number;
  /** Row of the first identical ad, when this one repeats it. */
  readonly duplicateOf?: number;
}

/**
 * Counts identical ads across a batch, in input order, and gives each its key. Identical ads share
 * their first occurrence's key, which stands for their content, so memory is one short entry per
 * distinct ad.
 */
export class OccurrenceCounter {
  private readonly seen = new Map<string, { readonly firstRow: number; count: number }>();

  next(args: AdArgs, row: number): KeyedAd {
    const canonical = canonicalJson(args);
    const first = keyOfCanonical(canonical, 1);
    const earlier = this.seen.get(first);
    if (!earlier) {
      this.seen.set(first, { firstRow: row, count: 1 });
      return { key: first, occurrence: 1 };
    }
    const occurrence = ++earlier.count;
    return { key: keyOfCanonical(canonical, occurrence), occurrence, duplicateOf: earlier.firstRow };
  }
}
