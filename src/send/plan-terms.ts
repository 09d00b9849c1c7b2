import type { QuotaInfo } from './quota.js';

/**
 * What Adspirer's public pricing says of the plan a quota belongs to (shared/reference, third
 * round): Plus includes 150 calls a month, then pay-as-you-go overage at $0.50 a call up to $50 a
 * month, on by default; Free, Pro and Max stop at the limit; annual plans have one yearly pool and
 * never charge overage. Monthly plans allow one active advertiser per platform, annual Plus/Pro
 * five, Max more. get_usage_status reports only {used, limit, tier, period_end}, so an annual pool
 * is known by its tier's name or by a period that ends more than a month and a half away.
 */
export interface PlanTerms {
  readonly annual: boolean;
  /** Calls past the included limit can be bought (Plus, monthly). */
  readonly overage: boolean;
  /** Active TikTok advertisers the plan allows; undefined where the docs give no number (Max). */
  readonly activeAdvertisers: number | undefined;
}

/** Adspirer's published overage price and its monthly cap. */
export const OVERAGE_PRICE_USD = 0.5;
export const OVERAGE_CAP_USD = 50;

const DAY = 86_400_000;

export function planTerms(q: Pick<QuotaInfo, 'tier' | 'period_end'>, now: number): PlanTerms {
  const tier = q.tier.toLowerCase();
  const end = Date.parse(q.period_end);
  const annual = /annual|year/.test(tier) || (Number.isFinite(end) && end - now > 45 * DAY);
  const plus = /\bplus\b/.test(tier);
  const max = /\bmax\b/.test(tier);
  const pro = /\bpro\b/.test(tier);
  return {
    annual,
    overage: plus && !annual,
    activeAdvertisers: max ? undefined : annual && (plus || pro) ? 5 : 1,
  };
}

/** Calls left: the included limit, plus the overage the user allowed where the plan has it. */
export function callsLeft(q: Pick<QuotaInfo, 'used' | 'limit'>, overage: number): number {
  return Math.max(0, q.limit + overage - q.used);
}

/** "$6.00" */
export function dollars(calls: number): string {
  return `$${(calls * OVERAGE_PRICE_USD).toFixed(2)}`;
}
