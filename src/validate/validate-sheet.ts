import { RunError } from '../errors.js';
import { OccurrenceCounter, type KeyedAd } from '../keys/occurrences.js';
import type { Cell } from '../read/cell.js';
import { DEFAULT_LIMITS } from '../read/limits.js';
import type { Sheet } from '../read/sheet.js';
import type { AdNameTemplate } from './ad-name.js';
import type { AdArgs, Problem } from './args.js';
import { mapColumns, normaliseHeader, type ColumnMap } from './columns.js';
import { FIELDS, LINK_FIELDS } from './fields.js';
import { editDistance } from './nearest.js';
import { validateRow, type RowRules } from './validate-row.js';

export interface ValidateOptions {
  readonly defaults?: ReadonlyMap<string, string>;
  readonly adName?: AdNameTemplate;
  readonly allowDuplicates?: boolean;
  /** YYYY-MM-DD that {date} in --ad-name renders as. */
  readonly runDate?: string;
  readonly maxCellChars?: number;
  /** Accept 16–19 digit IDs that look rounded by a spreadsheet (--trust-ids). */
  readonly trustIds?: boolean;
  /** What the user should know about the sheet before its rows: columns not sent, rows skipped. */
  readonly onNotice?: (text: string) => void;
}

/** What `validate` reports of one ad: its row, its key when valid, its problems. */
export interface CheckedAd {
  readonly row: number;
  readonly input: readonly Cell[];
  /** Set exactly when the ad is valid. */
  readonly key?: string;
  readonly problems: readonly Problem[];
  readonly warnings: readonly Problem[];
  /** Warnings about its links (also in `warnings`), which the report's error column carries even when the row goes ahead. */
  readonly linkWarnings?: readonly Problem[];
}

/** One line of the batch: a valid ad with its key, or an invalid row with its problems. */
export interface PlannedAd extends CheckedAd {
  /** Position in the batch, 0-based: the report's order. */
  readonly seq: number;
  readonly args?: AdArgs;
  /** Of a valid ad: 1 for the first of identical ads, 2 for the next… (its key's second part). */
  readonly occurrence?: number;
}

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
}

const NO_PROBLEMS: readonly Problem[] = Object.freeze([]);

/**
 * The planning part of an ad (see BatchAd); `links` keeps its link fields for the checks. A batch
 * names few advertisers, each on many rows: `same` gives back one copy of each ID to keep.
 */
export function batchAd(ad: PlannedAd, links: boolean, same: (id: string) => string = (id) => id): BatchAd {
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
  };
}

/** A valid ad's key, or the problem that it repeats an earlier row. */
function keyOrDuplicate(keyed: KeyedAd, allowDuplicates: boolean): { key: string; occurrence: number } | { problem: Problem } {
  if (keyed.duplicateOf === undefined || allowDuplicates) return { key: keyed.key, occurrence: keyed.occurrence };
  return { problem: { field: 'row', message: `duplicate of row ${keyed.duplicateOf}: the same ad would be created twice. Change or delete one, or pass --allow-duplicates` } };
}

/**
 * Streams a sheet's rows through validation, duplicate detection and key derivation. Memory is one
 * key per distinct ad, not the rows.
 */
export async function* validateSheet(sheet: Sheet, options: ValidateOptions = {}): AsyncGenerator<PlannedAd> {
  const rules = rowRulesFor(sheet.file, sheet.header, options);
  for (const notice of [...sheet.notices, ...columnNotices(rules.columns)]) options.onNotice?.(notice);
  const counter = new OccurrenceCounter();
  let seq = 0;
  let rows = 0;
  for await (const record of sheet.records) {
    rows++;
    const verdict = validateRow(record, rules);
    if (verdict.ads.length === 0) {
      yield { seq: seq++, row: record.row, input: record.cells, problems: verdict.problems, warnings: verdict.warnings };
      continue;
    }
    for (const args of verdict.ads) {
      const placed = keyOrDuplicate(counter.next(args, record.row), options.allowDuplicates ?? false);
      yield {
        seq: seq++,
        row: record.row,
        input: record.cells,
        ...('key' in placed ? { args, key: placed.key, occurrence: placed.occurrence } : {}),
        problems: 'key' in placed ? [] : [placed.problem],
        warnings: verdict.warnings,
      };
    }
  }
  if (rows === 0) throw noAds(sheet);
}

/** The rules every row of a sheet is checked by (upload's second read checks rows by them again). */
export function rowRulesFor(file: string, header: readonly string[], options: ValidateOptions): RowRules {
  const columns = mapColumns(file, header);
  const defaults = options.defaults ?? new Map<string, string>();
  const missingHints = new Map<string, string>();
  for (const field of FIELDS) {
    if (!field.required || columns.indexOf.has(field.name) || defaults.has(field.name) || columns.extras.length === 0) continue;
    const norm = normaliseHeader(field.name);
    const nearestExtra = [...columns.extras].sort((a, b) => editDistance(normaliseHeader(a), norm) - editDistance(normaliseHeader(b), norm))[0]!;
    missingHints.set(field.name, nearestExtra);
  }
  return {
    columns,
    defaults,
    missingHints,
    ...(options.trustIds ? { trustIds: true } : {}),
    ...(options.adName ? { adName: options.adName } : {}),
    runDate: options.runDate ?? new Date().toISOString().slice(0, 10),
    maxCellChars: options.maxCellChars ?? DEFAULT_LIMITS.maxCellChars,
  };
}

function columnNotices(columns: ColumnMap): string[] {
  if (columns.extras.length === 0) return [];
  return [`not sent to TikTok: ${columns.extras.join(', ')} (${columns.extras.length === 1 ? 'a column that is no field of add_tiktok_ad; it is' : 'columns that are no field of add_tiktok_ad; they are'} kept in the report and the retry file)`];
}

function noAds(sheet: Sheet): RunError {
  return new RunError('FILE', `${sheet.file} has a header row (row ${sheet.headerRow}) but no ads below it. Add one ad per row under the header.`);
}
