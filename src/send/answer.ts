import type { QuotaInfo } from './quota.js';

/** Reading Adspirer's envelope: `{success, data: {text, quota, ad_id?}, error, quota}`. Pure. */
interface Envelope {
  success?: unknown;
  error?: unknown;
  data?: { text?: unknown; ad_id?: unknown; quota?: unknown; structured?: unknown } | null;
  quota?: unknown;
}

export function envelope(json: unknown): Envelope | undefined {
  return json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Envelope) : undefined;
}

/**
 * The created ad's id from any documented form, in order: `data.structured`, `data`, then the
 * markdown text (`(ad_id: N)`, `Ad ID: N`, `**Ad ID:** N`, `ad_id=N`). Undefined when the answer
 * names none.
 */
export function adIdOf(json: unknown): string | undefined {
  const data = envelope(json)?.data;
  const structured = data?.structured as Record<string, unknown> | undefined;
  for (const holder of [
    structured && typeof structured === 'object' ? structured : undefined,
    (structured?.ad as Record<string, unknown> | undefined) ?? undefined,
    data ?? undefined,
  ]) {
    const id = holder?.ad_id;
    // A JSON number above 2^53 has already lost digits (TikTok ids are 19 digits): use the text then.
    if (typeof id === 'string' && /^\d+$/.test(id.trim())) return id.trim();
    if (typeof id === 'number' && Number.isSafeInteger(id)) return String(id);
  }
  const text = typeof data?.text === 'string' ? data.text : '';
  return /\bad[_ ]?id\b\s*(?:\*\*)?\s*["']?\s*[:=]\s*(?:\*\*)?\s*["'`]?(\d{6,})/i.exec(text)?.[1];
}

/** "Monthly limit reached": the quota-exhausted answer, whatever its status. */
export function isQuotaExhausted(message: string): boolean {
  return /monthly limit reached|quota (?:is )?(?:exhausted|exceeded|spent)/i.test(message);
}

/** A tool error saying an advertiser is not connected; the advertiser it names, if any. */
export function notConnectedAdvertiser(message: string): { advertiser?: string } | undefined {
  if (!/not connected/i.test(message)) return undefined;
  const id = /advertiser(?:_id)?\s*"?(\d{6,})/i.exec(message)?.[1];
  return id ? { advertiser: id } : {};
}

/** A tool error saying an advertiser is connected but not active on the plan; the advertiser it names, if any. */
export function inactiveAdvertiser(message: string): { advertiser?: string } | undefined {
  if (!/\bnot active\b|\binactive\b/i.test(message) || /not connected/i.test(message)) return undefined;
  const id = /advertiser(?:_id)?\s*"?(\d{6,})/i.exec(message)?.[1];
  return id ? { advertiser: id } : {};
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
  return text
    .replace(/\p{Extended_Pictographic}\uFE0F?/gu, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}
