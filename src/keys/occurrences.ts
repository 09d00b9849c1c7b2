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
  /** Each distinct ad's first row, by its first key: a number, not an object per ad (200,000 rows, 200,000 fewer objects). */
  private readonly firstRow = new Map<string, number>();
  /** How many times an ad has been seen, for the few that repeat. */
  private readonly repeats = new Map<string, number>();

  next(args: AdArgs, row: number): KeyedAd {
    const canonical = canonicalJson(args);
    const first = keyOfCanonical(canonical, 1);
    const earlier = this.firstRow.get(first);
    if (earlier === undefined) {
      this.firstRow.set(first, row);
      return { key: first, occurrence: 1 };
    }
    const occurrence = (this.repeats.get(first) ?? 1) + 1;
    this.repeats.set(first, occurrence);
    return { key: keyOfCanonical(canonical, occurrence), occurrence, duplicateOf: earlier };
  }
}
