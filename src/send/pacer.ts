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
  private readonly starts: number[] = [];

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

  /** Resolves at this request's start slot. */
  async acquire(signal?: AbortSignal): Promise<void> {
    const t = this.now();
    const slot = Math.max(t, this.nextSlot);
    this.nextSlot = slot + 1000 / this.rate;
    if (slot > t) await this.sleep(slot - t, signal);
    this.starts.push(this.now());
    if (this.starts.length > 64) this.starts.shift();
  }

  /** A 429 arrived: slow down. */
  throttled(): void {
    if (!this.adaptive) return;
    const t = this.now();
    // Several 429s of one burst count once: they all answer requests sent before the first cut.
    if (t - this.state.lastThrottleAt < 1000 / this.state.rate) return;
    this.state = onThrottle(this.state, t, this.measuredRate(t), Math.min(0.1, this.maxRate));
    this.nextSlot = Math.max(this.nextSlot, t + 1000 / this.state.rate);
  }

  private measuredRate(t: number): number {
    const recent = this.starts.filter((s) => s > t - 2000);
    if (recent.length < 2) return 0;
    return (recent.length - 1) / ((recent[recent.length - 1]! - recent[0]!) / 1000 || 1);
  }
}
