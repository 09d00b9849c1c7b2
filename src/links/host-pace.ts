import { parseRetryAfter } from '../send/retry-after.js';

/**
 * How many checks of one host run at once (README, "Link checks"): a few to start, one more while
 * the host answers quickly, up to a maximum (links/defaults.ts: 4 and 8); halved on its 429 or 503 (the host asks us to slow down: RFC 9110
 * §15.6.4, RFC 6585 §4), and nothing more is sent to it until its Retry-After has passed. Pure.
 */
export interface HostPace {
  readonly limit: number;
  /** Quick answers in a row since the limit last changed. */
  readonly quick: number;
  /** No new check of the host starts before this time (ms). */
  readonly pausedUntil: number;
}

/** The pace's own constants; where it starts and how high it goes are options (links/defaults.ts). */
export const HOST_PACE = {
  /** An answer within this is quick: the host has room. */
  quickMs: 1000,
  /** A 429/503 that names no wait: this long before the host is asked again. */
  defaultWaitMs: 2000,
  /** A named wait longer than this is not waited out: the link stays unverified, with a warning. */
  maxWaitMs: 30_000,
} as const;

export function startPace(start: number): HostPace {
  return { limit: start, quick: 0, pausedUntil: 0 };
}

export type PaceEvent = { readonly kind: 'answer'; readonly ms: number } | { readonly kind: 'slow-down'; readonly now: number; readonly waitMs: number };

export function nextPace(pace: HostPace, event: PaceEvent, max: number): HostPace {
  if (event.kind === 'slow-down') {
    return { limit: Math.max(1, Math.floor(pace.limit / 2)), quick: 0, pausedUntil: Math.max(pace.pausedUntil, event.now + event.waitMs) };
  }
  if (event.ms >= HOST_PACE.quickMs) return { ...pace, quick: 0 };
  // One more at once after as many quick answers in a row as run at once now.
  const quick = pace.quick + 1;
  if (quick >= pace.limit && pace.limit < max) return { ...pace, limit: pace.limit + 1, quick: 0 };
  return { ...pace, quick };
}

/** The wait a 429/503 names in Retry-After (seconds or a date: RFC 9110 §10.2.3), else the default. */
export function namedWaitMs(retryAfter: string | undefined, now: number): number {
  return parseRetryAfter(retryAfter, now) ?? HOST_PACE.defaultWaitMs;
}

/** An answer that asks the checker to slow down: 429 Too Many Requests, 503 Service Unavailable. */
export function asksToSlowDown(status: number): boolean {
  return status === 429 || status === 503;
}
