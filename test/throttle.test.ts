import { describe, expect, it } from 'vitest';
import { judge } from '../src/send/rules.js';
import { NO_THROTTLE, onSuccess, onThrottle, THROTTLE_DEFAULTS, waitNamedIn, type ThrottleState } from '../src/send/throttle.js';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const P = THROTTLE_DEFAULTS;

describe('the wait a 429 names', () => {
  it("reads Adspirer's documented body, which has no Retry-After header", () => {
    const body = {
      success: false,
      is_error: true,
      error: 'Upstream platform rate limit hit (TikTok throttle at 95%). Retry after 60 seconds.',
      tool: 'add_tiktok_ad',
    };
    expect(judge({ kind: 'http', status: 429, json: body, text: '' }, NOW)).toEqual({
      kind: 'retry',
      message: 'rate limited (HTTP 429): Upstream platform rate limit hit (TikTok throttle at 95%). Retry after 60 seconds.',
      retryAfterMs: 60_000,
      throttled: true,
    });
  });

  it('prefers the Retry-After header to the text', () => {
    const body = { success: false, error: 'Retry after 60 seconds.' };
    expect(judge({ kind: 'http', status: 429, json: body, text: '', retryAfter: '5' }, NOW)).toMatchObject({ retryAfterMs: 5000 });
  });

  it('reads the forms services write, and nothing else', () => {
    expect(waitNamedIn('Retry after 60 seconds.')).toBe(60_000);
    expect(waitNamedIn('please retry in 30 s')).toBe(30_000);
    expect(waitNamedIn('Try again in 2 minutes')).toBe(120_000);
    expect(waitNamedIn('retry after 1.5 seconds')).toBe(1500);
    expect(waitNamedIn('retry after 250 ms')).toBe(250);
    expect(waitNamedIn('retry in 1 min')).toBe(60_000);
    expect(waitNamedIn('Too many requests. Please retry later.')).toBeUndefined();
    expect(waitNamedIn('retry after 60')).toBeUndefined();
    expect(waitNamedIn(undefined)).toBeUndefined();
  });

  it('a 503 does not read its text for a wait: only a 429 is a throttle', () => {
    const v = judge({ kind: 'http', status: 503, json: { error: 'Retry after 60 seconds.' }, text: '' }, NOW);
    expect(v).not.toHaveProperty('retryAfterMs');
    expect(v).not.toHaveProperty('throttled');
  });
});

describe('a throttle pauses the batch (onThrottle)', () => {
  const at = (s: ThrottleState, namedMs: number | undefined, now: number, startedAt = now - 100) => onThrottle(s, { namedMs, startedAt, now }, P);

  it('waits what the answer names', () => {
    expect(at(NO_THROTTLE, 60_000, NOW)).toEqual({
      kind: 'pause',
      until: NOW + 60_000,
      waitMs: 60_000,
      named: true,
      state: { streak: 1, succeededSince: false, pausedAt: NOW, until: NOW + 60_000, waitedMs: 60_000 },
    });
  });

  it('names none: 30 s, doubling while throttles follow each other, at most 5 minutes', () => {
    let s = NO_THROTTLE;
    const waits: number[] = [];
    let t = NOW;
    for (let i = 0; i < 6; i++) {
      const d = onThrottle(s, { namedMs: undefined, startedAt: t - 100, now: t }, { ...P, maxTotalMs: 3_600_000 });
      if (d.kind !== 'pause') throw new Error('expected a pause');
      waits.push(d.waitMs);
      s = d.state;
      t = d.until + 1000;
    }
    expect(waits).toEqual([30_000, 60_000, 120_000, 240_000, 300_000, 300_000]);
  });

  it('a success between two throttles starts again at 30 s', () => {
    const first = at(NO_THROTTLE, undefined, NOW);
    const second = at(onSuccess(first.state), undefined, first.until + 5000);
    expect(second).toMatchObject({ kind: 'pause', waitMs: 30_000, state: { streak: 1 } });
  });

  it('the 429s of requests already in flight belong to the pause: never a second, only lengthened to what they name', () => {
    const first = at(NO_THROTTLE, 10_000, NOW);
    const sameUnnamed = at(first.state, undefined, NOW + 200, NOW - 300);
    expect(sameUnnamed).toMatchObject({ kind: 'pause', until: NOW + 10_000, waitMs: 0, state: { streak: 1, waitedMs: 10_000 } });
    const longer = at(first.state, 20_000, NOW + 500, NOW - 300);
    expect(longer).toMatchObject({ kind: 'pause', until: NOW + 20_500, waitMs: 10_500, state: { streak: 1, waitedMs: 20_500 } });
  });

  it('past --max-wait in all: give up, saying when the service asked to be tried again', () => {
    const policy = { ...P, maxTotalMs: 90_000 };
    const first = onThrottle(NO_THROTTLE, { namedMs: 60_000, startedAt: NOW, now: NOW }, policy);
    expect(first.kind).toBe('pause');
    const second = onThrottle(first.state, { namedMs: 60_000, startedAt: first.until + 10, now: first.until + 100 }, policy);
    expect(second).toMatchObject({ kind: 'give-up', until: first.until + 60_100 });
    // Exactly at the bound is still waited out.
    const exact = onThrottle(first.state, { namedMs: 30_000, startedAt: first.until + 10, now: first.until + 100 }, policy);
    expect(exact.kind).toBe('pause');
  });
});
