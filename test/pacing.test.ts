import { describe, expect, it } from 'vitest';
import { cubicRate, initialCubic, onThrottle } from '../src/send/cubic.js';
import { Pacer } from '../src/send/pacer.js';

describe('CUBIC rate', () => {
  it('starts at the maximum', () => {
    expect(cubicRate(initialCubic(10, 0), 0, 10)).toBe(10);
  });
  it('cuts to 0.85 of the rate the service was accepting at a throttle', () => {
    const s = onThrottle(20, 1000, 12, 0.1);
    expect(s.rate).toBeCloseTo(10.2);
    expect(s.lastMaxRate).toBe(12);
    expect(onThrottle(20, 1000, 0, 0.1).rate).toBe(17);
  });
  it('grows back along a cubic curve, flat near the old maximum, never above --rate', () => {
    const s = onThrottle(20, 0, 10, 0.1);
    const at = (sec: number) => cubicRate(s, sec * 1000, 20);
    expect(at(0)).toBeCloseTo(8.5);
    expect(at(1)).toBeGreaterThan(9.5);
    // K = cbrt(10 * 0.15 / 0.2) ≈ 1.96 s: the curve reaches the old maximum there, slowly.
    expect(at(1.96)).toBeCloseTo(10, 1);
    expect(at(2.4) - at(1.96)).toBeLessThan(0.1);
    expect(at(15)).toBe(20);
  });
  it('never goes below the minimum', () => {
    expect(onThrottle(0.2, 0, 0.05, 0.1).rate).toBe(0.1);
  });
});

describe('Pacer', () => {
  function clock() {
    let t = 0;
    return { now: () => t, sleep: async (ms: number) => void (t += ms) };
  }
  it('spaces starts at the rate, allowing one start early but never a burst', async () => {
    const c = clock();
    const p = new Pacer(4, c.now, c.sleep);
    const starts: number[] = [];
    for (let i = 0; i < 9; i++) {
      await p.acquire();
      starts.push(c.now());
    }
    expect(starts).toEqual([0, 0, 250, 500, 750, 1000, 1250, 1500, 1750]);
    // Any one-second window holds at most rate + 1 starts.
    for (const t of starts) expect(starts.filter((s) => s >= t && s < t + 1000).length).toBeLessThanOrEqual(5);
  });
  it('once throttled, spaces starts strictly', async () => {
    const c = clock();
    const p = new Pacer(4, c.now, c.sleep, false);
    // Not adaptive: throttles change nothing, so the tolerance stays.
    p.throttled();
    await p.acquire();
    await p.acquire();
    expect(c.now()).toBe(0);
  });
  it('slows down on a throttle and creeps back up', async () => {
    const c = clock();
    const p = new Pacer(10, c.now, c.sleep);
    for (let i = 0; i < 20; i++) {
      await p.acquire();
      p.succeeded();
    }
    p.throttled();
    expect(p.rate).toBeLessThan(8.6);
    const after = c.now();
    for (let i = 0; i < 20; i++) await p.acquire();
    expect(c.now() - after).toBeGreaterThan(2_000); // slower than 10/s for a while
    expect(p.rate).toBe(10); // and back to the maximum
  });
  it('ignores 429s of requests sent before the last cut', async () => {
    const c = clock();
    const p = new Pacer(10, c.now, c.sleep);
    const epochs: number[] = [];
    for (let i = 0; i < 10; i++) {
      epochs.push(await p.acquire());
      p.succeeded();
    }
    p.throttled(epochs[8]);
    const once = p.rate;
    p.throttled(epochs[9]);
    p.throttled(epochs[9]);
    expect(p.rate).toBe(once);
    p.throttled(await p.acquire());
    expect(p.rate).toBeLessThan(once);
  });
  it('cuts to what the service has been accepting, not blindly', async () => {
    const c = clock();
    const p = new Pacer(30, c.now, c.sleep);
    // 30 starts a second, but only every third succeeds: the service takes about 10/s.
    for (let i = 0; i < 30; i++) {
      await p.acquire();
      if (i % 3 === 0) p.succeeded();
    }
    p.throttled();
    expect(p.rate).toBeCloseTo(8.5, 0);
  });
  it('keeps a fixed rate when not adaptive', async () => {
    const c = clock();
    const p = new Pacer(10, c.now, c.sleep, false);
    p.throttled();
    expect(p.rate).toBe(10);
  });
});
