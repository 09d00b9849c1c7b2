import { connectedAccounts, describeAccount, type ConnectedAccount } from '../send/accounts.js';
import { quotaOf } from '../send/answer.js';
import type { PlannedSend } from '../report/carry-over.js';
import type { QuotaInfo } from '../send/quota.js';
import { judge } from '../send/rules.js';
import type { Transport } from '../send/transport.js';

export interface Preflight {
  readonly quota?: QuotaInfo;
  readonly stop?: { readonly reason: 'auth' | 'setup'; readonly message: string };
  /** The connected TikTok advertisers; undefined when the answer could not be read. */
  readonly accounts?: readonly ConnectedAccount[];
  readonly notice?: string;
}

/** The free calls before any paid one: quota (get_usage_status) and accounts (list_connected_accounts). */
export async function preflight(client: Transport, items: readonly PlannedSend[], now: number): Promise<Preflight> {
  const usage = await client.call('get_usage_status', {});
  const usageVerdict = judge(usage, now);
  if (usageVerdict.kind === 'stop' && (usageVerdict.reason === 'auth' || usageVerdict.reason === 'setup')) return { stop: { reason: usageVerdict.reason, message: usageVerdict.message } };
  const quota = usage.kind === 'http' ? quotaOf(usage.json) : undefined;
  if (items.length === 0) return quota ? { quota } : {};
  const answer = await client.call('list_connected_accounts', { platform: 'tiktok_ads' });
  const accounts = answer.kind === 'http' && answer.status === 200 ? connectedAccounts(answer.json) : undefined;
  return {
    ...(quota ? { quota } : {}),
    ...(accounts ? { accounts } : { notice: 'could not read the connected accounts; checking the set-up with the first row alone.' }),
  };
}

export interface AccountCheck {
  /** Rows that cannot go, by seq, with their status and why. */
  readonly held: ReadonlyMap<number, { readonly status: 'invalid' | 'not_sent'; readonly error: string }>;
  /** Connected advertisers, for the advice when rows name none. */
  readonly advice?: readonly string[];
}

/**
 * Which rows the connected accounts rule out before any paid call (an agency batch of several
 * clients): a row naming an advertiser that is not connected is invalid; one whose advertiser must
 * be reconnected waits (not_sent); with several advertisers connected, a row naming none waits for
 * an advertiser_id. Every other row goes on. Pure.
 */
export function checkAccounts(items: readonly PlannedSend[], accounts: readonly ConnectedAccount[]): AccountCheck {
  const held = new Map<number, { status: 'invalid' | 'not_sent'; error: string }>();
  if (accounts.length === 0) return { held };
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const list = accounts.map(describeAccount).join(', ');
  let unnamed = false;
  for (const item of items) {
    const id = item.advertiser;
    if (id === undefined) {
      if (accounts.length > 1) {
        unnamed = true;
        held.set(item.seq, { status: 'not_sent', error: `not sent: ${accounts.length} TikTok advertisers are connected and this row names none; fill advertiser_id, or pass --advertiser-id ID (it fills only empty cells). Connected: ${list}` });
      } else if (accounts[0]!.status === 'needs_reauth') {
        held.set(item.seq, { status: 'not_sent', error: `not sent: advertiser ${describeAccount(accounts[0]!)} needs to be reconnected in Adspirer; reconnect it, then run the same command` });
      }
      continue;
    }
    const account = byId.get(id);
    if (!account) held.set(item.seq, { status: 'invalid', error: `advertiser_id: advertiser ${id} is not connected to this Adspirer account; connected: ${list}. Fix advertiser_id, or connect the advertiser in Adspirer` });
    else if (account.status === 'needs_reauth') held.set(item.seq, { status: 'not_sent', error: `not sent: advertiser ${describeAccount(account)} needs to be reconnected in Adspirer; reconnect it, then run the same command` });
  }
  return { held, ...(unnamed ? { advice: accounts.map((a) => a.id) } : {}) };
}
