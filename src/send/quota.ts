/** The monthly quota as the service reports it (get_usage_status, data.quota of answers). */
export interface QuotaInfo {
  readonly used: number;
  readonly limit: number;
  readonly tier: string;
  readonly period_end: string;
  readonly upgrade_url?: string;
}

/** Why a batch stopped before every row was sent (README, `--json`: `stopped`). */
export type StopReason = 'quota' | 'auth' | 'account' | 'interrupted' | 'limit';
