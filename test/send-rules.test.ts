import { describe, expect, it } from 'vitest';
import { judge, RULES, type Verdict } from '../src/send/rules.js';
import { afterFailure } from '../src/send/after-failure.js';
import { parseRetryAfter } from '../src/send/retry-after.js';
import { sleep } from '../src/send/sleep.js';
import { getEventListeners } from 'node:events';
import { adIdOf, quotaOf, isAccountPrompt, promptedAccounts, errorTextOf, isQuotaExhausted, notConnectedAdvertiser, oneLine } from '../src/send/answer.js';
import { connectedAccounts, describeAccount } from '../src/send/accounts.js';
import { RunError } from '../src/errors.js';
import { resolveEndpoint, toolPath } from '../src/send/endpoint.js';
import type { Outcome } from '../src/send/outcome.js';
import type { Transport } from '../src/send/transport.js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AdspirerClient } from '../src/send/client.js';
import { VERSION } from '../src/version.js';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadApiKey } from '../src/send/api-key.js';
import { adGroupIdsOf, adsOf, askList } from '../src/send/lists.js';
import { callsLeft, planTerms } from '../src/send/plan-terms.js';
import { tempDir } from './helpers/tmp.js';

const NOW = Date.parse('2026-11-29T12:00:00Z');
const http = (status: number, json: unknown, extra: Partial<Extract<Outcome, { kind: 'http' }>> = {}): Outcome => ({
  kind: 'http',
  status,
  json,
  text: json === undefined ? '' : JSON.stringify(json),
  ...extra,
});
const QUOTA = { used: 42, limit: 150, tier: 'plus', period_end: '2026-12-01' };

describe('retry rules, case by case', () => {
  it('network errors and timeouts: retry (the ad may exist; the key makes it safe)', () => {
    expect(judge({ kind: 'network', code: 'ECONNRESET', message: 'reset', timeout: false }, NOW)).toEqual({ kind: 'retry', message: 'reset', inDoubt: true });
    expect(judge({ kind: 'network', code: 'UND_ERR_HEADERS_TIMEOUT', message: 'the request timed out', timeout: true }, NOW)).toMatchObject({
      kind: 'retry',
      inDoubt: true,
    });
    // Failures before the request left this machine: nothing reached the service.
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']) {
      expect(judge({ kind: 'network', code, message: 'x', timeout: false }, NOW), code).toEqual({ kind: 'retry', message: 'x' });
    }
  });
  it('200 success: created, with ad_id from data.ad_id, else from the text, and the quota', () => {
    expect(judge(http(200, { success: true, data: { ad_id: '1812345678901234567', text: 'x', quota: QUOTA } }), NOW)).toEqual({
      kind: 'created',
      adId: '1812345678901234567',
      quota: QUOTA,
    });
    expect(judge(http(200, { success: true, data: { text: 'Created TikTok ad "A" (ad_id: 1899999999999999999) in ad group 1' } }), NOW)).toEqual({
      kind: 'created',
      adId: '1899999999999999999',
    });
    expect(judge(http(200, { success: true, data: { text: 'done' } }), NOW)).toEqual({ kind: 'created' });
  });
  it('200 with a body that is not JSON: outcome unknown, retry', () => {
    expect(judge(http(200, undefined, { text: '<html><title>Portal</title></html>' }), NOW)).toMatchObject({
      kind: 'retry',
      message: expect.stringContaining('non-JSON'),
      inDoubt: true,
    });
  });
  it('200 with success false: rejected with the tool message', () => {
    expect(judge(http(200, { success: false, error: 'TikTok said no' }), NOW)).toEqual({ kind: 'rejected', message: 'TikTok said no' });
  });
  it('401: stop the batch (auth)', () => {
    expect(judge(http(401, { success: false, error: 'Invalid API key' }), NOW)).toMatchObject({ kind: 'stop', reason: 'auth' });
  });
  it('402: stop the batch (quota), keeping the quota block', () => {
    const v = judge(
      http(402, {
        success: false,
        error: '🚨 Monthly limit reached (150/150 tool calls on Plus tier).\nUpgrade',
        quota: { ...QUOTA, used: 150, upgrade_url: 'https://adspirer.ai' },
      }),
      NOW,
    );
    expect(v).toMatchObject({ kind: 'stop', reason: 'quota', message: 'Monthly limit reached (150/150 tool calls on Plus tier). Upgrade' });
    expect(v.kind === 'stop' && v.quota?.upgrade_url).toBe('https://adspirer.ai');
  });
  it('the multi-account prompt, as a 400 or a 200 with success false: rows naming no advertiser are set aside, listing the accounts', () => {
    const error =
      'You have 2 tiktok_ads accounts connected. Please specify which account to use by passing the advertiser_id parameter:\n - A (advertiser_id="111")\n - B (advertiser_id="222")';
    expect(judge(http(400, { success: false, error }), NOW)).toMatchObject({ kind: 'unnamed', accounts: ['111', '222'] });
    expect(judge(http(200, { success: false, error }), NOW)).toMatchObject({ kind: 'unnamed', accounts: ['111', '222'] });
  });
  it('a 200 with success false saying the quota is spent: a stop, as its 402 twin', () => {
    const error = '\ud83d\udea8 Monthly limit reached (150/150 tool calls on Plus tier).';
    expect(judge(http(200, { success: false, error, quota: { used: 150, limit: 150, tier: 'plus', period_end: '2026-12-01' } }), NOW)).toMatchObject({
      kind: 'stop',
      reason: 'quota',
      quota: { used: 150 },
    });
  });
  it('an advertiser that is not connected: rejected, naming it so that its other rows are set aside', () => {
    expect(judge(http(400, { success: false, error: 'TikTok advertiser 7000000000000000009 is not connected to this Adspirer account.' }), NOW)).toMatchObject({
      kind: 'rejected',
      unconnected: { advertiser: '7000000000000000009' },
    });
  });
  it('400: rejected, final', () => {
    expect(judge(http(400, { success: false, error: 'Invalid parameter ad_text' }), NOW)).toEqual({ kind: 'rejected', message: 'Invalid parameter ad_text' });
  });
  it('409: rejected, final, saying what happened and what to do', () => {
    expect(judge(http(409, { success: false, error: 'key reused' }), NOW)).toEqual({
      kind: 'rejected',
      message: `conflict (HTTP 409: key reused): the service already holds a different request under this row's Idempotency-Key, so it did not create this ad. Look in TikTok Ads Manager for an ad from this row; if there is none, run again with --retry-rejected, which sends it under a new key`,
    });
  });
  it('404: setup error (wrong endpoint)', () => {
    expect(judge(http(404, { error: 'Unknown tool' }), NOW)).toMatchObject({ kind: 'stop', reason: 'setup' });
  });
  it('429: retry, honouring Retry-After in seconds or as a date', () => {
    expect(judge(http(429, { error: 'slow down' }, { retryAfter: '30' }), NOW)).toMatchObject({ kind: 'retry', retryAfterMs: 30_000 });
    expect(judge(http(429, {}, { retryAfter: new Date(NOW + 45_000).toUTCString() }), NOW)).toMatchObject({ retryAfterMs: 45_000 });
    expect(judge(http(429, {}), NOW)).toEqual({ kind: 'retry', message: 'rate limited (HTTP 429)', throttled: true });
    expect(judge(http(503, {}, { retryAfter: '3' }), NOW)).not.toHaveProperty('throttled');
  });
  it('500, 502, 503, 504 and 408: retry; an HTML page becomes a readable message with its status', () => {
    for (const s of [500, 502, 503, 504, 408]) expect(judge(http(s, { error: 'x' }), NOW).kind).toBe('retry');
    expect(judge(http(502, undefined, { text: '<html><head><title>502 Bad Gateway</title></head></html>' }), NOW)).toEqual({
      kind: 'retry',
      message: 'HTTP 502 with a non-JSON answer ("502 Bad Gateway")',
      inDoubt: true,
    });
    // A gateway's 502 or 504: its upstream may have done the work. A 500 or 503 is the service's own answer.
    expect(judge(http(504, { error: 'x' }), NOW)).toMatchObject({ inDoubt: true });
    expect(judge(http(503, { error: 'x' }), NOW)).not.toHaveProperty('inDoubt');
  });
  it('3xx: a redirect is a setup error, never followed', () => {
    expect(judge(http(307, undefined, { location: 'https://evil.example.net/steal' }), NOW)).toMatchObject({
      kind: 'stop',
      reason: 'setup',
      message: expect.stringContaining('https://evil.example.net'),
    });
  });
  it('a plain 500, and every other 5xx, is retried', () => {
    for (const code of [500, 501, 502, 503, 504, 599]) expect(judge(http(code, { success: false, error: 'boom' }), NOW).kind, String(code)).toBe('retry');
  });
  it('every rule has a name and the last matches anything', () => {
    expect(RULES.every((r) => r.name.length > 10)).toBe(true);
    expect(RULES[RULES.length - 1]!.when(http(101, {}))).toBe(true);
  });
});

