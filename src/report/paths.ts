import { basename, dirname, extname, join } from 'node:path';

/** `<FILE stem>.results.csv` beside FILE (README, `--report PATH`). */
export function defaultReportPath(file: string): string {
  return join(dirname(file), `${stem(file)}.results.csv`);
}

export type RetryFormat = 'csv' | 'xlsx';

/** `<FILE stem>.retry.csv`, or `.xlsx` for an xlsx input or --retry-format xlsx (README, "Report"). */
export function retryFilePath(file: string, format?: RetryFormat): string {
  const ext = `.${format ?? (extname(file).toLowerCase() === '.xlsx' ? 'xlsx' : 'csv')}`;
  return join(dirname(file), `${stem(file)}.retry${ext}`);
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

function stem(file: string): string {
  return basename(file, extname(file));
}
