import { basename, dirname, extname, join } from 'node:path';

/** `<FILE stem>.results.csv` beside FILE (README, `--report PATH`). */
export function defaultReportPath(file: string): string {
  return join(dirname(file), `${stem(file)}.results.csv`);
}

/** `<FILE stem>.retry.csv`, or `.xlsx` for an xlsx input (README, "Report"). */
export function retryFilePath(file: string): string {
  const ext = extname(file).toLowerCase() === '.xlsx' ? '.xlsx' : '.csv';
  return join(dirname(file), `${stem(file)}.retry${ext}`);
}

/** The resume journal lives beside the report it belongs to. */
export function journalPath(report: string): string {
  return `${report}.journal`;
}

function stem(file: string): string {
  return basename(file, extname(file));
}