describe('retry rules at their edges: each status class bounded, each message whole', () => {
  const prompt = 'You have 2 tiktok_ads accounts connected. Please specify which account to use:\n - A (advertiser_id="111")';
  const unconnected = 'Advertiser 7000000000000000009 is not connected';
  const cases: [string, Outcome, Verdict][] = [
    ['network, never sent', { kind: 'network', code: 'ENETUNREACH', message: 'no route', timeout: false }, { kind: 'retry', message: 'no route' }],
    ['network, never sent (host)', { kind: 'network', code: 'EHOSTUNREACH', message: 'no host', timeout: false }, { kind: 'retry', message: 'no host' }],
    ['success as the string "true"', http(200, { success: 'true', data: { ad_id: '1812345678' } }), { kind: 'created', adId: '1812345678' }],
    ['299 success', http(299, { success: true }), { kind: 'created' }],
    ['199 success is no answer', http(199, { success: true }), { kind: 'retry', message: 'unexpected HTTP 199' }],
    [
      '300 success is a redirect',
      http(300, { success: true }),
      {
        kind: 'stop',
        reason: 'setup',
        message: 'the endpoint answered with a redirect (HTTP 300), which is not followed so the API key stays with the host you named; check --endpoint',
      },
    ],
    [
      '200 not JSON, titled',
      http(200, undefined, { text: '<html><TITLE> Portal </TITLE></html>' }),
      { kind: 'retry', message: 'HTTP 200 with a non-JSON answer ("Portal"): the answer could not be read', inDoubt: true },
    ],
    [
      '299 not JSON',
      http(299, undefined, { text: 'ok' }),
      { kind: 'retry', message: 'HTTP 299 with a non-JSON answer: the answer could not be read', inDoubt: true },
    ],
    ['200 a JSON list', http(200, [1, 2]), { kind: 'retry', message: 'HTTP 200: the answer could not be read', inDoubt: true }],
    [
      '299 quota spent',
      http(299, { success: false, error: 'Monthly limit reached', quota: QUOTA }),
      { kind: 'stop', reason: 'quota', message: 'Monthly limit reached', quota: QUOTA },
    ],
    ['200 quota spent, no figures', http(200, { success: false, error: 'quota exhausted' }), { kind: 'stop', reason: 'quota', message: 'quota exhausted' }],
    [
      '300 quota spent is a redirect',
      http(300, { success: false, error: 'Monthly limit reached' }),
      {
        kind: 'stop',
        reason: 'setup',
        message: 'the endpoint answered with a redirect (HTTP 300), which is not followed so the API key stays with the host you named; check --endpoint',
      },
    ],
    [
      '299 account prompt',
      http(299, { success: false, error: prompt }),
      {
        kind: 'unnamed',
        message: 'You have 2 tiktok_ads accounts connected. Please specify which account to use: - A (advertiser_id="111")',
        accounts: ['111'],
      },
    ],
    [
      '401 account prompt is the key',
      http(401, { success: false, error: prompt }),
      {
        kind: 'stop',
        reason: 'auth',
        message: 'the API refused the key (HTTP 401): You have 2 tiktok_ads accounts connected. Please specify which account to use: - A (advertiser_id="111")',
      },
    ],
    [
      '200 not connected',
      http(200, { success: false, error: unconnected }),
      { kind: 'rejected', message: unconnected, unconnected: { advertiser: '7000000000000000009' } },
    ],
    [
      '299 not connected',
      http(299, { success: false, error: unconnected }),
      { kind: 'rejected', message: unconnected, unconnected: { advertiser: '7000000000000000009' } },
    ],
    [
      '400 not connected',
      http(400, { success: false, error: 'That account is not connected' }),
      { kind: 'rejected', message: 'That account is not connected', unconnected: {} },
    ],
    [
      '300 not connected is a redirect',
      http(300, { error: unconnected }),
      {
        kind: 'stop',
        reason: 'setup',
        message: 'the endpoint answered with a redirect (HTTP 300), which is not followed so the API key stays with the host you named; check --endpoint',
      },
    ],
    ['422 not connected is a plain rejection', http(422, { success: false, error: unconnected }), { kind: 'rejected', message: unconnected }],
    ['200 success false, no reason', http(200, { success: false }), { kind: 'rejected', message: 'the API answered success: false without a reason' }],
    ['200 success "false"', http(200, { success: 'false' }), { kind: 'rejected', message: 'the API answered success: false without a reason' }],
    ['200 an error alone', http(200, { error: { message: 'bad text' } }), { kind: 'rejected', message: 'bad text' }],
    [
      '299 neither',
      http(299, { data: { text: 'Working on it' } }),
      { kind: 'retry', message: 'the service answered 200 without saying whether the ad was created', inDoubt: true },
    ],
    ['403', http(403, {}), { kind: 'stop', reason: 'auth', message: 'the API refused the key (HTTP 403): invalid or missing API key' }],
    ['402, no figures', http(402, { error: 'Upgrade' }), { kind: 'stop', reason: 'quota', message: 'Upgrade' }],
    ['402, nothing said', http(402, {}), { kind: 'stop', reason: 'quota', message: 'the monthly quota is spent' }],
    [
      '404',
      http(404, { error: 'no such tool' }),
      { kind: 'stop', reason: 'setup', message: 'the endpoint does not serve this tool (HTTP 404: no such tool); check --endpoint' },
    ],
    [
      '404, nothing said',
      http(404, {}),
      { kind: 'stop', reason: 'setup', message: 'the endpoint does not serve this tool (HTTP 404: not found); check --endpoint' },
    ],
    [
      '409, nothing said',
      http(409, {}),
      {
        kind: 'rejected',
        message: `conflict (HTTP 409: the Idempotency-Key was used with other arguments): the service already holds a different request under this row's Idempotency-Key, so it did not create this ad. Look in TikTok Ads Manager for an ad from this row; if there is none, run again with --retry-rejected, which sends it under a new key`,
      },
    ],
    [
      '400 not JSON',
      http(400, undefined, { text: '<title>Bad Request</title>' }),
      { kind: 'rejected', message: 'HTTP 400 with a non-JSON answer ("Bad Request")' },
    ],
    ['422, nothing said', http(422, {}), { kind: 'rejected', message: 'HTTP 422' }],
    ['499', http(499, { error: 'client closed' }), { kind: 'rejected', message: 'client closed' }],
    ['408', http(408, {}), { kind: 'retry', message: 'HTTP 408: server error' }],
    ['429 with seconds', http(429, {}, { retryAfter: '3' }), { kind: 'retry', message: 'rate limited (HTTP 429)', retryAfterMs: 3000, throttled: true }],
    ['500', http(500, { error: 'boom' }), { kind: 'retry', message: 'HTTP 500: boom' }],
    ['500 not JSON', http(500, undefined, { text: 'Internal' }), { kind: 'retry', message: 'HTTP 500 with a non-JSON answer' }],
    ['502', http(502, {}), { kind: 'retry', message: 'HTTP 502: server error', inDoubt: true }],
    [
      '503 with a date',
      http(503, {}, { retryAfter: 'Sun, 29 Nov 2026 12:00:10 GMT' }),
      { kind: 'retry', message: 'HTTP 503: server error', retryAfterMs: 10_000 },
    ],
    ['504', http(504, {}), { kind: 'retry', message: 'HTTP 504: server error', inDoubt: true }],
    ['599', http(599, {}), { kind: 'retry', message: 'HTTP 599: server error' }],
    [
      '301 to another host',
      http(301, {}, { location: 'https://evil.example/path?q=1' }),
      {
        kind: 'stop',
        reason: 'setup',
        message:
          'the endpoint answered with a redirect (HTTP 301 to https://evil.example), which is not followed so the API key stays with the host you named; check --endpoint',
      },
    ],
    [
      '399 to a relative place',
      http(399, {}, { location: `/${'x'.repeat(100)}` }),
      {
        kind: 'stop',
        reason: 'setup',
        message: `the endpoint answered with a redirect (HTTP 399 to /${'x'.repeat(79)}), which is not followed so the API key stays with the host you named; check --endpoint`,
      },
    ],
    ['100', http(100, {}), { kind: 'retry', message: 'unexpected HTTP 100' }],
  ];
  for (const [name, outcome, verdict] of cases) {
    it(name, () => expect(judge(outcome, NOW)).toEqual(verdict));
  }
});

