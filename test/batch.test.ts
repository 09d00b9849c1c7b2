import { describe, expect, it } from 'vitest';
import { sendBatch, type SendItem, type SendResult, type BatchOptions } from '../src/send/batch.js';
import type { Outcome } from '../src/send/outcome.js';
import type { Transport } from '../src/send/transport.js';
import { sleep } from '../src/send/sleep.js';

const items = (n: number): SendItem[] => Array.from({ length: n }, (_, i) => ({ seq: i, key: `key-${i}`, args: { ad_text: `t${i}` } }));
const ok = (used = 1): Outcome => ({
  kind: 'http',
  status: 200,
  json: { success: true, data: { text: 'ad_id: 1800000000000000001', quota: { used, limit: 100, tier: 'plus', period_end: '2026-12-01' } } },
  text: '',
});
const status = (s: number, extra: Partial<Extract<Outcome, { kind: 'http' }>> = {}): Outcome => ({
  kind: 'http',
  status: s,
  json: { success: false, error: `HTTP ${s}` },
  text: '',
  ...extra,
});

/** A fake transport answering from a script per key; records every call. */
function fake(script: (key: string, attempt: number) => Outcome) {
  const calls: { key: string; at: number }[] = [];
  const attempts = new Map<string, number>();
  const t: Transport = {
    async call(_tool, _args, options) {
      const key = options?.idempotencyKey ?? '';
      const n = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, n);
      calls.push({ key, at: Date.now() });
      await new Promise((r) => setImmediate(r));
      return script(key, n);
    },
  };
  return { t, calls };
}

function run(list: Iterable<SendItem> | AsyncIterable<SendItem>, t: Transport, extra: Partial<BatchOptions> = {}) {
  const results: SendResult[] = [];
  const sleeps: number[] = [];
  const done = sendBatch(list, t, {
    concurrency: 4,
    rate: 1000,
    retries: 3,
    backoff: { minTimeout: 1, maxTimeout: 4 },
    maxRetryAfterMs: 60_000,
    breakerThreshold: 10,
    // Only Retry-After waits go through here (p-retry's own backoff is 1–4 ms above).
    sleep: async (ms) => void sleeps.push(ms),
    onResult: async (r) => void results.push(r),
    ...extra,
  });
  return done.then((outcome) => ({ outcome, results: results.sort((a, b) => a.seq - b.seq), sleeps }));
}

