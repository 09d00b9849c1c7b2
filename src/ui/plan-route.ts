import type { RunSummary } from '../commands/summary.js';
import { pageWords } from '../options/words.js';
import type { QuotaInfo } from '../send/quota.js';
import type { UploadEvent, UploadOptions } from '../upload/upload.js';
import { WOULD_BE_SENT } from '../upload/send-plan.js';

/** Rows of the plan the page marks on its table (carried over, invalid); a long sheet's others are counted. */
const MAX_MARKS = 2_000;

/** Rows named per reason a row is held back: the first few and the last. */
const NAMED_ROWS = 6;

/** The plan as the page shows it: counts and reasons, not a line per row of a sheet of any size. */
export interface PagePlan {
  readonly summary: RunSummary;
  readonly quota: QuotaInfo | null;
  /** What the dry run said of the batch, in the page's words. */
  readonly messages: readonly string[];
  /** Rows the batch would send now: the calls it needs. */
  readonly toSend: number;
  /** Rows created by earlier runs (carried over). */
  readonly carried: number;
  /** Rows held back, by why: "the quota has no room for it", "names no advertiser". */
  readonly held: readonly { readonly why: string; readonly count: number; readonly rows: readonly number[] }[];
  /** Carried-over and invalid rows, for the table; `marksLeft` more were not listed. */
  readonly marks: readonly { readonly row: number; readonly status: string; readonly error?: string }[];
  readonly marksLeft: number;
}

/** upload --dry-run from the page: the free calls' plan, gathered into what the page shows. */
export async function planFromPage(options: UploadOptions): Promise<PagePlan> {
  const messages: string[] = [];
  const held = new Map<string, { count: number; rows: number[] }>();
  const marks: { row: number; status: string; error?: string }[] = [];
  let quota: QuotaInfo | null = null;
  let toSend = 0;
  let carried = 0;
  let marksLeft = 0;
  const onEvent = (e: UploadEvent): void => {
    if (e.type === 'quota') quota = e.quota;
    if (e.type !== 'row') return;
    const { row, status, error } = e.line;
    if (status === 'not_sent' && error === WOULD_BE_SENT) toSend++;
    else if (status === 'not_sent') {
      const why = pageWords((error ?? 'held back').replace(/^not sent: /, ''));
      const group = held.get(why) ?? { count: 0, rows: [] };
      group.count++;
      if (group.rows.length < NAMED_ROWS) group.rows.push(row);
      else group.rows[NAMED_ROWS] = row; // the last one named
      held.set(why, group);
    } else if (status === 'created' || status === 'invalid') {
      if (status === 'created') carried++;
      if (marks.length < MAX_MARKS) marks.push({ row, status, ...(error ? { error: pageWords(error) } : {}) });
      else marksLeft++;
    }
  };
  const { uploadFile } = await import('../upload/upload.js');
  const summary = await uploadFile(
    { ...options, dryRun: true, onEvent },
    { out: () => {}, err: (t) => void (t.trim() && messages.push(pageWords(t.trim()))), isTTY: false, color: false },
  );
  return { summary, quota, messages, toSend, carried, held: [...held].map(([why, g]) => ({ why, ...g })), marks, marksLeft };
}
