import { RunError } from '../errors.js';
import type { AdStatus, PriorState } from '../batch/journal.js';
import { statusKey } from '../keys/idempotency-key.js';

export type StatusAction = 'pause' | 'resume' | 'delete';

/**
 * What each command asks of the service. Adspirer's pause_tiktok_ad and resume_tiktok_ad both take
 * `ad_id`, `status` (ENABLE | DISABLE | DELETE) and `advertiser_id`, and each is a billed call
 * (../shared/reference/adspirer-api-notes.md, third round); DELETE cannot be undone.
 */
export const ACTIONS: Readonly<Record<StatusAction, { readonly tool: string; readonly status: AdStatus; readonly done: string; readonly already: string }>> = {
  pause: { tool: 'pause_tiktok_ad', status: 'DISABLE', done: 'paused', already: 'already paused by an earlier run' },
  resume: { tool: 'resume_tiktok_ad', status: 'ENABLE', done: 'resumed', already: 'already resumed by an earlier run' },
  delete: { tool: 'pause_tiktok_ad', status: 'DELETE', done: 'deleted', already: 'already deleted' },
};

/** `--rows 3-10,14`: the report's row numbers (header = 1), as inclusive ranges. */
export type RowRanges = readonly (readonly [number, number])[];

export function parseRows(text: string): RowRanges {
  const ranges: [number, number][] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    const m = /^(\d+)(?:\s*[-–]\s*(\d+))?$/.exec(part);
    const from = m ? Number(m[1]) : NaN;
    const to = m?.[2] !== undefined ? Number(m[2]) : from;
    if (!m || from < 2 || to < from) {
      throw new RunError(
        'USAGE',
        `--rows ${text}: expected row numbers as the report shows them (the first data row is 2), e.g. 3-10 or 3-10,14; "${part}" is not one.`,
      );
    }
    ranges.push([from, to]);
  }
  return ranges;
}

function inRanges(row: number, ranges: RowRanges | undefined): boolean {
  return ranges === undefined || ranges.some(([a, b]) => row >= a && row <= b);
}

/** One ad to change: the batch's row and key for it, the call's arguments and its own key. */
export interface StatusTarget {
  readonly row: number;
  /** The key the ad was created with: the journal's name for it. */
  readonly adKey: string;
  readonly adId: string;
  readonly advertiser?: string;
  /** The Idempotency-Key of this change (keys/idempotency-key.ts, statusKey). */
  readonly key: string;
}

export interface StatusTargets {
  readonly targets: readonly StatusTarget[];
  /** Ads already in the asked status by this tool's own earlier change. */
  readonly already: number;
  /** Ads deleted earlier: nothing can change them any more. */
  readonly deleted: number;
  /** Created rows whose answer named no ad_id: they cannot be addressed from here. */
  readonly noAdId: readonly number[];
  /** Ads of the batch outside --rows. */
  readonly outside: number;
}

/**
 * Which of the batch's ads a command acts on, from what the journal says of each key. Pure. Only
 * rows the service confirmed as created (with their ad_id) are ads; an ad this tool already set to
 * the asked status is left alone (no second billed call), and a deleted ad is final.
 */
export function statusTargets(states: ReadonlyMap<string, PriorState>, action: StatusAction, rows?: RowRanges): StatusTargets {
  const wanted = ACTIONS[action].status;
  const targets: StatusTarget[] = [];
  const noAdId: number[] = [];
  let already = 0;
  let deleted = 0;
  let outside = 0;
  // One ad may stand under two keys (a retry file's key, and the origin row's it settled).
  const seen = new Set<string>();
  for (const [adKey, state] of states) {
    if (state.status !== 'created') continue;
    if (state.adId !== undefined && seen.has(state.adId)) continue;
    if (state.adId !== undefined) seen.add(state.adId);
    if (!inRanges(state.row, rows)) {
      outside++;
      continue;
    }
    if (state.adId === undefined) {
      noAdId.push(state.row);
      continue;
    }
    if (state.adStatus === 'DELETE') {
      deleted++;
      continue;
    }
    if (state.adStatus === wanted) {
      already++;
      continue;
    }
    targets.push({
      row: state.row,
      adKey,
      adId: state.adId,
      ...(state.advertiser !== undefined ? { advertiser: state.advertiser } : {}),
      key: statusKey(state.adId, wanted, state.statusChanges ?? 0),
    });
  }
  targets.sort((a, b) => a.row - b.row || a.adId.localeCompare(b.adId));
  return { targets, already, deleted, noAdId: noAdId.sort((a, b) => a - b), outside };
}
