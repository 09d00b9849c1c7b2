import type { Cell, RawRecord } from './cell.js';

/** What every reader hands on: the header, then the data rows, streamed. */
export interface Sheet {
  readonly file: string;
  readonly format: 'csv' | 'xlsx';
  /** Worksheet name for xlsx. */
  readonly sheetName?: string;
  /** Header cells as they came (trimmed), one per column; empty string where the header is blank. */
  readonly header: readonly string[];
  readonly headerRow: number;
  /** What the reader found that the user should know: rows above the header, sheets skipped, the encoding used, hidden rows. */
  readonly notices: readonly string[];
  /** Data rows, entirely empty ones already skipped. Can be iterated once. */
  readonly records: AsyncIterable<RawRecord>;
  /**
   * The data rows again, from the first, read as `records` read them (same encoding, delimiter,
   * header): upload reads a batch twice rather than hold every row between planning and sending.
   */
  reread(): AsyncIterable<RawRecord>;
}

/** How many non-empty rows are searched for the header (README, "Input"). */
export const HEADER_SEARCH_ROWS = 20;

/** A row as a notice shows it: its first filled cells, clipped. */
export function rowPreview(cells: readonly Cell[]): string {
  const text = cells
    .filter((c) => c !== null && String(c).trim() !== '')
    .map((c) => String(c).trim())
    .join(' | ');
  return `"${text.length > 40 ? `${text.slice(0, 39)}…` : text}"`;
}

/** "rows 1–3" / "row 2" for a notice. */
export function rowsText(rows: readonly number[]): string {
  if (rows.length === 1) return `row ${rows[0]}`;
  const consecutive = rows.every((r, i) => i === 0 || r === rows[i - 1]! + 1);
  return consecutive ? `rows ${rows[0]}–${rows[rows.length - 1]}` : `rows ${rows.join(', ')}`;
}

/** Spreadsheet column letters (0 → A, 26 → AA) for messages. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}
