import type { UploadStatus } from '../report/status.js';
import { formatDuration } from './progress.js';
import { callsLeft, dollars, OVERAGE_CAP_USD, OVERAGE_PRICE_USD, type PlanTerms } from '../send/plan-terms.js';
import type { QuotaInfo, StopReason } from '../send/quota.js';

/** What upload says before and after the batch: the plan and the outcome. Pure. */
export function planText(
  file: string,
  lines: number,
  invalid: number,
  carried: { created: number; rejected: number; edited?: number },
  toSend: number,
  quota: QuotaInfo | undefined,
  dryRun: boolean,
  extra: { readonly overage?: number; readonly unknown?: string } = {},
): string {
  const parts = [`${file}: ${lines} ${lines === 1 ? 'ad' : 'ads'}`];
  if (invalid) parts.push(`${invalid} invalid (never sent)`);
  if (carried.created) {
    const edited = carried.edited ? ` (${carried.edited} edited since: the edits are not sent)` : '';
    parts.push(`${carried.created} already created in an earlier run${edited}`);
  }
  if (carried.rejected) parts.push(`${carried.rejected} rejected earlier`);
  parts.push(`${toSend} to send${dryRun ? ' (dry run: nothing will be created)' : ''}`);
  const overage = extra.overage ?? 0;
  let q = '';
  if (quota) {
    const included = Math.max(0, quota.limit - quota.used);
    q = `\nQuota: ${quota.used}/${quota.limit} calls used on ${quota.tier}, ${included} left, resets ${quota.period_end || 'at the period end'}; this batch needs ${toSend}.`;
    if (overage > 0) {
      const room = callsLeft(quota, overage) - included;
      const paid = Math.max(0, Math.min(toSend, included + room) - included);
      q += ` --allow-overage ${overage}: ${room} more ${room === 1 ? 'call' : 'calls'} past the limit at Adspirer's $${OVERAGE_PRICE_USD.toFixed(2)} a call; this batch may use ${paid}, about ${dollars(paid)}.`;
    }
  } else if (extra.unknown) q = `\nQuota: unknown (${extra.unknown}).`;
  return `${parts.join(', ')}.${q}\n`;
}

/**
 * A quota with no room before any paid call: what the plan allows and what the user can do. Plus
 * (monthly) can go past its limit at $0.50 a call, at most $50 a month (Adspirer's pricing), but
 * only when asked: calls cost money.
 */
export function spentText(q: QuotaInfo, terms: PlanTerms, allowOverage: number | undefined): string {
  const period = terms.annual ? 'yearly' : 'monthly';
  const head = `The ${period} quota is spent (${q.used}/${q.limit} calls on ${q.tier}); it resets ${q.period_end || 'at the period end'}. Nothing was sent.`;
  if (!terms.overage) return `${head} Upgrade at ${q.upgrade_url ?? 'https://adspirer.ai'} or run the same command after the reset.`;
  if (allowOverage) {
    return `${head} The ${allowOverage} overage ${allowOverage === 1 ? 'call' : 'calls'} --allow-overage allows are used too; raise it to send more ($${OVERAGE_PRICE_USD.toFixed(2)} a call, at most $${OVERAGE_CAP_USD} a month).`;
  }
  return `${head} Your plan can go past its limit at $${OVERAGE_PRICE_USD.toFixed(2)} a call (Adspirer's pay-as-you-go, at most $${OVERAGE_CAP_USD} a month): run again with --allow-overage N to allow up to N such calls.`;
}

export function summariseRows(rows: readonly number[]): string {
  if (rows.length <= 8) return rows.join(', ');
  return `${rows.slice(0, 6).join(', ')}, … ${rows[rows.length - 1]}`;
}

export interface EndInfo {
  counts: Record<UploadStatus, number>;
  carried: { created: number; rejected: number; edited?: number };
  report: string;
  retryPath: string;
  elapsed: number;
  quota: QuotaInfo | undefined;
  /** The service was asked (there was a key): without an answer, the quota is unknown. */
  quotaAsked: boolean;
  /** Why the quota is unknown, when it is. */
  quotaUnknown?: string | undefined;
  stopped: StopReason | 'setup' | null;
  stopMessage: string | undefined;
  accounts: readonly string[] | undefined;
}

export function endText(e: EndInfo): string {
  const c = e.counts;
  const out: string[] = [];
  out.push(
    `Done in ${formatDuration(e.elapsed)}: ${c.created} created${e.carried.created ? ` (${e.carried.created} carried over from earlier runs, ${c.created - e.carried.created} this run)` : ''}, ${c.invalid} invalid, ${c.rejected} rejected${e.carried.rejected ? ` (${e.carried.rejected} from earlier runs)` : ''}, ${c.failed} failed, ${c.not_sent} not sent${c.unknown ? `, ${c.unknown} unknown (the service may have created ${c.unknown === 1 ? 'it' : 'them'}; run the same command again to confirm, with the same keys)` : ''}.`,
  );
  const edited = e.carried.edited ?? 0;
  if (edited) {
    out.push(
      `${edited} created ${edited === 1 ? 'row was' : 'rows were'} edited after ${edited === 1 ? 'its ad was' : 'their ads were'} created; the edits were not sent (the report names what changed). Run with --confirm-edits to create the edited versions as new ads.`,
    );
  }
  if (e.stopped === 'quota')
    out.push(
      `Stopped: the monthly quota is spent${e.quota ? ` (${e.quota.used}/${e.quota.limit} on ${e.quota.tier}); it resets ${e.quota.period_end}` : ''}. Upgrade at ${e.quota?.upgrade_url ?? 'https://adspirer.ai'} or run the same command after the reset to send the rest.`,
    );
  if (e.stopped === 'auth') out.push(`Stopped: ${e.stopMessage}. Check ADSPIRER_API_KEY (adspirer.ai/keys); nothing else was sent.`);
  if (e.stopped === 'account') {
    out.push(`Stopped: ${e.stopMessage ?? 'several advertisers are connected'}.`);
    if (e.accounts?.length) out.push(`Run again with one of:\n${e.accounts.map((a) => `  --advertiser-id ${a}`).join('\n')}`);
  }
  if (e.stopped === 'throttled') out.push(`Stopped: ${e.stopMessage}.`);
  if (e.stopped === 'interrupted') out.push('Interrupted: run the same command again to resume; created ads are never sent twice.');
  if (e.stopped === 'limit') out.push('Stopped at --limit: run again without --limit to send the rest (or with --limit N for the next N).');
  else if (e.quota && e.stopped !== 'quota') out.push(`Quota: ${e.quota.used}/${e.quota.limit} used on ${e.quota.tier}, resets ${e.quota.period_end}.`);
  else if (!e.quota && e.quotaAsked) out.push(`Quota: unknown (${e.quotaUnknown ?? 'the service reported none'}).`);
  out.push(`Report: ${e.report}`);
  if (c.invalid + c.rejected + c.failed + c.not_sent + c.unknown > 0) out.push(`Rows to fix or resend: ${e.retryPath}`);
  return `${out.join('\n')}\n`;
}
