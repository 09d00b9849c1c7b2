import { retryKey } from '../keys/idempotency-key.js';
import type { AdArgs } from '../validate/args.js';
import { placeOf, type BatchAd } from './batch-ad.js';
import { changedFields } from '../keys/field-digests.js';
import type { PriorState } from './journal.js';
import { problemsText } from '../report/problem-text.js';
import type { ReportLine } from '../report/report-line.js';

/** A report line before its row's cells are read again to write it. */
export type SettledLine = Omit<ReportLine, 'input'>;

/** An ad this run means to send, before its arguments are read again to send it. */
export interface PlannedSend {
  readonly seq: number;
  /** The Idempotency-Key it is sent with. */
  readonly key: string;
  /** A re-send of a rejected row: the row's own key and the generation of `key`. */
  readonly base?: { readonly key: string; readonly generation: number };
  readonly advertiser?: string;
  /** Its link fields, when links are checked. */
  readonly links?: AdArgs;
}

export interface CarryOver {
  /** Lines settled before sending: invalid rows and rows finished in earlier runs (by seq). */
  readonly lines: readonly (SettledLine | undefined)[];
  readonly toSend: readonly PlannedSend[];
  readonly carried: { readonly created: number; readonly rejected: number; readonly edited: number };
  readonly invalid: number;
}

/**
 * What a (re-)run does with each planned ad, matched to earlier runs by key (README, "Re-runs,
 * crashes and Ctrl-C"): created stays created; rejected stays rejected unless --retry-rejected; everything else
 * valid is sent. Pure.
 */
export function carryOver(
  planned: readonly BatchAd[],
  states: ReadonlyMap<string, PriorState>,
  retryRejected: boolean,
  confirmEdits = false,
  generations: ReadonlyMap<string, number> = new Map(),
  includeHidden = false,
): CarryOver {
  const lines: (SettledLine | undefined)[] = new Array(planned.length);
  const toSend: PlannedSend[] = [];
  const carried = { created: 0, rejected: 0, edited: 0 };
  let invalid = 0;
  const doubts = confirmEdits ? new Map<string, PriorState>() : inDoubtByPlace(planned, states, generations);
  const fixedElsewhere = confirmEdits ? new Map<number, PriorState[]>() : createdFromRetry(planned, states, generations);
  const edits = confirmEdits ? new Map<number, Edit>() : editsOfCreated(planned, states, generations, new Set([...fixedElsewhere.values()].flat()));
  for (const ad of planned) {
    if (ad.key === undefined) {
      const fixed = fixedElsewhere.get(ad.row);
      if (fixed) {
        // Broken here, fixed in the retry file and created from there: that ad is this row's.
        carried.created++;
        lines[ad.seq] = {
          row: ad.row,
          status: 'created',
          ...(fixed[0]!.adId ? { adId: fixed[0]!.adId } : {}),
          error: `the row's fixed version in ${fixed[0]!.fromRetry} was created (${fixed.length === 1 ? `ad ${fixed[0]!.adId ?? 'without an ad_id'}` : `${fixed.length} ads`}); as written here it is not valid: ${problemsText(ad.problems)}`,
          attempts: 0,
        };
        continue;
      }
      invalid++;
      lines[ad.seq] = { row: ad.row, status: 'invalid', error: problemsText(ad.problems) };
      continue;
    }
    const sending = { ...(ad.advertiser !== undefined ? { advertiser: ad.advertiser } : {}), ...(ad.links ? { links: ad.links } : {}) };
    // A row re-sent after a rejection is known by its latest generation's key.
    const generation = generations.get(ad.key) ?? 0;
    const key = retryKey(ad.key, generation);
    const prior = states.get(key);
    if (prior?.status === 'created') {
      carried.created++;
      lines[ad.seq] = {
        row: ad.row,
        status: 'created',
        key,
        ...(prior.adId ? { adId: prior.adId } : {}),
        ...(prior.adStatus ? { adStatus: prior.adStatus } : {}),
        attempts: 0,
      };
    } else if (ad.hidden && !includeHidden) {
      // A row hidden or filtered out in the sheet is usually a draft: not sent unless asked.
      lines[ad.seq] = {
        row: ad.row,
        status: 'not_sent',
        key,
        error: 'not sent: the row is hidden in the sheet (a draft?); unhide it, or pass --include-hidden',
        attempts: 0,
      };
    } else if (prior?.status === 'rejected' && !retryRejected) {
      carried.rejected++;
      const error = `${prior.error ?? 'rejected by the API'} (from an earlier run; edit the row or pass --retry-rejected to send it again)`;
      lines[ad.seq] = { row: ad.row, status: 'rejected', key, error, attempts: 0 };
    } else if (prior?.status === 'rejected') {
      // The service replays a stored rejection for its key: a deliberate re-send needs a new one.
      toSend.push({ seq: ad.seq, key: retryKey(ad.key, generation + 1), base: { key: ad.key, generation: generation + 1 }, ...sending });
    } else if (!prior && edits.has(ad.seq)) {
      // An ad was created from this row, which has been edited since: add_tiktok_ad cannot change an
      // ad, so sending the edit would make a second one. It stays the ad it is, with a warning.
      const edit = edits.get(ad.seq)!;
      carried.created++;
      carried.edited++;
      lines[ad.seq] = {
        row: ad.row,
        status: 'created',
        key: edit.key,
        ...(edit.earlier.adId ? { adId: edit.earlier.adId } : {}),
        ...(edit.earlier.adStatus ? { adStatus: edit.earlier.adStatus } : {}),
        error: editedText(edit.changed),
        attempts: 0,
      };
    } else if (!prior && doubts.has(placeOf(ad.row, ad.adgroup))) {
      // An edited row whose earlier version may already be an ad: sending it could make a second.
      invalid++;
      lines[ad.seq] = {
        row: ad.row,
        status: 'invalid',
        key: ad.key,
        error: `row: an earlier version of this row may already be an ad (an earlier run lost the answer to it, and the row has been edited since); check TikTok Ads Manager, then re-run with --confirm-edits to send this version`,
      };
    } else {
      toSend.push({ seq: ad.seq, key, ...(generation ? { base: { key: ad.key, generation } } : {}), ...sending });
    }
  }
  return { lines, toSend, carried, invalid };
}

