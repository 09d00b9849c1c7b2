import { reportCells, reportStyle, type ReportLine } from './report-line.js';
import type { TableWriter } from './table-writer.js';

/**
 * Writes report lines in input order as they finish: a line waits only for the lines before it,
 * so the report grows as the batch goes while rows finish out of order.
 */
export class OrderedReport {
  private readonly pending = new Map<number, ReportLine>();
  private next = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly writer: TableWriter,
    private readonly inputWidth: number,
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
        }
      });
    }
    return this.chain;
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
