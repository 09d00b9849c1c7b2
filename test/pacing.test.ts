import { describe, expect, it } from 'vitest';
import { cubicRate, initialCubic, onThrottle } from '../src/send/cubic.js';
import { Pacer } from '../src/send/pacer.js';

describe('CUBIC rate', () => {
  it('starts at the maximum', () => {
    expect(cubicRate(initialCubic(10, 0), 0, 10)).toBe(10);
  });
  it('cuts to 0.7 of the rate achieved at a throttle', () => {
    const s = onThrottle(initialCubic(20, 0), 1000, 12, 0.1);
    expect(s.rate).toBeCloseTo(8.4);
    expect(s.lastMaxRate).toBe(12);
  });
  it('grows back along a cubic curve, flat near the old maximum, never above --rate', () => {
    const s = onThrottle(initialCubic(20, 0), 0, 10, 0.1);
    const at = (sec: number) => cubicRate(s, sec * 1000, 20);
    expect(at(0)).toBeCloseTo(7);
    expect(at(1)).toBeGreaterThan(9);
    // K = cbrt(10 * 0.3 / 0.4) ≈ 1.96 s: the curve reaches the old maximum there, slowly.
    expect(at(1.96)).toBeCloseTo(10, 1);
    expect(at(2.5) - at(1.96)).toBeLessThan(0.1);
    expect(at(10)).toBe(20);
  });
  it('never goes below the minimum', () => {
    expect(onThrottle(initialCubic(0.2, 0), 0, 0.05, 0.1).rate).toBe(0.1);
  });
});

describe('Pacer', () => {
  function clock() {
    let t = 0;
    return { now: () => t, sleep: async (ms: number) => void (t += ms) };
  }
  it('spaces starts evenly at the rate', async () => {
    const c = clock();
    const p = new Pacer(4, c.now, c.sleep);
    const starts: number[] = [];
    for (let i = 0; i < 5; i++) {
      await p.acquire();
      starts.push(c.now());
    }
    expect(starts).toEqual([0, 250, 500, 750, 1000]);
  });
  it('slows down on a throttle and creeps back up', async () => {
    const c = clock();
    const p = new Pacer(10, c.now, c.sleep);
    for (let i = 0; i < 20; i++) await p.acquire();
    p.throttled();
    expect(p.rate).toBeLessThan(7.1);
    const after = c.now();
    for (let i = 0; i < 60; i++) await p.acquire();
    expect(c.now() - after).toBeGreaterThan(6000); // slower than 10/s
    expect(p.rate).toBe(10); // and back to the maximum
  });
  it('counts a burst of 429s as one throttle', async () => {
    const c = clock();
    const p = new Pacer(10, c.now, c.sleep);
    for (let i = 0; i < 10; i++) await p.acquire();
    p.throttled();
    const once = p.rate;
    p.throttled();
    p.throttled();
    expect(p.rate).toBe(once);
  });
  it('keeps a fixed rate when not adaptive', async () => {
    const c = clock();
    const p = new Pacer(10, c.now, c.sleep, false);
    p.throttled();
    expect(p.rate).toBe(10);
  });
});
