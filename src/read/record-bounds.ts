/**
 * Where delimited records end, found without parsing them, so a large file can be cut into byte
 * ranges that separate parsers read at the same time and still see exactly the records one parser
 * would. Pure.
 *
 * It follows csv-parse's rules for RFC 4180 data: a quote opens a quoted field only at a field's
 * start, `""` inside it is a quote, and the quoted field ends at a quote followed by the
 * delimiter or the line break. Anything else (a quote inside an unquoted field, which csv-parse
 * keeps under `relax_quotes`; a quoted field followed by other text; a bare LF in a CRLF file
 * next to a quote) is "irregular": the caller then stops cutting and leaves the rest of the file
 * to one parser, so a file it cannot cut exactly is still read exactly.
 */
export type LineBreak = '\n' | '\r\n';

export interface BoundsRules {
  /** The delimiter's byte (`,` `;` or tab). */
  readonly delimiter: number;
  /** The record delimiter csv-parse settled on for this file (the header row's line ending). */
  readonly lineBreak: LineBreak;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * The offset just after the last complete record in `buf`, which must start at a record's start;
 * -1 when no record ends in it; 'irregular' when the quoting is not plain RFC 4180 before then.
 */
export function lastRecordEnd(buf: Uint8Array, rules: BoundsRules): number | 'irregular' {
  const { delimiter } = rules;
  const crlf = rules.lineBreak === '\r\n';
  const n = buf.length;
  let last = -1;
  let pos = 0;
  while (pos < n) {
    // Outside quotes: the last line break before the next quote ends a record.
    const q = buf.indexOf(QUOTE, pos);
    const stop = q === -1 ? n : q;
    if (stop > pos) {
      let lf = buf.lastIndexOf(LF, stop - 1);
      // In a CRLF file a bare LF is text inside a field, not a record's end.
      while (crlf && lf > pos && buf[lf - 1] !== CR) lf = buf.lastIndexOf(LF, lf - 1);
      if (lf >= pos && (!crlf || (lf > 0 && buf[lf - 1] === CR))) last = lf + 1;
    }
    if (q === -1) return last;
    if (!atFieldStart(buf, q, delimiter, crlf)) return 'irregular';
    // Inside quotes: skip doubled quotes up to the closing one.
    let p = q + 1;
    for (;;) {
      const c = buf.indexOf(QUOTE, p);
      // The field (or what follows its closing quote) runs past the buffer: a later call sees it whole.
      if (c === -1 || c + 2 > n) return last;
      const next = buf[c + 1];
      if (next === QUOTE) {
        p = c + 2;
        continue;
      }
      if (next === delimiter || (!crlf && next === LF)) {
        pos = c + 1;
        break;
      }
      if (crlf && next === CR) {
        if (c + 3 > n) return last;
        if (buf[c + 2] !== LF) return 'irregular';
        pos = c + 1;
        break;
      }
      return 'irregular';
    }
  }
  return last;
}

function atFieldStart(buf: Uint8Array, i: number, delimiter: number, crlf: boolean): boolean {
  if (i === 0) return true;
  const prev = buf[i - 1];
  if (prev === delimiter) return true;
  if (prev !== LF) return false;
  return !crlf || (i >= 2 && buf[i - 2] === CR);
}
