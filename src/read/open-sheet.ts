import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { RunError } from '../errors.js';
import { readDelimited } from './delimited.js';
import { DEFAULT_LIMITS, type ReadLimits } from './limits.js';
import type { Cell } from './cell.js';
import type { Sheet } from './sheet.js';

export interface OpenOptions {
  /** --sheet NAME of an .xlsx. */
  readonly sheet?: string;
  readonly limits?: ReadLimits;
  /**
   * Which row is the header: the first (within HEADER_SEARCH_ROWS) this accepts; rows above it are
   * skipped with a notice. Default: the first non-empty row. The validate stage knows the fields.
   */
  readonly isHeader?: (cells: readonly Cell[]) => boolean;
  /** --encoding NAME of delimited text (any WHATWG encoding label). */
  readonly encoding?: string;
  /** Delimited text written by the tool itself (its report, its retry file): see delimited.ts. */
  readonly ownFile?: (header: readonly string[]) => boolean;
  /** For a downloaded workbook: the name messages use, and which sheet to prefer (xlsx.ts). */
  readonly label?: string;
  readonly preferSheet?: (rows: readonly (readonly string[])[]) => boolean;
}

/** Opens FILE by its extension; the one entry point of the read stage. */
export async function openSheet(file: string, options: OpenOptions = {}): Promise<Sheet> {
  // A named pipe, socket or device would block the read forever or never end: refused before it is opened.
  const kind = await stat(file).catch(() => undefined);
  if (kind && !kind.isFile() && !kind.isDirectory()) {
    throw new RunError('FILE', `${file} is not a regular file (a named pipe, socket or device). Save the sheet to a file and pass that.`);
  }
  const ext = extname(file).toLowerCase();
  const limits = options.limits ?? DEFAULT_LIMITS;
  const isHeader = options.isHeader ?? (() => true);
  // exceljs loads only for .xlsx input: a CSV run should not pay for it.
  if (ext === '.xlsx') {
    if (options.encoding !== undefined) throw new RunError('USAGE', `--encoding only applies to delimited text; ${file} is an .xlsx workbook.`);
    return (await import('./xlsx.js')).readXlsx(file, {
      ...(options.sheet !== undefined ? { sheet: options.sheet } : {}),
      ...(options.label !== undefined ? { label: options.label } : {}),
      ...(options.preferSheet ? { preferSheet: options.preferSheet } : {}),
      limits,
      isHeader,
    });
  }
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') {
    if (options.sheet !== undefined) throw new RunError('USAGE', `--sheet only applies to .xlsx files; ${file} is delimited text.`);
    return readDelimited(file, {
      limits,
      isHeader,
      ...(options.encoding !== undefined ? { encoding: options.encoding } : {}),
      ...(options.ownFile ? { ownFile: options.ownFile } : {}),
    });
  }
  if (ext === '.xls' || ext === '.xlsm' || ext === '.ods' || ext === '.numbers') {
    throw new RunError('FILE', `${file} is a ${ext} file, which is not read. Save it as .xlsx or CSV (UTF-8) and try again.`);
  }
  throw new RunError('FILE', `${file} has an unknown extension "${ext || '(none)'}". Use .csv, .tsv, .txt or .xlsx.`);
}
