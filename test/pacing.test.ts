import { describe, expect, it } from 'vitest';
import { cubicRate, onThrottle, Pacing } from '../src/send/pacing.js';

describe('CUBIC rate', () => {
  it('cuts to 0.9 of the rate the service was accepting at a throttle', () => {
    const s = onThrottle(20, 1000, 12, 0.1);
    expect(s.rate).toBeCloseTo(10.8);
    expect(s.lastMaxRate).toBe(12);
    expect(onThrottle(20, 1000, 0, 0.1).rate).toBe(18);
  });
  it('grows back along a cubic curve, flat near the old maximum, never above --rate', () => {
    const s = onThrottle(20, 0, 10, 0.1);
    const at = (sec: number) => cubicRate(s, sec * 1000, 20);
    expect(at(0)).toBeCloseTo(9);
    expect(at(1)).toBeGreaterThan(9.5);
    // K = cbrt(10 * 0.1 / 0.05) ≈ 2.71 s: the curve reaches the old maximum there, slowly.
    expect(at(2.71)).toBeCloseTo(10, 1);
    expect(at(3.2) - at(2.71)).toBeLessThan(0.1);
    expect(at(15)).toBe(20);
  });
  it('never goes below the minimum', () => {
    expect(onThrottle(0.2, 0, 0.05, 0.1).rate).toBe(0.1);
  });
});

describe('Pacing', () => {
  /** A clock for the rate curve only; the steady spacing is p-queue's, in real time. */
  function clock() {
    let t = 0;
    return { now: () => t, advance: (ms: number) => void (t += ms) };
  }
  it('holds --rate: never more than two starts within two intervals', async () => {
    const p = new Pacing(50);
    const at: number[] = [];
    for (let i = 0; i < 6; i++) {
      await p.slot();
      at.push(performance.now());
    }
    // 50/s = one start per 20 ms on average; a start may come one interval early, never a burst
    // of three (timers may fire a millisecond early).
    for (let i = 2; i < at.length; i++) expect(at[i]! - at[i - 2]!).toBeGreaterThanOrEqual(39);
    expect(at[5]! - at[0]!).toBeGreaterThanOrEqual(79);
  });
  it('slows down on a throttle, spacing starts at the lower rate, and creeps back up', async () => {
    const c = clock();
    const p = new Pacing(1000, true, c.now);
    for (let i = 0; i < 20; i++) {
      c.advance(10);
      p.succeeded();
    }
    p.throttled(await p.slot());
    // The service accepted 20 in the last second: the rate is cut to 0.9 of that.
    expect(p.rate).toBeCloseTo(18);
    await p.slot();
    const before = performance.now();
    await p.slot();
    expect(performance.now() - before).toBeGreaterThanOrEqual(1000 / 18 - 2);
    c.advance(10_000);
    expect(p.rate).toBeLessThan(1000);
    c.advance(30_000);
    expect(p.rate).toBe(1000);
  });
  it('ignores 429s of attempts started before the last cut', async () => {
    const c = clock();
    const p = new Pacing(1000, true, c.now);
    const epochs: number[] = [];
    for (let i = 0; i < 10; i++) {
      epochs.push(await p.slot());
      p.succeeded();
    }
    p.throttled(epochs[8]!);
    const once = p.rate;
    p.throttled(epochs[9]!);
    p.throttled(epochs[9]!);
    expect(p.rate).toBe(once);
    c.advance(1);
    p.throttled(await p.slot());
    expect(p.rate).toBeLessThan(once);
  });
  it('cuts to what the service has been accepting, not blindly', () => {
    const c = clock();
    const p = new Pacing(30, true, c.now);
    // 30 attempts a second, but only every third succeeds: the service takes about 10/s.
    for (let i = 0; i < 30; i++) {
      c.advance(33);
      if (i % 3 === 0) p.succeeded();
    }
    p.throttled(0);
    expect(p.rate).toBeCloseTo(9, 0);
  });
  it('counts successes of the last second only (one exactly a second old is out), and the last 256 at most', () => {
    const c = clock();
    const p = new Pacing(30, true, c.now);
    p.succeeded();
    c.advance(1000);
    p.throttled(0);
    // Nothing accepted within the second: the cut starts from the rate in force.
    expect(p.rate).toBeCloseTo(27);
    const busy = new Pacing(1000, true, clock().now);
    for (let i = 0; i < 300; i++) busy.succeeded();
    busy.throttled(0);
    expect(busy.rate).toBeCloseTo(0.9 * 256);
  });
  it('each cut starts a new epoch: 429s of the old one are ignored, of the new one counted; adaptive unless told', () => {
    const c = clock();
    const p = new Pacing(20, undefined, c.now);
    p.throttled(0);
    const first = p.rate;
    expect(first).toBeCloseTo(18);
    p.throttled(0);
    expect(p.rate).toBe(first);
    p.throttled(1);
    expect(p.rate).toBeLessThan(first);
  });
  it('keeps a fixed rate when not adaptive', () => {
    const p = new Pacing(10, false);
    p.throttled(0);
    expect(p.rate).toBe(10);
  });
});
