import PQueue from 'p-queue';
import { sleep } from './sleep.js';

/**
 * When attempts start, batch-wide, retries included. p-queue holds the steady rate: at most two
 * starts in any sliding window of 2/rate seconds (`strict`, so no burst at a window edge). What p-queue
 * cannot do is kept here: after a 429 the whole batch slows down and creeps back, the way AWS SDKs'
 * "adaptive" retry mode does, with CUBIC congestion control (RFC 9438) applied to requests per
 * second. A throttle cuts the rate to β times what the service was accepting when it happened;
 * then the rate grows along a cubic curve that is flat near that rate (probing gently where
 * trouble was) and steeper away from it, never above --rate.
 *
 * The constants differ from AWS's (β 0.7, C 0.4) because the cut starts from the measured accepted
 * rate, not the sending rate: a gentle cut (0.9) is enough, and a slow probe (C 0.05: back at the
 * old rate after about 2.6 s, then rising slowly) keeps 429s rare. Chosen by `npm run bench`
 * against a fixed per-second limit: about 5% of requests meet a 429 and throughput stays near 87%
 * of the limit.
 */
export interface CubicState {
  /** The rate when the last throttle happened (W_max). */
  readonly lastMaxRate: number;
  /** When it happened, ms. */
  readonly lastThrottleAt: number;
  /** The rate right after the cut. */
  readonly rate: number;
}

const BETA = 0.9;
const C = 0.05;

/**
 * After a 429: the new, lower rate. `current` is the rate in force when the throttle came,
 * `measured` what the service has been accepting lately (0 when unknown). Pure.
 */
export function onThrottle(current: number, now: number, measured: number, minRate: number): CubicState {
  const at = measured > 0 ? Math.min(current, Math.max(measured, minRate)) : current;
  return { lastMaxRate: at, lastThrottleAt: now, rate: Math.max(minRate, at * BETA) };
}

/** The rate the cubic curve allows `now`, capped at the user's maximum. Pure. */
export function cubicRate(state: CubicState, now: number, maxRate: number): number {
  const k = Math.cbrt((state.lastMaxRate * (1 - BETA)) / C);
  const t = (now - state.lastThrottleAt) / 1000;
  const w = C * (t - k) ** 3 + state.lastMaxRate;
  return Math.min(maxRate, Math.max(state.rate, w));
}

export class Pacing {
  private readonly starts: PQueue;
  private cubic: CubicState | undefined;
  private readonly successes: number[] = [];
  private epoch = 0;

  /** No attempt starts before this (ms): the batch is paused by a throttle (throttle.ts). */
  private pausedUntil = 0;

  constructor(
    private readonly maxRate: number,
    private readonly adaptive = true,
    private readonly now: () => number = Date.now,
    private readonly wait: (ms: number, signal?: AbortSignal) => Promise<void> = sleep,
  ) {
    // Two starts per two intervals, sliding: the rate on average, and a row whose slot freed just
    // after another start need not idle a whole interval (no second holds more than rate + 1).
    this.starts = new PQueue({ concurrency: 1, interval: 2000 / maxRate, intervalCap: 2, strict: true });
  }

  /** The rate in force now (requests per second). */
  get rate(): number {
    return this.cubic ? cubicRate(this.cubic, this.now(), this.maxRate) : this.maxRate;
  }

  /**
   * Resolves when this attempt may start; returns the epoch it started in, for throttled(). Below
   * --rate (after a 429), each start holds the queue for the slower rate's gap, so starts are
   * strictly that far apart.
   */
  async slot(signal?: AbortSignal): Promise<number> {
    await this.starts.add(
      async () => {
        // Held inside the one-at-a-time start queue, so no attempt at all starts during a pause. A
        // pause lengthened while it is waited out is waited out further, once per lengthening.
        let until = this.pausedUntil;
        let ms = until - this.now();
        while (ms > 0) {
          await this.wait(ms, signal);
          ms = this.pausedUntil > until ? this.pausedUntil - until : 0;
          until = this.pausedUntil;
        }
        const rate = this.rate;
        if (rate < this.maxRate) await sleep(1000 / rate, signal);
      },
      signal ? { signal } : {},
    );
    return this.epoch;
  }

  /** Holds every start until `until` (ms), or longer if already paused longer. */
  pauseUntil(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until);
  }

  /** When the pause in force ends, or undefined when there is none. */
  get paused(): number | undefined {
    return this.pausedUntil > this.now() ? this.pausedUntil : undefined;
  }

  /** A request succeeded: its completion counts towards the capacity the service has shown. */
  succeeded(): void {
    this.successes.push(this.now());
    if (this.successes.length > 256) this.successes.shift();
  }

  /**
   * A 429 arrived for an attempt started in `epoch`. An attempt started before the last cut says
   * nothing about the new rate, so only 429s of the current epoch slow down.
   */
  throttled(epoch: number): void {
    if (!this.adaptive || epoch !== this.epoch) return;
    const t = this.now();
    this.cubic = onThrottle(this.rate, t, this.capacity(t), Math.min(0.1, this.maxRate));
    this.epoch++;
  }

  /**
   * What the service has been accepting: successes in the last second. Under a server-side limit
   * this is the limit itself, so one throttle brings the rate near it instead of halving blindly.
   */
  private capacity(t: number): number {
    let n = 0;
    for (let i = this.successes.length - 1; i >= 0 && this.successes[i]! > t - 1000; i--) n++;
    return n;
  }
}
