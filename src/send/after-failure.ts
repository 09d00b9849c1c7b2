import type { Verdict } from './rules.js';

type Transient = Extract<Verdict, { kind: 'retry' }>;

export interface FailureContext {
  /** Attempts made for the row so far, this one included. */
  readonly attempt: number;
  /** Retries --retries still allows (a 429 does not use one: see `throttles`). */
  readonly retriesLeft: number;
  /** 429s this row has met; at most --retries of them are retried. */
  readonly throttles: number;
  readonly retries: number;
  /** The service failed `breakerThreshold` requests in a row, batch-wide: it is taken as down. */
  readonly breakerOpen: boolean;
  readonly breakerThreshold: number;
  /** The batch is stopping (Ctrl-C, quota, auth): no new attempts. */
  readonly stopping: boolean;
  /** A Retry-After longer than this is not waited out. */
  readonly maxRetryAfterMs: number;
  readonly now: number;
}

/** What follows a transient failure: another attempt after `waitMs` (plus p-retry's backoff), or the row's end. */
export type AfterFailure =
  | { readonly again: true; readonly waitMs: number }
  | { readonly again: false; readonly status: 'failed' | 'not_sent'; readonly error: string };

/**
 * After a transient failure (network, timeout, 408, 429, 5xx: rules.ts), in order, first match
 * wins. Pure: the clock comes in as `now`.
 */
export function afterFailure(v: Transient, c: FailureContext): AfterFailure {
  if (c.breakerOpen) {
    return { again: false, status: 'failed', error: `${v.message}; gave up: the service failed ${c.breakerThreshold} requests in a row. Run again later to resume` };
  }
  if (v.throttled && c.throttles > c.retries) {
    return { again: false, status: 'failed', error: `${v.message} ${c.throttles === 1 ? 'once' : `${c.throttles} times`} (gave up after ${c.attempt} attempts); run again later to retry with the same key` };
  }
  if (c.retriesLeft <= 0) {
    return { again: false, status: 'failed', error: `${v.message} (gave up after ${c.attempt} ${c.attempt === 1 ? 'attempt' : 'attempts'}); run again to retry with the same key` };
  }
  if (v.retryAfterMs !== undefined && v.retryAfterMs > c.maxRetryAfterMs) {
    const when = new Date(c.now + v.retryAfterMs).toISOString().replace(/\.\d+Z$/, 'Z');
    return {
      again: false,
      status: 'failed',
      error: `${v.message}; the service asked to wait until ${when}, longer than the ${Math.round(c.maxRetryAfterMs / 1000)} s this run waits. Run again after that time`,
    };
  }
  if (c.stopping) return { again: false, status: 'not_sent', error: `not created: ${v.message}; the batch stopped before a retry. Run again to resume` };
  // Retry-After (RFC 9110 §10.2.3) is a floor the service set; p-retry's backoff comes on top,
  // except after a 429: the whole batch has slowed down (pacing.ts), so the row waits only that.
  return { again: true, waitMs: v.retryAfterMs ?? 0 };
}
