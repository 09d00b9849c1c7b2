import type { PlannedAd } from '../keys/keyed-sheet.js';
import type { AdArgs, Problem } from '../validate/args.js';
import { LINK_FIELDS } from '../validate/fields.js';
import { fieldDigests } from '../keys/field-digests.js';

/**
 * An ad as upload keeps it between its two reads of the file: what planning needs, without the
 * arguments and cells, which are read again to send and report it (memory: a few short strings
 * per row, not the row).
 */
export interface BatchAd {
  readonly seq: number;
  readonly row: number;
  /** Set exactly when the ad is valid, with its occurrence. */
  readonly key?: string;
  readonly occurrence?: number;
  readonly adgroup?: string;
  readonly advertiser?: string;
  /** Of an invalid ad: its problems. */
  readonly problems: readonly Problem[];
  /** Only when its links are to be checked: the fields that hold them. */
  readonly links?: AdArgs;
  /** Its row is hidden in the sheet: not sent unless --include-hidden. */
  readonly hidden?: true;
  /** Only for a row whose earlier attempt may have reached the service: its ad_name, to look it up. */
  readonly adName?: string;
  /** Only for a new key in a batch that has ads already: its fields' fingerprints, to tell an edit of one. */
  readonly fields?: Readonly<Record<string, string>>;
}

const NO_PROBLEMS: readonly Problem[] = Object.freeze([]);

/**
 * The planning part of an ad (see BatchAd); `links` keeps its link fields for the checks. A batch
 * names few advertisers, each on many rows: `same` gives back one copy of each ID to keep.
 */
export function batchAd(ad: PlannedAd, links: boolean, same: (id: string) => string = (id) => id, fingerprint = false, keepName = false): BatchAd {
  const args = ad.args;
  if (!args || ad.key === undefined) return { seq: ad.seq, row: ad.row, problems: ad.problems };
  const adgroup = args.adgroup_id;
  const advertiser = args.advertiser_id;
  return {
    seq: ad.seq,
    row: ad.row,
    key: ad.key,
    occurrence: ad.occurrence ?? 1,
    ...(typeof adgroup === 'string' ? { adgroup } : {}),
    ...(advertiser !== undefined ? { advertiser: same(String(advertiser)) } : {}),
    problems: NO_PROBLEMS,
    ...(links ? { links: Object.fromEntries(LINK_FIELDS.filter((f) => args[f] !== undefined).map((f) => [f, args[f]!])) } : {}),
    ...(fingerprint ? { fields: fieldDigests(args) } : {}),
    ...(keepName && typeof args.ad_name === 'string' ? { adName: args.ad_name } : {}),
    ...(ad.hidden ? { hidden: true as const } : {}),
  };
}

/** A row's identity across edits: its position and its ad group. */
export function placeOf(row: number, adgroup: unknown): string {
  return `${row}\u0000${typeof adgroup === 'string' ? adgroup : ''}`;
}
