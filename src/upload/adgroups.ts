import type { PlannedSend } from '../batch/carry-over.js';
import { adGroupIdsOf, askList } from '../send/lists.js';
import type { QuotaInfo } from '../send/quota.js';
import type { Transport } from '../send/transport.js';
import { problem, type Problem } from '../validate/args.js';
import { editDistance } from '../validate/nearest.js';

/** What listing the advertisers' ad groups found, before the first paid call. */
export interface AdGroupCheck {
  /** Rows naming an ad group their advertiser does not have: the report error, by seq. */
  readonly invalid: ReadonlyMap<number, Problem>;
  /** Lists that could not be read: their rows go ahead unchecked. */
  readonly notes: readonly string[];
  /** Calls made (list_tiktok_ad_groups may be billed). */
  readonly calls: number;
  /** Lists that could be read: the rows of the others went ahead unchecked. */
  readonly read: number;
  /** The quota an answer reported, the freshest figure there is. */
  readonly quota?: QuotaInfo;
}

/**
 * Lists each advertiser's ad groups once (list_tiktok_ad_groups, one call per advertiser) and sets
 * aside the rows naming an ad group that is not there: a mistyped or deleted ad group is found
 * before paying, not by one rejected call per row. `adgroupOf` gives a row's ad group by seq;
 * `onlyAdvertiser` stands for rows naming none when one advertiser is connected.
 */
export async function checkAdGroups(
  client: Transport,
  toSend: readonly PlannedSend[],
  adgroupOf: (seq: number) => string | undefined,
  onlyAdvertiser: string | undefined,
): Promise<AdGroupCheck> {
  const byAdvertiser = new Map<string, PlannedSend[]>();
  for (const item of toSend) {
    const advertiser = item.advertiser ?? onlyAdvertiser ?? '';
    byAdvertiser.set(advertiser, [...(byAdvertiser.get(advertiser) ?? []), item]);
  }
  const invalid = new Map<number, Problem>();
  const notes: string[] = [];
  let quota: QuotaInfo | undefined;
  let read = 0;
  for (const [advertiser, items] of byAdvertiser) {
    const asked = await askList(
      client,
      'list_tiktok_ad_groups',
      advertiser ? { advertiser_id: advertiser } : {},
      (json) => adGroupIdsOf(json, advertiser || undefined),
      'ad group',
    );
    if (asked.quota) quota = asked.quota;
    const ids = asked.list;
    const whose = advertiser ? `advertiser ${advertiser}` : 'the advertiser';
    if (!ids) {
      notes.push(
        `could not read the ad groups of ${whose} (${asked.why}); its ${items.length} ${items.length === 1 ? 'row goes' : 'rows go'} ahead unchecked.`,
      );
      continue;
    }
    read++;
    const listed = [...ids];
    for (const item of items) {
      const adgroup = adgroupOf(item.seq);
      if (adgroup === undefined || ids.has(adgroup)) continue;
      const near = nearestId(adgroup, listed);
      invalid.set(
        item.seq,
        problem(
          'adgroup_id',
          'not_found',
          `ad group ${adgroup} is not among the ${listed.length} ad ${listed.length === 1 ? 'group' : 'groups'} of ${whose}${near ? `; the nearest listed is ${near} (a rounded or mistyped ID?)` : ''}. Fix adgroup_id, or pass --no-check-adgroups if the list is wrong`,
        ),
      );
    }
  }
  return { invalid, notes, calls: byAdvertiser.size, read, ...(quota ? { quota } : {}) };
}

/**
 * A listed ID that the given one is likely a slip of: one digit off, two neighbouring digits
 * swapped, or its first 15 digits followed by zeros (Excel keeps 15 significant digits).
 */
export function nearestId(id: string, listed: readonly string[]): string | undefined {
  for (const candidate of listed) {
    if (editDistance(id, candidate) === 1 || swapped(id, candidate)) return candidate;
    if (id.length === candidate.length && id.length > 15 && /^0+$/.test(id.slice(15)) && id.slice(0, 15) === candidate.slice(0, 15)) return candidate;
  }
  return undefined;
}

function swapped(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diff = [...a].map((c, i) => (c === b[i] ? -1 : i)).filter((i) => i >= 0);
  return diff.length === 2 && diff[1] === diff[0]! + 1 && a[diff[0]!] === b[diff[1]!] && a[diff[1]!] === b[diff[0]!];
}
