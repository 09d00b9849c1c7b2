import { open, rm, type FileHandle } from 'node:fs/promises';
import type { CheckedRow } from './check-sheet.js';

/** What the table shows: every row, the invalid ones, or those with warnings. */
export type RowFilter = 'all' | 'invalid' | 'warnings';

/** Rows the page shows at a time (a page of a sheet, however long the sheet). */
export const PAGE_ROWS = 100;

/** Bytes gathered before they are written: a few hundred rows at a time. */
const FLUSH_BYTES = 256 * 1024;

/**
 * A checked sheet's rows, one JSON line each in a file of their own, so that the server holds only
 * where each line starts (a number per row) whatever the sheet's size: a 360,000-row sheet is
 * answered a page at a time instead of as one reply the browser cannot take in.
 */
export class RowPages {
  /** Byte offset of each row's line, in sheet order. */
  private readonly starts: number[] = [];
  /** Each row's number in the sheet, ascending (rows come in sheet order). */
  private readonly numbers: number[] = [];
  /** Indexes (into starts) of the rows each filter shows, ascending. */
  private readonly invalid: number[] = [];
  private readonly warned: number[] = [];
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes in the file once every write begun has ended. */
  private size = 0;
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
  ) {}

  static async create(path: string): Promise<RowPages> {
    return new RowPages(await open(path, 'w+'), path);
  }

  get total(): number {
    return this.starts.length;
  }

  /** How many rows a filter shows. */
  count(filter: RowFilter): number {
    return filter === 'all' ? this.starts.length : this.indexes(filter).length;
  }

  async add(row: CheckedRow): Promise<void> {
    const index = this.starts.length;
    this.starts.push(this.size + this.pendingBytes);
    this.numbers.push(row.row);
    if (row.status === 'invalid') this.invalid.push(index);
    if (row.warnings.length) this.warned.push(index);
    const line = Buffer.from(`${JSON.stringify(row)}\n`, 'utf8');
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes >= FLUSH_BYTES) await this.flush();
  }

  /** Every row added is on disk. Writes go one after another, each at the end of the one before. */
  flush(): Promise<void> {
    if (this.pendingBytes > 0) {
      const chunk = Buffer.concat(this.pending);
      const at = this.size;
      this.pending = [];
      this.pendingBytes = 0;
      this.size += chunk.length;
      this.writing = this.writing.then(async () => void (await this.handle.write(chunk, 0, chunk.length, at)));
    }
    return this.writing;
  }

  /**
   * A row the batch found more about than the check did (a bad link makes it invalid, a doubtful
   * one gives it a warning): the filter shows it too. False when the row is not in this check.
   */
  mark(row: number, kind: Exclude<RowFilter, 'all'>): boolean {
    const index = lowerBound(this.numbers, row);
    if (this.numbers[index] !== row) return false;
    const list = kind === 'invalid' ? this.invalid : this.warned;
    const at = lowerBound(list, index);
    if (list[at] !== index) list.splice(at, 0, index);
    return true;
  }

  /** Up to `limit` rows a filter shows, from its `offset`th on. */
  async page(filter: RowFilter, offset: number, limit = PAGE_ROWS): Promise<CheckedRow[]> {
    await this.flush();
    const from = Math.max(0, Math.floor(offset));
    if (filter === 'all') {
      const to = Math.min(this.starts.length, from + limit);
      if (from >= to) return [];
      return this.lines(this.starts[from]!, this.end(to - 1));
    }
    const rows: CheckedRow[] = [];
    for (const i of this.indexes(filter).slice(from, from + limit)) rows.push(...(await this.lines(this.starts[i]!, this.end(i))));
    return rows;
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => {});
    await rm(this.path, { force: true });
  }

  private indexes(filter: Exclude<RowFilter, 'all'>): readonly number[] {
    return filter === 'invalid' ? this.invalid : this.warned;
  }

  private end(index: number): number {
    return index + 1 < this.starts.length ? this.starts[index + 1]! : this.size;
  }

  private async lines(start: number, end: number): Promise<CheckedRow[]> {
    const buffer = Buffer.alloc(end - start);
    await this.handle.read(buffer, 0, buffer.length, start);
    return buffer
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as CheckedRow);
  }
}

/** The first position in an ascending list whose value is not below `value`. */
function lowerBound(list: readonly number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