describe('after a transient failure (afterFailure), first match wins', () => {
  const transient = (extra: { retryAfterMs?: number } = {}) => ({ kind: 'retry' as const, message: 'HTTP 503: busy', ...extra });
  const ctx = { attempt: 2, retriesLeft: 2, breakerOpen: false, breakerThreshold: 12, stopping: false, maxRetryAfterMs: 120_000, now: NOW };
  it('retries, waiting out Retry-After (or nothing, and p-retry backs off)', () => {
    expect(afterFailure(transient(), ctx)).toEqual({ again: true, waitMs: 0 });
    expect(afterFailure(transient({ retryAfterMs: 7000 }), ctx)).toEqual({ again: true, waitMs: 7000 });
  });
  it('a Retry-After exactly at the limit is waited out; one millisecond more is not', () => {
    expect(afterFailure(transient({ retryAfterMs: 120_000 }), ctx)).toEqual({ again: true, waitMs: 120_000 });
    expect(afterFailure(transient({ retryAfterMs: 120_001 }), ctx)).toMatchObject({
      again: false,
      status: 'failed',
      error: expect.stringMatching(/asked to wait until 2026-11-29T12:02:00Z, longer than the 120 s this run waits/),
    });
  });
  it('no retries left: failed, saying how many attempts were made', () => {
    expect(afterFailure(transient(), { ...ctx, retriesLeft: 0, attempt: 5 })).toEqual({
      again: false,
      status: 'failed',
      error: 'HTTP 503: busy (gave up after 5 attempts); run again to retry with the same key',
    });
    expect(afterFailure(transient(), { ...ctx, retriesLeft: 0, attempt: 1 })).toMatchObject({ error: expect.stringContaining('after 1 attempt)') });
  });
  it('a 429 never ends a row: no retry of --retries used, no breaker, no Retry-After cap; only a stopping batch ends it', () => {
    const throttled = { kind: 'retry' as const, message: 'rate limited (HTTP 429)', throttled: true, retryAfterMs: 999_999 };
    expect(afterFailure(throttled, { ...ctx, retriesLeft: 0, attempt: 40 })).toEqual({ again: true, waitMs: 0 });
    expect(afterFailure(throttled, { ...ctx, breakerOpen: true })).toEqual({ again: true, waitMs: 0 });
    expect(afterFailure(throttled, { ...ctx, stopping: true })).toEqual({
      again: false,
      status: 'not_sent',
      error: 'not created: rate limited (HTTP 429); the batch stopped before a retry. Run again to resume',
    });
  });
  it('an open breaker ends the row before anything else', () => {
    expect(afterFailure(transient({ retryAfterMs: 999_999 }), { ...ctx, breakerOpen: true, retriesLeft: 0, stopping: true })).toMatchObject({
      again: false,
      status: 'failed',
      error: expect.stringContaining('the service failed 12 requests in a row'),
    });
  });
  it('a stopping batch leaves the row not_sent, to resume with the same key', () => {
    expect(afterFailure(transient(), { ...ctx, stopping: true })).toMatchObject({
      again: false,
      status: 'not_sent',
      error: expect.stringContaining('the batch stopped before a retry'),
    });
  });
});

