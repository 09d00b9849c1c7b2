import { describe, expect, it } from 'vitest';
import { carryOver, orphanedInFlight } from '../src/batch/carry-over.js';
import { fieldDigests } from '../src/keys/field-digests.js';
import { nearestId } from '../src/upload/adgroups.js';
import { inDoubt, settleDoubts } from '../src/upload/doubts.js';
import { retryKey } from '../src/keys/idempotency-key.js';
import { planSending } from '../src/upload/send-plan.js';
import { exitCode } from '../src/commands/exit-code.js';
import { endText, planText, spentText, summariseRows } from '../src/upload/messages.js';
import { batchAd, type BatchAd } from '../src/batch/batch-ad.js';
import { type PlannedAd } from '../src/keys/keyed-sheet.js';
import type { PriorState } from '../src/batch/journal.js';

const ad = (seq: number, key?: string): BatchAd => ({
  seq,
  row: seq + 2,
  problems: key ? [] : [{ field: 'ad_text', code: 'ad_text.missing', message: 'is missing' }],
  ...(key ? { key, occurrence: 1 } : {}),
});
const items = (n: number) => Array.from({ length: n }, (_, i) => ({ seq: i, key: `k${i}`, args: {} }));
const QUOTA = { used: 145, limit: 150, tier: 'plus', period_end: '2026-12-01' };

describe('batchAd: what upload keeps of an ad between its two reads', () => {
  const args = {
    adgroup_id: '1780000000000000101',
    advertiser_id: '7000000000000000001',
    ad_text: 'Coffee',
    video_url: 'https://e.com/v.mp4',
    image_urls: ['https://e.com/i.jpg'],
    landing_page_url: 'https://e.com/',
    call_to_action: 'SHOP_NOW',
  };
  const valid: PlannedAd = {
    seq: 4,
    row: 6,
    input: ['1780000000000000101', 'Coffee'],
    key: 'k',
    occurrence: 2,
    args,
    problems: [],
    warnings: [{ field: 'ad_text', code: 'ad_text.invisible_removed', message: 'trimmed' }],
  };
  it('keeps the key, its occurrence, ad group and advertiser; the link fields only when links are checked; never the cells', () => {
    const kept = { seq: 4, row: 6, key: 'k', occurrence: 2, adgroup: '1780000000000000101', advertiser: '7000000000000000001', problems: [] };
    expect(batchAd(valid, false)).toStrictEqual(kept);
    expect(batchAd(valid, true)).toStrictEqual({
      ...kept,
      links: { video_url: 'https://e.com/v.mp4', image_urls: ['https://e.com/i.jpg'], landing_page_url: 'https://e.com/' },
    });
    const { adgroup_id: _g, advertiser_id: _a, ...bare } = args;
    expect(batchAd({ ...valid, args: bare, occurrence: undefined } as PlannedAd, false)).toStrictEqual({
      seq: 4,
      row: 6,
      key: 'k',
      occurrence: 1,
      problems: [],
    });
  });
  it('keeps fingerprints, the ad_name and hidden only when asked or so; one copy of each advertiser through `same`', () => {
    const named = { ...valid, args: { ...args, ad_name: 'Spring 1' }, hidden: true as const };
    const one = '7000000000000000001';
    const ad = batchAd(named, false, () => one, true, true);
    expect(ad).toStrictEqual({
      seq: 4,
      row: 6,
      key: 'k',
      occurrence: 2,
      adgroup: '1780000000000000101',
      advertiser: one,
      problems: [],
      fields: fieldDigests(named.args),
      adName: 'Spring 1',
      hidden: true,
    });
    expect(ad.advertiser).toBe(one);
    // No ad_name to keep: none kept; not asked: none kept.
    expect(batchAd(valid, false, undefined, false, true)).not.toHaveProperty('adName');
    expect(batchAd(named, false, undefined, false, false)).not.toHaveProperty('adName');
    expect(batchAd(named, false)).not.toHaveProperty('fields');
    // An ad with arguments but no key (an invalid one) is kept as invalid.
    expect(batchAd({ ...valid, key: undefined } as PlannedAd, true)).toStrictEqual({ seq: 4, row: 6, problems: [] });
    // A link field not given is not kept as undefined.
    const { image_urls: _i, ...noImages } = args;
    expect(batchAd({ ...valid, args: noImages }, true).links).toStrictEqual({ video_url: 'https://e.com/v.mp4', landing_page_url: 'https://e.com/' });
  });
  it('an invalid ad keeps its problems and nothing else', () => {
    const problems = [{ field: 'ad_text', code: 'ad_text.missing', message: 'is missing' }];
    expect(batchAd({ seq: 1, row: 3, input: ['x'], problems, warnings: [] }, true)).toEqual({ seq: 1, row: 3, problems });
  });
  it('carryOver hands an ad to send its advertiser and link fields', () => {
    const c = carryOver([{ ...ad(0, 'a'), advertiser: '7000000000000000001', links: { video_url: 'https://e.com/v.mp4' } }, ad(1, 'b')], new Map(), false);
    expect(c.toSend).toEqual([
      { seq: 0, key: 'a', advertiser: '7000000000000000001', links: { video_url: 'https://e.com/v.mp4' } },
      { seq: 1, key: 'b' },
    ]);
  });
});

