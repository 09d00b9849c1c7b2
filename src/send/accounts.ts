import { envelope } from './answer.js';

/** A connected TikTok advertiser as list_connected_accounts describes it. */
export interface ConnectedAccount {
  readonly id: string;
  readonly name?: string;
  /** `connected`, or `needs_reauth` (its rows cannot be sent until it is reconnected in Adspirer). */
  readonly status: 'connected' | 'needs_reauth';
  /**
   * False for an advertiser that is connected but not active: monthly plans allow one active
   * advertiser per platform (Adspirer's pricing); its calls are refused until it is activated.
   */
  readonly active?: false;
}

/** An account_tier or status word saying the account is connected but not active on the plan. */
const INACTIVE = /\binactive\b|\bnot[ _-]?active\b|\bdeactivated\b/i;

/**
 * The TikTok advertisers list_connected_accounts names, read from the documented places in order
 * (Adspirer's REST API reference: `data.structured` carries machine-readable content when present;
 * per account `platform`, `account_id`, `account_name`, `account_tier`, `status`; `data.text` is
 * markdown): `data.structured`, then a list in `data`, then the text, where accounts appear as the
 * multi-account prompt writes them (`Name (advertiser_id="…")`). Undefined when no shape is
 * recognised: the caller says so instead of guessing. Pure.
 */
export function connectedAccounts(json: unknown): ConnectedAccount[] | undefined {
  const data = envelope(json)?.data as Record<string, unknown> | undefined;
  if (!data || typeof data !== 'object') return undefined;
  for (const candidate of [
    data.structured,
    (data.structured as Record<string, unknown> | undefined)?.accounts,
    data.accounts,
    Array.isArray(data) ? data : undefined,
  ]) {
    if (Array.isArray(candidate)) return fromList(candidate);
  }
  if (typeof data.text === 'string') {
    const found = fromText(data.text);
    if (found.length) return found;
  }
  return undefined;
}

function fromList(list: unknown[]): ConnectedAccount[] {
  const out: ConnectedAccount[] = [];
  for (const item of list) {
    if (!item || typeof item !== 'object') continue;
    const a = item as Record<string, unknown>;
    if (a.platform !== undefined && !/tiktok/i.test(String(a.platform))) continue;
    const id = a.account_id ?? a.advertiser_id ?? a.id;
    if (typeof id !== 'string' && typeof id !== 'number') continue;
    const name = a.account_name ?? a.name;
    const inactive = INACTIVE.test(String(a.status ?? '')) || INACTIVE.test(String(a.account_tier ?? ''));
    out.push({
      id: String(id),
      ...(typeof name === 'string' ? { name } : {}),
      status: /reauth/i.test(String(a.status ?? '')) ? 'needs_reauth' : 'connected',
      ...(inactive ? { active: false as const } : {}),
    });
  }
  return out;
}

/** Lines such as `- Client A (advertiser_id="7000…1") — primary, needs reauth` or `account_id: 7000…1`. */
function fromText(text: string): ConnectedAccount[] {
  const out: ConnectedAccount[] = [];
  for (const line of text.split('\n')) {
    const m = /(?:advertiser_id|account_id)\s*[=:]\s*\*{0,2}"?(\d{6,})"?/i.exec(line);
    if (!m) continue;
    const name = /^\s*[-*•]?\s*(?:\*\*)?([^(*]+?)(?:\*\*)?\s*\(/.exec(line)?.[1]?.trim();
    out.push({
      id: m[1]!,
      ...(name ? { name } : {}),
      status: /re-?auth/i.test(line) ? 'needs_reauth' : 'connected',
      ...(INACTIVE.test(line) ? { active: false as const } : {}),
    });
  }
  return out;
}

/** "7000…1 Client A" for messages. */
export function describeAccount(a: ConnectedAccount): string {
  return a.name ? `${a.id} ${a.name}` : a.id;
}
