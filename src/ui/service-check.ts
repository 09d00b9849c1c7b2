import type { ConnectedAccount } from '../send/accounts.js';
import { AdspirerClient } from '../send/client.js';
import type { QuotaInfo } from '../send/quota.js';
import { redact } from '../send/redact.js';
import { preflight } from '../upload/preflight.js';

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
    // The upload's own free calls (upload/preflight.ts), told as the header says them.
    const pre = await preflight(client, [], now, base, true);
    // The service's own words go to the page: never with the key in them, should it echo it.
    if (pre.stop?.reason === 'auth') return { key: 'refused', message: redact(`API key refused: ${pre.stop.message}`, apiKey), accounts: [] };
    if (pre.stop) return { key: 'unknown', message: `API key not checked: ${pre.stop.message}`, accounts: [] };
    const accounts = pre.accounts ?? [];
    const quota = pre.quota;
    if (!quota) return { key: 'unknown', message: `API key loaded; ${base.host}: quota unknown (${pre.quotaUnknown ?? 'no figures'})`, accounts };
    const message = `API key works: ${quota.used} of ${quota.limit} calls used (${quota.tier})${quota.period_end ? `, resets ${quota.period_end}` : ''}`;
    return { key: 'works', message, quota, accounts };
  } finally {
    await client.close();
  }
}
