import { createWriteStream, type WriteStream } from 'node:fs';
import { csvLine } from './csv-line.js';
import { safeCsvCell } from './safe-cell.js';
import { ByteBatch } from './byte-batch.js';
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
  const batch = new ByteBatch();
  let count = 0;

  const flush = async (): Promise<void> => {
    if (failure) throw failure;
    if (count === 0) return;
    count = 0;
    if (!out.write(batch.take())) await new Promise<void>((resolve) => out.once('drain', resolve));
  };
  // Lines go out every batchRows lines, or sooner when they add up to many bytes.
  const added = (): Promise<void> | void => {
    if (++count >= batchRows || batch.length >= FLUSH_BYTES) return flush();
  };
  batch.text(`\ufeff${csvLine(header.map(safeCsvCell))}`);
  count = 1;
  await flush();
  return {
    path,
    write(cells: readonly string[]) {
      batch.text(csvLine(cells.map(safeCsvCell)));
      return added();
    },
    writeEncoded(encodedHead: string, encodedTail: Uint8Array) {
      batch.text(`${encodedHead},`);
      batch.bytes(encodedTail);
      batch.bytes(CRLF);
      return added();
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

const FLUSH_BYTES = 128 * 1024;
const CRLF = Buffer.from('\r\n');

function opened(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
}
