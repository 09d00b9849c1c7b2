import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson } from '../src/keys/canonical-json.js';
import { idempotencyKey, KEY_NAMESPACE, retryKey } from '../src/keys/idempotency-key.js';
import { OccurrenceCounter } from '../src/keys/occurrences.js';

const ARGS = {
  adgroup_id: '1780000000000000101',
  ad_text: 'Fresh coffee',
  landing_page_url: 'https://example.com/a',
  video_url: 'https://cdn.example.com/v.mp4',
  image_urls: ['https://c.com/2.jpg', 'https://c.com/1.jpg'],
  creative_authorized: true,
};

describe('canonical JSON', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
  });
  it('drops undefined values', () => {
    expect(canonicalJson({ a: undefined, b: 'x' })).toBe('{"b":"x"}');
  });
});

describe('idempotency keys', () => {
  // Golden values cross-checked with Python's uuid.uuid5 over json.dumps(sort_keys=True, separators=(',', ':')).
  it('are pinned: a release that changes the derivation would duplicate every resumed ad', () => {
    expect(KEY_NAMESPACE).toBe('f9dbc566-79c4-49a3-a6d2-93de62cf34fe');
    expect(idempotencyKey(ARGS, 1)).toBe('117dacd0-114e-5ce2-80f1-7334f656a7db');
    expect(idempotencyKey(ARGS, 2)).toBe('fb8d02b3-24a8-52ea-b4fb-c9eac474e89e');
  });
  it('do not depend on key order', () => {
    const reversed = Object.fromEntries(Object.entries(ARGS).reverse());
    expect(idempotencyKey(reversed, 1)).toBe(idempotencyKey(ARGS, 1));
  });
  it('change with any edit, including image order and the occurrence', () => {
    const base = idempotencyKey(ARGS, 1);
    expect(idempotencyKey({ ...ARGS, ad_text: 'Fresh coffee!' }, 1)).not.toBe(base);
    expect(idempotencyKey({ ...ARGS, image_urls: [...ARGS.image_urls].reverse() }, 1)).not.toBe(base);
    expect(idempotencyKey(ARGS, 2)).not.toBe(base);
  });
  it('are UUID v5', () => {
    expect(idempotencyKey(ARGS, 1)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('OccurrenceCounter', () => {
  it('numbers identical ads and points at the first', () => {
    const c = new OccurrenceCounter();
    const a = c.next(ARGS, 2);
    const other = c.next({ ...ARGS, ad_text: 'x' }, 3);
    const b = c.next({ ...ARGS }, 4);
    expect(a).toEqual({ key: idempotencyKey(ARGS, 1), occurrence: 1 });
    expect(other.occurrence).toBe(1);
    expect(b).toEqual({ key: idempotencyKey(ARGS, 2), occurrence: 2, duplicateOf: 2 });
  });
});

describe('canonical JSON for any argument set', () => {
  const value = fc.oneof(fc.string(), fc.boolean(), fc.array(fc.string()), fc.array(fc.record({ text: fc.string(), url: fc.string() })));
  // Field-like names: a "__proto__" key would be an own property in one object and a prototype in another.
  const args = fc.dictionary(fc.stringMatching(/^[a-z]{1,12}$/), value);
  it('reads back as the same arguments, whatever order their keys were built in', () => {
    fc.assert(
      fc.property(args, (a) => {
        const text = canonicalJson(a);
        expect(JSON.parse(text)).toEqual(a);
        expect(canonicalJson(Object.fromEntries(Object.entries(a).reverse()))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});

describe('re-send keys, pinned', () => {
  it('generation 0 is the row key; later generations are UUID v5 of "add_tiktok_ad retry", the key and the generation (checked with Python uuid.uuid5)', () => {
    const key = '5b3f2c2e-5d3c-5a8e-9c1f-0a1b2c3d4e5f';
    expect(retryKey(key, 0)).toBe(key);
    expect(retryKey(key, 1)).toBe('df58a558-14eb-5bef-9406-d6d4b95e45d5');
    expect(retryKey(key, 2)).not.toBe(retryKey(key, 1));
    expect(idempotencyKey({ ad_text: 'Coffee' }, 1)).toBe('07fb676b-187a-5b8c-9f81-bf50f0f5282b');
  });
});
