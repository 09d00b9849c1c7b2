import type { SendItem } from '../send/batch.js';
import { connectedAdvertisers } from '../send/accounts.js';
import { quotaOf } from '../send/answer.js';
import { judge } from '../send/rules.js';
import type { Transport } from '../send/transport.js';
import type { QuotaInfo } from '../send/quota.js';

export interface Preflight {
  readonly quota?: QuotaInfo;
  readonly stop?: { readonly reason: 'auth' | 'account' | 'setup' | 'quota'; readonly message: string; readonly accounts?: readonly string[] };
}

/** The free calls before any paid one: quota (get_usage_status) and accounts (list_connected_accounts). */
export async function preflight(client: Transport, items: readonly SendItem[], now: number): Promise<Preflight> {
  const usage = await client.call('get_usage_status', {});
  const usageVerdict = judge(usage, now);
  if (usageVerdict.kind === 'stop' && (usageVerdict.reason === 'auth' || usageVerdict.reason === 'setup')) return { stop: { reason: usageVerdict.reason, message: usageVerdict.message } };
  const quota = usage.kind === 'http' ? quotaOf(usage.json) : undefined;
  if (items.length === 0) return quota ? { quota } : {};
  const accounts = await client.call('list_connected_accounts', {});
  const ids = accounts.kind === 'http' && accounts.status === 200 ? connectedAdvertisers(accounts.json) : undefined;
  if (ids && ids.length > 0) {
    const unnamed = items.filter((i) => i.args.advertiser_id === undefined);
    if (unnamed.length > 0 && ids.length > 1) {
      return { ...(quota ? { quota } : {}), stop: { reason: 'account', accounts: ids, message: `${ids.length} TikTok advertisers are connected and ${unnamed.length} ${unnamed.length === 1 ? 'ad names' : 'ads name'} none. Pass one with --advertiser-id ID (or an advertiser_id column): ${ids.join(', ')}` } };
    }
    const unknown = [...new Set(items.map((i) => i.args.advertiser_id).filter((a): a is string => typeof a === 'string' && !ids.includes(a)))];
    if (unknown.length) {
      return { ...(quota ? { quota } : {}), stop: { reason: 'account', accounts: ids, message: `advertiser ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not connected to this Adspirer account. Connected: ${ids.join(', ')}` } };
    }
  }
  return quota ? { quota } : {};
}
