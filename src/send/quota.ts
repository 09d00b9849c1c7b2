/** The monthly quota as the service reports it (get_usage_status, data.quota of answers). */
export interface QuotaInfo {
  readonly used: number;
  readonly limit: number;
  readonly tier: string;
  readonly period_end: string;
  readonly upgrade_url?: string;
}

/** Why a batch stopped before every row was sent (README, `--json`: `stopped`). */
export type StopReason = 'quota' | 'auth' | 'account' | 'interrupted' | 'limit' | 'throttled';

/** Why a row the quota has no room for is not sent; the plan and the batch say it alike. */
export function noRoomText(q: QuotaInfo | undefined, overage: number): string {
  if (!q) return 'not sent: the monthly quota has no room for this row; it resumes when the quota resets or after an upgrade';
  return `not sent: the quota (${q.limit} calls on ${q.tier}${overage ? ` and ${overage} of overage` : ''}) has no room for it; it resumes after ${q.period_end || 'the reset'} or an upgrade`;
}
