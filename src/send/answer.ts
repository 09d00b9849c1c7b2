import type { QuotaInfo } from './quota.js';

/** Reading Adspirer's envelope: `{success, data: {text, quota, ad_id?}, error, quota}`. Pure. */
interface Envelope {
  success?: unknown;
  error?: unknown;
  data?: { text?: unknown; ad_id?: unknown; quota?: unknown } | null;
  quota?: unknown;
}

export function envelope(json: unknown): Envelope | undefined {
  return json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Envelope) : undefined;
}

/** `data.ad_id` when the answer names it, else the id in the success text ("ad_id: 1812…"). */
export function adIdOf(json: unknown): string | undefined {
  const data = envelope(json)?.data;
  // A JSON number above 2^53 has already lost digits (TikTok ids are 19 digits): use the text then.
  if (data && (typeof data.ad_id === 'string' || (typeof data.ad_id === 'number' && Number.isSafeInteger(data.ad_id)))) {
    const id = String(data.ad_id);
    if (/^\d+$/.test(id)) return id;
  }
  const text = typeof data?.text === 'string' ? data.text : '';
  return /\bad[_ ]?id\b["']?\s*[:=]\s*["']?(\d{6,})/i.exec(text)?.[1];
}

export function quotaOf(json: unknown): QuotaInfo | undefined {
  const env = envelope(json);
  const q = (env?.data?.quota ?? env?.quota) as Record<string, unknown> | undefined;
  if (!q || typeof q !== 'object' || typeof q.used !== 'number' || typeof q.limit !== 'number') return undefined;
  return {
    used: q.used,
    limit: q.limit,
    tier: typeof q.tier === 'string' ? q.tier : 'unknown',
    period_end: typeof q.period_end === 'string' ? q.period_end : '',
    ...(typeof q.upgrade_url === 'string' ? { upgrade_url: q.upgrade_url } : {}),
  };
}

export function errorTextOf(json: unknown): string | undefined {
  const e = envelope(json)?.error;
  if (typeof e === 'string') return e.trim();
  if (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string') return (e as { message: string }).message;
  return undefined;
}

/** The advertiser IDs a multi-account prompt lists (`advertiser_id="…"`). */
export function promptedAccounts(message: string): string[] {
  return [...message.matchAll(/(?:advertiser_id|ad_account_id)\s*=\s*"([^"]+)"/g)].map((m) => m[1]!);
}

export function isAccountPrompt(message: string): boolean {
  return /accounts? connected[\s\S]*specify which account/i.test(message);
}

/** One line of a possibly multi-line API message, without emoji decorations. */
export function oneLine(text: string): string {
  return text.replace(/\p{Extended_Pictographic}\uFE0F?/gu, '').replace(/\s*\n\s*/g, ' ').trim();
}
