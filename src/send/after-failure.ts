import type { Verdict } from './rules.js';

type Transient = Extract<Verdict, { kind: 'retry' }>;

export interface FailureContext {
  /** Attempts made for the row so far, this one included. */
  readonly attempt: number;
  /** Retries --retries still allows (a 429 never uses one: throttle.ts). */
  readonly retriesLeft: number;
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
  { readonly again: true; readonly waitMs: number } | { readonly again: false; readonly status: 'failed' | 'not_sent'; readonly error: string };

/**
 * After a transient failure (network, timeout, 408, 429, 5xx: rules.ts), in order, first match
 * wins. Pure: the clock comes in as `now`.
 */
export function afterFailure(v: Transient, c: FailureContext): AfterFailure {
  // A 429 is the batch's business (throttle.ts): the batch pauses for it and the row goes again.
  // It uses no retry, is not the service being down, and ends the row only when the batch stops.
  if (v.throttled) {
    if (c.stopping) return { again: false, status: 'not_sent', error: `not created: ${v.message}; the batch stopped before a retry. Run again to resume` };
    return { again: true, waitMs: 0 };
  }
  if (c.breakerOpen) {
    return {
      again: false,
      status: 'failed',
      error: `${v.message}; gave up: the service failed ${c.breakerThreshold} requests in a row. Run again later to resume`,
    };
  }
  if (c.retriesLeft <= 0) {
    return {
      again: false,
      status: 'failed',
      error: `${v.message} (gave up after ${c.attempt} ${c.attempt === 1 ? 'attempt' : 'attempts'}); run again to retry with the same key`,
    };
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
  // Retry-After (RFC 9110 §10.2.3) is a floor the service set; p-retry's backoff comes on top.
  return { again: true, waitMs: v.retryAfterMs ?? 0 };
}
