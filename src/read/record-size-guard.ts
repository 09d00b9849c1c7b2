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
const UNKNOWN = 0;
const LF_END = 1;
const CRLF_END = 2;
const CR_END = 3;
const END_BYTES = [Buffer.alloc(0), Buffer.from('\n'), Buffer.from('\r\n'), Buffer.from('\r')];
const BOM = [0xef, 0xbb, 0xbf];

/**
 * Keeps every record csv-parse sees within `maxBytes`, so one oversized row (a pasted file, a
 * runaway quote closed far below) makes only its own row unreadable instead of ending the file.
 * The bytes of a record past the limit are dropped up to the record's end; the part already passed
 * on is closed (a quote, if one was open) and the record gets `CUT_MARKER` as its last cell.
 *
 * It follows csv-parse's grammar with `relax_quotes` (csv.js.org/parse/options/relax_quotes/): a
 * quote opens a quoted cell only at a cell's start, `""` inside is one quote, a quote followed by
 * anything else closes it; the record delimiter is discovered as csv-parse discovers it; a leading
 * BOM is not part of the first cell (`bom: true`). The input is UTF-8, in which none of these bytes
 * occurs inside a multi-byte character. A record that never ends (an unclosed quote to the end of
 * the file) is left to csv-parse, which reports it.
 */
export function recordSizeGuard(delimiter: string, maxBytes: number): Transform {
  const delim = delimiter.charCodeAt(0);
  // The scan state between chunks; the loop works on local copies (the hot path of every CSV read).
  let recordEnd = UNKNOWN;
  let inQuotes = false;
  let quotePending = false;
  let fieldEmpty = true;
  let prevCR = false;
  let recordBytes = 0;
  let started = false;
  /** Set while the rest of a record over the limit is dropped: what closes the part passed on. */
  let cut: string | undefined;

  const marker = (size: number): Buffer => Buffer.from(`${cut!}${delimiter}${CUT_MARKER}${size}`, 'utf8');

  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      const out: Buffer[] = [];
      let from = 0;
      let i = 0;
      if (!started) {
        started = true;
        if (chunk.length >= 3 && chunk[0] === BOM[0] && chunk[1] === BOM[1] && chunk[2] === BOM[2]) i = 3;
      }
      let end = recordEnd;
      let quoted = inQuotes;
      let pending = quotePending;
      let empty = fieldEmpty;
      let cr = prevCR;
      let bytes = recordBytes;
      const n = chunk.length;
      // The next record end and quote at or after i, each searched again only once passed: a line
      // of many mid-cell quotes must not search the rest of the chunk for its end at every quote.
      let nextEnd = -1;
      let nextQuote = -1;
      for (; i < n; i++) {
        if (quoted && !pending) {
          // Inside a quoted cell only a quote matters: jump to it.
          let q = chunk.indexOf(QUOTE, i);
          if (q < 0) q = n;
          const span = q - i;
          if (cut === undefined && end !== UNKNOWN && bytes + span > maxBytes) {
            out.push(chunk.subarray(from, i + (maxBytes - bytes)));
            cut = '"';
          }
          bytes += span;
          i = q;
          if (q === n) break;
          bytes++;
          pending = true;
          cr = false;
          if (cut === undefined && end !== UNKNOWN && bytes > maxBytes) {
            out.push(chunk.subarray(from, i));
            cut = '"';
          }
          continue;
        }
        if (!quoted && end !== UNKNOWN && !cr) {
          // Outside quotes, once the delimiter is known, only a record end and a quote matter:
          // jump to the nearer one (natively), and take the bytes between as one stretch.
          if (nextEnd < i) {
            nextEnd = chunk.indexOf(end === CR_END ? CR : LF, i);
            if (nextEnd < 0) nextEnd = n;
          }
          if (nextQuote < i) {
            nextQuote = chunk.indexOf(QUOTE, i);
            if (nextQuote < 0) nextQuote = n;
          }
          const e = nextEnd;
          const stop = Math.min(e, nextQuote);
          if (stop > i) {
            const span = stop - i;
            // A stretch ending at \r\n: its \r is the delimiter's, not the record's.
            const own = stop === e && end === CRLF_END && chunk[stop - 1] === CR ? span - 1 : span;
            if (cut === undefined && bytes + own > maxBytes) {
              out.push(chunk.subarray(from, i + (maxBytes - bytes)));
              cut = '';
            }
            bytes += span;
            empty = chunk[stop - 1] === delim;
            cr = chunk[stop - 1] === CR;
            i = stop;
            if (stop === n) break;
          }
        }
        const b = chunk[i]!;
        if (cr && end === UNKNOWN && b !== LF) {
          // csv-parse settled on a lone \r at the previous byte: this byte starts the next record.
          end = CR_END;
          bytes = 0;
          empty = true;
        }
        bytes++;
        let ends = false;
        if (pending && b === QUOTE) {
          pending = false; // "" is one quote inside the quoted cell
        } else {
          if (pending) {
            // A quote followed by anything but a quote closes the quoted cell (relax_quotes).
            quoted = false;
            pending = false;
            empty = false;
          }
          if (b === QUOTE && empty) {
            quoted = true;
            empty = false;
          } else if (b === delim) {
            empty = true;
          } else if (b === LF) {
            if (end === UNKNOWN) end = cr ? CRLF_END : LF_END;
            ends = end === LF_END || (end === CRLF_END && cr);
            empty = ends;
          } else if (b === CR) {
            // Before the delimiter is known, a \r waits for the next byte (\r\n or \r).
            ends = end === CR_END;
            empty = ends;
          } else {
            empty = false;
          }
        }
        cr = b === CR && !quoted;
        if (ends) {
          if (cut !== undefined) {
            // The whole delimiter follows the marker: the first byte of \r\n was among the dropped ones.
            out.push(marker(bytes - END_BYTES[end]!.length), END_BYTES[end]!);
            from = i + 1;
            cut = undefined;
          }
          bytes = 0;
        } else if (cut === undefined && bytes > maxBytes && end !== UNKNOWN && !(cr && end === CRLF_END)) {
          // (An unquoted \r in a \r\n file may be the delimiter's first byte: the next byte decides.)
          out.push(chunk.subarray(from, i));
          // Close what csv-parse has seen: a pending quote closes itself when the delimiter before
          // the marker follows (an open quoted cell is cut in the jump above).
          cut = '';
        }
      }
      recordEnd = end;
      inQuotes = quoted;
      quotePending = pending;
      fieldEmpty = empty;
      prevCR = cr;
      recordBytes = bytes;
      if (cut === undefined) out.push(chunk.subarray(from));
      done(null, out.length === 1 ? out[0] : Buffer.concat(out));
    },
    flush(done) {
      if (cut === undefined) return done();
      // A quote still open at the end swallowed the rest of the file: csv-parse is to report it
      // as never closed, so what it has seen is left open (or opened) instead of marked.
      if (inQuotes && !quotePending) return done(null, cut === '"' ? undefined : Buffer.from(`${delimiter}"`));
      done(null, marker(recordBytes));
    },
  });
}