describe('Retry-After', () => {
  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter('Sun, 29 Nov 2026 12:01:00 GMT', NOW)).toBe(60_000);
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
  });
});

describe('answers', () => {
  it('reads ad ids, quota and account prompts', () => {
    expect(adIdOf({ data: { ad_id: 1812 } })).toBe('1812');
    // eslint-disable-next-line no-loss-of-precision -- an ID above 2^53, as a JSON number arrives
    expect(adIdOf({ data: { ad_id: 1.8123456789012345e18, text: 'ad_id: 1812345678901234567' } })).toBe('1812345678901234567');
    expect(adIdOf({ data: { ad_id: '1812345678' } })).toBe('1812345678');
    expect(quotaOf({ quota: { used: 1, limit: 2 } })).toMatchObject({ used: 1, limit: 2, tier: 'unknown' });
    expect(isAccountPrompt('You have 25 meta_ads accounts connected. Please specify which account to use')).toBe(true);
    expect(promptedAccounts('(ad_account_id="act_1") (advertiser_id="22")')).toEqual(['act_1', '22']);
    expect(
      connectedAccounts({
        success: true,
        data: {
          accounts: [
            { platform: 'tiktok_ads', advertiser_id: '1' },
            { platform: 'meta_ads', account_id: 'x' },
          ],
        },
      }),
    ).toEqual([{ id: '1', status: 'connected' }]);
    expect(connectedAccounts({ success: true, data: { text: 'nothing here' } })).toBeUndefined();
  });
});

