import { clockTime } from '../send/throttle.js';
import type { Io } from '../commands/io.js';

export interface ProgressCounts {
  readonly done: number;
  readonly total: number;
  readonly created: number;
  readonly failed: number;
  readonly requests: number;
  readonly quotaLeft?: number;
  /** The batch is paused by TikTok's rate limit until then (ms since the epoch). */
  readonly pausedUntil?: number;
}

/** One progress line. Pure: the clock is passed in. */
export function progressLine(c: ProgressCounts, elapsedMs: number): string {
  const secs = elapsedMs / 1000;
  const rps = secs > 0 ? c.requests / secs : 0;
  const perRow = c.done > 0 ? elapsedMs / c.done : undefined;
  const eta = perRow !== undefined && c.total > c.done ? formatDuration(perRow * (c.total - c.done)) : '–';
  const quota = c.quotaLeft === undefined ? '' : `, quota left ${c.quotaLeft}`;
  const paused = c.pausedUntil === undefined ? '' : `; paused by TikTok's rate limit, resuming at ${clockTime(c.pausedUntil)}`;
  return `${c.done}/${c.total} done, ${c.created} created, ${c.failed} failed, ${rps.toFixed(1)} req/s, ETA ${eta}${quota}${paused}`;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * Shows progress on stderr: redrawn in place on a terminal, a plain line every few seconds
 * elsewhere (CI logs, files). Never on stdout.
 */
export class Progress {
  private timer: NodeJS.Timeout | undefined;
  private drawn = false;

  constructor(
    private readonly io: Io,
    private readonly counts: () => ProgressCounts,
    private readonly now: () => number,
    private readonly started: number,
  ) {}

  start(): void {
    const every = this.io.isTTY ? 250 : 5000;
    this.timer = setInterval(() => this.draw(), every);
    this.timer.unref();
  }

  private draw(): void {
    const line = progressLine(this.counts(), this.now() - this.started);
    if (this.io.isTTY) {
      this.io.err(`\r\x1b[K${line}`);
      this.drawn = true;
    } else this.io.err(`${line}\n`);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.drawn) this.io.err('\r\x1b[K');
  }
}
