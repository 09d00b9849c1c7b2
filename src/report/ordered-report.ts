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
  private chain: Promise<void> = Promise.resolve();
  private wakers: (() => void)[] = [];

  constructor(
    private readonly writer: TableWriter,
    private readonly inputWidth: number,
    private readonly then?: (line: ReportLine) => Promise<void>,
  ) {}

  add(seq: number, line: ReportLine): Promise<void> {
    this.pending.set(seq, line);
    const ready: ReportLine[] = [];
    for (let l = this.pending.get(this.next); l; l = this.pending.get(this.next)) {
      ready.push(l);
      this.pending.delete(this.next);
      this.next++;
    }
    if (ready.length) {
      this.chain = this.chain.then(async () => {
        for (const l of ready) {
          await this.writer.write(reportCells(l, this.inputWidth), reportStyle(l));
          await this.then?.(l);
        }
      });
      if (this.pending.size < WAITING_LINES) for (const wake of this.wakers.splice(0)) wake();
    }
    return this.chain;
  }

  /**
   * Resolves once fewer than a few thousand lines wait for an earlier one: a reader of the rows
   * waits here, so rows settled behind a row still in flight are not all held at once.
   */
  async room(): Promise<void> {
    while (this.pending.size >= WAITING_LINES) await new Promise<void>((wake) => this.wakers.push(wake));
  }

  /** Lines still waiting for an earlier one (a bug if any remain at the end). */
  get waiting(): number {
    return this.pending.size;
  }

  async close(): Promise<void> {
    await this.chain;
    await this.writer.close();
  }
}
