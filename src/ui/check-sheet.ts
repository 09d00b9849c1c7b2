import { noticePrinter, parseAdName, parseDefaults, parseMap } from '../commands/common-options.js';
import { openInput } from '../commands/input-source.js';
import { RESULT_COLUMNS, reportCells } from '../report/report-line.js';
import type { Problem } from '../validate/args.js';
import { mapColumns, normaliseHeader } from '../validate/columns.js';
import { FIELDS } from '../validate/fields.js';
import { validateSheet } from '../keys/keyed-sheet.js';

export interface CheckRequest {
  readonly file: string;
  readonly sheet?: string;
  readonly set?: readonly string[];
  readonly advertiserId?: string;
  readonly adName?: string;
  readonly allowDuplicates?: boolean;
  readonly trustIds?: boolean;
  /** COLUMN=FIELD pairs (--map): columns of the user's own read as fields. */
  readonly map?: readonly string[];
  /** A CSV's text encoding (--encoding). */
  readonly encoding?: string;
}

/** A problem with the column it belongs to, so the page can outline that cell. */
export interface PlacedProblem extends Problem {
  /** Index into the sheet's columns; absent for a row-wide problem or a field filled by a default. */
  readonly col?: number;
}

export interface CheckedRow {
  readonly row: number;
  /** The input cells as the report writes them. */
  readonly cells: readonly string[];
  readonly status: 'valid' | 'invalid';
  readonly problems: readonly PlacedProblem[];
  readonly warnings: readonly PlacedProblem[];
}

/** What is known of a sheet once its header is read: the table's head and the mapping control. */
export interface SheetHead {
  readonly file: string;
  readonly sheetName?: string;
  readonly header: readonly string[];
  readonly headerRow: number;
  /** Columns of the user's own, each with the field it is read as (the page's mapping control), or none. */
  readonly ownColumns: readonly { readonly name: string; readonly field?: string }[];
  /** Every field's name, for the mapping control's choices. */
  readonly fields: readonly string[];
}

/** What is known once every row is checked. */
export interface SheetTally {
  readonly notices: readonly string[];
  readonly total: number;
  readonly counts: { readonly valid: number; readonly invalid: number; readonly warnings: number };
}

/** Where a check's rows go as they are checked (the page's server pages them: row-pages.ts). */
export interface CheckSink {
  /** Once, when the header is read, before any row. */
  head(head: SheetHead): void | Promise<void>;
  row(row: CheckedRow, tally: SheetTally): void | Promise<void>;
}

/**
 * `validate` for the page: the same reader and checks, told as a table (one line per ad, its cells
 * in the sheet's own column order, each problem placed on its column) instead of a report. Rows
 * are handed on one at a time, so a long sheet's first rows are shown while the rest are checked;
 * the signal stops the reading (a newer check replaced this one).
 */
export async function checkSheet(req: CheckRequest, sink: CheckSink, signal?: AbortSignal): Promise<SheetTally> {
  const defaults = parseDefaults(req.set, req.advertiserId);
  const adName = parseAdName(req.adName);
  const { sheet } = await openInput({ file: req.file, ...(req.sheet ? { sheet: req.sheet } : {}), ...(req.encoding ? { encoding: req.encoding } : {}) });
  const notices: string[] = [];
  const map = parseMap(req.map);
  const columns = mapColumns(sheet.file, sheet.header, map);
  const place = placer(columns.indexOf);
  const counts = { valid: 0, invalid: 0, warnings: 0 };
  const tally = { notices, total: 0, counts };
  await sink.head({
    file: req.file,
    ...(sheet.sheetName ? { sheetName: sheet.sheetName } : {}),
    header: sheet.header,
    headerRow: sheet.headerRow,
    // The user's own columns as mapColumns sorted them: those read as a field through the mapping, and the rest.
    ownColumns: sheet.header.flatMap((name, i) => {
      const role = columns.roles[i];
      const meant = map.get(normaliseHeader(name));
      if (role?.kind === 'field' && meant) return [{ name, field: meant.name }];
      return role?.kind === 'extra' ? [{ name }] : [];
    }),
    fields: FIELDS.map((f) => f.name),
  });
  for await (const ad of validateSheet(sheet, {
    defaults,
    ...(adName ? { adName } : {}),
    ...(map.size ? { map } : {}),
    allowDuplicates: req.allowDuplicates === true,
    trustIds: req.trustIds === true,
    onNotice: noticePrinter((t) => notices.push(t.replace(/^Note: /, '').trimEnd())),
  })) {
    if (signal?.aborted) break;
    const status = ad.key !== undefined ? 'valid' : 'invalid';
    counts[status]++;
    counts.warnings += ad.warnings.length;
    tally.total++;
    const cells = reportCells({ row: ad.row, status, input: ad.input }, sheet.header.length).slice(RESULT_COLUMNS.length);
    await sink.row({ row: ad.row, cells, status, problems: ad.problems.map(place), warnings: ad.warnings.map(place) }, tally);
  }
  return tally;
}

/** Places a problem on its field's column ("image_urls #2" is image_urls' column). */
function placer(indexOf: ReadonlyMap<string, number>): (p: Problem) => PlacedProblem {
  return (p) => {
    const col = indexOf.get(p.field.replace(/ #\d+$/, ''));
    return col === undefined ? { ...p } : { ...p, col };
  };
}
