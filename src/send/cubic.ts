/**
 * Adaptive client-side rate, the way AWS SDKs' "adaptive" retry mode does it: CUBIC congestion
 * control (RFC 9438) applied to requests per second. A throttle (429) cuts the rate to β times the
 * rate the service was accepting when it happened; then the rate grows along a cubic curve that is
 * flat near that rate (probing gently where trouble was) and steeper away from it. Never above the
 * user's --rate. Pure: time comes in as an argument.
 *
 * The constants differ from AWS's (β 0.7, C 0.4) because the cut starts from the measured accepted
 * rate, not from the sending rate: a gentler cut (0.85) is enough, and C 0.2 recovers in about two
 * seconds. Measured by `npm run bench` against a fixed per-second limit: about 4% of requests meet
 * a 429 (each a wasted round trip) and throughput stays above 85% of the limit.
 */
export interface CubicState {
  /** The rate when the last throttle happened (W_max). */
  readonly lastMaxRate: number;
  /** When it happened, ms. */
  readonly lastThrottleAt: number;
  /** The rate in force now. */
  readonly rate: number;
}

const BETA = 0.85;
const C = 0.2;

export function initialCubic(maxRate: number, now: number): CubicState {
  return { lastMaxRate: maxRate, lastThrottleAt: now, rate: maxRate };
}

/**
 * After a 429: the new, lower rate. `current` is the rate in force when the throttle came,
 * `measured` what the service has been accepting lately (0 when unknown).
 */
export function onThrottle(current: number, now: number, measured: number, minRate: number): CubicState {
  const at = measured > 0 ? Math.min(current, Math.max(measured, minRate)) : current;
  return { lastMaxRate: at, lastThrottleAt: now, rate: Math.max(minRate, at * BETA) };
}

/** The rate the cubic curve allows `now`, capped at the user's maximum. */
export function cubicRate(state: CubicState, now: number, maxRate: number): number {
  const k = Math.cbrt((state.lastMaxRate * (1 - BETA)) / C);
  const t = (now - state.lastThrottleAt) / 1000;
  const w = C * (t - k) ** 3 + state.lastMaxRate;
  return Math.min(maxRate, Math.max(state.rate, w));
}
