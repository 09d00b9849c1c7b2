import { createWriteStream, type WriteStream } from 'node:fs';
import { csvCells, csvLine } from './csv-line.js';
import { safeCsvCell } from './safe-cell.js';
import type { TableWriter } from './table-writer.js';

export interface CsvWriterOptions {
  /**
   * Rows gathered before they go to the file. validate batches (a million-row report); upload
   * writes every line as it finishes (1), so the report is current while the batch runs.
   */
  readonly batchRows?: number;
}

/**
 * CSV in UTF-8 with a BOM, so Excel opens accents and CJK text correctly, one csvLine per row.
 * Every cell passes through safeCsvCell: none can run as a formula. Lines are gathered and written
 * in batches, so a million-row report does not wait on the stream for every line.
 */
export async function openCsvWriter(path: string, header: readonly string[], options: CsvWriterOptions = {}): Promise<TableWriter> {
  const batchRows = options.batchRows ?? 1;
  const out = createWriteStream(path, { flags: 'w', highWaterMark: 1 << 20 });
  await opened(out);
  let failure: Error | undefined;
  out.on('error', (err) => (failure = err));
  let pending = '';
  let count = 0;

  const flush = async (): Promise<void> => {
    if (failure) throw failure;
    if (count === 0) return;
    const text = pending;
    pending = '';
    count = 0;
    if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', resolve));
  };
  pending = `\ufeff${csvLine(header.map(safeCsvCell))}`;
  count = 1;
  await flush();
  return {
    path,
    write(cells: readonly string[]) {
      pending += csvLine(cells.map(safeCsvCell));
      if (++count >= batchRows) return flush();
    },
    writeEncoded(cells: readonly string[], encodedTail: string) {
      pending += `${csvCells(cells.map(safeCsvCell))},${encodedTail}\r\n`;
      if (++count >= batchRows) return flush();
    },
    async close() {
      await flush();
      await new Promise<void>((resolve, reject) => {
        out.once('error', reject);
        out.end(() => resolve());
      });
      if (failure) throw failure;
    },
  };
}

function opened(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
}
