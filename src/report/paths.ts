import { basename, dirname, extname, join } from 'node:path';

/** Where a batch's files go: beside FILE, or in the current folder for a Google Sheets link. */
export interface BatchPlace {
  readonly dir: string;
  /** FILE's name without its extension, or the Google Sheet's title. */
  readonly stem: string;
  /** The input is a workbook (an .xlsx, or a Google Sheet). */
  readonly workbook: boolean;
}

/**
 * `<stem>.results.csv` (README, `--report PATH`); `<stem>.rehearsal.results.csv` for a rehearsal
 * kept apart from the real batch; `.xlsx` where the web page's report format asks for it.
 */
export function defaultReportPath(place: BatchPlace, rehearsal = false, format: 'csv' | 'xlsx' = 'csv'): string {
  return join(place.dir, `${place.stem}${rehearsal ? '.rehearsal' : ''}.results.${format}`);
}

export type RetryFormat = 'csv' | 'xlsx';

/** `<stem>.retry.csv`, or `.xlsx` for a workbook input or --retry-format xlsx (README, "Report"). */
export function retryFilePath(place: BatchPlace, format?: RetryFormat, rehearsal = false): string {
  return join(place.dir, `${place.stem}${rehearsal ? '.rehearsal' : ''}.retry.${format ?? (place.workbook ? 'xlsx' : 'csv')}`);
}

/** The n-th alternative to a retry file the user has edited: campaign.retry-2.csv, -3, … */
export function retryFileAlternative(path: string, n: number): string {
  const ext = extname(path);
  return join(dirname(path), `${basename(path, ext)}-${n}${ext}`);
}

/** The resume journal lives beside the report it belongs to. */
export function journalPath(report: string): string {
  return `${report}.journal`;
}
