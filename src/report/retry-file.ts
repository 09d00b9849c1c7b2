import { rm } from 'node:fs/promises';
import type { PlannedAd } from '../validate/validate-sheet.js';
import { openTableWriter } from './open-writer.js';
import { retryCells, retryHeader, type ReportLine } from './report-line.js';
import { retryLines } from './retry-lines.js';
import { needsAttention } from './status.js';

/**
 * Writes `<FILE stem>.retry.csv|xlsx`: the rows that need attention, in the input's columns plus
 * `error`. With nothing to retry, an old retry file is removed: it would invite re-sending rows
 * that are done.
 */
export async function writeRetryFile(path: string, header: readonly string[], lines: readonly ReportLine[], adgroupColumn: number | undefined, planned: readonly PlannedAd[]): Promise<void> {
  const attention = lines.filter((l) => l && needsAttention(l.status));
  if (attention.length === 0) {
    await rm(path, { force: true });
    return;
  }
  const adgroupBySeq = new Map<ReportLine, string | undefined>();
  lines.forEach((l, seq) => {
    const a = planned[seq]?.args?.adgroup_id;
    adgroupBySeq.set(l, typeof a === 'string' ? a : undefined);
  });
  const rows = retryLines(lines.filter(Boolean), adgroupColumn, (l) => adgroupBySeq.get(l));
  const writer = await openTableWriter(path, retryHeader(header), { sheetName: 'Retry' });
  try {
    for (const l of rows) await writer.write(retryCells(l, header.length), { status: l.status });
  } finally {
    await writer.close();
  }
}

/** The column of `field` in the input header (by field name or alias). */
export function headerIndex(header: readonly string[], field: string): number | undefined {
  const norm = (s: string): string => s.toLowerCase().replace(/[\s_\-]+/g, '');
  const i = header.findIndex((h) => norm(h) === norm(field) || ['adgroup', 'adgroupid'].includes(norm(h)));
  return i >= 0 ? i : undefined;
}
