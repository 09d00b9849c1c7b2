import { connectedAccounts, type ConnectedAccount } from '../send/accounts.js';
import { quotaOf } from '../send/answer.js';
import { AdspirerClient } from '../send/client.js';
import type { QuotaInfo } from '../send/quota.js';
import { redact } from '../send/redact.js';
import { judge } from '../send/rules.js';

/** What the page's header says of the service, and the advertisers its picker offers. */
export interface ServiceState {
  /** none: no key loaded; works: the service took it; refused: a 401/403; unknown: no answer to judge it by. */
  readonly key: 'none' | 'works' | 'refused' | 'unknown';
  /** The header's words: "API key works: 37 of 150 calls used (plus)", or why not. */
  readonly message: string;
  readonly quota?: QuotaInfo;
  /** The connected TikTok advertisers; empty when there is no key or the answer could not be read. */
  readonly accounts: readonly ConnectedAccount[];
}

/**
 * Asks the service what the page's key can do, with the two free calls an upload makes first
 * (get_usage_status, list_connected_accounts; Adspirer's REST reference bills neither): a key that
 * is loaded but refused is said to be refused, not "loaded".
 */
export async function serviceState(base: URL, apiKey: string | undefined, now: number): Promise<ServiceState> {
  if (!apiKey) return { key: 'none', message: 'No API key: checks only (start the page with ADSPIRER_API_KEY set to plan and create)', accounts: [] };
  const client = new AdspirerClient({ base, apiKey, timeoutMs: 15_000, connections: 1 });
  try {
    const usage = await client.call('get_usage_status', {});
    const verdict = judge(usage, now);
    // The service's own words go to the page: never with the key in them, should it echo it.
    if (verdict.kind === 'stop' && verdict.reason === 'auth')
      return { key: 'refused', message: redact(`API key refused: ${verdict.message}`, apiKey), accounts: [] };
    if (usage.kind === 'network') return { key: 'unknown', message: `API key not checked: ${base.host} did not answer (${usage.message})`, accounts: [] };
    const quota = usage.status >= 200 && usage.status < 300 ? quotaOf(usage.json) : undefined;
    const listed = await client.call('list_connected_accounts', { platform: 'tiktok_ads' });
    const accounts = listed.kind === 'http' && listed.status === 200 ? (connectedAccounts(listed.json) ?? []) : [];
    if (!quota) return { key: 'unknown', message: `API key loaded; ${base.host} gave no quota figures (HTTP ${usage.status})`, accounts };
    const message = `API key works: ${quota.used} of ${quota.limit} calls used (${quota.tier})${quota.period_end ? `, resets ${quota.period_end}` : ''}`;
    return { key: 'works', message, quota, accounts };
  } finally {
    await client.close();
  }
}