describe('sendBatch', () => {
  it('takes items from an async source only as the queue has room, so a long file is never held whole', async () => {
    const { t } = fake(() => ok());
    let taken = 0;
    let answered = 0;
    let ahead = 0;
    async function* source(): AsyncGenerator<SendItem> {
      for (const item of items(60)) {
        taken++;
        ahead = Math.max(ahead, taken - answered);
        yield item;
      }
    }
    await run(source(), t, { onResult: async () => void answered++ });
    expect(answered).toBe(60);
    // 4 in flight, one waiting in the queue, one taken and waiting for room.
    expect(ahead).toBeLessThanOrEqual(6);
  });

  it('a source that fails part-way ends the batch with its error, after the rows in flight are answered and recorded', async () => {
    const { t, calls } = fake(() => ok());
    async function* source(): AsyncGenerator<SendItem> {
      yield* items(5);
      throw new Error('the file changed');
    }
    const recorded: string[] = [];
    await expect(run(source(), t, { onResult: async (r) => void recorded.push(r.status) })).rejects.toThrow('the file changed');
    expect(calls).toHaveLength(5);
    expect(recorded).toEqual(['created', 'created', 'created', 'created', 'created']);
  });

  it('sends every item once and reports created', async () => {
    const { t, calls } = fake(() => ok());
    const { results, outcome } = await run(items(10), t);
    expect(calls).toHaveLength(10);
    expect(results.every((r) => r.status === 'created' && r.attempts === 1 && r.adId === '1800000000000000001')).toBe(true);
    expect(outcome.stopped).toBeNull();
  });

  it('retries transient failures with the same key, then succeeds', async () => {
    const { t, calls } = fake((_k, n) => (n < 3 ? status(503) : ok()));
    const { results, sleeps } = await run(items(1), t);
    expect(calls.map((c) => c.key)).toEqual(['key-0', 'key-0', 'key-0']);
    expect(results[0]).toMatchObject({ status: 'created', attempts: 3 });
    expect(sleeps).toEqual([]);
  });

  it('a 200 whose body cannot be read, to the last retry, ends unknown (the ad may exist), not failed', async () => {
    const page: Outcome = { kind: 'http', status: 200, json: undefined, text: '<html><title>Portal</title></html>' };
    const { t } = fake(() => page);
    const { results } = await run(items(1), t, { retries: 2 });
    expect(results[0]).toMatchObject({ status: 'unknown', attempts: 3 });
    expect(results[0]!.error).toMatch(/the answer could not be read.*the service may have created it/);
  });

  it('gives up after --retries with failed, saying why', async () => {
    const { t, calls } = fake(() => status(500));
    const { results } = await run(items(1), t, { retries: 2 });
    expect(calls).toHaveLength(3);
    expect(results[0]).toMatchObject({ status: 'failed', attempts: 3, error: expect.stringMatching(/gave up after 3 attempts/) });
  });

  it('backs off between attempts as p-retry does: growing, randomised, capped', async () => {
    const { t, calls } = fake((_k, n) => (n < 5 ? status(503) : ok()));
    await run(items(1), t, { backoff: { minTimeout: 20, maxTimeout: 50 } });
    const gaps = calls.slice(1).map((c, i) => c.at - calls[i]!.at);
    // 20·2^k ×(1–2), capped at 50: at least 20, 40, 50, 50 ms (timers may fire a millisecond early).
    expect(gaps[0]).toBeGreaterThanOrEqual(19);
    expect(gaps[1]).toBeGreaterThanOrEqual(39);
    expect(gaps[2]).toBeGreaterThanOrEqual(49);
  });

  it('waits at least Retry-After', async () => {
    const { t } = fake((_k, n) => (n === 1 ? status(429, { retryAfter: '7' }) : ok()));
    const { sleeps, results } = await run(items(1), t);
    // The pause ends at a time (answer + 7 s); the clock has moved a millisecond or so since.
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(6500);
    expect(sleeps[0]).toBeLessThanOrEqual(7000);
    expect(results[0]!.status).toBe('created');
  });

  it('does not wait out a Retry-After longer than the cap: failed, with when to come back', async () => {
    const { t } = fake(() => status(503, { retryAfter: '86400' }));
    const { results, sleeps } = await run(items(1), t);
    expect(sleeps).toEqual([]);
    expect(results[0]!.error).toMatch(/asked to wait until .* longer than the 60 s this run waits/);
  });

  it('400 and 409 are final: rejected after one attempt', async () => {
    const { t, calls } = fake((k) => (k === 'key-0' ? status(400) : status(409)));
    const { results } = await run(items(2), t);
    expect(calls).toHaveLength(2);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('401 stops the batch: nothing more is sent', async () => {
    const { t, calls } = fake(() => status(401));
    const { results, outcome } = await run(items(20), t, { concurrency: 1 });
    expect(outcome.stopped).toBe('auth');
    expect(calls).toHaveLength(1);
    expect(results.filter((r) => r.status === 'not_sent')).toHaveLength(20);
  });

  it('the multi-account 400 stops the batch with the accounts', async () => {
    const prompt =
      'You have 2 tiktok_ads accounts connected. Please specify which account to use by passing the advertiser_id parameter:\n - A (advertiser_id="1")\n - B (advertiser_id="2")';
    const { t } = fake(() => ({ kind: 'http', status: 400, json: { success: false, error: prompt }, text: '' }));
    const { outcome } = await run(items(5), t, { concurrency: 1 });
    expect(outcome).toMatchObject({ stopped: 'account', accounts: ['1', '2'] });
  });

  it('never starts more rows than the quota has room for, counting those in flight', async () => {
    let used = 97;
    const { t, calls } = fake(() => ok(++used));
    const { results, outcome } = await run(items(10), t, { quotaLeft: 3, concurrency: 8 });
    expect(calls).toHaveLength(3);
    expect(results.filter((r) => r.status === 'created')).toHaveLength(3);
    expect(results.filter((r) => r.status === 'not_sent')).toHaveLength(7);
    expect(outcome.stopped).toBe('quota');
  });

  it('follows data.quota from every answer: when an answer says it is spent, no more rows start', async () => {
    let used = 95;
    const { t, calls } = fake(() => ok(++used));
    const { results, outcome } = await run(items(10), t, { quotaLeft: 5, concurrency: 1 });
    expect(calls).toHaveLength(5);
    expect(results.filter((r) => r.status === 'created')).toHaveLength(5);
    expect(outcome).toMatchObject({ stopped: 'quota', quota: { used: 100, limit: 100 } });
  });

  it('trusts the answers over the preflight: another client spending the quota shows in data.quota', async () => {
    let used = 0;
    const { t, calls } = fake(() => {
      used = used === 0 ? 99 : used + 1; // the first answer reveals 99 of 100 used elsewhere
      return ok(used);
    });
    const { outcome } = await run(items(10), t, { quotaLeft: 50, concurrency: 1 });
    expect(calls).toHaveLength(2);
    expect(outcome.stopped).toBe('quota');
  });

  it('402 mid-batch stops taking rows; only those in flight meet it', async () => {
    let created = 0;
    const { t, calls } = fake(() => (created++ < 4 ? ok() : status(402)));
    const { outcome, results } = await run(items(30), t, { concurrency: 2 });
    expect(outcome.stopped).toBe('quota');
    expect(calls.length).toBeLessThanOrEqual(4 + 2);
    expect(results.filter((r) => r.status === 'created')).toHaveLength(4);
  });

  it('a dead service trips the breaker: the run ends quickly with rows failed', async () => {
    const { t, calls } = fake(() => ({ kind: 'network', code: 'ECONNREFUSED', message: 'refused', timeout: false }));
    const { results } = await run(items(100), t, { breakerThreshold: 10, concurrency: 2 });
    expect(calls.length).toBeLessThan(20);
    expect(results.every((r) => r.status === 'failed')).toBe(true);
    expect(results[99]!.error).toMatch(/not attempted: the service failed 10 requests in a row/);
  });

  it('paces attempt starts smoothly at --rate', async () => {
    const { t, calls } = fake(() => ok());
    await run(items(6), t, { rate: 50, concurrency: 6 });
    // 50/s = one start per 20 ms; one may come early, never a burst of several at once.
    const at = calls.map((c) => c.at);
    expect(at[5]! - at[0]!).toBeGreaterThanOrEqual(4 * 20 - 5);
    for (let i = 2; i < at.length; i++) expect(at[i]! - at[i - 2]!).toBeGreaterThanOrEqual(15);
  });

  it('soft stop: no new rows, those in flight finish', async () => {
    const ac = new AbortController();
    const { t, calls } = fake(() => {
      ac.abort();
      return ok();
    });
    const { results, outcome } = await run(items(10), t, { concurrency: 1, signal: ac.signal });
    expect(calls).toHaveLength(1);
    expect(results[0]!.status).toBe('created');
    expect(results.slice(1).every((r) => r.status === 'not_sent')).toBe(true);
    expect(outcome.stopped).toBe('interrupted');
  });

  it('journals before the first request of a row', async () => {
    const order: string[] = [];
    const { t } = fake((k) => {
      order.push(`call ${k}`);
      return ok();
    });
    await run(items(2), t, {
      concurrency: 1,
      onSending: async (i) => void order.push(`sending ${i.key}`),
      onResult: async (r) => void order.push(`result ${r.key}`),
    });
    for (const k of ['key-0', 'key-1']) {
      expect(order.indexOf(`sending ${k}`)).toBeLessThan(order.indexOf(`call ${k}`));
      expect(order.indexOf(`call ${k}`)).toBeLessThan(order.indexOf(`result ${k}`));
    }
  });
});

describe('sendBatch: what a single-character change in the core would break', () => {
  it('counts the quota down after each created row when answers carry no quota', async () => {
    const bare: Outcome = { kind: 'http', status: 200, json: { success: true, data: { text: 'ad_id: 1800000000000000001' } }, text: '' };
    const { t, calls } = fake(() => bare);
    const { results, outcome } = await run(items(10), t, { quotaLeft: 3, concurrency: 1 });
    expect(calls).toHaveLength(3);
    expect(results.filter((r) => r.status === 'not_sent')).toHaveLength(7);
    expect(outcome.stopped).toBe('quota');
  });

  it('the breaker opens at exactly its threshold of transient failures in a row', async () => {
    const { t, calls } = fake(() => ({ kind: 'network', code: 'ECONNRESET', message: 'reset', timeout: false }));
    const { results } = await run(items(20), t, { breakerThreshold: 10, concurrency: 1, retries: 0 });
    expect(calls).toHaveLength(10);
    expect(results[9]!.error).toMatch(/gave up: the service failed 10 requests in a row/);
    expect(results[10]!.error).toMatch(/^not attempted: the service failed 10 requests in a row/);
  });

  it('waits for the journal line before the request goes out', async () => {
    const order: string[] = [];
    const { t } = fake((k) => {
      order.push(`call ${k}`);
      return ok();
    });
    await run(items(1), t, {
      onSending: async (i) => {
        await new Promise((r) => setTimeout(r, 20));
        order.push(`sending ${i.key}`);
      },
    });
    expect(order).toEqual(['sending key-0', 'call key-0']);
  });
});

describe('sendBatch: what each row says when the batch stops around it', () => {
  const withAdvertiser = (n: number, adv?: string): SendItem[] =>
    Array.from({ length: n }, (_, i) => ({ seq: i, key: `key-${i}-abcdefgh`, args: { ad_text: `t${i}`, ...(adv ? { advertiser_id: adv } : {}) } }));
  const errors = (results: SendResult[]) => results.map((r) => [r.status, r.attempts, r.error ?? r.adId]);

  it('a refused key on the first request: the others are not sent, each saying why', async () => {
    const { t, calls } = fake(() => status(401, { json: { success: false, error: 'Invalid API key' } }));
    const { results, outcome } = await run(items(3), t);
    expect(calls).toHaveLength(1);
    expect(errors(results)).toEqual([
      ['not_sent', 1, 'not created: the API refused the key (HTTP 401): Invalid API key'],
      ['not_sent', 0, 'not sent: the batch stopped (the API refused the key (HTTP 401): Invalid API key)'],
      ['not_sent', 0, 'not sent: the batch stopped (the API refused the key (HTTP 401): Invalid API key)'],
    ]);
    expect(outcome).toEqual({ stopped: 'auth', stopMessage: 'the API refused the key (HTTP 401): Invalid API key', requests: 1 });
  });

  it('an interrupted batch sends nothing more; an empty quota sends nothing at all', async () => {
    const stop = new AbortController();
    stop.abort();
    const { t, calls } = fake(() => ok());
    const interrupted = await run(items(2), t, { signal: stop.signal });
    expect(calls).toHaveLength(0);
    expect(errors(interrupted.results)).toEqual([
      ['not_sent', 0, 'not sent: the batch was interrupted; run the same command again to resume'],
      ['not_sent', 0, 'not sent: the batch was interrupted; run the same command again to resume'],
    ]);
    expect(interrupted.outcome.stopped).toBe('interrupted');
    const empty = await run(items(2), fake(() => ok()).t, { quotaLeft: 0 });
    expect(errors(empty.results)).toEqual([
      // Every row the quota has no room for says so alike, as the plan does.
      ['not_sent', 0, 'not sent: the monthly quota has no room for this row; it resumes when the quota resets or after an upgrade'],
      ['not_sent', 0, 'not sent: the monthly quota has no room for this row; it resumes when the quota resets or after an upgrade'],
    ]);
    expect(empty.outcome).toMatchObject({ stopped: 'quota', stopMessage: 'the monthly quota has no room for more calls', requests: 0 });
  });

  it('a quota that runs out on the way: the answer without figures counts down, the rest wait', async () => {
    const { t, calls } = fake(() => ({ kind: 'http', status: 200, json: { success: true, data: { ad_id: '1800000000000000001' } }, text: '' }));
    const { results, outcome } = await run(items(4), t, { quotaLeft: 2, concurrency: 1 });
    expect(calls).toHaveLength(2);
    expect(results.map((r) => r.status)).toEqual(['created', 'created', 'not_sent', 'not_sent']);
    expect(outcome.stopped).toBe('quota');
  });

  it('the quota stop from the service sets the rest aside with its message', async () => {
    const q = { used: 150, limit: 150, tier: 'plus', period_end: '2026-12-01' };
    const { t } = fake(() => status(402, { json: { success: false, error: 'Monthly limit reached', quota: q } }));
    const seen: unknown[] = [];
    const { results, outcome } = await run(items(2), t, { onQuota: (x) => void seen.push(x) });
    expect(errors(results)).toEqual([
      ['not_sent', 1, 'not created: Monthly limit reached'],
      ['not_sent', 0, 'not sent: the batch stopped (Monthly limit reached)'],
    ]);
    expect(outcome).toMatchObject({ stopped: 'quota', quota: q });
    expect(seen).toEqual([q]);
  });

  it('the multi-account prompt: rows naming no advertiser wait with the advice, rows naming one go on', async () => {
    const prompt = 'You have 2 tiktok_ads accounts connected. Please specify which account to use:\n - A (advertiser_id="111")\n - B (advertiser_id="222")';
    const { t } = fake((key) => (key.startsWith('named') ? ok() : status(400, { json: { success: false, error: prompt } })));
    const list: SendItem[] = [...withAdvertiser(2), { seq: 2, key: 'named-1', args: { ad_text: 'x', advertiser_id: '111' } }];
    const { results, outcome } = await run(list, t, { concurrency: 1 });
    const advice = 'You have 2 tiktok_ads accounts connected. Please specify which account to use: - A (advertiser_id="111") - B (advertiser_id="222")';
    expect(errors(results)).toEqual([
      ['not_sent', 1, `not created: ${advice}. Fill advertiser_id, or pass --advertiser-id ID (it fills only empty cells)`],
      ['not_sent', 0, `not sent: ${advice}. Fill advertiser_id, or pass --advertiser-id ID (it fills only empty cells)`],
      ['created', 1, '1800000000000000001'],
    ]);
    // Something was created: the batch is not stopped for the account set-up.
    expect(outcome.stopped).toBeNull();
    expect(outcome.accounts).toEqual(['111', '222']);
  });

  it('an advertiser the service says is not connected: its other rows wait; with nothing created the batch stops for the account', async () => {
    const { t, calls } = fake(() => status(400, { json: { success: false, error: 'Advertiser 7000000000000000009 is not connected' } }));
    const { results, outcome } = await run(withAdvertiser(3, '7000000000000000009'), t, { concurrency: 1 });
    expect(calls).toHaveLength(1);
    expect(errors(results)).toEqual([
      ['rejected', 1, 'Advertiser 7000000000000000009 is not connected'],
      [
        'not_sent',
        0,
        'not sent: the service said advertiser 7000000000000000009 is not connected (row of key key-0-ab…): connect it in Adspirer or fix advertiser_id',
      ],
      [
        'not_sent',
        0,
        'not sent: the service said advertiser 7000000000000000009 is not connected (row of key key-0-ab…): connect it in Adspirer or fix advertiser_id',
      ],
    ]);
    expect(outcome).toMatchObject({
      stopped: 'account',
      stopMessage: 'the service said advertiser 7000000000000000009 is not connected (row of key key-0-ab…): connect it in Adspirer or fix advertiser_id',
    });
  });

  it('a success that names no ad says so in the report; one with figures sets the quota', async () => {
    const q = { used: 7, limit: 150, tier: 'plus', period_end: '2026-12-01' };
    const { t } = fake((key) => (key === 'key-0' ? { kind: 'http', status: 200, json: { success: true, data: { text: 'done', quota: q } }, text: '' } : ok()));
    const { results, outcome } = await run(items(2), t);
    expect(errors(results)).toEqual([
      ['created', 1, 'the answer named no ad_id; find the ad in TikTok Ads Manager'],
      ['created', 1, '1800000000000000001'],
    ]);
    expect(outcome.quota).toMatchObject({ used: 1 });
  });

  it('answers lost to the end make the row unknown, with the last reason and what happens next', async () => {
    const { t } = fake(() => ({ kind: 'network', code: 'ECONNRESET', message: 'the connection was closed before the answer arrived', timeout: false }));
    const { results } = await run(items(1), t, { retries: 1 });
    expect(errors(results)).toEqual([
      [
        'unknown',
        2,
        expect.stringMatching(
          /^.*the connection was closed before the answer arrived.*; the service may have created it \(an answer was lost\), so it is re-sent with its same key on the next run, which the service answers with what happened$/,
        ),
      ],
    ]);
    expect(results[0]!.error).not.toMatch(/^not (created|sent): /);
  });

  it('a second Ctrl-C abandons a request in flight: unknown, to be re-sent with its key', async () => {
    const hard = new AbortController();
    const t: Transport = {
      async call(_tool, _args, options) {
        // The user presses Ctrl-C twice while the request is on its way: undici ends it with an abort.
        setImmediate(() => hard.abort());
        return await new Promise<Outcome>((resolve) =>
          options?.signal?.addEventListener('abort', () => resolve({ kind: 'network', code: 'ABORT_ERR', message: 'aborted', timeout: false })),
        );
      },
    };
    const { results } = await run(items(1), t, { hardSignal: hard.signal });
    expect(errors(results)).toEqual([
      [
        'unknown',
        1,
        'interrupted while in flight; the next run re-sends it with the same key; the service may have created it (an answer was lost), so it is re-sent with its same key on the next run, which the service answers with what happened',
      ],
    ]);
  });
});

describe('sendBatch: rows waiting for their turn when the batch is abandoned', () => {
  const errors = (results: SendResult[]) => results.map((r) => [r.status, r.attempts, r.error ?? r.adId]);
  it('a row never sent is not_sent and says so, not "interrupted while in flight"; one sent before and waiting for its retry is unknown if its answer was lost', async () => {
    const hard = new AbortController();
    // One row at a time: the second Ctrl-C comes while the first row's request is on its way.
    const { t, calls } = fake(() => {
      hard.abort();
      return ok();
    });
    const { results } = await run(items(3), t, { hardSignal: hard.signal, rate: 20, concurrency: 1, sleep });
    expect(calls).toHaveLength(1);
    expect(errors(results)).toEqual([
      ['unknown', 1, expect.stringMatching(/^interrupted while in flight; /)],
      ['not_sent', 0, 'not sent: the batch was interrupted; run the same command again to resume'],
      ['not_sent', 0, 'not sent: the batch was interrupted; run the same command again to resume'],
    ]);
    // A row whose first answer was lost (a timeout) waits for its retry when the batch is abandoned.
    const hard2 = new AbortController();
    const lost = fake(() => {
      setImmediate(() => hard2.abort());
      return { kind: 'network', code: 'UND_ERR_HEADERS_TIMEOUT', message: 'timeout', timeout: true };
    });
    const waiting = await run(items(1), lost.t, { hardSignal: hard2.signal, backoff: { minTimeout: 50, maxTimeout: 50 }, sleep });
    expect(lost.calls).toHaveLength(1);
    expect(waiting.results[0]!.status).toBe('unknown');
    expect(waiting.results[0]!.error).not.toMatch(/in flight/);
  });
});

describe("sendBatch: a throttle (429) is the batch's business", () => {
  const throttle = (text?: string, extra: Partial<Extract<Outcome, { kind: 'http' }>> = {}): Outcome => ({
    kind: 'http',
    status: 429,
    json: { success: false, is_error: true, error: text ?? 'Too many requests', tool: 'add_tiktok_ad' },
    text: '',
    ...extra,
  });

  it("pauses for the wait the answer's text names, uses no retry, and never ends the row", async () => {
    const { t, calls } = fake((_k, n) => (n <= 5 ? throttle('Upstream platform rate limit hit (throttle at 95%). Retry after 60 seconds.') : ok()));
    const pauses: number[] = [];
    const { results, sleeps, outcome } = await run(items(1), t, { retries: 0, breakerThreshold: 2, onPause: (p) => void pauses.push(p.waitMs) });
    expect(calls).toHaveLength(6);
    expect(results[0]).toMatchObject({ status: 'created', attempts: 6 });
    expect(pauses).toEqual([60_000, 60_000, 60_000, 60_000, 60_000]);
    expect(sleeps.every((ms) => ms > 59_000 && ms <= 60_000)).toBe(true);
    expect(outcome.stopped).toBeNull();
  });

  it('names no wait: 30 s, doubling while throttles follow each other, back to 30 s after a success', async () => {
    let n = 0;
    const script = [429, 429, 429, 200, 429, 200];
    const t: Transport = { call: async () => (script[n++] === 429 ? throttle() : ok()) };
    const pauses: number[] = [];
    // A fixed rate: the pauses are what is measured here, not the slower pace after them.
    await run(items(2), t, { concurrency: 1, adaptive: false, onPause: (p) => void pauses.push(p.waitMs) });
    expect(pauses).toEqual([30_000, 60_000, 120_000, 30_000]);
  });

  it('no attempt of any row starts while the batch is paused', async () => {
    const starts: { key: string; at: number }[] = [];
    let throttledOnce = false;
    const t: Transport = {
      async call(_tool, _args, options) {
        const key = options?.idempotencyKey ?? '';
        starts.push({ key, at: Date.now() });
        // Row 2 (after the lone first request, with others in flight) meets the throttle once.
        const throttle429 = key === 'key-2' && !throttledOnce;
        if (throttle429) throttledOnce = true;
        await new Promise((r) => setTimeout(r, 5));
        return throttle429 ? throttle('retry after 150 ms') : ok();
      },
    };
    const pauses: { at: number; until: number }[] = [];
    // The real sleep and a fixed pace: the pause itself is measured on the clock.
    const { results } = await run(items(12), t, {
      sleep: undefined as never,
      concurrency: 4,
      rate: 200,
      adaptive: false,
      onPause: (p) => void pauses.push({ at: Date.now(), until: p.until }),
    });
    expect(results.every((r) => r.status === 'created')).toBe(true);
    expect(pauses).toHaveLength(1);
    const { at, until } = pauses[0]!;
    // Rows were waiting when the pause began, and none started until it ended.
    expect(starts.filter((s) => s.at > at && s.at < until - 2)).toEqual([]);
    expect(starts.filter((s) => s.at >= until - 2).length).toBeGreaterThan(0);
    expect(starts.filter((s) => s.key === 'key-2')).toHaveLength(2);
  });

  it('past --max-wait the batch stops: the rows left are not_sent, saying when to come back', async () => {
    const { t, calls } = fake(() => throttle('Retry after 40 seconds.'));
    const { results, outcome } = await run(items(3), t, { throttle: { maxTotalMs: 60_000 } });
    expect(outcome.stopped).toBe('throttled');
    expect(outcome.stopMessage).toMatch(
      /^TikTok's rate limit has held the batch back 40 s and asks for 40 s more, past --max-wait 60; run the same command again after \d\d:\d\d:\d\d to send the rest$/,
    );
    expect(results.map((r) => r.status)).toEqual(['not_sent', 'not_sent', 'not_sent']);
    expect(results[0]!.error).toMatch(/^not created: rate limited \(HTTP 429\): Retry after 40 seconds\.; the batch stopped before a retry/);
    expect(results[2]!.error).toMatch(/^not sent: the batch stopped \(TikTok's rate limit/);
    // The probe, its one retry after 40 s, and nothing more.
    expect(calls).toHaveLength(2);
  });

  it('429s do not open the breaker; other transient failures still do', async () => {
    const { t } = fake((_k, n) => (n <= 6 ? throttle('retry in 1 s') : ok()));
    const { results, outcome } = await run(items(2), t, { breakerThreshold: 3, adaptive: false });
    expect(results.map((r) => r.status)).toEqual(['created', 'created']);
    expect(outcome.stopped).toBeNull();
    const dead = fake(() => status(503));
    const down = await run(items(2), dead.t, { breakerThreshold: 3, retries: 5 });
    expect(down.results.map((r) => r.status)).toEqual(['failed', 'failed']);
  });
});

describe('sendBatch: the quota stop uses every call there is', () => {
  it('a row that finds no room waits for the rows in flight: those that end without using a call leave room for it', async () => {
    // Room for 3; rows 0 and 1 are rejected (no call used), so rows 2–4 are created and 5 waits.
    const t: Transport = {
      async call(_tool, _args, options) {
        await new Promise((r) => setTimeout(r, 2));
        const k = options?.idempotencyKey ?? '';
        return k === 'key-0' || k === 'key-1'
          ? status(400)
          : { kind: 'http', status: 200, json: { success: true, data: { text: 'ad_id: 1800000000000000001' } }, text: '' };
      },
    };
    const { results, outcome } = await run(items(6), t, { quotaLeft: 3 });
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'created', 'created', 'created', 'not_sent']);
    expect(outcome.stopped).toBe('quota');
  });
});
