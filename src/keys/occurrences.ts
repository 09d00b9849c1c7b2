import type { AdArgs } from '../validate/args.js';
import { canonicalJson } from './canonical-json.js';
import { keyOfCanonical } from './idempotency-key.js';

export interface KeyedAd {
  readonly key: string;
  readonly occurrence: number;
  /** Row of the first identical ad, when this one repeats it. */
  readonly duplicateOf?: number;
}

/**
 * Counts identical ads across a batch, in input order, and gives each its key. Memory is one
 * 36-character key per distinct ad (the first occurrence's key stands for the ad's content).
 */
export class OccurrenceCounter {
  private readonly seen = new Map<string, { row: number; count: number }>();

  next(args: AdArgs, row: number): KeyedAd {
    const canonical = canonicalJson(args);
    const first = keyOfCanonical(canonical, 1);
    const entry = this.seen.get(first);
    if (!entry) {
      this.seen.set(first, { row, count: 1 });
      return { key: first, occurrence: 1 };
    }
    entry.count++;
    return { key: keyOfCanonical(canonical, entry.count), occurrence: entry.count, duplicateOf: entry.row };
  }
}
