/**
 * A 429 is the batch's business, not a row's (Adspirer's REST reference: 429 is "rate-limited by the
 * upstream ad platform … Retry with exponential backoff"; its knowledge base advises 30–60 s; TikTok
 * shares ad/create's 150 a minute between every Adspirer customer and, past it, advises pausing).
 * So a throttle pauses the whole batch for the wait the answer names, never uses a row's --retries,
 * never counts toward the breaker and never ends a row; only the total waited in one run is bounded
 * (--max-wait). Pure: the clock comes in as arguments.
 */

export interface ThrottlePolicy {
  /** The wait when the answer names none; it doubles on throttles that follow each other. @default 30_000 */
  readonly firstWaitMs: number;
  /** The longest of those doubled waits. @default 300_000 */
  readonly longestWaitMs: number;
  /** The most the batch waits for throttles in one run (--max-wait). @default 900_000 */
  readonly maxTotalMs: number;
}

export const THROTTLE_DEFAULTS: ThrottlePolicy = { firstWaitMs: 30_000, longestWaitMs: 300_000, maxTotalMs: 900_000 };

export interface ThrottleState {
  /** Throttles in a row with no success between them: the unnamed wait doubles with each. */
  readonly streak: number;
  /** A request succeeded since the last pause began: the next throttle starts a new streak. */
  readonly succeededSince: boolean;
  /** When the last pause began and ends (ms); 0 before any. */
  readonly pausedAt: number;
  readonly until: number;
  /** The total of every pause this run, ms. */
  readonly waitedMs: number;
}

export const NO_THROTTLE: ThrottleState = { streak: 0, succeededSince: false, pausedAt: 0, until: 0, waitedMs: 0 };

export type ThrottleDecision =
  /** Pause every start until `until` (unchanged when the 429 belongs to the pause already decided). */
  | { readonly kind: 'pause'; readonly state: ThrottleState; readonly until: number; readonly waitMs: number; readonly named: boolean }
  /** Waiting as asked would pass --max-wait: the batch stops; `until` is when the service asked to be tried again. */
  | { readonly kind: 'give-up'; readonly state: ThrottleState; readonly until: number };

/**
 * What a 429 means for the batch. `namedMs` is the wait the answer named (Retry-After, else "Retry
 * after N seconds" in its text); `startedAt` when the throttled attempt started: an attempt that was
 * already in flight when the last pause began belongs to that pause and only lengthens it to what it
 * names, so a burst of 429s from the requests in flight is one throttle, not several.
 */
export function onThrottle(
  s: ThrottleState,
  a: { readonly namedMs: number | undefined; readonly startedAt: number; readonly now: number },
  p: ThrottlePolicy,
): ThrottleDecision {
  if (s.pausedAt > 0 && a.startedAt < s.pausedAt) {
    const until = a.namedMs === undefined ? s.until : Math.max(s.until, a.now + a.namedMs);
    const state = { ...s, until, waitedMs: s.waitedMs + (until - s.until) };
    if (state.waitedMs > p.maxTotalMs) return { kind: 'give-up', state, until };
    return { kind: 'pause', state, until, waitMs: until - s.until, named: a.namedMs !== undefined };
  }
  const streak = s.succeededSince || s.streak === 0 ? 1 : s.streak + 1;
  const waitMs = a.namedMs ?? Math.min(p.longestWaitMs, p.firstWaitMs * 2 ** (streak - 1));
  const until = a.now + waitMs;
  const state: ThrottleState = { streak, succeededSince: false, pausedAt: a.now, until, waitedMs: s.waitedMs + waitMs };
  if (state.waitedMs > p.maxTotalMs) return { kind: 'give-up', state, until };
  return { kind: 'pause', state, until, waitMs, named: a.namedMs !== undefined };
}

/** A request succeeded: the next throttle is a new one, waiting the first wait again. */
export function onSuccess(s: ThrottleState): ThrottleState {
  return s.succeededSince ? s : { ...s, succeededSince: true };
}

/**
 * The wait a throttled answer's text names: Adspirer's documented 429 body ends "Retry after 60
 * seconds."; other services write "retry in 30 s" or "try again in 2 minutes". Milliseconds, or
 * undefined when the text names none.
 */
export function waitNamedIn(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const m = /\b(?:retry|try again)\s+(?:after|in)\s+(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?)\b/i.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2]!.toLowerCase();
  const ms = unit.startsWith('ms') || unit.startsWith('milli') ? n : unit.startsWith('m') ? n * 60_000 : n * 1000;
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

/** "14:03:20" when it is within 12 hours, else "2026-12-08 14:03", in local time. */
export function whenText(at: number, now: number): string {
  if (at - now < 12 * 3_600_000) return clockTime(at);
  const d = new Date(at);
  const date = [d.getFullYear(), d.getMonth() + 1, d.getDate()].map((n, i) => String(n).padStart(i === 0 ? 4 : 2, '0')).join('-');
  return `${date} ${clockTime(at).slice(0, 5)}`;
}

/** A wait in seconds as a person reads it: "60", "0.4" (tenths below 10 s, rounded up). */
export function seconds(ms: number): string {
  if (ms >= 10_000) return String(Math.ceil(ms / 1000));
  return String(Math.ceil(ms / 100) / 10);
}

/** "14:03:20" in local time, for "resuming at …". */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}
