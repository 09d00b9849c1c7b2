import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { RunError } from '../errors.js';
import { openCsvWriter } from './csv-writer.js';
import type { TableWriter } from './table-writer.js';
import type { XlsxWriterOptions } from './xlsx-writer.js';

/** Opens a CSV or XLSX writer by the path's extension. exceljs loads only when an .xlsx is written. */
export async function openTableWriter(path: string, header: readonly string[], xlsx: XlsxWriterOptions): Promise<TableWriter> {
  const ext = extname(path).toLowerCase();
  await refuseNonFile(path);
  try {
    if (ext === '.xlsx') return await (await import('./xlsx-writer.js')).openXlsxWriter(path, header, xlsx);
    if (ext === '.csv') return await openCsvWriter(path, header);
  } catch (err) {
    throw writeError(path, err);
  }
  throw new RunError('USAGE', `--report ${path}: a report is .csv or .xlsx.`);
}

/**
 * A pipe or a device at a report's path would be written for ever (and ignore Ctrl-C): refused,
 * exit 2. A folder is left to the writer, whose error says so.
 */
export async function refuseNonFile(path: string): Promise<void> {
  const existing = await stat(path).catch(() => undefined);
  if (existing && !existing.isFile() && !existing.isDirectory()) {
    throw new RunError('SETUP', `Cannot write the report ${path}: it is not a regular file (a pipe or a device). Choose another path with --report.`);
  }
}

export function writeError(path: string, err: unknown, what = 'the report', flag = '--report'): RunError {
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'its folder does not exist'
      : code === 'EISDIR'
        ? 'it is a folder'
        : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
          ? 'permission denied'
          : code === 'ENOSPC'
            ? 'the disk is full (free some space and run the same command again: the batch is resumable)'
            : (code ?? String(err));
  return new RunError('SETUP', `Cannot write ${what} ${path}: ${why}. Choose another path with ${flag}.`, { cause: err });
}
