import type { AdArgs } from '../validate/args.js';
import { canonicalArgs } from './canonical-json.js';
import { FIELDS } from '../validate/fields.js';
import { FirstSeen } from './first-seen.js';
import { keyBytes, keyOfCanonical } from './idempotency-key.js';
import { uuidText } from './uuid-text.js';

const SORTED_FIELDS = FIELDS.map((f) => f.name).sort();
const QUOTED_FIELDS = SORTED_FIELDS.map((n) => JSON.stringify(n));

/** An argument set's canonical JSON, the text its keys derive from (wherever it is checked). */
export function canonicalOf(args: AdArgs): string {
  return canonicalArgs(args, SORTED_FIELDS, QUOTED_FIELDS);
}

export interface KeyedAd {
  /** Undefined only for a repeat whose canonical JSON was not given (its key is not needed). */
  readonly key?: string;
  readonly occurrence: number;
  /** Row of the first identical ad, when this one repeats it. */
  readonly duplicateOf?: number;
}

/**
 * Counts identical ads across a batch, in input order, and gives each its key. The first
 * occurrence's key stands for the ad's content; its 16 bytes (not the 36-character UUID) are kept,
 * so a million distinct rows fit in bounded memory. Repeats, which are rare, are counted by name.
 */
export class OccurrenceCounter {
  private readonly firstSeen = new FirstSeen();
  private readonly repeats = new Map<string, number>();

  next(args: AdArgs, row: number): KeyedAd {
    const canonical = canonicalOf(args);
    return this.place(keyBytes(canonical, 1), row, canonical);
  }

  /**
   * The same for an ad whose first-occurrence key bytes were derived elsewhere (a worker thread).
   * A repeat's own key needs the canonical JSON; without it the repeat gets none.
   */
  place(firstKey: Uint8Array, row: number, canonical?: string): KeyedAd {
    const first = this.firstSeen.firstRow(firstKey, row);
    if (first === undefined) return { key: uuidText(firstKey), occurrence: 1 };
    const id = Buffer.from(firstKey.buffer, firstKey.byteOffset, 16).toString('latin1');
    const occurrence = (this.repeats.get(id) ?? 1) + 1;
    this.repeats.set(id, occurrence);
    return { ...(canonical !== undefined ? { key: keyOfCanonical(canonical, occurrence) } : {}), occurrence, duplicateOf: first };
  }
}
