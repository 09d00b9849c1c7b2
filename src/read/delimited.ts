import { open } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { parse, CsvError } from 'csv-parse';
import { RunError } from '../errors.js';
import { type Cell, type RawRecord } from './cell.js';
import { DEFAULT_LIMITS, tooManyRows, type ReadLimits } from './limits.js';
import { columnLetter, HEADER_SEARCH_ROWS, rowPreview, rowsText, type Sheet } from './sheet.js';
import { CUT_MARKER, recordSizeGuard } from './record-size-guard.js';
import { detectDelimiter, sniffBytes, type Delimiter } from './sniff.js';
import { detectEncoding, encodingLabel, toUtf8 } from './text-encoding.js';
import { describeSniffed } from './unreadable.js';

const HEAD_BYTES = 64 * 1024;

export interface DelimitedOptions {
  readonly limits?: ReadLimits;
  readonly isHeader?: (cells: readonly Cell[]) => boolean;
  /** --encoding: a WHATWG label; default: UTF-16 by its BOM, else UTF-8, else Windows-1252 (text-encoding.ts). */
  readonly encoding?: string;
  /**
   * Whether, by its header, the file is one the tool wrote (a report, a retry file): only there a
   * leading `'` before a formula character is the tool's own escaping (report/safe-cell.ts) and is
   * removed; in any other file it is kept as the user typed it.
   */
  readonly ownFile?: (header: readonly string[]) => boolean;
}

/** Reads .csv/.tsv/.txt: UTF-8 (BOM or not), UTF-16 with BOM, Windows-1252 or --encoding; delimiter detected. */
export async function readDelimited(file: string, options: DelimitedOptions = {}): Promise<Sheet> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const isHeader = options.isHeader ?? (() => true);
  const head = await readHead(file);
  const sniffed = sniffBytes(head);
  if (sniffed.kind !== 'text') throw new RunError('FILE', describeSniffed(file, sniffed));
  const notices: string[] = [];
  let encoding: string = sniffed.encoding;
  if (options.encoding !== undefined) encoding = encodingLabel(options.encoding);
  else if (encoding === 'utf-8') {
    const detected = await detectEncoding(file);
    if (detected.encoding === 'windows-1252') {
      encoding = 'windows-1252';
      notices.push(
        `${file} is not UTF-8; it was read as Windows-1252 (what Excel saves as "CSV" on Western Windows; the first such byte is on line ${detected.firstInvalid.line}). If its accents look wrong in the report, pass --encoding with the right name, or save it as "CSV UTF-8".`,
      );
    }
  }
  const fallback: Delimiter = /\.(tsv|txt)$/i.test(file) ? '\t' : ',';
  const headText = new TextDecoder(encoding).decode(head);
  const delimiter = detectDelimiter(headText, fallback);
  // What the rows below the header are read with, once the header is found.
  const below: DataRows = {};
  const iterator = recordsOf(file, encoding, delimiter, limits, below)[Symbol.asyncIterator]();

  const skipped: RawRecord[] = [];
  for (;;) {
    const next = await iterator.next();
    if (next.done) {
      if (skipped.length) throw noHeader(file, skipped);
      throw new RunError('FILE', `${file} has no header row: it holds no text. Put the column names in the first row.`);
    }
    const { row, cells } = next.value;
    if (cells.length > limits.maxColumns) {
      throw new RunError(
        'FILE',
        `${file} has ${cells.length} columns in its header row (row ${row}); at most ${limits.maxColumns} are read. Is this the right file?`,
      );
    }
    if (!isHeader(cells)) {
      skipped.push(next.value);
      if (skipped.length >= HEADER_SEARCH_ROWS) throw noHeader(file, skipped);
      continue;
    }
    if (skipped.length)
      notices.push(
        `${file}: the header is row ${row}; ${rowsText(skipped.map((r) => r.row))} above it ${skipped.length === 1 ? 'was' : 'were'} skipped (${skipped
          .map((r) => rowPreview(r.cells))
          .slice(0, 3)
          .join(', ')}).`,
      );
    const header = cells.map((c) => (c === null ? '' : String(c).trim()));
    below.width = header.length;
    below.own = options.ownFile?.(header) === true;
    return {
      file,
      format: 'csv',
      header,
      headerRow: row,
      notices,
      records: { [Symbol.asyncIterator]: () => iterator },
      reread: () => recordsOf(file, encoding, delimiter, limits, { ...below, belowRow: row }),
    };
  }
}

