import { reportCells, reportStyle, type ReportLine } from './report-line.js';
import type { TableWriter } from './table-writer.js';

/** Lines that may wait for an earlier one before whoever adds them is asked to wait too. */
const WAITING_LINES = 4096;

/**
 * Writes report lines in input order as they finish: a line waits only for the lines before it,
 * so the report grows as the batch goes while rows finish out of order. `then` gets each line
 * after it is written, in the same order (the retry file is made from them).
 */
export class OrderedReport {
  private readonly pending = new Map<number, ReportLine>();
  private next = 0;
  /** Lines whose turn has come, written in order by one drain at a time. */
  private ready: ReportLine[] = [];
  private drained: Promise<void> = Promise.resolve();
  private draining = false;
  /** A write failed: the report is broken, and every later add says so (no line is written twice). */
  private failed = false;
  private wakers: (() => void)[] = [];

  constructor(
    private readonly writer: TableWriter,
    private readonly inputWidth: number,
    private readonly then?: (line: ReportLine) => Promise<void> | undefined,
  ) {}

  /** Resolves when every line ready so far is written (rejects if a write failed). */
  add(seq: number, line: ReportLine): Promise<void> {
    if (seq === this.next) {
      this.ready.push(line);
      this.next++;
    } else this.pending.set(seq, line);
    let moved = false;
    for (let l = this.pending.get(this.next); l; l = this.pending.get(this.next)) {
      this.ready.push(l);
      this.pending.delete(this.next);
      this.next++;
      moved = true;
    }
    if (moved && this.pending.size < WAITING_LINES) for (const wake of this.wakers.splice(0)) wake();
    // One drain writes what is ready, and what becomes ready while it writes: a long run of
    // settled rows costs a loop, not a promise chain link per line.
    if (this.ready.length && !this.draining && !this.failed) this.drained = this.drain();
    return this.drained;
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      for (let i = 0; i < this.ready.length; i++) {
        const l = this.ready[i]!;
        const written = this.writer.write(reportCells(l, this.inputWidth), reportStyle(l));
        if (written) await written;
        const handedOn = this.then?.(l);
        if (handedOn) await handedOn;
      }
      this.ready = [];
    } catch (err) {
      this.failed = true;
      throw err;
    } finally {
      this.draining = false;
    }
  }

  /**
   * Undefined while there is room, else a promise that resolves once fewer than a few thousand
   * lines wait for an earlier one: a reader of the rows waits on it, so rows settled behind a row
   * still in flight are not all held at once. (No promise in the common case: a long file's second
   * read asks once per row.)
   */
  room(): Promise<void> | undefined {
    if (this.pending.size < WAITING_LINES) return undefined;
    return new Promise<void>((wake) => this.wakers.push(wake)).then(() => this.room());
  }

  /** Lines still waiting for an earlier one (a bug if any remain at the end). */
  get waiting(): number {
    return this.pending.size;
  }

  async close(): Promise<void> {
    await this.drained;
    await this.writer.close();
  }
}
