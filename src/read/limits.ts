import { RunError } from '../errors.js';
import type { ZipLimits } from './zip-guard.js';

/**
 * Hard limits on what a reader accepts, so a hostile or broken file ends in a clear message with
 * bounded memory. Real campaign sheets are far inside all of them (TikTok caps an ad group at 50
 * ads and Ads Manager exports at 999 rows; the longest field, ad_name, is 512 characters).
 */
export interface ReadLimits {
  /** Characters in one cell; a longer cell makes its row invalid and is not kept. */
  readonly maxCellChars: number;
  /** Columns in the header. */
  readonly maxColumns: number;
  /** UTF-8 bytes of one delimited record; a longer one makes its row invalid and is not kept (read/record-size-guard.ts). */
  readonly maxRecordBytes: number;
  /** Data rows in one file. */
  readonly maxRows: number;
  /** Bytes of an .xlsx file, which is read whole (read/xlsx.ts). */
  readonly maxXlsxBytes: number;
  /** What an .xlsx may unpack to (read/zip-guard.ts); default ZIP_LIMITS. */
  readonly zip?: ZipLimits;
}

export const DEFAULT_LIMITS: ReadLimits = {
  maxCellChars: 32_768,
  maxColumns: 1_000,
  // Far above any campaign row (a pasted 50 MB blob is still read, and its row is invalid by the
  // cell rule); low enough that a runaway quote cannot take a huge file into memory.
  maxRecordBytes: 64 * 1024 * 1024,
  maxRows: 2_000_000,
  maxXlsxBytes: 64 * 1024 * 1024,
};

/** The end of a file with more rows than `maxRows`, whatever its format. */
export function tooManyRows(file: string, limits: ReadLimits): RunError {
  return new RunError('FILE', `${file} has more than ${limits.maxRows.toLocaleString('en-US')} rows; split it into smaller files.`);
}
