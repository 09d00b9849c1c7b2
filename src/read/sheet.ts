import type { RawRecord } from './cell.js';

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
}
