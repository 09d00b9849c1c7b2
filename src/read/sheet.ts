import type { RawRecord } from './cell.js';
import type { CsvBody } from './csv-ranges.js';
import type { ReadLimits } from './limits.js';
import type { Delimiter } from './sniff.js';

/** What every reader hands on: the header, then the data rows, streamed. */
export interface Sheet {
  readonly file: string;
  readonly format: 'csv' | 'xlsx';
  /** Worksheet name for xlsx. */
  readonly sheetName?: string;
  /** Header cells as they came (trimmed), one per column; empty string where the header is blank. */
  readonly header: readonly string[];
  readonly headerRow: number;
  /** Data rows, entirely empty ones already skipped. Can be iterated once. */
  readonly records: AsyncIterable<RawRecord>;
  /**
   * For delimited text: its delimiter, the limits it is read under and, for UTF-8 whose header
   * ends plainly, where the data rows start, so its bytes can be cut and read again in parts under
   * the same rules (read/csv-ranges.ts).
   */
  readonly delimited?: { readonly delimiter: Delimiter; readonly limits: ReadLimits; readonly body?: CsvBody };
  /** Stops reading when `records` will not be iterated (closes the file). */
  readonly close?: () => Promise<void>;
}