function noHeader(file: string, skipped: readonly RawRecord[]): RunError {
  return new RunError(
    'FILE',
    `${file} has no header row: none of its first ${skipped.length} rows names the columns of add_tiktok_ad (row ${skipped[0]!.row} is ${rowPreview(skipped[0]!.cells)}). Put a row of column names such as adgroup_id, ad_text, landing_page_url, video_url above the ads (\`tiktok-ads-bulk template\` writes one).`,
  );
}

async function readHead(file: string): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    throw openError(file, err);
  }
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } catch (err) {
    throw openError(file, err);
  } finally {
    await handle.close();
  }
}

export function openError(file: string, err: unknown): RunError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new RunError('FILE', `${file} does not exist. Check the path and the file name.`, { cause: err });
  if (code === 'EISDIR') return new RunError('FILE', `${file} is a folder, not a spreadsheet. Name the .csv or .xlsx file inside it.`, { cause: err });
  if (code === 'EACCES' || code === 'EPERM')
    return new RunError('FILE', `${file} cannot be read: permission denied. Check the file's permissions.`, { cause: err });
  return new RunError('FILE', `${file} cannot be read (${code ?? String(err)}).`, { cause: err });
}

/** Our CSV reports prefix a formula-like cell with `'` (see report/safe-cell.ts); undo it on read so a retry file reads back as written. */
const ESCAPED_FORMULA = /^''*[=+\-@\t\r]/;

/** How the rows below the header are read: set once the header is found (readDelimited). */
interface DataRows {
  /** The header's cell count, to tell a stray quote (strayQuote). */
  width?: number;
  /** The tool's own report or retry file: its escaping is undone (unescaped). */
  own?: boolean;
  /** A second read: the rows down to the header are skipped. */
  belowRow?: number;
}

/**
 * The file's records, in order. Records csv-parse produced before a failure (an unclosed quote, a
 * read error) are all handed on before the failure is thrown: iterating the parser stream instead
 * throws at the failure and drops records parsed but not yet read, rows that would then be missing
 * from the report of a file that fails part-way. Reading pauses while records wait to be taken, so
 * memory stays bounded.
 */
