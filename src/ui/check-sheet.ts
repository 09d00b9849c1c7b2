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

export interface SheetCheck {
  readonly file: string;
  readonly sheetName?: string;
  readonly header: readonly string[];
  readonly headerRow: number;
  readonly notices: readonly string[];
  /** Columns of the user's own, each with the field it is read as (the page's mapping control), or none. */
  readonly ownColumns: readonly { readonly name: string; readonly field?: string }[];
  /** Every field's name, for the mapping control's choices. */
  readonly fields: readonly string[];
  readonly rows: readonly CheckedRow[];
  readonly counts: { readonly valid: number; readonly invalid: number; readonly warnings: number };
}

/**
 * `validate` for the page: the same reader and checks, answered as a table (one line per ad, its
 * cells in the sheet's own column order, each problem placed on its column) instead of a report.
 */
export async function checkSheet(req: CheckRequest): Promise<SheetCheck> {
  const defaults = parseDefaults(req.set, req.advertiserId);
  const adName = parseAdName(req.adName);
  const { sheet } = await openInput({ file: req.file, ...(req.sheet ? { sheet: req.sheet } : {}) });
  const notices: string[] = [];
  const map = parseMap(req.map);
  const columns = mapColumns(sheet.file, sheet.header, map);
  const place = placer(columns.indexOf);
  const rows: CheckedRow[] = [];
  const counts = { valid: 0, invalid: 0, warnings: 0 };
  for await (const ad of validateSheet(sheet, {
    defaults,
    ...(adName ? { adName } : {}),
    ...(map.size ? { map } : {}),
    allowDuplicates: req.allowDuplicates === true,
    trustIds: req.trustIds === true,
    onNotice: noticePrinter((t) => notices.push(t.replace(/^Note: /, '').trimEnd())),
  })) {
    const status = ad.key !== undefined ? 'valid' : 'invalid';
    counts[status]++;
    counts.warnings += ad.warnings.length;
    const cells = reportCells({ row: ad.row, status, input: ad.input }, sheet.header.length).slice(RESULT_COLUMNS.length);
    rows.push({ row: ad.row, cells, status, problems: ad.problems.map(place), warnings: ad.warnings.map(place) });
  }
  return {
    file: req.file,
    ...(sheet.sheetName ? { sheetName: sheet.sheetName } : {}),
    header: sheet.header,
    headerRow: sheet.headerRow,
    notices,
    // The user's own columns as mapColumns sorted them: those read as a field through the mapping, and the rest.
    ownColumns: sheet.header.flatMap((name, i) => {
      const role = columns.roles[i];
      const meant = map.get(normaliseHeader(name));
      if (role?.kind === 'field' && meant) return [{ name, field: meant.name }];
      return role?.kind === 'extra' ? [{ name }] : [];
    }),
    fields: FIELDS.map((f) => f.name),
    rows,
    counts,
  };
}

/** Places a problem on its field's column ("image_urls #2" is image_urls' column). */
function placer(indexOf: ReadonlyMap<string, number>): (p: Problem) => PlacedProblem {
  return (p) => {
    const col = indexOf.get(p.field.replace(/ #\d+$/, ''));
    return col === undefined ? { ...p } : { ...p, col };
  };
}