describe('endpoint', () => {
  it('defaults to the public API, takes the env, then the flag', () => {
    expect(resolveEndpoint(undefined, {}).origin).toBe('https://api.adspirer.ai');
    expect(resolveEndpoint(undefined, { ADSPIRER_BASE_URL: 'https://staging.adspirer.ai' }).origin).toBe('https://staging.adspirer.ai');
    expect(resolveEndpoint('http://127.0.0.1:9', { ADSPIRER_BASE_URL: 'https://x.ai' }).origin).toBe('http://127.0.0.1:9');
  });
  it('refuses plain http to another machine, and credentials in the URL', () => {
    expect(() => resolveEndpoint('http://api.adspirer.ai', {})).toThrow(/plain http to another machine/);
    expect(() => resolveEndpoint('http://10.0.0.5:8080', {})).toThrow(/plain http/);
    expect(() => resolveEndpoint('https://user:pw@api.adspirer.ai', {})).toThrow(/user name or password/);
    expect(() => resolveEndpoint('not a url', {})).toThrow(/not a URL/);
    expect(resolveEndpoint('http://localhost:1', {}).hostname).toBe('localhost');
    expect(resolveEndpoint('http://[::1]:1', {}).hostname).toBe('[::1]');
  });
  it('says which setting is wrong, in whole sentences', () => {
    const message = (flag: string | undefined, env: Record<string, string> = {}): string => {
      try {
        resolveEndpoint(flag, env);
      } catch (err) {
        return (err as RunError).code + ': ' + (err as Error).message;
      }
      return 'accepted';
    };
    expect(message('not a url')).toBe('USAGE: --endpoint "not a url" is not a URL; write it as https://api.adspirer.ai.');
    expect(message(undefined, { ADSPIRER_BASE_URL: 'nope' })).toBe('USAGE: ADSPIRER_BASE_URL "nope" is not a URL; write it as https://api.adspirer.ai.');
    expect(message('https://u@api.adspirer.ai')).toBe('USAGE: --endpoint must not carry a user name or password; the API key goes in ADSPIRER_API_KEY.');
    expect(message('https://:pw@api.adspirer.ai')).toBe('USAGE: --endpoint must not carry a user name or password; the API key goes in ADSPIRER_API_KEY.');
    expect(message(undefined, { ADSPIRER_BASE_URL: 'http://api.adspirer.ai:80/x' })).toBe(
      'USAGE: ADSPIRER_BASE_URL http://api.adspirer.ai uses plain http to another machine, which would send the API key unencrypted; use https://.',
    );
    expect(message('ftp://api.adspirer.ai')).toBe('USAGE: --endpoint "ftp://api.adspirer.ai" must be an https:// URL.');
    // Loopback only as a whole host name: a host that merely starts or ends like one is remote.
    expect(message('http://localhost.evil.example')).toMatch(/plain http to another machine/);
    expect(message('http://my-localhost')).toMatch(/plain http to another machine/);
    expect(message('http://127.0.0.1.nip.io')).toMatch(/plain http to another machine/);
    expect(message('http://LOCALHOST:8787')).toBe('accepted');
    expect(message('http://127.10.20.30:1')).toBe('accepted');
  });
  it('keeps a base path without its trailing slashes, and drops a query or fragment', () => {
    const url = resolveEndpoint('https://proxy.example.com/adspirer///?x=1#top', {});
    expect(url.href).toBe('https://proxy.example.com/adspirer');
    expect(toolPath(url, 'add_tiktok_ad')).toBe('/adspirer/api/v1/tools/add_tiktok_ad/execute');
    expect(toolPath(resolveEndpoint(undefined, {}), 'get_usage_status')).toBe('/api/v1/tools/get_usage_status/execute');
    expect(toolPath(new URL('https://h.example/base//'), 'x')).toBe('/base/api/v1/tools/x/execute');
  });
});

describe('AdspirerClient over loopback', () => {
  type Seen = { method: string; url: string; headers: Record<string, string | string[] | undefined>; body: string };
  /** A local server answering each request with `answer`; records what it was sent. */
  async function server(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ base: URL; seen: Seen[]; close: () => Promise<void> }> {
    const seen: Seen[] = [];
    const s = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        answer(req, res);
      });
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const { port } = s.address() as AddressInfo;
    return { base: new URL(`http://127.0.0.1:${port}/proxy`), seen, close: () => new Promise<void>((r) => (s.closeAllConnections(), s.close(() => r()))) };
  }
  const client = (base: URL, timeoutMs = 2000): AdspirerClient => new AdspirerClient({ base, apiKey: 'sk_live_abcdefghijklmnop', timeoutMs, connections: 2 });

  it('posts the arguments with the key, the Idempotency-Key and who it is, to the tool path under the base', async () => {
    const srv = await server((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json', 'retry-after': '7', location: 'https://elsewhere.example/' }).end('{"success":true}'),
    );
    const c = client(srv.base);
    try {
      const answer = { kind: 'http', status: 200, json: { success: true }, text: '{"success":true}', retryAfter: '7', location: 'https://elsewhere.example/' };
      expect(await c.call('add_tiktok_ad', { ad_text: 'Hi' }, { idempotencyKey: 'k-1' })).toEqual(answer);
      expect(await c.call('get_usage_status', {})).toEqual(answer);
      const [first, second] = srv.seen;
      expect(first).toMatchObject({ method: 'POST', url: '/proxy/api/v1/tools/add_tiktok_ad/execute', body: '{"arguments":{"ad_text":"Hi"}}' });
      expect(first!.headers).toMatchObject({
        authorization: 'Bearer sk_live_abcdefghijklmnop',
        'content-type': 'application/json',
        accept: 'application/json',
        'user-agent': `tiktok-ads-bulk/${VERSION}`,
        'idempotency-key': 'k-1',
      });
      expect(second!.url).toBe('/proxy/api/v1/tools/get_usage_status/execute');
      expect(second!.headers['idempotency-key']).toBeUndefined();
    } finally {
      await c.close();
      await srv.close();
    }
  });

  it('keeps a body that is not JSON as text (its first KiB), and stops reading a body over 1 MiB', async () => {
    let big = false;
    const srv = await server((_req, res) => {
      if (big) res.writeHead(502).end('x'.repeat(3 * 1024 * 1024));
      else res.writeHead(502, { 'content-type': 'text/html' }).end(`<html>${'y'.repeat(2000)}</html>`);
    });
    const c = client(srv.base);
    try {
      const html = await c.call('add_tiktok_ad', {});
      expect(html).toMatchObject({ kind: 'http', status: 502, json: undefined });
      expect((html as { text: string }).text).toBe(`<html>${'y'.repeat(1018)}`);
      expect(html).not.toHaveProperty('retryAfter');
      expect(html).not.toHaveProperty('location');
      big = true;
      const huge = await c.call('add_tiktok_ad', {});
      expect(huge).toMatchObject({ kind: 'http', status: 502, json: undefined, text: 'x'.repeat(1024) });
    } finally {
      await c.close();
      await srv.close();
    }
  });

  it('turns what the network does into outcomes with a sentence: refused, closed, timed out, abandoned', async () => {
    const refused = client(new URL('http://127.0.0.1:9'));
    expect(await refused.call('x', {})).toEqual({ kind: 'network', code: 'ECONNREFUSED', message: 'connection refused', timeout: false, unreachable: true });
    await refused.close();

    const srv = await server((req, _res) => {
      if (req.url!.includes('/close/')) req.socket.destroy();
      // '/slow/': never answers.
    });
    const c = client(srv.base, 150);
    const patient = client(srv.base, 5000);
    try {
      const closed = await c.call('close', {});
      expect(closed).toMatchObject({ kind: 'network', message: 'the connection was closed before the answer arrived', timeout: false });
      expect(await c.call('slow', {})).toMatchObject({ kind: 'network', message: 'the request timed out', timeout: true });
      const stop = new AbortController();
      setTimeout(() => stop.abort(), 20);
      const abandoned = await patient.call('slow', {}, { signal: stop.signal });
      expect(abandoned).toMatchObject({ kind: 'network', timeout: false });
      expect((abandoned as { message: string }).message).toBe('the request was stopped before its answer arrived');
    } finally {
      await c.close();
      await patient.close();
      await srv.close();
    }
  });
});

