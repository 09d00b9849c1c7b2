import type { PlannedSend } from '../batch/carry-over.js';
import type { PriorState } from '../batch/journal.js';
import { adsOf, askList } from '../send/lists.js';
import type { QuotaInfo } from '../send/quota.js';
import type { Transport } from '../send/transport.js';

/** How long an Idempotency-Key is trusted to replay: Adspirer does not document its lifetime. */
const KEY_TRUSTED_MS = 24 * 60 * 60 * 1000;

/**
 * Whether a row's earlier attempt may have reached the service without its answer being known: an
 * answer lost (`unknown`), a run that died while it was in flight, or a failure more than a day
 * ago, when the key may no longer replay. Pure.
 */
export function inDoubt(state: PriorState | undefined, now: number): boolean {
  if (!state) return false;
  if (state.status === 'unknown' || state.status === 'in_flight') return true;
  return state.status === 'failed' && state.lastAt !== undefined && now - Date.parse(state.lastAt) > KEY_TRUSTED_MS;
}

/** What asking the service settled: rows already ads (by seq), and what could not be asked. */
export interface DoubtCheck {
  readonly found: ReadonlyMap<number, { readonly key: string; readonly adId: string }>;
  readonly notes: readonly string[];
  readonly calls: number;
  readonly quota?: QuotaInfo;
}

/** What the stage needs to know of a row: its place, and its name where the row is in doubt. */
export interface DoubtRow {
  readonly row: number;
  readonly adgroup?: string;
  readonly adName?: string;
}

/**
 * Settles doubts by asking (README, "Rows in doubt"): the ads of each ad group holding a row in
 * doubt are listed once (list_tiktok_ads), and a row whose name is there, once, is that ad: created,
 * with its ad_id, and no paid call. Rows not found are sent as usual, with their same keys. Rows
 * without a name cannot be matched; a list that cannot be read leaves its rows as they were.
 */
export async function settleDoubts(
  client: Transport,
  toSend: readonly PlannedSend[],
  rowOf: (seq: number) => DoubtRow,
  states: ReadonlyMap<string, PriorState>,
  now: number,
): Promise<DoubtCheck> {
  const doubtful = toSend.filter((item) => inDoubt(states.get(item.key), now));
  const found = new Map<number, { key: string; adId: string }>();
  const notes: string[] = [];
  if (doubtful.length === 0) return { found, notes, calls: 0 };
  const unnamed = doubtful.filter((item) => !rowOf(item.seq).adName);
  if (unnamed.length) {
    notes.push(
      `${unnamed.length} ${unnamed.length === 1 ? 'row whose earlier attempt may have reached the service has' : 'rows whose earlier attempts may have reached the service have'} no ad_name, so ${unnamed.length === 1 ? 'it' : 'they'} cannot be looked up in the ad group; ${unnamed.length === 1 ? 'it is' : 'they are'} re-sent with the same key. Name rows (--ad-name "{display_name} - {row}") to let a run look them up.`,
    );
  }
  const groups = new Map<string, PlannedSend[]>();
  for (const item of doubtful) {
    const r = rowOf(item.seq);
    if (!r.adName || r.adgroup === undefined) continue;
    const at = `${item.advertiser ?? ''}\u0000${r.adgroup}`;
    groups.set(at, [...(groups.get(at) ?? []), item]);
  }
  let quota: QuotaInfo | undefined;
  for (const [at, items] of groups) {
    const [advertiser, adgroup] = at.split('\u0000') as [string, string];
    const asked = await askList(client, 'list_tiktok_ads', { ...(advertiser ? { advertiser_id: advertiser } : {}), adgroup_id: adgroup }, adsOf, 'ad');
    if (asked.quota) quota = asked.quota;
    const ads = asked.list;
    if (!ads) {
      notes.push(
        `could not read the ads of ad group ${adgroup}; its ${items.length} ${items.length === 1 ? 'row' : 'rows'} in doubt ${items.length === 1 ? 'is' : 'are'} re-sent with the same key.`,
      );
      continue;
    }
    for (const item of items) {
      const name = rowOf(item.seq).adName!.trim();
      const matches = ads.filter((a) => a.name?.trim() === name);
      const rivals = items.filter((other) => rowOf(other.seq).adName?.trim() === name);
      // One ad of that name, asked for by one row: anything else is no proof, and replay decides.
      if (matches.length === 1 && rivals.length === 1) found.set(item.seq, { key: item.key, adId: matches[0]!.id });
    }
  }
  return { found, notes, calls: groups.size, ...(quota ? { quota } : {}) };
}
