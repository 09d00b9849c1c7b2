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
  /** Characters in one delimited record; beyond it the file cannot be parsed safely. */
  readonly maxRecordChars: number;
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
  // Above the largest cell a row is read with (a 50 MB pasted blob makes its row invalid, the
  // others go on); below what would let an unclosed quote take the rest of a huge file into memory.
  maxRecordChars: 64 * 1024 * 1024,
  maxRows: 2_000_000,
  maxXlsxBytes: 64 * 1024 * 1024,
};

/** The end of a file with more rows than `maxRows`, whatever its format. */
export function tooManyRows(file: string, limits: ReadLimits): RunError {
  return new RunError('FILE', `${file} has more than ${limits.maxRows.toLocaleString('en-US')} rows; split it into smaller files.`);
}
