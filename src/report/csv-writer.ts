import { createWriteStream, type WriteStream } from 'node:fs';
import { stringify, type Stringifier } from 'csv-stringify';
import { safeCsvCell } from './safe-cell.js';
import type { TableWriter } from './table-writer.js';

/**
 * CSV through csv-stringify (quoting of delimiters, quotes and new lines done by a library that
 * gets it right), UTF-8 with a BOM so Excel opens accents and CJK text correctly, CRLF as Excel
 * writes it. Every cell passes through safeCsvCell: none can run as a formula.
 */
export async function openCsvWriter(path: string, header: readonly string[]): Promise<TableWriter> {
  const out = createWriteStream(path, { flags: 'w' });
  await opened(out);
  const stringifier: Stringifier = stringify({ bom: true, record_delimiter: 'windows', quoted_match: /^\s|\s$/ });
  stringifier.pipe(out);
  let failure: Error | undefined;
  out.on('error', (err) => (failure = err));
  stringifier.on('error', (err) => (failure = err));

  const write = async (cells: readonly string[]): Promise<void> => {
    if (failure) throw failure;
    if (!stringifier.write(cells.map(safeCsvCell))) {
      await new Promise<void>((resolve) => stringifier.once('drain', resolve));
    }
  };
  await write(header);
  return {
    path,
    write,
    async close() {
      if (failure) throw failure;
      await new Promise<void>((resolve, reject) => {
        out.once('finish', resolve);
        out.once('error', reject);
        stringifier.end();
      });
    },
  };
}

function opened(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
}
