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
 * Counts identical ads across a batch, in input order, and gives each its key. Memory is one entry
 * per distinct ad: a few thousand rows are a few hundred kilobytes.
 */
export class OccurrenceCounter {
  private readonly seen = new Map<string, { readonly firstRow: number; count: number }>();

  next(args: AdArgs, row: number): KeyedAd {
    const canonical = canonicalJson(args);
    const earlier = this.seen.get(canonical);
    if (!earlier) {
      this.seen.set(canonical, { firstRow: row, count: 1 });
      return { key: keyOfCanonical(canonical, 1), occurrence: 1 };
    }
    const occurrence = ++earlier.count;
    return { key: keyOfCanonical(canonical, occurrence), occurrence, duplicateOf: earlier.firstRow };
  }
}
