import { open, readFile, stat, truncate } from 'node:fs/promises';
import { basename } from 'node:path';
import { RunError } from '../errors.js';
import { openSheet } from '../read/open-sheet.js';
import { parseJournal, type AdStatus, type JournalContents, type JournalHeader, type PriorState } from './journal.js';
import { REPORT_CSV_START, resultWidth } from '../report/report-line.js';

export interface ResumeState {
  readonly states: ReadonlyMap<string, PriorState>;
  /** The header to write when the journal is new; undefined when resuming one. */
  readonly newHeader?: JournalHeader;
  /** The batch's first date, so {date} in --ad-name renders the same on every re-run. */
  readonly date: string;
  readonly notes: readonly string[];
  /** The retry files earlier runs wrote (file name → SHA-256), to tell a user's edit from ours. */
  readonly retryFiles: ReadonlyMap<string, string>;
  /** Rows re-sent after a rejection: the row's own key → the latest generation (--retry-rejected). */
  readonly generations: ReadonlyMap<string, number>;
  /** Links earlier runs found usable, with when (journal "link" lines). */
  readonly links: JournalContents['links'];
}

/**
 * What earlier runs of this batch left: the journal beside the report, else the report itself.
 * A journal or report that belongs to another file, or cannot be read back, is refused (exit 2)
 * and never overwritten.
 */
export async function loadResumeState(
  file: string,
  report: string,
  journal: string,
  inputHeader: readonly string[],
  today: string,
  service?: string,
): Promise<ResumeState> {
  const name = basename(file);
  const fresh: JournalHeader = { journal: 'tiktok-ads-bulk', v: 1, file: name, date: today, ...(service ? { service } : {}) };
  const text = await readFile(journal, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw new RunError('REPORT', `${journal} cannot be read (${err.code ?? err.message}).`);
  });
  if (text !== undefined) {
    const contents = parseJournal(journal, text);
    const notes: string[] = [];
    if (contents.truncatedTail) {
      // Drop the half-written line so new lines do not land after it.
      await truncate(journal, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1)));
      notes.push('The last line of the journal was cut off by a crash; the row it described will be re-sent with its same key.');
    }
    if (contents.header.file === '') {
      return {
        states: contents.states,
        newHeader: fresh,
        date: today,
        notes,
        retryFiles: contents.retryFiles,
        generations: contents.generations,
        links: contents.links,
      };
    }
    if (contents.header.file !== name) {
      throw new RunError(
        'REPORT',
        `${report} belongs to ${contents.header.file}, not ${name}. Choose another --report, or move the old report and ${basename(journal)} away.`,
      );
    }
    return {
      states: contents.states,
      date: contents.header.date || today,
      notes,
      retryFiles: contents.retryFiles,
      generations: contents.generations,
      links: contents.links,
    };
  }
  const exists = await stat(report).then(
    () => true,
    () => false,
  );
  if (!exists) return { states: new Map(), newHeader: fresh, date: today, notes: [], retryFiles: new Map(), generations: new Map(), links: new Map() };
  const { states, cutOff } = await statesFromReport(report, inputHeader);
  const notes = [`No journal beside ${report}; its created and rejected rows are taken from the report itself.`];
  if (cutOff)
    notes.push(
      'The report was cut off part-way; rows it does not show as created are sent again with their same keys, and the service replays any it already made.',
    );
  return { states, newHeader: fresh, date: today, notes, retryFiles: new Map(), generations: new Map(), links: new Map() };
}

async function statesFromReport(report: string, inputHeader: readonly string[]): Promise<{ states: Map<string, PriorState>; cutOff: boolean }> {
  const refuse = (why: string): RunError =>
    new RunError('REPORT', `${report} already exists and ${why}; it is not overwritten. Choose another --report, or move it away.`);
  // A report cut off by a crash right after it was created (empty, or just its first bytes) holds
  // nothing to keep: re-sending is safe because every row keeps its key.
  const head = await readHead(report, 256);
  // Cut at the very end of the result columns, too: the input's columns were never written.
  const cutInHeader = head.length <= REPORT_CSV_START.length && REPORT_CSV_START.startsWith(head);
  if (cutInHeader) return { states: new Map(), cutOff: true };
  let sheet;
  try {
    sheet = await openSheet(report, { ownFile: () => true });
  } catch {
    throw refuse('cannot be read back as a report');
  }
  const header = sheet.header;
  const width = resultWidth(header);
  if (width === 0) throw refuse('is not a tiktok-ads-bulk report');
  const input = header.slice(width);
  const trimmed = [...inputHeader];
  while (trimmed.length && trimmed[trimmed.length - 1] === '') trimmed.pop();
  const theirs = [...input];
  while (theirs.length && theirs[theirs.length - 1] === '') theirs.pop();
  if (theirs.join('\u0000') !== trimmed.join('\u0000')) throw refuse('was written for a file with other columns');
  const states = new Map<string, PriorState>();
  try {
    for await (const rec of sheet.records) {
      const [row, status, adId, key, error, , adStatus] = rec.cells.map((c) => (c === null ? '' : String(c)));
      if (!key || (status !== 'created' && status !== 'rejected')) continue;
      const set = width > 6 && (adStatus === 'ENABLE' || adStatus === 'DISABLE' || adStatus === 'DELETE') ? { adStatus: adStatus as AdStatus } : {};
      states.set(key, { status, row: Number(row) || rec.row, ...(adId ? { adId } : {}), ...(error ? { error } : {}), ...set });
    }
  } catch {
    // Cut off mid-row (a crash while writing): keep what was read; the rest is re-sent by key.
    return { states, cutOff: true };
  }
  return { states, cutOff: false };
}

/** The first `bytes` of a file as text (not the whole report, which may be large). */
async function readHead(path: string, bytes: number): Promise<string> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return '';
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}