async function* recordsOf(file: string, encoding: string, delimiter: Delimiter, limits: ReadLimits, below: DataRows): AsyncGenerator<RawRecord> {
  // csv-parse reads UTF-8 (and drops its BOM); any other encoding is decoded to UTF-8 first, so
  // the record size guard sees one encoding. Invalid UTF-8 (a file read with --encoding utf-8)
  // becomes U+FFFD, which the validator flags per row.
  const source = createReadStream(file);
  const decoded: Readable = encoding === 'utf-8' ? source : source.pipe(toUtf8(encoding));
  const input = decoded.pipe(recordSizeGuard(delimiter, limits.maxRecordBytes));
  const parser = parse({
    delimiter,
    relax_quotes: true,
    relax_column_count: true,
    // Only a header row over the limit gets here: the guard cuts every later record first.
    max_record_size: limits.maxRecordBytes + CUT_SLACK,
    encoding: 'utf8',
    bom: true,
    // Blank lines are skipped by the parser itself: each would otherwise be a record of another
    // length than the first, for which csv-parse builds (and, relaxed, drops) an error object with
    // its stack: a million blank lines took 20 s. They still count as rows (parser.info.empty_lines).
    skip_empty_lines: true,
  });
  // Each record with its spreadsheet row: records so far plus the empty lines skipped before it.
  const waiting: { row: number; record: string[] }[] = [];
  let records = 0;
  let ended: { failure?: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const finish = (failure?: unknown): void => {
    if (ended) return;
    ended = { failure };
    source.destroy();
    parser.destroy();
    notify();
  };
  parser.on('data', (record: string[]) => {
    if (ended) return;
    waiting.push({ row: ++records + parser.info.empty_lines, record });
    if (waiting.length >= WAITING_RECORDS) input.pause();
    notify();
  });
  parser.on('error', finish);
  source.on('error', finish);
  parser.on('end', () => finish());
  input.pipe(parser);

  let row = 0;
  try {
    for (;;) {
      if (waiting.length) {
        const batch = waiting.splice(0);
        input.resume();
        for (const { row: at, record } of batch) {
          row = at;
          // A second read starts below the header the first one found.
          if (below.belowRow !== undefined && row <= below.belowRow) continue;
          if (row > limits.maxRows + 1) throw tooManyRows(file, limits);
          if (record.at(-1)?.startsWith(CUT_MARKER)) {
            yield cutRecord(row, record, limits);
            continue;
          }
          const cells = record.map(below.own ? (v: string) => unescaped(toCell(v)) : toCell);
          // Entirely empty rows are skipped, not reported (README, "Input").
          if (!cells.some((c) => c !== null)) continue;
          // The checks of data rows are made here, not in generators stacked on this one: a
          // 3,000-row file's read is mostly start-up, and each stacked generator costs a hop per row.
          yield below.width === undefined ? { row, cells } : strayQuote({ row, cells }, below.width);
        }
        continue;
      }
      if (ended?.failure !== undefined) throw parseError(file, failedRow(ended.failure, row), ended.failure);
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    finish();
  }
}

const WAITING_RECORDS = 1024;

function byteSize(n: number): string {
  const [value, unit] = n >= 1024 * 1024 ? [n / 1024 / 1024, 'MB'] : [n / 1024, 'KB'];
  return `${value.toLocaleString('en-US', { maximumFractionDigits: 1 })} ${unit}`;
}

/** Room for the quote, delimiter and marker the guard adds to a record it cut. */
const CUT_SLACK = 4096;

/**
 * A record the guard cut at the size limit: the cells read before the cut stay (so the report shows
 * which ad it was), the one cut through is dropped, and the row is invalid with its size.
 */
function cutRecord(row: number, record: readonly string[], limits: ReadLimits): RawRecord {
  const bytes = Number(record.at(-1)!.slice(CUT_MARKER.length));
  const cells = record.slice(0, -1).map(toCell);
  const at = Math.max(0, cells.length - 1);
  cells[at] = null;
  const message = `makes this row ${byteSize(bytes)} long, more than the ${byteSize(limits.maxRecordBytes)} a row may have, so the row was not read from there on (the rows after it were). Is a file pasted into the cell, or a quote left open? Fix the cell and try again`;
  return { row, cells, problems: [{ field: `column ${columnLetter(at)}`, kind: 'record_too_large', message }] };
}

function toCell(value: string): Cell {
  return value.trim() === '' ? null : value;
}

/**
 * A stray quote opens a cell that swallows the line breaks and rows after it until the next quote:
 * two rows merge silently. When a quoted cell spans a line break and its row then has another
 * number of cells than the header, the row says so instead of passing as one odd row.
 */
function strayQuote(record: RawRecord, width: number): RawRecord {
  const at = record.cells.length === width ? -1 : record.cells.findIndex((c) => typeof c === 'string' && c.includes('\n'));
  if (at < 0) return record;
  const lines = (record.cells[at] as string).split('\n').length - 1;
  const message = `a quote in column ${columnLetter(at)} seems unclosed: the ${lines === 1 ? 'line' : `${lines} lines`} after it (from row ${record.row + 1}) ${lines === 1 ? 'was' : 'were'} read as part of this cell, and the row has ${record.cells.length} cells for the header's ${width}. Close the quote (or remove it) and try again`;
  return { ...record, problems: [...(record.problems ?? []), { field: `column ${columnLetter(at)}`, kind: 'unclosed_quote', message }] };
}

/** A cell of the tool's own CSV, with the `'` it put before a formula-like value removed. */
function unescaped(cell: Cell): Cell {
  return typeof cell === 'string' && cell.charCodeAt(0) === 0x27 && ESCAPED_FORMULA.test(cell) ? cell.slice(1) : cell;
}

/**
 * The row the parser stopped in. csv-parse counts the records it completed and the blank lines it
 * skipped, which is exact even when the stream drops records it had parsed but nobody had read yet
 * when it failed.
 */
function failedRow(err: unknown, read: number): number {
  if (!(err instanceof CsvError) || typeof err.records !== 'number') return read + 1;
  const skipped = (err as unknown as { empty_lines?: unknown }).empty_lines;
  return err.records + (typeof skipped === 'number' ? skipped : 0) + 1;
}

/** The message for records that stopped at `row` (the row that could not be read). */
function parseError(file: string, row: number, err: unknown): RunError {
  const code = err instanceof CsvError ? err.code : undefined;
  if (code === 'CSV_QUOTE_NOT_CLOSED') {
    return new RunError(
      'FILE',
      `${file}: a quoted cell that starts at row ${row} is never closed, so the rest of the file cannot be read. Add the missing closing quote (") and try again.`,
    );
  }
  if (code === 'CSV_MAX_RECORD_SIZE') {
    return new RunError(
      'FILE',
      `${file}: row ${row} is larger than the reader accepts; it is probably not a campaign row (an unclosed quote?). Fix or remove it and try again.`,
    );
  }
  if (code !== undefined) return new RunError('FILE', `${file}: row ${row} cannot be parsed (${(err as Error).message}).`);
  return openError(file, err);
}
