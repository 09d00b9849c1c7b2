import { envelope, quotaOf } from './answer.js';
import type { QuotaInfo } from './quota.js';
import type { Transport } from './transport.js';

/**
 * Reading the lists of Adspirer's read-only tools (list_tiktok_ad_groups, list_tiktok_ads), whose
 * answers have no documented layout: `data.structured` first when present, else `data.text` line by
 * line, an ID after `adgroup_id:` / `ID:` / `id=` or, failing those, a 16–19 digit run (how the
 * reference says add_tiktok_ad's own ad_id is written). A list that yields nothing recognisable is
 * not readable (undefined), never empty. Pure.
 */
export function adGroupIdsOf(json: unknown, advertiser?: string): ReadonlySet<string> | undefined {
  const data = dataOf(json);
  if (!data) return undefined;
  const structured = structuredItems(data, ['adgroups', 'ad_groups']);
  const fromStructured = new Set((structured ?? []).map((item) => idText(item.adgroup_id ?? item.id)).filter((id): id is string => id !== undefined));
  if (fromStructured.size) return fromStructured;
  if (typeof data.text !== 'string') return undefined;
  const ids = new Set<string>();
  for (const line of data.text.split('\n')) {
    // A bare digit run counts only on a list item or table row, and never as the advertiser asked about.
    const item = /^\s*(?:[-*•|]|\d+[.)])\s/.test(line);
    const id = namedId(line, 'adgroup_id|ad_group_id|id') ?? (item ? /(?<!\d)(\d{16,19})(?!\d)/.exec(line)?.[1] : undefined);
    if (id && id !== advertiser) ids.add(id);
  }
  return ids.size ? ids : undefined;
}

/** An ad as a list names it: its ID and, where written, its name. */
export interface ListedAd {
  readonly id: string;
  readonly name?: string;
}

/**
 * The ads list_tiktok_ads names (the same reading as above): per item an ID after `ad_id:` / `ID:` /
 * `id=`, and a name in `**bold**`, after `Name:` / `ad_name:`, or in quotes. Undefined when nothing
 * is recognisable; a list that says it has no ads ("No ads found") is empty. Pure.
 */
export function adsOf(json: unknown): readonly ListedAd[] | undefined {
  const data = dataOf(json);
  if (!data) return undefined;
  const ads: ListedAd[] = [];
  for (const item of structuredItems(data, ['ads']) ?? []) {
    const id = idText(item.ad_id ?? item.id);
    const name = item.ad_name ?? item.name;
    if (id !== undefined) ads.push({ id, ...(typeof name === 'string' ? { name } : {}) });
  }
  if (ads.length) return ads;
  if (typeof data.text !== 'string') return undefined;
  for (const line of data.text.split('\n')) {
    const id = namedId(line, 'ad_id|id');
    if (!id) continue;
    // A quoted name is taken whole (a name may hold a comma); an unquoted one ends at ( , or —.
    const named = /\b(?:ad_name|name)\s*:\s*(?:"([^"]+)"|([^"(,—]+?)\s*(?:[(,—]|$))/i.exec(line);
    const name = /\*\*([^*]+)\*\*/.exec(line)?.[1] ?? named?.[1] ?? named?.[2] ?? /"([^"]+)"/.exec(line)?.[1];
    ads.push({ id, ...(name ? { name: name.trim() } : {}) });
  }
  if (ads.length) return ads;
  // Only an explicit "no ads" is an empty list; anything else unreadable is not.
  return /\bno ads\b/i.test(data.text) ? [] : undefined;
}

function dataOf(json: unknown): Record<string, unknown> | undefined {
  const data = envelope(json)?.data as Record<string, unknown> | null | undefined;
  return data && typeof data === 'object' ? data : undefined;
}

/** The items of `data.structured`: the list itself, or one under a key the tool may use. */
function structuredItems(data: Record<string, unknown>, keys: readonly string[]): Record<string, unknown>[] | undefined {
  const s = data.structured as Record<string, unknown> | unknown[] | null | undefined;
  if (!s || typeof s !== 'object') return undefined;
  const list = Array.isArray(s) ? s : [...keys, 'list', 'items'].map((k) => s[k]).find(Array.isArray);
  return list?.filter((item): item is Record<string, unknown> => item !== null && typeof item === 'object');
}

/** An ID as text: digits, or a JSON number still exact (a 19-digit ID as a number has lost digits). */
function idText(value: unknown): string | undefined {
  if (typeof value === 'string' && /^\d+$/.test(value)) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

/** The ID after one of `names` on a line (`adgroup_id: 178…`, `**ID:** 178…`, `id=178…`). */
function namedId(line: string, names: string): string | undefined {
  return new RegExp(`\\b(?:${names})\\b\\**\\s*[:=]\\s*\\**\\s*["'\`]?(\\d{6,})`, 'i').exec(line)?.[1];
}

/** What asking a list tool gave: the list read, or why there is none; and a quota the answer named. */
export interface ListAnswer<T> {
  readonly list?: T;
  /** Why no list: no answer, an error answer, or nothing recognisable in it. */
  readonly why?: string;
  readonly quota?: QuotaInfo;
}

/**
 * Calls a read-only list tool (which may be billed) and reads its answer with `read`; never throws
 * for what the service or the network does.
 */
export async function askList<T>(
  client: Transport,
  tool: string,
  args: Record<string, unknown>,
  read: (json: unknown) => T | undefined,
  /** What the list holds, for the reason: "no ad group could be read from the answer". */
  item: string,
): Promise<ListAnswer<T>> {
  const answer = await client.call(tool, args);
  const quota = answer.kind === 'http' ? quotaOf(answer.json) : undefined;
  const list = answer.kind === 'http' && answer.status === 200 ? read(answer.json) : undefined;
  const why =
    list !== undefined
      ? undefined
      : answer.kind === 'network'
        ? answer.message
        : answer.status !== 200
          ? `HTTP ${answer.status}`
          : `no ${item} could be read from the answer`;
  return { ...(list !== undefined ? { list } : {}), ...(why ? { why } : {}), ...(quota ? { quota } : {}) };
}
