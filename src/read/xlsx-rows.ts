import ExcelJS from 'exceljs';
import SSF from 'ssf';
import type { Cell, CellNote, RawRecord } from './cell.js';
import { columnLetter, rowsText } from './sheet.js';
import { fromExcelValue } from './xlsx-cell.js';

/** One worksheet's rows as raw records: values as Excel holds them, hyperlinks, the text Excel shows. */

/** Hidden rows and columns are read like the others (README, "Input"); the user is told so. */
export function hiddenNotices(file: string, ws: ExcelJS.Worksheet, headerRow: number, width: number): string[] {
  const notices: string[] = [];
  const rows: number[] = [];
  ws.eachRow((row, n) => {
    if (n > headerRow && row.hidden) rows.push(n);
  });
  if (rows.length)
    notices.push(
      `${file}: ${rowsText(rows.slice(0, 12))}${rows.length > 12 ? ` and ${rows.length - 12} more` : ''} ${rows.length === 1 ? 'is' : 'are'} hidden in the sheet (hidden or filtered out: drafts, usually); ${rows.length === 1 ? 'it is' : 'they are'} checked, and upload leaves ${rows.length === 1 ? 'it' : 'them'} not_sent unless --include-hidden.`,
    );
  const cols: string[] = [];
  for (let c = 1; c <= width; c++)
    if (ws.getColumn(c).hidden) cols.push(`${columnLetter(c - 1)} "${String(ws.getRow(headerRow).getCell(c).text ?? '').trim()}"`);
  if (cols.length)
    notices.push(
      `${file}: column${cols.length === 1 ? '' : 's'} ${cols.join(', ')} ${cols.length === 1 ? 'is' : 'are'} hidden in Excel; ${cols.length === 1 ? 'it is' : 'they are'} read like the others.`,
    );
  return notices;
}

/** The sheet's non-empty rows, in order, numbered as the sheet shows them. */
export function* sheetRows(ws: ExcelJS.Worksheet): Generator<RawRecord> {
  for (let n = 1; n <= ws.rowCount; n++) {
    const row = ws.findRow(n);
    if (!row) continue;
    const cells: Cell[] = [];
    const notes = new Map<number, CellNote>();
    row.eachCell({ includeEmpty: false }, (cell, col) => {
      while (cells.length < col - 1) cells.push(null);
      const value = valueOf(cell);
      cells[col - 1] = fromExcelValue(value);
      const note = noteOf(cell, value);
      if (note) notes.set(col - 1, note);
    });
    while (cells.length > 0 && cells[cells.length - 1] === null && !notes.has(cells.length - 1)) cells.pop();
    if (cells.length > 0) yield { row: n, cells, ...(notes.size ? { notes } : {}), ...(row.hidden ? { hidden: true as const } : {}) };
  }
}

/** A HYPERLINK formula's target when it is a string literal: =HYPERLINK("https://…", "label"). */
const HYPERLINK_FORMULA = /^\s*HYPERLINK\(\s*"((?:[^"]|"")*)"/i;

/**
 * A cell's value. For a formula, its cached result is read from `cell.result`: exceljs's
 * `cell.value` copies only truthy fields, so a saved result of 0, FALSE or "" (LibreOffice writes
 * TRUE and FALSE as =TRUE() and =FALSE() with 1 and 0) would read as no value at all.
 */
function valueOf(cell: ExcelJS.Cell): unknown {
  if (cell.type === ExcelJS.ValueType.Formula) return { formula: cell.formula, result: cell.result };
  return cell.value;
}

function noteOf(cell: ExcelJS.Cell, value: unknown): CellNote | undefined {
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const v = value as { hyperlink?: unknown; formula?: unknown; result?: unknown };
    if (typeof v.hyperlink === 'string' && v.hyperlink !== '') return { link: v.hyperlink };
    const formula = typeof v.formula === 'string' ? v.formula : undefined;
    if (formula !== undefined) {
      const link = HYPERLINK_FORMULA.exec(formula)?.[1]?.replace(/""/g, '"');
      if (link) return { link };
      if (v.result === undefined || v.result === null) return { formula };
    }
  }
  const shown = shownText(cell, value);
  return shown === undefined ? undefined : { shown };
}

/** The text Excel shows for a number or date under its number format (SheetJS SSF renders it). */
function shownText(cell: ExcelJS.Cell, raw: unknown): string | undefined {
  const value = raw && typeof raw === 'object' && !(raw instanceof Date) ? (raw as { result?: unknown }).result : raw;
  const format = cell.numFmt;
  if (!format || format === 'General' || (typeof value !== 'number' && !(value instanceof Date))) return undefined;
  // exceljs turns date-formatted serials into UTC dates; SSF takes Excel's serial (1900 system).
  const serial = value instanceof Date ? value.getTime() / 86_400_000 + 25_569 : value;
  // exceljs hands the format over without its backslash escapes (dd\.mm\.yyyy becomes dd.mm.yyyy),
  // which SSF reads as fractions of seconds; a second try escapes the dots again.
  for (const f of [format, format.replace(/\\?\./g, '\\.')]) {
    try {
      return SSF.format(f, serial);
    } catch {
      // try the next form
    }
  }
  return undefined;
}

/** The first rows of a sheet as text, to recognise it. */
export function firstRows(ws: ExcelJS.Worksheet): string[][] {
  const rows: string[][] = [];
  for (const r of sheetRows(ws)) {
    rows.push(r.cells.map((c) => (c === null ? '' : String(c).trim())));
    if (rows.length >= 3) break;
  }
  return rows;
}
