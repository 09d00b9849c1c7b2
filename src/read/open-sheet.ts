import { extname } from 'node:path';
import { RunError } from '../errors.js';
import { readDelimited } from './delimited.js';
import { DEFAULT_LIMITS, type ReadLimits } from './limits.js';
import type { Sheet } from './sheet.js';

/** Opens FILE by its extension; the one entry point of the read stage. */
export async function openSheet(file: string, options: { sheet?: string; limits?: ReadLimits } = {}): Promise<Sheet> {
  const ext = extname(file).toLowerCase();
  const limits = options.limits ?? DEFAULT_LIMITS;
  // exceljs loads only for .xlsx input: a CSV run should not pay for it.
  if (ext === '.xlsx') return (await import('./xlsx.js')).readXlsx(file, options.sheet, limits);
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') {
    if (options.sheet !== undefined) throw new RunError('USAGE', `--sheet only applies to .xlsx files; ${file} is delimited text.`);
    return readDelimited(file, limits);
  }
  if (ext === '.xls' || ext === '.xlsm' || ext === '.ods' || ext === '.numbers') {
    throw new RunError('FILE', `${file} is a ${ext} file, which is not read. Save it as .xlsx or CSV (UTF-8) and try again.`);
  }
  throw new RunError('FILE', `${file} has an unknown extension "${ext || '(none)'}". Use .csv, .tsv, .txt or .xlsx.`);
}
