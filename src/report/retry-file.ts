import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { fieldForHeader } from '../validate/columns.js';
import { openTableWriter } from './open-writer.js';
import { retryFileAlternative } from './paths.js';
import { retryCells, retryHeader, type ReportLine } from './report-line.js';
import { retryLines } from './retry-lines.js';
import { needsAttention } from './status.js';

export interface RetryFileOutcome {
  /** The file written, with the hash to record, when there was anything to retry. */
  readonly written?: { readonly path: string; readonly sha256: string };
  /** What the user should know (an edited retry file kept). */
  readonly note?: string;
}

/**
 * Writes `<FILE stem>.retry.csv|xlsx`: the rows that need attention, in the input's columns plus
 * `error`. A retry file this tool wrote earlier (`ours`: file name → the hash recorded then) is
 * replaced; one whose content has changed since is the user's edit and is never overwritten or
 * removed: the new one goes beside it (`.retry-2.csv`, …). With nothing to retry, an unedited old
 * retry file is removed: it would invite re-sending rows that are done.
 */
export async function writeRetryFile(path: string, header: readonly string[], lines: readonly ReportLine[], ours: ReadonlyMap<string, string>): Promise<RetryFileOutcome> {
  const edited = async (p: string): Promise<boolean> => {
    const recorded = ours.get(basename(p));
    const now = await sha256Of(p);
    return recorded !== undefined && now !== undefined && now !== recorded;
  };
  const kept = (await edited(path)) ? path : undefined;
  if (!lines.some((l) => needsAttention(l.status))) {
    if (!kept) await rm(path, { force: true });
    return kept ? { note: `${kept} was edited since this tool wrote it; it is left as it is.` } : {};
  }
  let target = path;
  for (let n = 2; await edited(target); n++) target = retryFileAlternative(path, n);
  const adgroupColumn = header.findIndex((h) => fieldForHeader(h)?.name === 'adgroup_id');
  const rows = retryLines(lines, adgroupColumn >= 0 ? adgroupColumn : undefined);
  const writer = await openTableWriter(target, retryHeader(header), { sheetName: 'Retry' });
  try {
    for (const l of rows) await writer.write(retryCells(l, header.length), { status: l.status });
  } finally {
    await writer.close();
  }
  return {
    written: { path: target, sha256: (await sha256Of(target))! },
    ...(kept ? { note: `${kept} was edited since this tool wrote it, so it is kept as it is; the rows that need attention now are in ${target}.` } : {}),
  };
}

async function sha256Of(path: string): Promise<string | undefined> {
  const data = await readFile(path).catch(() => undefined);
  return data && createHash('sha256').update(data).digest('hex');
}