describe('the API key', () => {
  const setup = (p: Promise<unknown>) =>
    p.then(
      (v) => v,
      (err: RunError) => `${err.code}: ${err.message}`,
    );
  it('comes from ADSPIRER_API_KEY, trimmed; an empty one is none', async () => {
    expect(await loadApiKey(undefined, { ADSPIRER_API_KEY: '  sk_live_abc \n' })).toEqual({ value: 'sk_live_abc' });
    expect(await loadApiKey(undefined, { ADSPIRER_API_KEY: '   ' })).toBeUndefined();
    expect(await loadApiKey(undefined, {})).toBeUndefined();
  });
  it('or from --api-key-file, which wins over the environment, warns when others can read it, and must hold just the key', async () => {
    const dir = await tempDir();
    await mkdir(dir, { recursive: true });
    const file = join(dir, 'key');
    await writeFile(file, 'sk_live_fromfile\n', { mode: 0o600 });
    await chmod(file, 0o600);
    expect(await loadApiKey(file, { ADSPIRER_API_KEY: 'sk_live_env' })).toEqual({ value: 'sk_live_fromfile' });
    for (const mode of [0o640, 0o604]) {
      await chmod(file, mode);
      expect(await loadApiKey(file, {})).toEqual({
        value: 'sk_live_fromfile',
        warning: `${file} can be read by other users; restrict it with: chmod 600 ${file}`,
      });
    }
    await chmod(file, 0o600);
    for (const text of ['', '  \n', 'sk_live_a sk_live_b', 'sk_live_a\nsk_live_b\n']) {
      await writeFile(file, text);
      expect(await setup(loadApiKey(file, {}))).toBe(`SETUP: --api-key-file ${file} must hold just the key on one line.`);
    }
    expect(await setup(loadApiKey(join(dir, 'nope'), {}))).toBe(`SETUP: --api-key-file ${join(dir, 'nope')} cannot be read (ENOENT).`);
    expect(await setup(loadApiKey(dir, {}))).toBe(`SETUP: --api-key-file ${dir} cannot be read (EISDIR).`);
  });
});

