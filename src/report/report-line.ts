import { cellText, type Cell } from '../read/cell.js';
import type { Status } from './status.js';
import type { RowStyle } from './table-writer.js';
import { normaliseHeader } from '../validate/columns.js';
import { RETRY_OF_COLUMN, retryOfText } from './retry-of.js';

/** One line of the results report: one ad, with its input row's cells. */
export interface ReportLine {
  readonly row: number;
  readonly status: Status;
  readonly adId?: string;
  readonly key?: string;
  readonly error?: string;
  readonly attempts?: number;
  /** The status pause / resume / delete last set on the ad (ENABLE, DISABLE, DELETE). */
  readonly adStatus?: string;
  readonly input: readonly Cell[];
  /** The one ad group this line's ad goes to (a row may list several); not a report column. */
  readonly adgroup?: string;
}

export const RESULT_COLUMNS = ['row', 'status', 'ad_id', 'idempotency_key', 'error', 'attempts', 'ad_status'] as const;

/** Reports written before `ad_status` have the first six; they are still read back as ours. */
const EARLIER_RESULT_COLUMNS = RESULT_COLUMNS.slice(0, 6);

/** How many result columns a header starts with: 7, 6 for an earlier report, 0 when it is not a report of ours. */
export function resultWidth(header: readonly string[]): number {
  if (RESULT_COLUMNS.every((c, i) => header[i] === c)) return RESULT_COLUMNS.length;
  if (EARLIER_RESULT_COLUMNS.every((c, i) => header[i] === c)) return EARLIER_RESULT_COLUMNS.length;
  return 0;
}

/** The first bytes of every CSV report of ours, earlier ones included (a UTF-8 BOM, then the result columns). */
export const REPORT_CSV_START = `\ufeff${EARLIER_RESULT_COLUMNS.join(',')},`;

/** The report's header: the result columns, then every input column as it came. */
export function reportHeader(inputHeader: readonly string[]): string[] {
  return [...RESULT_COLUMNS, ...inputHeader];
}

/** A line as the report's text cells, padded to the input header's width. Pure. */
export function reportCells(line: ReportLine, inputWidth: number): string[] {
  return [...resultCells(line), ...inputCells(line.input, inputWidth)];
}

/** The result columns of a line (RESULT_COLUMNS), without the input's. */
export function resultCells(line: ReportLine): string[] {
  return [
    String(line.row),
    line.status,
    line.adId ?? '',
    line.key ?? '',
    line.error ?? '',
    line.attempts === undefined ? '' : String(line.attempts),
    line.adStatus ?? '',
  ];
}

/** How a line shows in an XLSX report: its status colour, and the error as a note when long. */
export function reportStyle(line: ReportLine): RowStyle {
  return { status: line.status, ...(line.error && line.error.length > 80 ? { noteAt: RESULT_COLUMNS.indexOf('error') } : {}) };
}

/** The retry file holds the input's own columns plus `error`, which the reader ignores. */
/**
 * The input's own `error` column, when it has one (an upload of a retry file): the retry file's
 * error goes there, so a retry file of a retry file still has one `error` column, always.
 */
function errorColumn(inputHeader: readonly string[]): number {
  return ownColumns(inputHeader).error;
}

const OWN_COLUMNS = new WeakMap<readonly string[], { error: number; retryOf: number }>();

/** Where the input's own `error` and `retry_of` columns are: looked up once per header, not per line. */
function ownColumns(inputHeader: readonly string[]): { error: number; retryOf: number } {
  let at = OWN_COLUMNS.get(inputHeader);
  if (!at) {
    const names = inputHeader.map(normaliseHeader);
    at = { error: names.indexOf('error'), retryOf: names.indexOf(normaliseHeader(RETRY_OF_COLUMN)) };
    OWN_COLUMNS.set(inputHeader, at);
  }
  return at;
}

/** The input's own `retry_of` column (an upload of a retry file): its cells are kept, naming the first batch. */
export function retryOfColumn(inputHeader: readonly string[]): number {
  return ownColumns(inputHeader).retryOf;
}

/** The input's columns, then `retry_of` (the batch and row each line comes from) and `error`, each once. */
export function retryHeader(inputHeader: readonly string[]): string[] {
  return [...inputHeader, ...(retryOfColumn(inputHeader) >= 0 ? [] : [RETRY_OF_COLUMN]), ...(errorColumn(inputHeader) >= 0 ? [] : ['error'])];
}

/** A retry line: the input's cells, the batch it comes from (`report` and the line's row) and its error. */
export function retryCells(line: ReportLine, inputHeader: readonly string[], report: string): string[] {
  const cells = inputCells(line.input, inputHeader.length);
  if (retryOfColumn(inputHeader) < 0) cells.push(retryOfText(report, line.row));
  const at = errorColumn(inputHeader);
  if (at < 0) cells.push(line.error ?? '');
  else cells[at] = line.error ?? '';
  return cells;
}

function inputCells(input: readonly Cell[], width: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < width; i++) out.push(carried(cellText(input[i] ?? null)));
  return out;
}

/** The most of a cell a report or retry file carries: a spreadsheet cell holds at most 32,767 characters. */
const CARRIED_CHARS = 32_000;

/**
 * A cell as the report and the retry file carry it: whole, unless it is longer than any cell a
 * spreadsheet holds (such a row is invalid anyway: validate-row.ts), when its start is kept and the
 * cut is said in the cell, instead of copying megabytes into every file.
 */
function carried(text: string): string {
  if (text.length <= 32_767) return text;
  return `${text.slice(0, CARRIED_CHARS)} … [cut: this cell holds ${text.length.toLocaleString('en-US')} characters; the report keeps the first ${CARRIED_CHARS.toLocaleString('en-US')}]`;
}
