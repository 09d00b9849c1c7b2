import { describe, expect, it, vi } from 'vitest';
import { formatDuration, Progress, progressLine } from '../src/upload/progress.js';

describe('progress', () => {
  it('one line: done/total, created, failed, requests per second, ETA, quota left', () => {
    expect(progressLine({ done: 10, total: 40, created: 9, failed: 1, requests: 12, quotaLeft: 88 }, 6000)).toBe(
      '10/40 done, 9 created, 1 failed, 2.0 req/s, ETA 18s, quota left 88',
    );
    expect(progressLine({ done: 0, total: 5, created: 0, failed: 0, requests: 0 }, 0)).toBe('0/5 done, 0 created, 0 failed, 0.0 req/s, ETA –');
  });
  it('durations read like a person would say them', () => {
    expect(formatDuration(4_400)).toBe('4s');
    expect(formatDuration(125_000)).toBe('2m05s');
    expect(formatDuration(3_725_000)).toBe('1h02m');
  });
  it('redraws in place on a terminal, and prints plain lines every few seconds elsewhere', () => {
    vi.useFakeTimers();
    try {
      const tty: string[] = [];
      const plain: string[] = [];
      const counts = () => ({ done: 1, total: 2, created: 1, failed: 0, requests: 1 });
      const a = new Progress({ out() {}, err: (t) => tty.push(t), isTTY: true, color: false }, counts, () => 1000, 0);
      const b = new Progress({ out() {}, err: (t) => plain.push(t), isTTY: false, color: false }, counts, () => 1000, 0);
      a.start();
      b.start();
      vi.advanceTimersByTime(5_000);
      a.stop();
      b.stop();
      expect(tty.length).toBeGreaterThanOrEqual(19);
      // eslint-disable-next-line no-control-regex -- the terminal's erase-line sequence is what is tested
      expect(tty[0]).toMatch(/^\r\x1b\[K1\/2 done/);
      expect(tty.at(-1)).toBe('\r\x1b[K');
      expect(plain).toEqual(['1/2 done, 1 created, 0 failed, 1.0 req/s, ETA 1s\n']);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('the progress line during a throttle', () => {
  it("says the batch is paused by TikTok's rate limit and when it resumes, in local time", () => {
    const until = new Date(2026, 11, 7, 14, 3, 20).getTime();
    expect(progressLine({ done: 30, total: 120, created: 30, failed: 0, requests: 31, pausedUntil: until }, 15_000)).toBe(
      "30/120 done, 30 created, 0 failed, 2.1 req/s, ETA 45s; paused by TikTok's rate limit, resuming at 14:03:20",
    );
  });
});
