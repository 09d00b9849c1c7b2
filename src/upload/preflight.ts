import { connectedAccounts, describeAccount, type ConnectedAccount } from '../send/accounts.js';
import { quotaOf } from '../send/answer.js';
import type { PlannedSend } from '../batch/carry-over.js';
import type { QuotaInfo } from '../send/quota.js';
import { judge } from '../send/rules.js';
import type { Transport } from '../send/transport.js';
import type { Outcome } from '../send/outcome.js';

export interface Preflight {
  readonly quota?: QuotaInfo;
  /** Why the quota is unknown, when it is: no answer, an error answer, or an answer without figures. */
  readonly quotaUnknown?: string;
  readonly stop?: { readonly reason: 'auth' | 'setup'; readonly message: string };
  /** The connected TikTok advertisers; undefined when the answer could not be read. */
  readonly accounts?: readonly ConnectedAccount[];
  readonly notice?: string;
}

/**
 * The free calls before any paid one: quota (get_usage_status) and accounts (list_connected_accounts).
 * A host that cannot be reached at all (DNS, refused, TLS, no connection within 10 s) ends the run
 * here, before any paid call: every row would only meet the same.
 */
export async function preflight(
  client: Transport,
  items: readonly PlannedSend[],
  now: number,
  endpoint?: URL,
  /** List the accounts even with no row to send (the web page's advertiser picker). */
  listAccounts = items.length > 0,
): Promise<Preflight> {
  const usage = await client.call('get_usage_status', {});
  if (usage.kind === 'network' && usage.unreachable === true) {
    return { stop: { reason: 'setup', message: `${endpoint?.host ?? 'the endpoint'}: ${usage.message}; check the network or --endpoint` } };
  }
  const usageVerdict = judge(usage, now);
  if (usageVerdict.kind === 'stop' && (usageVerdict.reason === 'auth' || usageVerdict.reason === 'setup'))
    return { stop: { reason: usageVerdict.reason, message: usageVerdict.message } };
  const quota = usage.kind === 'http' && usage.status >= 200 && usage.status < 300 ? quotaOf(usage.json) : undefined;
  const known = quota ? { quota } : { quotaUnknown: quotaUnknownWhy(usage) };
  if (!listAccounts) return known;
  const answer = await client.call('list_connected_accounts', { platform: 'tiktok_ads' });
  const accounts = answer.kind === 'http' && answer.status === 200 ? connectedAccounts(answer.json) : undefined;
  return {
    ...known,
    ...(accounts ? { accounts } : { notice: 'could not read the connected accounts; checking the set-up with the first row alone.' }),
  };
}

/** Why get_usage_status gave no figures: nothing answered, an error answered, or the answer had none. */
export function quotaUnknownWhy(usage: Outcome): string {
  if (usage.kind === 'network') return `get_usage_status had no answer: ${usage.message}`;
  if (usage.status < 200 || usage.status >= 300) return `get_usage_status answered HTTP ${usage.status}`;
  return 'the service reported none';
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
export function checkAccounts(items: readonly PlannedSend[], accounts: readonly ConnectedAccount[], activeAllowed?: number): AccountCheck {
  const held = new Map<number, { status: 'invalid' | 'not_sent'; error: string }>();
  if (accounts.length === 0) return { held };
  const allows =
    activeAllowed === undefined
      ? 'your plan allows a set number of active TikTok advertisers'
      : `your plan allows ${activeAllowed} active TikTok ${activeAllowed === 1 ? 'advertiser' : 'advertisers'}`;
  // Adspirer's pricing: monthly plans have one active advertiser per platform; the others stay
  // connected, and their calls are refused until they are activated in Manage Accounts.
  const inactive = (a: ConnectedAccount): string =>
    `not sent: advertiser ${describeAccount(a)} is connected but not active; activate it in Adspirer's Manage Accounts (${allows}), then run the same command`;
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const list = accounts.map(describeAccount).join(', ');
  let unnamed = false;
  for (const item of items) {
    const id = item.advertiser;
    if (id === undefined) {
      if (accounts.length > 1) {
        unnamed = true;
        held.set(item.seq, {
          status: 'not_sent',
          error: `not sent: ${accounts.length} TikTok advertisers are connected and this row names none; fill advertiser_id, or pass --advertiser-id ID (it fills only empty cells). Connected: ${list}`,
        });
      } else if (accounts[0]!.status === 'needs_reauth') {
        held.set(item.seq, {
          status: 'not_sent',
          error: `not sent: advertiser ${describeAccount(accounts[0]!)} needs to be reconnected in Adspirer; reconnect it, then run the same command`,
        });
      } else if (accounts[0]!.active === false) held.set(item.seq, { status: 'not_sent', error: inactive(accounts[0]!) });
      continue;
    }
    const account = byId.get(id);
    if (!account)
      held.set(item.seq, {
        status: 'invalid',
        error: `advertiser_id: advertiser ${id} is not connected to this Adspirer account; connected: ${list}. Fix advertiser_id, or connect the advertiser in Adspirer`,
      });
    else if (account.status === 'needs_reauth')
      held.set(item.seq, {
        status: 'not_sent',
        error: `not sent: advertiser ${describeAccount(account)} needs to be reconnected in Adspirer; reconnect it, then run the same command`,
      });
    else if (account.active === false) held.set(item.seq, { status: 'not_sent', error: inactive(account) });
  }
  return { held, ...(unnamed ? { advice: accounts.map((a) => a.id) } : {}) };
}
