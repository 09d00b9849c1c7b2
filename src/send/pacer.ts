import { cubicRate, initialCubic, onThrottle, type CubicState } from './cubic.js';
import { sleep as realSleep } from './sleep.js';

/**
 * Spaces request starts evenly at the current rate (one every 1/rate seconds: no bursts at window
 * edges), and adapts that rate to 429s with CUBIC. One per batch; every attempt, retries included,
 * passes through it.
 */
export class Pacer {
  private state: CubicState;
  private nextSlot: number;
  private readonly successes: number[] = [];
  private epoch = 0;
  private everThrottled = false;

  constructor(
    private readonly maxRate: number,
    private readonly now: () => number,
    private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void> = realSleep,
    private readonly adaptive = true,
  ) {
    this.state = initialCubic(maxRate, now());
    this.nextSlot = now();
  }

  /** The rate in force now (requests per second). */
  get rate(): number {
    return this.adaptive ? cubicRate(this.state, this.now(), this.maxRate) : this.maxRate;
  }

  /**
   * Resolves at this request's start slot. A throttle while waiting voids the slot (it was given
   * out at the old rate) and the request queues again at the new one.
   */
  async acquire(signal?: AbortSignal): Promise<number> {
    for (;;) {
      const epoch = this.epoch;
      const t = this.now();
      const interval = 1000 / this.rate;
      // GCRA with a tolerance of one interval: a start may come up to one interval early, so a
      // slot freed right after another start need not idle, yet any second holds at most one start
      // more than the rate (never a burst at a window edge). Once the service has throttled, it
      // counts strictly per window, and the tolerance goes.
      const slot = Math.max(t, this.nextSlot - (this.everThrottled ? 0 : interval));
      this.nextSlot = Math.max(this.nextSlot, slot) + interval;
      if (slot > t) await this.sleep(slot - t, signal);
      if (epoch === this.epoch || signal?.aborted) return this.epoch;
    }
  }

  /** A request succeeded: its completion counts towards the capacity the service has shown. */
  succeeded(): void {
    this.successes.push(this.now());
    if (this.successes.length > 256) this.successes.shift();
  }

  /**
   * A 429 arrived for a request started in `epoch` (what acquire returned). A request sent before
   * the last cut says nothing about the new rate, so only 429s of the current epoch slow down.
   */
  throttled(epoch = this.epoch): void {
    if (!this.adaptive || epoch !== this.epoch) return;
    const t = this.now();
    this.everThrottled = true;
    this.state = onThrottle(this.rate, t, this.capacity(t), Math.min(0.1, this.maxRate));
    this.nextSlot = t + 1000 / this.state.rate;
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