/**
 * Earlier versions whose outcome is in doubt (`unknown`, or in flight when a run died) and that no
 * row of the file has any more, by the place they stood: an edited row at the same place is their
 * new version (README, "Re-runs, crashes and Ctrl-C").
 */
function inDoubtByPlace(
  planned: readonly BatchAd[],
  states: ReadonlyMap<string, PriorState>,
  generations: ReadonlyMap<string, number>,
): Map<string, PriorState> {
  const keys = knownKeys(planned, generations);
  const doubts = new Map<string, PriorState>();
  for (const [key, st] of states) {
    if ((st.status === 'unknown' || st.status === 'in_flight') && !keys.has(key)) doubts.set(placeOf(st.row, st.adgroup), st);
  }
  return doubts;
}

/**
 * Ads created from this batch's retry file (an upload of it writes them here, batch/origin.ts) that
 * no row of the file has, by the origin row they were made for: an invalid row there was fixed in
 * the retry file, and its ad is the row's.
 */
function createdFromRetry(
  planned: readonly BatchAd[],
  states: ReadonlyMap<string, PriorState>,
  generations: ReadonlyMap<string, number>,
): Map<number, PriorState[]> {
  const byRow = new Map<number, PriorState[]>();
  const invalidRows = new Set(planned.filter((ad) => ad.key === undefined).map((ad) => ad.row));
  if (invalidRows.size === 0) return byRow;
  const keys = knownKeys(planned, generations);
  for (const [key, st] of states) {
    if (st.status !== 'created' || st.fromRetry === undefined || keys.has(key) || !invalidRows.has(st.row)) continue;
    byRow.set(st.row, [...(byRow.get(st.row) ?? []), st]);
  }
  return byRow;
}

