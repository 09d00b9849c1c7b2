/**
 * Adaptive client-side rate, the way AWS SDKs' "adaptive" retry mode does it: CUBIC congestion
 * control (RFC 9438) applied to requests per second. A throttle (429) cuts the rate to β times the
 * rate at which it happened; then the rate grows along a cubic curve that is flat near that rate
 * (probing gently where trouble was) and steeper away from it. Never above the user's --rate.
 * Pure: time comes in as an argument.
 */
export interface CubicState {
  /** The rate when the last throttle happened (W_max). */
  readonly lastMaxRate: number;
  /** When it happened, ms. */
  readonly lastThrottleAt: number;
  /** The rate in force now. */
  readonly rate: number;
}

const BETA = 0.7; // multiplicative decrease, as AWS's adaptive mode
const C = 0.4; // cubic scaling constant (RFC 9438 §5.1 default)

export function initialCubic(maxRate: number, now: number): CubicState {
  return { lastMaxRate: maxRate, lastThrottleAt: now, rate: maxRate };
}

/** After a 429: the new, lower rate. `measured` is the rate actually achieved lately. */
export function onThrottle(state: CubicState, now: number, measured: number, minRate: number): CubicState {
  const at = Math.min(state.rate, measured > 0 ? Math.max(measured, minRate) : state.rate);
  return { lastMaxRate: at, lastThrottleAt: now, rate: Math.max(minRate, at * BETA) };
}

/** The rate the cubic curve allows `now`, capped at the user's maximum. */
export function cubicRate(state: CubicState, now: number, maxRate: number): number {
  const k = Math.cbrt((state.lastMaxRate * (1 - BETA)) / C);
  const t = (now - state.lastThrottleAt) / 1000;
  const w = C * (t - k) ** 3 + state.lastMaxRate;
  return Math.min(maxRate, Math.max(state.rate, w));
}
