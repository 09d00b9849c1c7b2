import type { Sniffed } from './sniff.js';

/** One sentence for a file that is not what its name says: what it is and what to do. */
export function describeSniffed(file: string, sniffed: Exclude<Sniffed, { kind: 'text' }>): string {
  switch (sniffed.kind) {
    case 'empty':
      return `${file} is empty. Put the column names in the first row and one ad per row below it.`;
    case 'zip':
      return `${file} is an Excel workbook (.xlsx) with a text file's name. Rename it to .xlsx, or save it as CSV.`;
    case 'ole':
      return `${file} is an old-style .xls workbook or a password-protected file. Remove the password and save it as .xlsx or CSV (UTF-8).`;
    case 'other':
      return `${file} is ${sniffed.what}, not a spreadsheet. Export the sheet as .xlsx or CSV (UTF-8) and try again.`;
  }
}