/** A row that is an edit of an ad created earlier: that ad's key and state, and the fields changed. */
interface Edit {
  readonly key: string;
  readonly earlier: PriorState;
  readonly changed: readonly string[];
}

/**
 * Rows that are edits of ads created earlier (README, "Re-runs"): a row with a new key whose
 * fields, in the same ad group, are mostly those a created ad was sent with, when that ad's key no
 * row has any more. Matched by content, not position, so rows inserted or moved around it are not
 * taken for edits; each earlier ad is matched once, the closest first, the same place on a tie.
 */
function editsOfCreated(
  planned: readonly BatchAd[],
  states: ReadonlyMap<string, PriorState>,
  generations: ReadonlyMap<string, number>,
  /** Ads already placed on an invalid row they were fixed from (createdFromRetry): no edit of another row. */
  placed: ReadonlySet<PriorState> = new Set(),
): Map<number, Edit> {
  const keys = knownKeys(planned, generations);
  // By ad group: a row is compared only with the earlier ads of its own group (TikTok holds at most
  // 50 ads in one), so a file of new rows costs rows × 50 comparisons, not rows × every ad made.
  const orphans = new Map<string | undefined, [string, PriorState][]>();
  for (const [key, st] of states) {
    if (st.status !== 'created' || st.fields === undefined || keys.has(key) || placed.has(st)) continue;
    orphans.set(st.adgroup, [...(orphans.get(st.adgroup) ?? []), [key, st]]);
  }
  const edits = new Map<number, Edit>();
  if (orphans.size === 0) return edits;
  const taken = new Set<string>();
  for (const ad of planned) {
    if (ad.key === undefined || ad.fields === undefined || states.has(ad.key)) continue;
    let best: { key: string; st: PriorState; score: number; changed: string[] } | undefined;
    for (const [key, st] of orphans.get(ad.adgroup) ?? []) {
      if (taken.has(key)) continue;
      const changed = changedFields(st.fields!, ad.fields);
      const all = new Set([...Object.keys(st.fields!), ...Object.keys(ad.fields)]).size;
      // Mostly the same ad: at least half of its fields as they were (the ad group among them).
      const score = (all - changed.length) / all + (st.row === ad.row ? 0.001 : 0);
      if (score >= 0.5 && (!best || score > best.score)) best = { key, st, score, changed };
    }
    if (best) {
      taken.add(best.key);
      edits.set(ad.seq, { key: best.key, earlier: best.st, changed: best.changed });
    }
  }
  return edits;
}

/** The warning on a created row edited since: what changed, that it was not sent, how to send it. */
function editedText(changed: readonly string[]): string {
  const what = changed.length === 0 ? 'the row was' : `${changed.join(', ')} ${changed.length === 1 ? 'was' : 'were'}`;
  return `${what} edited after the ad was created; the edit was not sent (an ad cannot be changed through add_tiktok_ad). To create the edited version as a new ad, run with --confirm-edits`;
}

/** Keys whose outcome is in doubt (in flight when a run died, or `unknown`) that no row of the file has any more. */
export function orphanedInFlight(
  planned: readonly BatchAd[],
  states: ReadonlyMap<string, PriorState>,
  generations: ReadonlyMap<string, number> = new Map(),
): PriorState[] {
  const keys = knownKeys(planned, generations);
  return [...states.entries()].filter(([key, st]) => (st.status === 'in_flight' || st.status === 'unknown') && !keys.has(key)).map(([, st]) => st);
}

/** Every key the file's rows have been sent with: their own, and those of their re-sends. */
function knownKeys(planned: readonly BatchAd[], generations: ReadonlyMap<string, number>): Set<string | undefined> {
  const keys = new Set<string | undefined>();
  for (const ad of planned) {
    keys.add(ad.key);
    if (ad.key) for (let g = 1; g <= (generations.get(ad.key) ?? 0); g++) keys.add(retryKey(ad.key, g));
  }
  return keys;
}
