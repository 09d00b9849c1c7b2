import { stringify as formatUuid } from 'uuid';
import type { AdArgs } from '../validate/args.js';
import { canonicalArgs } from './canonical-json.js';
import { FIELDS } from '../validate/fields.js';

const SORTED = FIELDS.map((f) => f.name).sort();
const QUOTED = SORTED.map((n) => JSON.stringify(n));
import { keyBytes, keyOfCanonical } from './idempotency-key.js';

export interface KeyedAd {
  readonly key: string;
  readonly occurrence: number;
  /** Row of the first identical ad, when this one repeats it. */
  readonly duplicateOf?: number;
}

/**
 * Counts identical ads across a batch, in input order, and gives each its key. The first
 * occurrence's key stands for the ad's content; it is kept as a 16-character binary string (not
 * the 36-character UUID) so a million distinct rows fit in bounded memory.
 */
export class OccurrenceCounter {
  private readonly firstRow = new Map<string, number>();
  private readonly repeats = new Map<string, number>();

  next(args: AdArgs, row: number): KeyedAd {
    const canonical = canonicalArgs(args, SORTED, QUOTED);
    const bytes = keyBytes(canonical, 1);
    const id = Buffer.from(bytes.buffer, bytes.byteOffset, 16).toString('latin1');
    const first = this.firstRow.get(id);
    if (first === undefined) {
      this.firstRow.set(id, row);
      return { key: formatUuid(bytes), occurrence: 1 };
    }
    const occurrence = (this.repeats.get(id) ?? 1) + 1;
    this.repeats.set(id, occurrence);
    return { key: keyOfCanonical(canonical, occurrence), occurrence, duplicateOf: first };
  }
}
