import type { AdArgs } from '../validate/args.js';
import type { Verdict } from './rules.js';
import type { QuotaInfo, StopReason } from './quota.js';
import type { ThrottlePolicy } from './throttle.js';

/** What sendBatch takes and gives: the rows, their results, its options and how it ended. */

export interface SendItem {
  readonly seq: number;
  /** The Idempotency-Key it is sent with. */
  readonly key: string;
  readonly args: AdArgs;
  /** The tool it calls; default add_tiktok_ad (pause / resume / delete send pause_tiktok_ad or resume_tiktok_ad). */
  readonly tool?: string;
  /** A re-send of a rejected row: the row's own key and the generation of `key`. */
  readonly base?: { readonly key: string; readonly generation: number };
}

export type SendStatus = 'created' | 'rejected' | 'failed' | 'not_sent' | 'unknown';

export interface SendResult {
  readonly seq: number;
  readonly key: string;
  readonly status: SendStatus;
  readonly adId?: string;
  readonly error?: string;
  readonly attempts: number;
}

/** p-retry's backoff between attempts of a row (exponential, factor 2, randomised ×1–2). */
export interface Backoff {
  readonly minTimeout: number;
  readonly maxTimeout: number;
}

export interface BatchOptions {
  readonly concurrency: number;
  /** Attempts started per second, batch-wide (retries included). */
  readonly rate: number;
  /** Retries per row after the first attempt. */
  readonly retries: number;
  readonly backoff: Backoff;
  /** A Retry-After longer than this is not waited out: the row fails and the message says when to re-run. */
  readonly maxRetryAfterMs: number;
  /** Transient failures in a row, batch-wide, after which the service is taken as down. */
  readonly breakerThreshold: number;
  /** Slow down on 429 and creep back up (default true); false keeps a fixed --rate. */
  readonly adaptive?: boolean;
  /** Calls the quota has room for (overage allowed included); undefined = unknown (no preflight). */
  readonly quotaLeft?: number;
  /** The quota the preflight reported, for messages until an answer reports a newer one. */
  readonly quota?: QuotaInfo;
  /** Paid calls allowed past the plan's included limit (--allow-overage), for reading later quota figures. */
  readonly overage?: number;
  /** How throttles (429) pause the batch; --max-wait is `maxTotalMs`. */
  readonly throttle?: Partial<ThrottlePolicy>;
  readonly now?: () => number;
  /** How Retry-After is waited out (tests shorten it). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Soft stop: no new rows or retries (first Ctrl-C). */
  readonly signal?: AbortSignal;
  /** Hard stop: abandon requests in flight (second Ctrl-C). */
  readonly hardSignal?: AbortSignal;
  /** Before a row's first request: make it durable that the key may be in flight. */
  readonly onSending?: (item: SendItem) => Promise<void>;
  /** After each row's final outcome, in completion order. */
  readonly onResult: (result: SendResult) => Promise<void>;
  readonly onQuota?: (quota: QuotaInfo) => void;
  readonly onAttempt?: (item: SendItem, attempt: number, verdict: Verdict) => void;
  /** The batch pauses for a throttle until `until` (ms): no request starts before then. */
  readonly onPause?: (pause: { readonly until: number; readonly waitMs: number; readonly named: boolean; readonly message: string }) => void;
}

export interface BatchOutcome {
  readonly stopped: StopReason | 'setup' | null;
  readonly stopMessage?: string;
  readonly accounts?: readonly string[];
  readonly quota?: QuotaInfo;
  readonly requests: number;
}
