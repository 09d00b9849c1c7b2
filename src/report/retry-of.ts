import { basename } from 'node:path';

/**
 * A retry file knows its batch of origin: a `retry_of` column whose cells name the origin's report
 * and row, `campaign.results.csv row 21`. Plain text in a column of its own survives Excel,
 * LibreOffice, Numbers and Google Sheets round-trips (a hidden property or a comment would not).
 */
export const RETRY_OF_COLUMN = 'retry_of';

export function retryOfText(report: string, row: number): string {
  // Called for every retry line: a report path without a folder needs no basename.
  return `${report.includes('/') || report.includes('\\') ? basename(report) : report} row ${row}`;
}

/** The origin's report name and row in a `retry_of` cell; undefined for anything else (a path is refused). */
export function parseRetryOf(text: string): { readonly report: string; readonly row: number } | undefined {
  const m = /^\s*([^/\\]+?)\s+row\s+(\d+)\s*$/i.exec(text);
  return m ? { report: m[1]!, row: Number(m[2]) } : undefined;
}
