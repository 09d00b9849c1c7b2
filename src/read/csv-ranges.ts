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
 * record's end. Once the quoting is irregular (see record-bounds.ts), or no record ends within
 * `GIVE_UP_BYTES` (an unclosed quote?), the rest is one range: its parser reports what is wrong
 * there exactly as the single-threaded reader would.
 */
export async function* recordRanges(file: string, body: CsvBody, size: number): AsyncGenerator<ByteRange> {
  const handle = await open(file, 'r');
  try {
    const fileSize = (await handle.stat()).size;
    let start = body.start;
    // buf[0, have) are the file's bytes from `start`, read but not yet given out; one buffer,
    // reused, so scanning a large file allocates nothing per block.
    let buf = Buffer.allocUnsafe(2 * size);
    let have = 0;
    while (start + have < fileSize) {
      if (have === buf.length) {
        if (buf.length >= GIVE_UP_BYTES) break;
        buf = Buffer.concat([buf.subarray(0, have)], 2 * buf.length);
      }
      // Up to `size` bytes in all, or a little more while no record has ended yet.
      const want = Math.min(buf.length - have, fileSize - start - have, Math.max(size - have, 64 * 1024));
      const { bytesRead } = await handle.read(buf, have, want, start + have);
      if (bytesRead === 0) break;
      have += bytesRead;
      if (start + have >= fileSize) break;
      if (have < size) continue;
      const end = lastRecordEnd(buf.subarray(0, have), body);
      if (end === 'irregular') break;
      if (end <= 0) continue;
      yield { start, end: start + end };
      buf.copy(buf, 0, end, have);
      have -= end;
      start += end;
    }
    if (start < fileSize) yield { start, end: fileSize };
  } finally {
    await handle.close();
  }
}

const GIVE_UP_BYTES = 64 << 20;