describe('carryOver', () => {
  const planned = [ad(0, 'a'), ad(1), ad(2, 'b'), ad(3, 'c'), ad(4, 'd')];
  const states = new Map<string, PriorState>([
    ['a', { status: 'created', adId: '18', row: 2 }],
    ['b', { status: 'rejected', error: 'TikTok said no', row: 4 }],
    ['c', { status: 'in_flight', row: 5 }],
    ['z', { status: 'in_flight', row: 9 }],
  ]);
  it('keeps created, keeps rejected, re-sends the rest, reports invalid', () => {
    const c = carryOver(planned, states, false);
    expect(c.lines[0]).toMatchObject({ status: 'created', adId: '18', attempts: 0 });
    expect(c.lines[1]).toMatchObject({ status: 'invalid', error: 'ad_text: is missing [ad_text.missing]' });
    expect(c.lines[2]).toMatchObject({ status: 'rejected', error: expect.stringMatching(/^TikTok said no \(from an earlier run/) });
    expect(c.toSend.map((i) => i.key)).toEqual(['c', 'd']);
    expect(c.carried).toEqual({ created: 1, rejected: 1, edited: 0 });
    expect(c.invalid).toBe(1);
  });
  it('re-sends rejected rows with --retry-rejected', () => {
    const sent = carryOver(planned, states, true).toSend;
    // b goes with its first re-send generation's key (the service replays a refusal for 'b').
    expect(sent.map((i) => i.key)).toEqual([retryKey('b', 1), 'c', 'd']);
    expect(sent[0]!.base).toEqual({ key: 'b', generation: 1 });
    // Once generation 1 is recorded and rejected too, the next re-send is generation 2.
    const again = carryOver(planned, new Map([...states, [retryKey('b', 1), { status: 'rejected', row: 4 }]]), true, false, new Map([['b', 1]]));
    expect(again.toSend[0]!.key).toBe(retryKey('b', 2));
  });
  it('finds in-flight keys whose rows are gone', () => {
    expect(orphanedInFlight(planned, states)).toEqual([{ status: 'in_flight', row: 9 }]);
  });
});

describe('planSending', () => {
  it('sends everything when nothing holds it back', () => {
    const p = planSending(items(3), { dryRun: false });
    expect(p.sendable).toHaveLength(3);
    expect(p.stopped).toBeNull();
  });
  it('a preflight stop holds back everything', () => {
    const p = planSending(items(3), { stop: { reason: 'account', message: 'pick one' }, dryRun: false });
    expect(p.sendable).toHaveLength(0);
    expect(p.notSent.get(0)).toBe('not sent: pick one');
    expect(p.stopped).toBe('account');
  });
  it('--limit, then the quota, then --dry-run', () => {
    const limited = planSending(items(10), { limit: 4, dryRun: false });
    expect(limited.sendable).toHaveLength(4);
    expect(limited.stopped).toBe('limit');
    expect(limited.notSent.get(9)).toMatch(/--limit 4 reached/);
    // Room for some: nothing is held back; the batch counts the calls and stops when they are spent,
    // so a row refused without using a call leaves its call to the next. The plan names the overflow.
    const quota = planSending(items(10), { limit: 8, quota: QUOTA, dryRun: false });
    expect(quota.sendable).toHaveLength(8);
    expect(quota.stopped).toBe('limit');
    expect(quota.overflow).toMatchObject({ left: 5 });
    expect(quota.overflow!.items).toHaveLength(3);
    expect(quota.notSent.has(6)).toBe(false);
    // No room at all: everything is held back, before any paid call.
    const spent = planSending(items(3), { quota: { ...QUOTA, used: QUOTA.limit }, dryRun: false });
    expect(spent).toMatchObject({ sendable: [], stopped: 'quota' });
    expect(spent.notSent.get(2)).toBe('not sent: the quota (150 calls on plus) has no room for it; it resumes after 2026-12-01 or an upgrade');
    // Overage the user allowed is room too.
    const over = planSending(items(3), { quota: { ...QUOTA, used: QUOTA.limit }, overage: 2, dryRun: true });
    expect(over.overflow).toMatchObject({ left: 2 });
    expect(over.notSent.get(2)).toBe('not sent: the quota (150 calls on plus and 2 of overage) has no room for it; it resumes after 2026-12-01 or an upgrade');
    const dry = planSending(items(2), { dryRun: true });
    expect(dry.sendable).toHaveLength(0);
    // One reason for every row a dry run would send, not an entry per row.
    expect(dry.notSent.size).toBe(0);
    expect(dry.otherwise).toBe('dry run: would be sent');
    const dryQuota = planSending(items(10), { quota: QUOTA, dryRun: true });
    expect(dryQuota.notSent.get(7)).toMatch(/^not sent: the quota \(150 calls on plus\) has no room for it/);
    expect(dryQuota.notSent.has(2)).toBe(false);
    expect(dryQuota.otherwise).toBe('dry run: would be sent');
    expect(planSending([], { dryRun: true })).toEqual({ sendable: [], notSent: new Map(), stopped: null });
    expect(planSending(items(2), { dryRun: false })).not.toHaveProperty('otherwise');
  });
});

describe('exit codes', () => {
  const counts = (o: Partial<Record<'created' | 'invalid' | 'rejected' | 'failed' | 'not_sent' | 'unknown', number>> = {}) => ({
    created: 1,
    invalid: 0,
    rejected: 0,
    failed: 0,
    not_sent: 0,
    unknown: 0,
    ...o,
  });
  it('follow CONTRACT.md', () => {
    expect(exitCode(null, counts(), false)).toBe(0);
    expect(exitCode(null, counts({ failed: 1 }), false)).toBe(1);
    expect(exitCode(null, counts({ unknown: 1 }), false)).toBe(1);
    expect(exitCode('limit', counts({ not_sent: 1 }), false)).toBe(1);
    expect(exitCode('quota', counts(), false)).toBe(3);
    expect(exitCode('auth', counts(), false)).toBe(4);
    expect(exitCode('account', counts(), false)).toBe(2);
    expect(exitCode('interrupted', counts(), false)).toBe(130);
    expect(exitCode(null, counts({ not_sent: 3 }), true)).toBe(0);
    expect(exitCode(null, counts({ invalid: 1 }), true)).toBe(1);
    // Each count that is not a success makes a finished batch exit 1 on its own.
    for (const status of ['invalid', 'rejected', 'failed', 'not_sent', 'unknown'] as const)
      expect(exitCode(null, counts({ [status]: 1 }), false), status).toBe(1);
    expect(exitCode('throttled', counts({ not_sent: 2 }), false)).toBe(1);
    expect(exitCode('setup', counts(), false)).toBe(2);
    // A dry run's rows are not_sent by design: only invalid ones count.
    expect(exitCode(null, counts({ rejected: 1, failed: 1 }), true)).toBe(0);
  });
});

describe('carryOver: rows whose earlier version may already be an ad', () => {
  const at = (seq: number, row: number, key: string, adgroup?: string): BatchAd => ({
    seq,
    row,
    key,
    occurrence: 1,
    problems: [],
    ...(adgroup ? { adgroup } : {}),
  });
  const DOUBT =
    'row: an earlier version of this row may already be an ad (an earlier run lost the answer to it, and the row has been edited since); check TikTok Ads Manager, then re-run with --confirm-edits to send this version';

  it('an edited row at the place of an unknown or in-flight ad is held back until --confirm-edits; other places and ad groups go', () => {
    const states = new Map<string, PriorState>([
      ['old-2', { status: 'unknown', row: 2, adgroup: '178' }],
      ['old-3', { status: 'in_flight', row: 3 }],
      ['old-4', { status: 'failed', row: 4, adgroup: '178' }],
      ['old-5', { status: 'unknown', row: 5, adgroup: '178' }],
    ]);
    const planned = [at(0, 2, 'new-2', '178'), at(1, 3, 'new-3'), at(2, 4, 'new-4', '178'), at(3, 5, 'new-5', '179'), at(4, 6, 'new-6', '178')];
    const c = carryOver(planned, states, false);
    expect(c.lines[0]).toEqual({ row: 2, status: 'invalid', key: 'new-2', error: DOUBT });
    expect(c.lines[1]).toEqual({ row: 3, status: 'invalid', key: 'new-3', error: DOUBT });
    expect(c.invalid).toBe(2);
    expect(c.toSend.map((i) => i.key)).toEqual(['new-4', 'new-5', 'new-6']);
    const confirmed = carryOver(planned, states, false, true);
    expect(confirmed.invalid).toBe(0);
    expect(confirmed.toSend).toHaveLength(5);
    // The unedited row itself is re-sent with its key, not held back.
    expect(carryOver([at(0, 2, 'old-2', '178')], states, false).toSend.map((i) => i.key)).toEqual(['old-2']);
  });

  it('a row re-sent after a rejection is known by its generations: its in-flight re-send is no orphan and holds nothing back', () => {
    const states = new Map<string, PriorState>([
      ['k', { status: 'rejected', row: 2, adgroup: '178' }],
      [retryKey('k', 1), { status: 'rejected', row: 2, adgroup: '178' }],
      [retryKey('k', 2), { status: 'in_flight', row: 2, adgroup: '178' }],
      ['gone', { status: 'unknown', row: 9 }],
      ['done', { status: 'created', row: 8 }],
    ]);
    const generations = new Map([['k', 2]]);
    const planned = [at(0, 2, 'k', '178')];
    expect(orphanedInFlight(planned, states, generations)).toEqual([{ status: 'unknown', row: 9 }]);
    expect(orphanedInFlight(planned, states)).toEqual([
      { status: 'in_flight', row: 2, adgroup: '178' },
      { status: 'unknown', row: 9 },
    ]);
    const c = carryOver(planned, states, false, false, generations);
    expect(c.toSend).toEqual([{ seq: 0, key: retryKey('k', 2), base: { key: 'k', generation: 2 } }]);
  });

  it('a rejection remembered without its reason still says where it came from', () => {
    const c = carryOver([at(0, 2, 'k')], new Map([['k', { status: 'rejected', row: 2 }]]), false);
    expect(c.lines[0]).toEqual({
      row: 2,
      status: 'rejected',
      key: 'k',
      error: 'rejected by the API (from an earlier run; edit the row or pass --retry-rejected to send it again)',
      attempts: 0,
    });
    expect(c.carried).toEqual({ created: 0, rejected: 1, edited: 0 });
  });
});

/** An ad's arguments in ad group G, with its text and any other fields. */
const args = (text: string, extra: Record<string, string> = {}) => ({
  adgroup_id: 'G',
  ad_text: text,
  landing_page_url: 'https://e.com/',
  video_url: 'https://e.com/v.mp4',
  ...extra,
});

describe('carryOver: a row edited after its ad was created is found by its content', () => {
  const withFields = (seq: number, row: number, key: string, a: ReturnType<typeof args>): BatchAd => ({
    seq,
    row,
    key,
    adgroup: a.adgroup_id,
    problems: [],
    fields: fieldDigests(a),
  });
  const created = (row: number, a: ReturnType<typeof args>) => ({
    status: 'created' as const,
    row,
    adgroup: a.adgroup_id,
    adId: `ad-${row}`,
    fields: fieldDigests(a),
  });

  it('mostly the same fields: the earlier ad, not sent; mostly new ones, an inserted ad: sent; each earlier ad matched once', () => {
    const states = new Map([['old', created(2, args('Coffee'))]]);
    const planned = [
      withFields(0, 2, 'new-ad', args('Tea', { landing_page_url: 'https://e.com/tea', video_url: 'https://e.com/t.mp4' })),
      withFields(1, 3, 'edit', args('Coffee!')),
      withFields(2, 4, 'edit-again', args('Coffee!!')),
    ];
    const c = carryOver(planned, states, false);
    expect(c.toSend.map((s) => s.key)).toEqual(['new-ad', 'edit-again']);
    expect(c.lines[1]).toEqual({
      row: 3,
      status: 'created',
      key: 'old',
      adId: 'ad-2',
      error:
        'ad_text was edited after the ad was created; the edit was not sent (an ad cannot be changed through add_tiktok_ad). To create the edited version as a new ad, run with --confirm-edits',
      attempts: 0,
    });
    expect(c.carried).toEqual({ created: 1, rejected: 0, edited: 1 });
  });

  it('another ad group is another ad; --confirm-edits sends the edit; an earlier ad still in the file is no orphan', () => {
    const states = new Map([['old', created(2, args('Coffee'))]]);
    const otherGroup = withFields(0, 2, 'g2', { ...args('Coffee!'), adgroup_id: 'H' });
    expect(carryOver([otherGroup], states, false).toSend).toHaveLength(1);
    expect(carryOver([withFields(0, 2, 'edit', args('Coffee!'))], states, false, true).toSend).toHaveLength(1);
    const stillThere = [withFields(0, 2, 'old', args('Coffee')), withFields(1, 3, 'copy', args('Coffee!'))];
    expect(carryOver(stillThere, states, false).toSend.map((s) => s.key)).toEqual(['copy']);
  });
});

describe('carryOver at its edges: rows fixed in a retry file, hidden rows, ties between earlier ads', () => {
  const valid = (seq: number, row: number, key: string, a?: ReturnType<typeof args>): BatchAd => ({
    seq,
    row,
    key,
    occurrence: 1,
    adgroup: 'G',
    problems: [],
    ...(a ? { fields: fieldDigests(a) } : {}),
  });
  const broken = (seq: number, row: number): BatchAd => ({ seq, row, problems: [{ field: 'ad_text', code: 'ad_text.missing', message: 'is missing' }] });
  const created = (row: number, extra: Partial<PriorState> = {}): PriorState => ({ status: 'created', row, adgroup: 'G', adId: `ad-${row}`, ...extra });

  it('an invalid row whose fixed version was created from the retry file is that ad: one, several, one without an ad_id', () => {
    const states = new Map<string, PriorState>([
      ['r3', created(3, { fromRetry: 'c.retry.csv' })],
      ['r5a', created(5, { fromRetry: 'c.retry.csv', adId: 'ad-5a' })],
      ['r5b', created(5, { fromRetry: 'c.retry.csv', adId: 'ad-5b' })],
      ['r6', created(6, { fromRetry: 'c.retry.csv' })], // its key is still a row of the file
      ['r7', created(7)], // made by this file, not its retry file
      ['r8', { status: 'failed', row: 8, fromRetry: 'c.retry.csv' }],
      ['r9', { status: 'created', row: 9, fromRetry: 'c.retry.csv' }],
    ]);
    const planned = [broken(0, 3), broken(1, 5), valid(2, 6, 'r6'), broken(3, 7), broken(4, 8), broken(5, 9)];
    const c = carryOver(planned, states, false);
    const tail = 'as written here it is not valid: ad_text: is missing [ad_text.missing]';
    expect(c.lines).toHaveLength(6);
    expect(c.lines[0]).toStrictEqual({
      row: 3,
      status: 'created',
      adId: 'ad-3',
      error: `the row's fixed version in c.retry.csv was created (ad ad-3); ${tail}`,
      attempts: 0,
    });
    expect(c.lines[1]).toStrictEqual({
      row: 5,
      status: 'created',
      adId: 'ad-5a',
      error: `the row's fixed version in c.retry.csv was created (2 ads); ${tail}`,
      attempts: 0,
    });
    expect(c.lines[2]).toMatchObject({ row: 6, status: 'created', key: 'r6' });
    expect(c.lines[3]).toStrictEqual({ row: 7, status: 'invalid', error: 'ad_text: is missing [ad_text.missing]' });
    expect(c.lines[4]).toMatchObject({ row: 8, status: 'invalid' });
    expect(c.lines[5]).toStrictEqual({
      row: 9,
      status: 'created',
      error: `the row's fixed version in c.retry.csv was created (ad without an ad_id); ${tail}`,
      attempts: 0,
    });
    expect(c.carried).toEqual({ created: 4, rejected: 0, edited: 0 });
    expect(c.invalid).toBe(2);
    // --confirm-edits looks at no earlier version: the row is as invalid as it reads.
    expect(carryOver(planned, states, false, true).lines[0]).toMatchObject({ status: 'invalid' });
  });

  it('an ad placed on the invalid row it was fixed from is not also taken for an edit of another row', () => {
    const a = args('Coffee');
    const states = new Map<string, PriorState>([['fixed', created(3, { fromRetry: 'c.retry.csv', fields: fieldDigests(a) })]]);
    const c = carryOver([broken(0, 3), valid(1, 4, 'copy', args('Coffee!'))], states, false);
    expect(c.lines[0]).toMatchObject({ status: 'created', adId: 'ad-3' });
    expect(c.toSend.map((s) => s.key)).toEqual(['copy']);
  });

  it('a hidden row is a draft: not sent unless --include-hidden; a created one stays created', () => {
    const hidden = { ...valid(0, 2, 'h'), hidden: true as const };
    const c = carryOver([hidden], new Map(), false);
    expect(c.lines[0]).toStrictEqual({
      row: 2,
      status: 'not_sent',
      key: 'h',
      error: 'not sent: the row is hidden in the sheet (a draft?); unhide it, or pass --include-hidden',
      attempts: 0,
    });
    expect(c.toSend).toEqual([]);
    expect(carryOver([hidden], new Map(), false, false, new Map(), true).toSend.map((s) => s.key)).toEqual(['h']);
    expect(carryOver([hidden], new Map([['h', created(2)]]), false).lines[0]).toMatchObject({ status: 'created', adId: 'ad-2' });
  });

  it('sends exactly what is known of an ad: no advertiser or links field when it has none', () => {
    expect(carryOver([valid(0, 2, 'k')], new Map(), false).toSend).toStrictEqual([{ seq: 0, key: 'k' }]);
  });

  it('half the fields as they were is still the same ad; of two earlier ads alike, the one at the row, else the first', () => {
    const a = args('Coffee');
    const half = args('Tea', { video_url: 'https://e.com/t.mp4' });
    // On another row (no tie-break bonus): exactly half.
    const c = carryOver([valid(0, 3, 'half', half)], new Map([['old', created(2, { fields: fieldDigests(a), adStatus: 'DISABLE' })]]), false);
    expect(c.lines[0]).toStrictEqual({
      row: 3,
      status: 'created',
      key: 'old',
      adId: 'ad-2',
      adStatus: 'DISABLE',
      error:
        'ad_text, video_url were edited after the ad was created; the edit was not sent (an ad cannot be changed through add_tiktok_ad). To create the edited version as a new ad, run with --confirm-edits',
      attempts: 0,
    });
    const moreThanHalf = args('Tea', { video_url: 'https://e.com/t.mp4', landing_page_url: 'https://e.com/t' });
    expect(carryOver([valid(0, 2, 'new', moreThanHalf)], new Map([['old', created(2, { fields: fieldDigests(a) })]]), false).toSend).toHaveLength(1);

    const twins = (rows: number[]) => new Map(rows.map((r) => [`o${r}`, created(r, { fields: fieldDigests(a) })]));
    expect(carryOver([valid(0, 3, 'e', args('Coffee!'))], twins([2, 3, 4]), false).lines[0]).toMatchObject({ key: 'o3' });
    expect(carryOver([valid(0, 9, 'e', args('Coffee!'))], twins([5, 6]), false).lines[0]).toMatchObject({ key: 'o5' });
    // The same fields under a new key (a repeated row made unique): the row, not a field, was edited.
    expect(carryOver([valid(0, 9, 'e', a)], twins([5]), false).lines[0]).toMatchObject({
      error: expect.stringMatching(/^the row was edited after the ad was created;/),
    });
  });

  it('only created ads with fingerprints are earlier versions; a row without fingerprints is never an edit', () => {
    const a = args('Coffee');
    const failed = new Map<string, PriorState>([['old', { status: 'failed', row: 2, adgroup: 'G', fields: fieldDigests(a) }]]);
    expect(carryOver([valid(0, 2, 'e', args('Coffee!'))], failed, false).toSend.map((s) => s.key)).toEqual(['e']);
    const bare = new Map<string, PriorState>([['old', created(2)]]);
    expect(carryOver([valid(0, 2, 'e', args('Coffee!'))], bare, false).toSend.map((s) => s.key)).toEqual(['e']);
    const withFields = new Map<string, PriorState>([['old', created(2, { fields: fieldDigests(a) })]]);
    expect(carryOver([valid(0, 2, 'e')], withFields, false).toSend.map((s) => s.key)).toEqual(['e']);
  });
});

describe('nearestId: a listed ad group the given one is likely a slip of', () => {
  const listed = ['1780000000000000101', '1780000000000000202', '1798765432109876000'];
  it('one digit off, neighbours swapped, or rounded to 15 digits; nothing else', () => {
    expect(nearestId('1780000000000000102', listed)).toBe('1780000000000000101');
    expect(nearestId('1780000000000000110', listed)).toBe('1780000000000000101');
    expect(nearestId('1798765432109870000', listed)).toBe('1798765432109876000');
    expect(nearestId('1780000000000000303', listed)).toBeUndefined();
    expect(nearestId('1798765432109800000', listed)).toBeUndefined();
  });
});

describe('settleDoubts: rows in doubt looked up in their ad group', () => {
  const state = (status: 'unknown' | 'failed' | 'created', lastAt?: string) => ({ status, row: 2, ...(lastAt ? { lastAt } : {}) });
  const NOW = Date.parse('2026-12-07T12:00:00Z');
  const transport = (text: string) => {
    const calls: Record<string, unknown>[] = [];
    return {
      calls,
      t: {
        call: async (_tool: string, args: Record<string, unknown>) => (
          calls.push(args),
          { kind: 'http' as const, status: 200, json: { success: true, data: { text } }, text: '' }
        ),
      },
    };
  };
  it('in doubt: an answer lost, a run that died in flight, a failure over a day old; not a fresh failure', () => {
    expect(inDoubt(state('unknown'), NOW)).toBe(true);
    expect(inDoubt({ status: 'in_flight', row: 2 }, NOW)).toBe(true);
    expect(inDoubt(state('failed', '2026-12-05T12:00:00Z'), NOW)).toBe(true);
    expect(inDoubt(state('failed', '2026-12-07T11:00:00Z'), NOW)).toBe(false);
    expect(inDoubt(state('failed'), NOW)).toBe(false);
    expect(inDoubt(state('created'), NOW)).toBe(false);
  });
  it('one list per ad group; a name listed once settles its row; a list that cannot be read settles nothing and says so', async () => {
    const rows = new Map([
      [0, { row: 2, adgroup: 'G', adName: 'A' }],
      [1, { row: 3, adgroup: 'G', adName: 'B' }],
      [2, { row: 4, adgroup: 'G' }],
    ]);
    const states = new Map([
      ['k0', state('unknown')],
      ['k1', state('unknown')],
      ['k2', state('unknown')],
    ]);
    const items = [0, 1, 2].map((seq) => ({ seq, key: `k${seq}` }));
    const ok = transport('- **A** (ad_id: 1800000000000000001)\n- **A copy** (ad_id: 1800000000000000002)');
    const found = await settleDoubts(ok.t, items, (seq) => rows.get(seq)!, states, NOW);
    expect([...found.found]).toEqual([[0, { key: 'k0', adId: '1800000000000000001' }]]);
    expect(ok.calls).toEqual([{ adgroup_id: 'G' }]);
    expect(found.notes[0]).toMatch(/^1 row whose earlier attempt may have reached the service has no ad_name/);
    const bad = transport('Something went sideways');
    const unread = await settleDoubts(bad.t, items, (seq) => rows.get(seq)!, states, NOW);
    expect(unread.found.size).toBe(0);
    expect(unread.notes[1]).toBe('could not read the ads of ad group G; its 2 rows in doubt are re-sent with the same key.');
  });
});

describe("upload's words before and after a batch (pure)", () => {
  const quota = { used: 140, limit: 150, tier: 'plus', period_end: '2027-01-01' };
  it('the plan: each part only when it has a count, the quota with what the batch needs, the overage it may use and what it costs', () => {
    expect(planText('c.csv', 1, 0, { created: 0, rejected: 0 }, 1, undefined, false)).toBe('c.csv: 1 ad, 1 to send.\n');
    expect(planText('c.csv', 20, 2, { created: 5, rejected: 1, edited: 2 }, 12, { ...quota, period_end: '' }, true)).toBe(
      'c.csv: 20 ads, 2 invalid (never sent), 5 already created in an earlier run (2 edited since: the edits are not sent), 1 rejected earlier, 12 to send (dry run: nothing will be created).\n' +
        'Quota: 140/150 calls used on plus, 10 left, resets at the period end; this batch needs 12.\n',
    );
    expect(planText('c.csv', 20, 0, { created: 5, rejected: 0 }, 15, quota, false)).toMatch(/5 already created in an earlier run, 15 to send\./);
    expect(planText('c.csv', 20, 0, { created: 0, rejected: 0 }, 15, quota, false, { overage: 4 })).toBe(
      "c.csv: 20 ads, 15 to send.\nQuota: 140/150 calls used on plus, 10 left, resets 2027-01-01; this batch needs 15. --allow-overage 4: 4 more calls past the limit at Adspirer's $0.50 a call; this batch may use 4, about $2.00.\n",
    );
    expect(planText('c.csv', 20, 0, { created: 0, rejected: 0 }, 11, quota, false, { overage: 1 })).toMatch(
      /--allow-overage 1: 1 more call past the limit .* this batch may use 1, about \$0\.50\.\n$/,
    );
    expect(planText('c.csv', 20, 0, { created: 0, rejected: 0 }, 5, quota, false, { overage: 4 })).toMatch(/this batch may use 0, about \$0\.00\.\n$/);
    // Used past the limit already: nothing included is left.
    expect(planText('c.csv', 2, 0, { created: 0, rejected: 0 }, 2, { ...quota, used: 152 }, false)).toMatch(/152\/150 calls used on plus, 0 left/);
    expect(planText('c.csv', 2, 0, { created: 0, rejected: 0 }, 2, undefined, false, { unknown: 'HTTP 500' })).toBe(
      'c.csv: 2 ads, 2 to send.\nQuota: unknown (HTTP 500).\n',
    );
  });

  it('a spent quota: monthly or yearly, what the plan allows, the overage used up or not asked for', () => {
    const spent = { used: 150, limit: 150, tier: 'plus', period_end: '2027-01-01' };
    const head = 'The monthly quota is spent (150/150 calls on plus); it resets 2027-01-01. Nothing was sent.';
    expect(spentText(spent, { annual: false, overage: false, activeAdvertisers: 1 }, undefined)).toBe(
      `${head} Upgrade at https://adspirer.ai or run the same command after the reset.`,
    );
    expect(
      spentText({ ...spent, upgrade_url: 'https://adspirer.ai/pricing', period_end: '' }, { annual: true, overage: false, activeAdvertisers: 5 }, undefined),
    ).toBe(
      'The yearly quota is spent (150/150 calls on plus); it resets at the period end. Nothing was sent. Upgrade at https://adspirer.ai/pricing or run the same command after the reset.',
    );
    const plus = { annual: false, overage: true, activeAdvertisers: 1 };
    expect(spentText(spent, plus, undefined)).toBe(
      `${head} Your plan can go past its limit at $0.50 a call (Adspirer's pay-as-you-go, at most $50 a month): run again with --allow-overage N to allow up to N such calls.`,
    );
    expect(spentText(spent, plus, 1)).toBe(
      `${head} The 1 overage call --allow-overage allows are used too; raise it to send more ($0.50 a call, at most $50 a month).`,
    );
    expect(spentText(spent, plus, 10)).toMatch(/The 10 overage calls --allow-overage allows/);
  });

  it('rows named: up to 8 all, more as the first six and the last', () => {
    expect(summariseRows([2, 3, 4, 5, 6, 7, 8, 9])).toBe('2, 3, 4, 5, 6, 7, 8, 9');
    expect(summariseRows([2, 3, 4, 5, 6, 7, 8, 9, 10])).toBe('2, 3, 4, 5, 6, 7, … 10');
    expect(summariseRows([])).toBe('');
  });

  it('the end: counts, carried-over parts, each way to stop in its words, the quota, the report and the retry file when a row needs one', () => {
    const counts = { created: 8, invalid: 1, rejected: 1, failed: 0, not_sent: 0, unknown: 0 };
    const base = {
      counts,
      carried: { created: 0, rejected: 0 },
      report: 'r.csv',
      retryPath: 'c.retry.csv',
      elapsed: 65_000,
      quota: { ...quota, used: 148 },
      quotaAsked: true,
      stopped: null,
      stopMessage: undefined,
      accounts: undefined,
    } as const;
    expect(endText(base)).toBe(
      'Done in 1m05s: 8 created, 1 invalid, 1 rejected, 0 failed, 0 not sent.\nQuota: 148/150 used on plus, resets 2027-01-01.\nReport: r.csv\nRows to fix or resend: c.retry.csv\n',
    );
    const clean = endText({ ...base, counts: { ...counts, invalid: 0, rejected: 0 }, carried: { created: 3, rejected: 0 } });
    expect(clean).toBe(
      'Done in 1m05s: 8 created (3 carried over from earlier runs, 5 this run), 0 invalid, 0 rejected, 0 failed, 0 not sent.\nQuota: 148/150 used on plus, resets 2027-01-01.\nReport: r.csv\n',
    );
    expect(endText({ ...base, counts: { ...counts, unknown: 1 }, carried: { created: 0, rejected: 1, edited: 1 } })).toMatch(
      /1 rejected \(1 from earlier runs\), 0 failed, 0 not sent, 1 unknown \(the service may have created it; run the same command again to confirm, with the same keys\)\.\n1 created row was edited after its ad was created; /,
    );
    expect(endText({ ...base, counts: { ...counts, unknown: 2 }, carried: { created: 2, rejected: 0, edited: 2 } })).toMatch(
      /may have created them;[^\n]*\n2 created rows were edited after their ads were created;/,
    );
    expect(endText({ ...base, stopped: 'quota', quota: { ...quota, used: 150, upgrade_url: 'https://adspirer.ai/up' } })).toMatch(
      /\nStopped: the monthly quota is spent \(150\/150 on plus\); it resets 2027-01-01\. Upgrade at https:\/\/adspirer\.ai\/up or run the same command after the reset to send the rest\.\nReport: r\.csv\n/,
    );
    expect(endText({ ...base, stopped: 'quota', quota: undefined })).toMatch(
      /\nStopped: the monthly quota is spent\. Upgrade at https:\/\/adspirer\.ai or run/,
    );
    expect(endText({ ...base, stopped: 'auth', stopMessage: 'the API refused the key (HTTP 401)' })).toMatch(
      /\nStopped: the API refused the key \(HTTP 401\)\. Check ADSPIRER_API_KEY \(adspirer\.ai\/keys\); nothing else was sent\.\n/,
    );
    expect(endText({ ...base, stopped: 'account', stopMessage: undefined, accounts: ['111', '222'] })).toMatch(
      /\nStopped: several advertisers are connected\.\nRun again with one of:\n {2}--advertiser-id 111\n {2}--advertiser-id 222\n/,
    );
    expect(endText({ ...base, stopped: 'account', stopMessage: 'pick one', accounts: [] })).not.toMatch(/Run again with one of/);
    expect(endText({ ...base, stopped: 'throttled', stopMessage: '--max-wait 600 spent' })).toMatch(/\nStopped: --max-wait 600 spent\.\n/);
    expect(endText({ ...base, stopped: 'interrupted' })).toMatch(/\nInterrupted: run the same command again to resume; created ads are never sent twice\.\n/);
    const limited = endText({ ...base, stopped: 'limit' });
    expect(limited).toMatch(/\nStopped at --limit: run again without --limit to send the rest \(or with --limit N for the next N\)\.\nReport/);
    expect(limited).not.toMatch(/Quota:/);
    expect(endText({ ...base, quota: undefined })).toMatch(/\nQuota: unknown \(the service reported none\)\.\n/);
    expect(endText({ ...base, quota: undefined, quotaUnknown: 'HTTP 502' })).toMatch(/\nQuota: unknown \(HTTP 502\)\.\n/);
    expect(endText({ ...base, quota: undefined, quotaAsked: false })).not.toMatch(/Quota/);
    for (const status of ['failed', 'not_sent', 'unknown'] as const)
      expect(endText({ ...base, counts: { ...counts, invalid: 0, rejected: 0, [status]: 1 } }), status).toMatch(/Rows to fix or resend: c\.retry\.csv\n$/);
  });
});
