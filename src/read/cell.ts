/** One spreadsheet cell, after the reader: what a user typed, in the type the file stored it. */
export type Cell = string | number | boolean | Date | null;

/** What a workbook cell holds beyond its value. */
export interface CellNote {
  /** The text the sheet shows for a number or date cell with a number format (e.g. 01.03.2026). */
  readonly shown?: string;
  /** A hyperlink's target, from a link cell or =HYPERLINK(url, label). */
  readonly link?: string;
  /** A formula with no saved value (the workbook was never calculated). */
  readonly formula?: string;
}

/** One data row as read: its number as a spreadsheet shows it, and cells aligned to the header. */
export interface RawRecord {
  readonly row: number;
  readonly cells: readonly Cell[];
  /** By column index, for workbook cells that hold more than their value. */
  readonly notes?: ReadonlyMap<number, CellNote>;
  /** Hidden or filtered out in the workbook (Excel, LibreOffice): usually a draft, not sent unless asked. */
  readonly hidden?: true;
  /** What the reader saw wrong with the row itself (a quote that seems unclosed): it makes the row invalid. */
  readonly problems?: readonly RecordProblem[];
}

/**
 * A reader's finding about a row. `kind` is one of validate/problem-codes.ts's kinds (the reader
 * does not import the validator; test/read.test.ts holds them to the list).
 */
export interface RecordProblem {
  readonly field: string;
  readonly kind: 'record_too_large' | 'unclosed_quote';
  readonly message: string;
}

export function isEmptyCell(cell: Cell): boolean {
  return cell === null || (typeof cell === 'string' && cell.trim() === '');
}

/** Text as a user would read it in the cell, for reports and messages. */
export function cellText(cell: Cell): string {
  if (cell === null) return '';
  if (cell instanceof Date) return isoDate(cell);
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  if (typeof cell === 'number' && Math.abs(cell) >= 1e15 && !Number.isSafeInteger(cell)) {
    // As a spreadsheet shows it: writing every digit of 1.78E+18 would pass off a corrupted ID as a real one.
    return cell.toExponential().toUpperCase().replace(/E(\d)/, 'E+$1');
  }
  return String(cell);
}

function isoDate(d: Date): string {
  const iso = d.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}
