/** Faults the simulator can inject into add_tiktok_ad calls. */
export const FAULT_KINDS = ['500', '502', '503', 'drop-before', 'drop-after', 'hang'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface SimOptions {
  /** 0 = any free port. */
  readonly port?: number;
  /** The one bearer key accepted; undefined = any non-empty key. */
  readonly apiKey?: string;
  /** Monthly call limit (Plus: 150). */
  readonly quota?: number;
  readonly used?: number;
  readonly tier?: string;
  /**
   * The ad groups that exist, by advertiser (`--adgroups ADV:ID|ID,…`). When given, add_tiktok_ad
   * refuses other ad groups and list_tiktok_ad_groups lists these; when not, any ad group is taken
   * and the list names none.
   */
  readonly adgroups?: ReadonlyMap<string, readonly string[]>;
  /** Connected TikTok advertisers: `ID`, `ID=Name`, `ID=Name:needs_reauth` or `ID=Name:inactive`. */
  readonly advertisers?: readonly string[];
  /** list_connected_accounts answers in `data.structured` (default) or in markdown text only. */
  readonly accountsShape?: 'structured' | 'text';
  /** add_tiktok_ad names the ad in `data.ad_id` and the text (default), the text only, or nowhere. */
  readonly adIdIn?: 'data' | 'text' | 'none';
  /** `data.quota` in every billable answer (default true). */
  readonly quotaInAnswers?: boolean;
  /** Added latency per request, with ±50% jitter. */
  readonly latencyMs?: number;
  /** Requests per second before 429. */
  readonly rateLimit?: number;
  /**
   * TikTok's throttle as Adspirer passes it on: after `count` add_tiktok_ad calls in a window of
   * `seconds`, a 429 with no Retry-After header and "Retry after X seconds." in the body (the
   * documented example), X the seconds until the window frees.
   */
  readonly throttle?: { readonly count: number; readonly seconds: number };
  /** Calls allowed past the limit before 402 (Plus's pay-as-you-go overage; default 0: off). */
  readonly overage?: number;
  /** Retry-After seconds on 429; default: until the window frees, rounded up. */
  readonly retryAfterSeconds?: number;
  /** Share of billed write requests (add_tiktok_ad, pause_tiktok_ad, resume_tiktok_ad) that meet an injected fault. */
  readonly failRate?: number;
  readonly faults?: readonly FaultKind[];
  /** Fault sequence seed. */
  readonly seed?: number;
  /** One line per request. */
  readonly log?: (line: string) => void;
  /** Clock, for the quota period and rate window. */
  readonly now?: () => number;
}
