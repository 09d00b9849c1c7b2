import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { BatchLock } from './batch-lock.js';
import { JournalWriter, parseJournal, type JournalEvent, type PriorState } from './journal.js';
import { recordedService } from './service.js';
import { parseRetryOf } from '../report/retry-of.js';

export { RETRY_OF_COLUMN, parseRetryOf, retryOfText } from '../report/retry-of.js';

/** The batch a retry file came from, while a run of the retry file holds it. */
export interface OriginBatch {
  readonly report: string;
  readonly journal: string;
  /** This file's row → the origin's row. */
  readonly rows: ReadonlyMap<number, number>;
  /** The origin's states for those rows, keyed as in its journal, with their rows as this file numbers them. */
  readonly states: ReadonlyMap<string, PriorState>;
  /** The origin's keys by its row and ad group: what a row created from here settles there. */
  readonly keysByPlace: ReadonlyMap<string, readonly string[]>;
  /** The retry files the origin wrote (name → hash): one of them is rewritten in place when uploaded. */
  readonly retryFiles: ReadonlyMap<string, string>;
  readonly lock: BatchLock;
}

const place = (row: number, adgroup: string | undefined): string => `${row}\u0000${adgroup ?? ''}`;

/**
 * The origin batch of a file whose rows carry `retry_of`, when they all name one report beside the
 * file whose journal belongs to this service and is not this run's own. Its lock is taken (a run of
 * the origin and one of its retry file would both write its journal). Undefined otherwise, with why.
 */
export async function openOrigin(
  file: string,
  ownReport: string,
  markers: ReadonlyMap<number, string>,
  service: string,
  force: boolean,
): Promise<{ origin?: OriginBatch; note?: string }> {
  const parsed = new Map<number, { report: string; row: number }>();
  for (const [row, text] of markers) {
    const m = parseRetryOf(text);
    if (m) parsed.set(row, m);
  }
  const names = new Set([...parsed.values()].map((m) => m.report));
  if (names.size === 0) return {};
  if (names.size > 1) return { note: `the retry_of column names ${names.size} batches (${[...names].join(', ')}); the rows are sent as a batch of their own.` };
  const report = join(dirname(file), [...names][0]!);
  const journal = `${report}.journal`;
  if (resolve(report) === resolve(ownReport)) return {};
  const text = await readFile(journal, 'utf8').catch(() => undefined);
  if (text === undefined)
    return { note: `retry_of names ${basename(report)}, but its journal is not beside this file; the rows are sent as a batch of their own.` };
  const recorded = await recordedService(journal);
  if (recorded !== undefined && recorded !== service) {
    return { note: `retry_of names ${basename(report)}, a batch sent to ${recorded}, not ${service}; the rows are sent as a batch of their own.` };
  }
  const lock = await BatchLock.acquire(`${report}.lock`, { force });
  try {
    const contents = parseJournal(journal, text);
    const rows = new Map([...parsed].map(([row, m]) => [row, m.row]));
    const here = new Map<number, number>();
    for (const [row, originRow] of rows) if (!here.has(originRow)) here.set(originRow, row);
    const states = new Map<string, PriorState>();
    const keysByPlace = new Map<string, string[]>();
    for (const [key, st] of contents.states) {
      const row = here.get(st.row);
      if (row === undefined) continue;
      states.set(key, { ...st, row });
      const at = place(st.row, st.adgroup);
      keysByPlace.set(at, [...(keysByPlace.get(at) ?? []), key]);
    }
    return { origin: { report, journal, rows, states, keysByPlace, retryFiles: contents.retryFiles, lock } };
  } catch (err) {
    await lock.release();
    throw err;
  }
}

/**
 * Writes what a run of the retry file does into the origin's journal too, with the origin's row
 * numbers, so the origin counts it: an ad created from the retry file settles the origin's own key
 * for that row and ad group as well (its row is then `created` there, and its retry file drops it).
 */
export class OriginJournal {
  private constructor(
    private readonly origin: OriginBatch,
    private readonly writer: JournalWriter,
    private readonly file: string,
  ) {}

  /** `file`: the retry file uploaded, named in what it creates there. */
  static async open(origin: OriginBatch, file: string): Promise<OriginJournal> {
    return new OriginJournal(origin, await JournalWriter.open(origin.journal, undefined), basename(file));
  }

  async append(event: JournalEvent): Promise<void> {
    if (!('row' in event)) return;
    const row = this.origin.rows.get(event.row);
    if (row === undefined) return; // a row added to the retry file: not the origin's
    if (event.event !== 'result' || event.status !== 'created') {
      await this.writer.append({ ...event, row });
      return;
    }
    const created = { ...event, row, from_retry: this.file };
    await this.writer.append(created);
    for (const key of this.origin.keysByPlace.get(place(row, event.adgroup)) ?? []) {
      if (key === event.key || this.origin.states.get(key)?.status === 'created') continue;
      await this.writer.append({ ...created, key });
    }
  }

  /** A retry file this run wrote (or rewrote): the origin's next run may replace it. */
  retryFile(file: string, sha256: string): Promise<void> {
    return this.writer.append({ event: 'retry-file', file, sha256 });
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}
