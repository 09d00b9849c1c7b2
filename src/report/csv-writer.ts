import { createWriteStream, type WriteStream } from 'node:fs';
import { csvLine } from './csv-line.js';
import { safeCsvCell } from './safe-cell.js';
import type { TableWriter } from './table-writer.js';

/**
 * CSV in UTF-8 with a BOM, so Excel opens accents and CJK text correctly, one csvLine per row.
 * Every cell passes through safeCsvCell: none can run as a formula. Each line goes to the file as
 * it is written, so the report is current while the batch runs; a write waits only when the
 * stream's buffer is full.
 */
export async function openCsvWriter(path: string, header: readonly string[]): Promise<TableWriter> {
  // A large buffer: lines still go to the file as they come, but a long batch's writes are
  // gathered into fewer system calls and rarely wait for the disk.
  const out = createWriteStream(path, { flags: 'w', highWaterMark: 1 << 20 });
  await opened(out);
  let failure: Error | undefined;
  out.on('error', (err) => (failure = err));
  const put = (text: string): Promise<void> | void => {
    if (failure) throw failure;
    if (!out.write(text)) return new Promise<void>((resolve) => out.once('drain', resolve));
  };
  await put(`\ufeff${csvLine(header.map(safeCsvCell))}`);
  return {
    path,
    write: (cells) => put(csvLine(cells.map(safeCsvCell))),
    async close() {
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
