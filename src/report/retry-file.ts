import { rm } from 'node:fs/promises';
import { fieldForHeader } from '../validate/columns.js';
import { openTableWriter } from './open-writer.js';
import { retryCells, retryHeader, type ReportLine } from './report-line.js';
import { retryLines } from './retry-lines.js';
import { needsAttention } from './status.js';

/**
 * Writes `<FILE stem>.retry.csv|xlsx`: the rows that need attention, in the input's columns plus
 * `error`. With nothing to retry, an old retry file is removed: it would invite re-sending rows
 * that are done.
 */
export async function writeRetryFile(path: string, header: readonly string[], lines: readonly ReportLine[]): Promise<void> {
  if (!lines.some((l) => needsAttention(l.status))) {
    await rm(path, { force: true });
    return;
  }
  const adgroupColumn = header.findIndex((h) => fieldForHeader(h)?.name === 'adgroup_id');
  const rows = retryLines(lines, adgroupColumn >= 0 ? adgroupColumn : undefined);
  const writer = await openTableWriter(path, retryHeader(header), { sheetName: 'Retry' });
  try {
    for (const l of rows) await writer.write(retryCells(l, header.length), { status: l.status });
  } finally {
    await writer.close();
  }
}
