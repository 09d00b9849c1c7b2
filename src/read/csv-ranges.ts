import { open } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { lastRecordEnd, type BoundsRules, type LineBreak } from './record-bounds.js';
import type { Delimiter } from './sniff.js';

/** Where a UTF-8 delimited file's data rows start, and how its records end. */
export interface CsvBody extends BoundsRules {
  /** Byte offset just after the header record's line break. */
  readonly start: number;
  /** The header's record number, as the streaming reader counts it. */
  readonly headerRow: number;
}

/** A byte range [start, end) of whole records. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Finds the end of the header record (record `headerRow`, as the streaming reader found it) in the
 * file's first bytes with csv-parse itself, with the reader's options, so the body starts exactly
 * where the reader's header ends. Undefined when the header does not end inside `head` or ends in
 * a lone CR (a classic Mac file): such files are read by one parser.
 */
export function findCsvBody(head: Uint8Array, delimiter: Delimiter, headerRow: number): CsvBody | undefined {
  let records: { record: string[]; info: { bytes: number } }[];
  try {
    records = parse(Buffer.from(head.buffer, head.byteOffset, head.length), {
      delimiter,
      bom: true,
      relax_quotes: true,
      relax_column_count: true,
      info: true,
      to: headerRow,
    }) as unknown as { record: string[]; info: { bytes: number } }[];
  } catch {
    return undefined;
  }
  if (records.length !== headerRow) return undefined;
  // csv-parse settles its record delimiter at the first line break; blank rows above the header
  // must end the same way as the header, or the guess below would not be csv-parse's.
  const lineBreak = endingOf(head, records[0]!.info.bytes);
  const end = records[headerRow - 1]!.info.bytes;
  if (lineBreak === undefined || endingOf(head, end) !== lineBreak) return undefined;
  return { start: end, headerRow, delimiter: delimiter.charCodeAt(0), lineBreak };
}

function endingOf(head: Uint8Array, end: number): LineBreak | undefined {
  if (head[end - 1] !== 0x0a) return undefined;
  return head[end - 2] === 0x0d ? '\r\n' : '\n';
}

/**
 * Cuts the file from `body.start` to its end into ranges of about `size` bytes, each ending at a
 * record's end. Once the quoting is irregular (see record-bounds.ts) the rest is one range.
 */
export async function* recordRanges(file: string, body: CsvBody, size: number): AsyncGenerator<ByteRange> {
  const handle = await open(file, 'r');
  try {
    const fileSize = (await handle.stat()).size;
    let start = body.start;
    // Bytes from `start` read so far but not yet given out; they begin at a record's start.
    let pending: Buffer = Buffer.alloc(0);
    while (start < fileSize) {
      if (start + pending.length >= fileSize) break;
      const block = Buffer.allocUnsafe(Math.min(size, fileSize - start - pending.length));
      const { bytesRead } = await handle.read(block, 0, block.length, start + pending.length);
      if (bytesRead === 0) break;
      pending = pending.length ? Buffer.concat([pending, block.subarray(0, bytesRead)]) : block.subarray(0, bytesRead);
      if (start + pending.length >= fileSize) break;
      const end = lastRecordEnd(pending, body);
      if (end === 'irregular') break;
      if (end <= 0) continue;
      yield { start, end: start + end };
      start += end;
      pending = pending.subarray(end);
    }
    if (start < fileSize) yield { start, end: fileSize };
  } finally {
    await handle.close();
  }
}
