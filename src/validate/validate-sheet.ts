import { RunError } from '../errors.js';
import type { Cell, RawRecord } from '../read/cell.js';
import { DEFAULT_LIMITS } from '../read/limits.js';
import type { Sheet } from '../read/sheet.js';
import type { AdNameTemplate } from './ad-name.js';
import type { AdArgs, Problem } from './args.js';
import { mapColumns, normaliseHeader, type ColumnMap } from './columns.js';
import { FIELDS, type FieldSpec } from './fields.js';
import { editDistance } from './nearest.js';
import { validateRow, type RowRules } from './validate-row.js';

export interface ValidateOptions {
  readonly defaults?: ReadonlyMap<string, string>;
  /** --map COLUMN=FIELD: the user's own columns read as fields, by the column's normalised name. */
  readonly map?: ReadonlyMap<string, FieldSpec>;
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

const NO_PROBLEMS: readonly Problem[] = Object.freeze([]);

/** What `validate` reports of one ad: its row, its key when valid, its problems. */
export interface CheckedAd {
  readonly row: number;
  readonly input: readonly Cell[];
  /** Set exactly when the ad is valid. */
  readonly key?: string;
  readonly problems: readonly Problem[];
  readonly warnings: readonly Problem[];
  /** Its row is hidden in the sheet (upload does not send it unless --include-hidden). */
  readonly hidden?: true;
  /** Warnings about its links (also in `warnings`), which the report's error column carries even when the row goes ahead. */
  readonly linkWarnings?: readonly Problem[];
}

/** One ad of a sheet as validation leaves it: its arguments when the row is valid, else its problems. */
export interface CheckedRowAd {
  readonly row: number;
  readonly input: readonly Cell[];
  /** Set exactly when the row is valid: one ad per ad group it lists. */
  readonly args?: AdArgs;
  readonly problems: readonly Problem[];
  readonly warnings: readonly Problem[];
  readonly hidden?: true;
}

/** How a sheet's records are checked one by one (sheetChecker). */
export interface SheetChecker {
  /** One entry per ad of the record (a row listing several ad groups is one ad per ad group), or one for an invalid row. */
  check(record: RawRecord): CheckedRowAd[];
  /** After the last record: a sheet with a header and no rows is an error. */
  end(): void;
}

/**
 * Checks a sheet's records as they are read: its notices are given at once, then each record is
 * checked on its own (pure per record, no async hop: a long file is checked at the reader's pace).
 * Keys come after, in keys/keyed-sheet.ts.
 */
export function sheetChecker(sheet: Sheet, options: ValidateOptions = {}): SheetChecker {
  const rules = rowRulesFor(sheet.file, sheet.header, options);
  for (const notice of [...sheet.notices, ...columnNotices(rules.columns)]) options.onNotice?.(notice);
  let rows = 0;
  return {
    check(record) {
      rows++;
      const verdict = validateRow(record, rules);
      const hidden = record.hidden ? { hidden: true as const } : {};
      if (verdict.ads.length === 0) return [{ row: record.row, input: record.cells, problems: verdict.problems, warnings: verdict.warnings, ...hidden }];
      return verdict.ads.map((args) => ({ row: record.row, input: record.cells, args, problems: NO_PROBLEMS, warnings: verdict.warnings, ...hidden }));
    },
    end() {
      if (rows === 0) throw noAds(sheet);
    },
  };
}

/** The rules every row of a sheet is checked by (upload's second read checks rows by them again). */
export function rowRulesFor(file: string, header: readonly string[], options: ValidateOptions): RowRules {
  const columns = mapColumns(file, header, options.map);
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
  return [
    `not sent to TikTok: ${columns.extras.join(', ')} (${columns.extras.length === 1 ? 'a column that is no field of add_tiktok_ad; it is' : 'columns that are no field of add_tiktok_ad; they are'} kept in the report and the retry file)`,
  ];
}

function noAds(sheet: Sheet): RunError {
  return new RunError('FILE', `${sheet.file} has a header row (row ${sheet.headerRow}) but no ads below it. Add one ad per row under the header.`);
}
