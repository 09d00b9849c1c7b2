import { createHash } from 'node:crypto';
import { readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { fieldForHeader } from '../validate/columns.js';
import { openTableWriter } from './open-writer.js';
import { retryFileAlternative } from './paths.js';
import { retryCells, retryHeader, type ReportLine } from './report-line.js';
import { retryLines } from './retry-lines.js';
import type { TableWriter } from './table-writer.js';

export interface RetryFileOutcome {
  /** The file written, with the hash to record, when there was anything to retry. */
  readonly written?: { readonly path: string; readonly sha256: string };
  /** What the user should know (an edited retry file kept). */
  readonly note?: string;
}

/**
 * Writes `<FILE stem>.retry.csv|xlsx` as the report's lines come, in input order: the rows that need
 * attention, in the input's columns plus `error`. It is written under a hidden name beside it and
 * put in place at the end, so a run that dies leaves the last complete retry file as it was.
 *
 * A retry file this tool wrote earlier (`ours`: file name → the hash recorded then) is replaced;
 * one whose content has changed since is the user's edit and is never overwritten or removed: the
 * new one goes beside it (`.retry-2.csv`, …). With nothing to retry, an unedited old retry file is
 * removed: it would invite re-sending rows that are done.
 */
export class RetryFileWriter {
  private writer: TableWriter | undefined;
  /** The lines of the input row being collected (a row may be several ads, one per ad group). */
  private group: ReportLine[] = [];
  private readonly partial: string;
  private readonly report: string;
  private readonly adgroupColumn: number | undefined;

  private constructor(
    private readonly path: string,
    private readonly header: readonly string[],
    private readonly ours: ReadonlyMap<string, string>,
    /** The report of the batch the lines belong to, named (by its file name) in each line's `retry_of`. */
    report: string,
  ) {
    this.report = basename(report);
    const ext = extname(path);
    this.partial = join(dirname(path), `.${basename(path, ext)}.partial${ext}`);
    const column = header.findIndex((h) => fieldForHeader(h)?.name === 'adgroup_id');
    this.adgroupColumn = column >= 0 ? column : undefined;
  }

  static open(path: string, header: readonly string[], ours: ReadonlyMap<string, string>, report: string): RetryFileWriter {
    return new RetryFileWriter(path, header, ours, report);
  }

  /** The next report line, in input order (a promise only when a finished row is written). */
  add(line: ReportLine): Promise<void> | undefined {
    const written = this.group.length && this.group[0]!.row !== line.row ? this.flush() : undefined;
    this.group.push(line);
    return written;
  }

  /** Puts the file in place (or removes an old one of ours when nothing needs attention). */
  async finish(): Promise<RetryFileOutcome> {
    await this.flush();
    const edited = async (p: string): Promise<boolean> => {
      const recorded = this.ours.get(basename(p));
      const now = await sha256Of(p);
      return recorded !== undefined && now !== undefined && now !== recorded;
    };
    const kept = (await edited(this.path)) ? this.path : undefined;
    if (!this.writer) {
      if (!kept) await rm(this.path, { force: true });
      return kept ? { note: `${kept} was edited since this tool wrote it; it is left as it is.` } : {};
    }
    await this.writer.close();
    let target = this.path;
    for (let n = 2; await edited(target); n++) target = retryFileAlternative(this.path, n);
    await rename(this.partial, target);
    return {
      written: { path: target, sha256: (await sha256Of(target))! },
      ...(kept ? { note: `${kept} was edited since this tool wrote it, so it is kept as it is; the rows that need attention now are in ${target}.` } : {}),
    };
  }

  /** A run that ends in an error leaves no half-written file behind. */
  async discard(): Promise<void> {
    await this.writer?.close().catch(() => undefined);
    await rm(this.partial, { force: true });
  }

  /** Writes the collected row's retry lines; undefined when it has none. */
  private flush(): Promise<void> | undefined {
    const rows = retryLines(this.group, this.adgroupColumn);
    this.group = [];
    if (rows.length === 0) return undefined;
    return this.write(rows);
  }

  private async write(rows: readonly ReportLine[]): Promise<void> {
    this.writer ??= await openTableWriter(this.partial, retryHeader(this.header), { sheetName: 'Retry' });
    for (const l of rows) await this.writer.write(retryCells(l, this.header, this.report), { status: l.status });
  }
}

/** A file's SHA-256, or undefined when it cannot be read. */
export async function sha256Of(path: string): Promise<string | undefined> {
  const data = await readFile(path).catch(() => undefined);
  return data && createHash('sha256').update(data).digest('hex');
}
