/**
 * One CSV record (RFC 4180): a cell holding a comma, a quote, CR or LF, or leading/trailing white
 * space is quoted, with its quotes doubled; records end in CRLF as Excel writes them.
 * test/report.test.ts round-trips arbitrary cells through csv-parse.
 */
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;
const QUOTE = /"/g;

export function csvLine(cells: readonly string[]): string {
  return `${csvCells(cells)}\r\n`;
}

/** The cells of a record, comma-separated, without the line end: part of a line. */
function csvCells(cells: readonly string[]): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i]!;
    if (i > 0) line += ',';
    line += NEEDS_QUOTES.test(cell) ? `"${cell.replace(QUOTE, '""')}"` : cell;
  }
  return line;
}
