import type { Cell } from '../read/cell.js';
import type { ReportLine } from './report-line.js';
import { needsAttention } from './status.js';

/**
 * The retry file's rows: one per input row that needs attention, in input order. A row that became
 * several ads (one per ad group) keeps only the ad groups still to do, so uploading the retry file
 * never re-creates the ones already made. Pure.
 */
export function retryLines(lines: readonly ReportLine[], adgroupColumn: number | undefined): ReportLine[] {
  const byRow = new Map<number, ReportLine[]>();
  for (const l of lines) {
    const list = byRow.get(l.row);
    if (list) list.push(l);
    else byRow.set(l.row, [l]);
  }
  const out: ReportLine[] = [];
  for (const [, group] of byRow) {
    const pending = group.filter((l) => needsAttention(l.status));
    if (pending.length === 0) continue;
    const first = pending[0]!;
    const errors = [...new Set(pending.map((l) => l.error).filter((e): e is string => !!e))];
    let input: readonly Cell[] = first.input;
    if (group.length > 1 && pending.length < group.length && adgroupColumn !== undefined) {
      const ids = pending.map((l) => l.adgroup).filter((id): id is string => !!id);
      const copy = [...input];
      copy[adgroupColumn] = ids.join('|');
      input = copy;
    }
    out.push({ ...first, input, ...(errors.length ? { error: errors.join(' / ') } : {}) });
  }
  return out;
}
