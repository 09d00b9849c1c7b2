import { envelope } from './answer.js';

/**
 * The TikTok advertiser IDs list_connected_accounts names, or undefined when the answer's shape is
 * not one we recognise (then the check is skipped, not guessed). Pure.
 */
export function connectedAdvertisers(json: unknown): string[] | undefined {
  const data = envelope(json)?.data as { accounts?: unknown; text?: unknown } | undefined;
  if (data && Array.isArray(data.accounts)) {
    const ids = data.accounts
      .filter((a): a is Record<string, unknown> => !!a && typeof a === 'object')
      .filter((a) => a.platform === undefined || /tiktok/i.test(String(a.platform)))
      .map((a) => a.advertiser_id ?? a.account_id ?? a.id)
      .filter((id): id is string | number => typeof id === 'string' || typeof id === 'number')
      .map(String);
    return ids;
  }
  if (data && typeof data.text === 'string') {
    const ids = [...data.text.matchAll(/advertiser_id\s*[=:]\s*"?(\d+)"?/g)].map((m) => m[1]!);
    return ids.length ? ids : undefined;
  }
  return undefined;
}