describe("reading the service's answers, form by form", () => {
  it('ad_id: structured, structured.ad, data, then the text; ids that lost digits or are not ids are not taken', () => {
    const id = '1812345678901234567';
    expect(adIdOf({ data: { structured: { ad_id: ` ${id} ` } } })).toBe(id);
    expect(adIdOf({ data: { structured: { ad: { ad_id: id } } } })).toBe(id);
    expect(adIdOf({ data: { ad_id: 123456789 } })).toBe('123456789');
    // eslint-disable-next-line no-loss-of-precision -- an ID above 2^53, as a JSON number arrives
    expect(adIdOf({ data: { ad_id: 1812345678901234567, text: `Ad ID: ${id}` } })).toBe(id);
    expect(adIdOf({ data: { ad_id: 'abc', text: 'nothing' } })).toBeUndefined();
    expect(adIdOf({ data: { structured: 'text', text: `(ad_id: ${id})` } })).toBe(id);
    for (const text of [`Ad ID: ${id}`, `**Ad ID:** ${id}`, `ad_id=${id}`, `adid: "${id}"`, `AD_ID = '${id}'`, `ad id: \`${id}\``])
      expect(adIdOf({ data: { text } }), text).toBe(id);
    for (const text of ['ad_id: 12345', 'bad_id: 1812345678', 'ad_ids: 1812345678', 'the ad: 1812345678'])
      expect(adIdOf({ data: { text } }), text).toBeUndefined();
    expect(adIdOf(null)).toBeUndefined();
    expect(adIdOf([{ data: { ad_id: id } }])).toBeUndefined();
    expect(adIdOf({ data: null })).toBeUndefined();
  });
  it('the quota from data.quota or the top level, with defaults for what is missing', () => {
    expect(
      quotaOf({
        data: { quota: { used: 3, limit: 150, tier: 'plus', period_end: '2026-12-31', upgrade_url: 'https://adspirer.ai/up' } },
        quota: { used: 9, limit: 9 },
      }),
    ).toEqual({ used: 3, limit: 150, tier: 'plus', period_end: '2026-12-31', upgrade_url: 'https://adspirer.ai/up' });
    expect(quotaOf({ quota: { used: 1, limit: 15, tier: 7, period_end: null } })).toEqual({ used: 1, limit: 15, tier: 'unknown', period_end: '' });
    for (const json of [{ quota: { used: '1', limit: 15 } }, { quota: { used: 1 } }, { data: { quota: 'lots' } }, 'text', null])
      expect(quotaOf(json), JSON.stringify(json)).toBeUndefined();
  });
  it('the error text, the quota-exhausted answer, the not-connected advertiser, the multi-account prompt', () => {
    expect(errorTextOf({ error: '  Invalid ad text \n' })).toBe('Invalid ad text');
    expect(errorTextOf({ error: { message: 'Nested' } })).toBe('Nested');
    expect(errorTextOf({ error: { code: 5 } })).toBeUndefined();
    expect(errorTextOf({ success: false })).toBeUndefined();
    for (const m of ['Monthly limit reached for plus', 'Your quota is exhausted', 'quota exceeded', 'QUOTA SPENT']) expect(isQuotaExhausted(m), m).toBe(true);
    for (const m of ['limit of 50 ads per ad group', 'quota: 3/150']) expect(isQuotaExhausted(m), m).toBe(false);
    expect(notConnectedAdvertiser('Advertiser 7000000000000000009 is not connected')).toEqual({ advertiser: '7000000000000000009' });
    expect(notConnectedAdvertiser('advertiser_id "7000000000000000009" is NOT CONNECTED to your account')).toEqual({ advertiser: '7000000000000000009' });
    expect(notConnectedAdvertiser('That account is not connected')).toEqual({});
    expect(notConnectedAdvertiser('Advertiser 7000000000000000009 is paused')).toBeUndefined();
    expect(isAccountPrompt('You have 1 account connected.\nPlease specify which account to use')).toBe(true);
    expect(isAccountPrompt('Please specify which account to use')).toBe(false);
    expect(promptedAccounts('A (advertiser_id = "1") B (ad_account_id="act_2") C (account_id="3")')).toEqual(['1', 'act_2']);
    expect(oneLine('  ✅ Created!\n  Ad ID: 1  \n\n❤️ thanks ')).toBe('Created! Ad ID: 1 thanks');
  });
  it('connected accounts: TikTok ones only, ids as text, names and reconnect status from lists and from text', () => {
    expect(
      connectedAccounts({
        data: [
          { platform: 'TikTok Ads', id: 7 },
          { platform: 'google_ads', id: 8 },
          { advertiser_id: '9', name: 'Nine', status: 'NEEDS_REAUTH' },
          'junk',
          { platform: 'tiktok_ads', account_name: 5, account_id: '10' },
          { platform: 'tiktok_ads' },
        ],
      }),
    ).toEqual([
      { id: '7', status: 'connected' },
      { id: '9', name: 'Nine', status: 'needs_reauth' },
      { id: '10', status: 'connected' },
    ]);
    expect(connectedAccounts({ data: { structured: [{ account_id: '1' }] } })).toEqual([{ id: '1', status: 'connected' }]);
    const text = [
      'Connected TikTok accounts:',
      '- **Client A** (advertiser_id="7000000000000000001") — primary',
      '* Client B (advertiser_id=7000000000000000002), needs re-auth',
      '• account_id: **7000000000000000003**',
      'advertiser_id: 123 (too short)',
    ].join('\n');
    expect(connectedAccounts({ data: { text } })).toEqual([
      { id: '7000000000000000001', name: 'Client A', status: 'connected' },
      { id: '7000000000000000002', name: 'Client B', status: 'needs_reauth' },
      { id: '7000000000000000003', status: 'connected' },
    ]);
    expect(connectedAccounts({ data: { text: 'No accounts.' } })).toBeUndefined();
    expect(connectedAccounts({ data: 'x' })).toBeUndefined();
    expect(connectedAccounts({})).toBeUndefined();
    expect(describeAccount({ id: '1', name: 'One', status: 'connected' })).toBe('1 One');
    expect(describeAccount({ id: '1', status: 'connected' })).toBe('1');
  });
});

describe('sleep and Retry-After', () => {
  it('sleep: nothing to wait for resolves at once; an abort ends the wait early and leaves no listener behind', async () => {
    for (const ms of [0, -5]) {
      let done = false;
      void sleep(ms).then(() => (done = true));
      await Promise.resolve();
      expect(done, String(ms)).toBe(true);
    }
    const stop = new AbortController();
    stop.abort();
    let early = false;
    void sleep(60_000, stop.signal).then(() => (early = true));
    await Promise.resolve();
    expect(early).toBe(true);

    const later = new AbortController();
    const started = Date.now();
    const waiting = sleep(60_000, later.signal);
    expect(getEventListeners(later.signal, 'abort')).toHaveLength(1);
    later.abort();
    await waiting;
    expect(Date.now() - started).toBeLessThan(1000);
    const quiet = new AbortController();
    await sleep(5, quiet.signal);
    expect(getEventListeners(quiet.signal, 'abort')).toHaveLength(0);
  });
  it('Retry-After: seconds (trimmed), an HTTP date, nothing else', () => {
    expect(parseRetryAfter(' 5 ', NOW)).toBe(5000);
    expect(parseRetryAfter('0', NOW)).toBe(0);
    for (const v of ['5s', '5 seconds', 'x5', '-3', '']) expect(parseRetryAfter(v, NOW), v).toBeUndefined();
    expect(parseRetryAfter('Sun, 29 Nov 2026 11:59:00 GMT', NOW)).toBe(0);
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
  });
});

describe('lists without a documented layout (list_tiktok_ad_groups)', () => {
  const text = (t: string) => ({ success: true, data: { text: t } });
  it('reads IDs from data.structured first, then per line: after adgroup_id/ID/id=, or a 16–19 digit run on a list item', () => {
    expect([...adGroupIdsOf({ success: true, data: { structured: { adgroups: [{ adgroup_id: '1780000000000000101' }, { id: 17 }] }, text: 'x' } })!]).toEqual([
      '1780000000000000101',
      '17',
    ]);
    expect([...adGroupIdsOf(text('**Ad groups (2)**\n- **Summer** (adgroup_id: 1780000000000000101) — ENABLE\n- Winter, ID: 1780000000000000202'))!]).toEqual([
      '1780000000000000101',
      '1780000000000000202',
    ]);
    expect([...adGroupIdsOf(text('| name | id |\n|---|---|\n| Summer | 1780000000000000303 |'))!]).toEqual(['1780000000000000303']);
  });
  it('nothing recognisable is not readable, never an empty list; the advertiser named in the text is no ad group', () => {
    expect(adGroupIdsOf(text('No ad groups found for advertiser 7000000000000000001.'), '7000000000000000001')).toBeUndefined();
    expect(adGroupIdsOf(text('- Summer 7000000000000000001'), '7000000000000000001')).toBeUndefined();
    expect(adGroupIdsOf({ success: true, data: {} })).toBeUndefined();
    expect(adGroupIdsOf('not json')).toBeUndefined();
  });
});

