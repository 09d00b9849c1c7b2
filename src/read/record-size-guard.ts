import { Transform } from 'node:stream';

/**
 * Set, with the record's size in bytes, as the last cell of a record the guard cut short. NUL
 * opens it because no spreadsheet writes one into a CSV cell.
 */
export const CUT_MARKER = '\u0000tiktok-ads-bulk: record cut at ';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** The record delimiter csv-parse settles on: the first of \r\n, \n or \r found outside quotes. */
type RecordEnd = 'unknown' | 'lf' | 'crlf' | 'cr';

/**
 * Keeps every record csv-parse sees within `maxBytes`, so one oversized row (a pasted file, a
 * runaway quote closed far below) makes only its own row unreadable instead of ending the file.
 * The bytes of a record past the limit are dropped up to the record's end; the part already passed
 * on is closed (a quote, if one was open) and the record gets `CUT_MARKER` as its last cell.
 *
 * It follows csv-parse's grammar with `relax_quotes` (csv.js.org/parse/options/relax_quotes/): a
 * quote opens a quoted cell only at a cell's start, `""` inside is one quote, a quote followed by
 * anything else closes it; the record delimiter is discovered as csv-parse discovers it. The input
 * is UTF-8, in which none of these bytes occurs inside a multi-byte character. A record that never
 * ends (an unclosed quote to the end of the file) is left to csv-parse, which reports it.
 */
export function recordSizeGuard(delimiter: string, maxBytes: number): Transform {
  const delim = delimiter.charCodeAt(0);
  let recordEnd: RecordEnd = 'unknown';
  let recordEndBytes = Buffer.alloc(0);
  let inQuotes = false;
  let quotePending = false;
  let fieldEmpty = true;
  let prevCR = false;
  let recordBytes = 0;
  let cut: { closure: string } | undefined;

  const marker = (size: number): Buffer => Buffer.from(`${cut!.closure}${delimiter}${CUT_MARKER}${size}`, 'utf8');

  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      const out: Buffer[] = [];
      let from = 0;
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i]!;
        if (prevCR && recordEnd === 'unknown' && b !== LF) {
          // csv-parse settled on a lone \r at the previous byte: this byte starts the next record.
          settle('cr');
          recordBytes = 0;
          fieldEmpty = true;
        }
        const openBefore = inQuotes && !quotePending;
        recordBytes++;
        let ends = false;
        if (openBefore) {
          if (b === QUOTE) quotePending = true;
        } else if (inQuotes && b === QUOTE) {
          quotePending = false; // "" is one quote inside the quoted cell
        } else {
          if (quotePending) {
            // A quote followed by anything but a quote closes the quoted cell (relax_quotes).
            inQuotes = false;
            quotePending = false;
            fieldEmpty = false;
          }
          if (b === QUOTE && fieldEmpty) {
            inQuotes = true;
            fieldEmpty = false;
          } else if (b === delim) {
            fieldEmpty = true;
          } else if (b === LF || b === CR) {
            ends = isRecordEnd(b);
            if (!ends) fieldEmpty = false;
          } else {
            fieldEmpty = false;
          }
        }
        prevCR = b === CR && !inQuotes;
        if (ends) {
          if (cut) {
            // The whole delimiter follows the marker: the first byte of \r\n was among the dropped ones.
            out.push(marker(recordBytes - recordEndBytes.length), recordEndBytes);
            from = i + 1;
            cut = undefined;
          }
          recordBytes = 0;
          fieldEmpty = true;
        } else if (!cut && recordBytes > maxBytes && recordEnd !== 'unknown' && !(prevCR && recordEnd === 'crlf')) {
          // (An unquoted \r in a \r\n file may be the delimiter's first byte: the next byte decides.)
          out.push(chunk.subarray(from, i));
          // Close what csv-parse has seen: an open quoted cell gets its quote; a pending quote
          // closes itself when the delimiter before the marker follows.
          cut = { closure: openBefore ? '"' : '' };
        }
      }
      if (!cut) out.push(chunk.subarray(from));
      done(null, out.length === 1 ? out[0] : Buffer.concat(out));
    },
    flush(done) {
      if (!cut) return done();
      // A quote still open at the end swallowed the rest of the file: csv-parse is to report it
      // as never closed, so what it has seen is left open (or opened) instead of marked.
      if (inQuotes && !quotePending) return done(null, cut.closure === '"' ? undefined : Buffer.from(`${delimiter}"`));
      done(null, marker(recordBytes));
    },
  });

  function isRecordEnd(b: number): boolean {
    if (recordEnd === 'unknown') {
      if (b !== LF) return false; // a \r: the next byte tells \r\n from \r
      settle(prevCR ? 'crlf' : 'lf');
      return true;
    }
    if (recordEnd === 'lf') return b === LF;
    if (recordEnd === 'crlf') return b === LF && prevCR;
    return b === CR;
  }

  function settle(end: RecordEnd): void {
    recordEnd = end;
    recordEndBytes = Buffer.from(end === 'crlf' ? '\r\n' : end === 'lf' ? '\n' : '\r');
  }
}