describe('list_tiktok_ads as the text writes it', () => {
  const text = (t: string) => ({ success: true, data: { text: t } });
  it('reads each ad: its ID, its name in bold, after Name:, or in quotes', () => {
    expect(
      adsOf(
        text(
          '**Ads (3)**\n- **Launch A** (ad_id: 1865435305715297440) — ENABLE\n- ad_id=1800000000000000002, Name: Launch B, PAUSED\n- "Launch C" ID: 1800000000000000003',
        ),
      ),
    ).toEqual([
      { id: '1865435305715297440', name: 'Launch A' },
      { id: '1800000000000000002', name: 'Launch B' },
      { id: '1800000000000000003', name: 'Launch C' },
    ]);
    expect(adsOf({ success: true, data: { structured: { ads: [{ ad_id: '18', ad_name: 'X' }] } } })).toEqual([{ id: '18', name: 'X' }]);
  });
  it('"No ads found" is an empty list; anything else unreadable is not a list', () => {
    expect(adsOf(text('No ads found in ad group 1780000000000000101.'))).toEqual([]);
    expect(adsOf(text('Something went sideways'))).toBeUndefined();
  });
  it('structured lists under any key the tool may use, or the list itself; an ID that is not exact is left out; a name only when it is text', () => {
    const structured = (s: unknown) => ({ success: true, data: { structured: s } });
    expect(adsOf(structured([{ id: 18, name: 'A' }, { ad_id: '19' }, null, 'x']))).toEqual([{ id: '18', name: 'A' }, { id: '19' }]);
    expect(adsOf(structured({ items: [{ ad_id: '20', ad_name: 7 }] }))).toEqual([{ id: '20' }]);
    expect(adsOf(structured({ list: [{ ad_id: Number('1780000000000000101') }] }))).toBeUndefined();
    expect(adsOf({ success: true, data: { structured: { ads: [] }, text: '- **B** (ad_id: 1800000000000000009)' } })).toEqual([
      { id: '1800000000000000009', name: 'B' },
    ]);
    expect(adsOf({ success: true, data: { structured: 'x' } })).toBeUndefined();
    expect(adsOf({ success: true, data: null })).toBeUndefined();
    // An ID of fewer than six digits is not taken for an ad's.
    expect(adsOf(text('- **C** (ad_id: 12345)'))).toBeUndefined();
    // A quoted name is whole, commas and all; an unquoted one ends at a comma.
    expect(adsOf(text('- ad_name: "Spring, V2" — ad_id: 1800000000000000010'))).toEqual([{ id: '1800000000000000010', name: 'Spring, V2' }]);
    expect(adsOf(text('- ad_id: 1800000000000000011, name: Summer, ENABLE'))).toEqual([{ id: '1800000000000000011', name: 'Summer' }]);
  });
});

describe('askList: a list tool asked, never a throw', () => {
  const answering = (outcome: Outcome): Transport => ({ call: async () => outcome });
  const read = (json: unknown) => adsOf(json);
  it('the list read; or why none: the network, an HTTP status, nothing recognisable; a quota named either way', async () => {
    const quota = { used: 3, limit: 150, tier: 'plus', period_end: '2027-01-01' };
    const ok = await askList(
      answering({ kind: 'http', status: 200, json: { success: true, data: { text: '- **A** (ad_id: 1800000000000000001)', quota } }, text: '' }),
      'list_tiktok_ads',
      {},
      read,
      'ad',
    );
    expect(ok).toEqual({ list: [{ id: '1800000000000000001', name: 'A' }], quota });
    expect(
      await askList(answering({ kind: 'network', code: 'ECONNRESET', message: 'the connection was reset', timeout: false }), 'list_tiktok_ads', {}, read, 'ad'),
    ).toEqual({
      why: 'the connection was reset',
    });
    expect(
      await askList(answering({ kind: 'http', status: 500, json: { success: false, error: 'x', quota }, text: '' }), 'list_tiktok_ads', {}, read, 'ad'),
    ).toEqual({ why: 'HTTP 500', quota });
    expect(
      await askList(answering({ kind: 'http', status: 200, json: { success: true, data: { text: '?' } }, text: '' }), 'list_tiktok_ads', {}, read, 'ad'),
    ).toEqual({
      why: 'no ad could be read from the answer',
    });
  });
});

describe("a plan's terms, from the quota get_usage_status reports (planTerms)", () => {
  const NOW_ = Date.parse('2026-12-07T12:00:00Z');
  it('Plus monthly has overage and one active advertiser; an annual pool (named, or a far period end) has none and five; Pro stops; Max has no number', () => {
    expect(planTerms({ tier: 'plus', period_end: '2027-01-01' }, NOW_)).toEqual({ annual: false, overage: true, activeAdvertisers: 1 });
    expect(planTerms({ tier: 'Plus Annual', period_end: '2027-01-01' }, NOW_)).toEqual({ annual: true, overage: false, activeAdvertisers: 5 });
    expect(planTerms({ tier: 'plus', period_end: '2027-10-01' }, NOW_)).toEqual({ annual: true, overage: false, activeAdvertisers: 5 });
    expect(planTerms({ tier: 'pro', period_end: '2027-01-01' }, NOW_)).toEqual({ annual: false, overage: false, activeAdvertisers: 1 });
    expect(planTerms({ tier: 'max', period_end: '2027-01-01' }, NOW_)).toEqual({ annual: false, overage: false, activeAdvertisers: undefined });
    expect(callsLeft({ used: 160, limit: 150 }, 20)).toBe(10);
    expect(callsLeft({ used: 180, limit: 150 }, 20)).toBe(0);
  });
});
