import { writeFile } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunError } from '../src/errors.js';
import { sleep } from '../src/send/sleep.js';
import type { Simulator } from '../src/sim/server.js';
import { cli } from './helpers/cli.js';
import { hostile } from './helpers/hostile.js';
import { certificate } from './helpers/link-server.js';
import { reportRows } from './helpers/report.js';
import { csvRows, tempDir } from './helpers/tmp.js';
import { KEY, startSim, upload } from './helpers/upload.js';

/**
 * Upload against the service as Adspirer documents it (shared/reference, third round), over
 * loopback: its throttle, its overage, inactive advertisers, an API that cannot be reached.
 */

async function sheet(rows: number, extra: (csv: string) => string = (c) => c): Promise<string> {
  const dir = await tempDir();
  const path = join(dir, 'batch.csv');
  await writeFile(path, extra(csvRows(rows)));
  return path;
}

describe("TikTok's throttle, as Adspirer passes it on (429, no Retry-After, the wait in the text)", () => {
  it('waits out each throttle as the text names it: every row created in one run, few requests meet the throttle', async () => {
    const sim = await startSim({ throttle: { count: 5, seconds: 0.4 } });
    const file = await sheet(20);
    const pauses: number[] = [];
    const started = Date.now();
    // The real sleep: the pauses are the simulator's windows.
    const { summary, stderr } = await upload(sim, { file, retries: 0, sleep, onEvent: (e) => void (e.type === 'pause' && pauses.push(e.waitMs)) });
    expect(summary).toMatchObject({ stopped: null, exit_code: 0, counts: { created: 20, failed: 0, not_sent: 0 } });
    expect(sim.ads()).toHaveLength(20);
    // The first throttle pauses the batch for the window's rest; then it goes on at the rate the
    // service was accepting (pacing.ts), so few requests meet the throttle again.
    expect(pauses.length).toBeGreaterThanOrEqual(1);
    expect(pauses[0]).toBeGreaterThan(0);
    expect(pauses[0]).toBeLessThanOrEqual(400);
    expect(sim.stats().rateLimited).toBeLessThanOrEqual(8);
    expect(Date.now() - started).toBeGreaterThan(400);
    expect(stderr).toMatch(/Paused by TikTok's rate limit \(the service asked 0\.\d s\); resuming at \d\d:\d\d:\d\d\./);
    const rows = await reportRows(summary.report!);
    expect(rows.every((r) => r.status === 'created' && r.error === '')).toBe(true);
  });

  it('past --max-wait the rows left are not_sent, with the time to come back; the same command resumes', async () => {
    const sim = await startSim({ throttle: { count: 2, seconds: 60 } });
    const file = await sheet(5);
    const { summary, stderr } = await upload(sim, { file, maxWaitSeconds: 30, concurrency: 1 });
    expect(summary).toMatchObject({ stopped: 'throttled', exit_code: 1, counts: { created: 2, not_sent: 3 } });
    expect(stderr).toMatch(
      /Stopped: TikTok's rate limit has held the batch back 0 s and asks for 60 s more, past --max-wait 30; run the same command again after \d\d:\d\d:\d\d to send the rest\./,
    );
    const rows = await reportRows(summary.report!);
    expect(rows.map((r) => r.status)).toEqual(['created', 'created', 'not_sent', 'not_sent', 'not_sent']);
    expect(rows[2]!.error).toMatch(
      /^not created: rate limited \(HTTP 429\): Upstream platform rate limit hit \(TikTok ad\/create: 2 per 60 s\)\. Retry after 60 seconds\.; the batch stopped/,
    );
    // Only one request met the throttle: the batch stopped at once.
    expect(sim.stats().rateLimited).toBe(1);
  });

  it('the CLI takes --max-wait and refuses a bad value naming the option', async () => {
    const file = await sheet(1);
    const bad = await cli(['upload', file, '--max-wait', 'soon', '--endpoint', 'http://127.0.0.1:9'], { ADSPIRER_API_KEY: KEY });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--max-wait/);
    const negative = await cli(['upload', file, '--max-wait', '-5', '--endpoint', 'http://127.0.0.1:9'], { ADSPIRER_API_KEY: KEY });
    expect(negative.code).toBe(2);
  });
});

describe('overage by choice (Plus: $0.50 a call past the included limit)', () => {
  it('a spent quota stops before any paid call, naming --allow-overage, the price and the reset date (exit 3)', async () => {
    const sim = await startSim({ quota: 150, used: 150, overage: 100, adgroups: new Map([['7000000000000000001', ['1780000000000000101']]]) });
    const file = await sheet(3);
    const { summary, stderr } = await upload(sim, { file, checkAdgroups: true });
    // Nothing can be sent, so nothing is listed either: lists may be billed.
    expect(sim.stats().requests).toBe(2);
    expect(summary).toMatchObject({ stopped: 'quota', exit_code: 3, counts: { created: 0, not_sent: 3 } });
    expect(sim.stats().byStatus['402']).toBeUndefined();
    expect(sim.ads()).toHaveLength(0);
    expect(stderr).toMatch(
      /The monthly quota is spent \(150\/150 calls on plus\); it resets \d{4}-\d\d-01\. Nothing was sent\. Your plan can go past its limit at \$0\.50 a call \(Adspirer's pay-as-you-go, at most \$50 a month\): run again with --allow-overage N to allow up to N such calls\./,
    );
  });

  it('--allow-overage N sends up to N calls past the limit, shows their cost first, then stops (exit 3)', async () => {
    const sim = await startSim({ quota: 150, used: 149, overage: 100 });
    const file = await sheet(6);
    const { summary, stderr } = await upload(sim, { file, allowOverage: 3, concurrency: 1 });
    expect(stderr).toMatch(
      /Quota: 149\/150 calls used on plus, 1 left, .*this batch needs 6\. --allow-overage 3: 3 more calls past the limit at Adspirer's \$0\.50 a call; this batch may use 3, about \$1\.50\./,
    );
    expect(summary).toMatchObject({ stopped: 'quota', exit_code: 3, counts: { created: 4, not_sent: 2 } });
    expect(summary.quota).toMatchObject({ used: 153, limit: 150 });
    expect(sim.stats().byStatus['402']).toBeUndefined();
    const rows = await reportRows(summary.report!);
    expect(rows[5]!.error).toBe(
      `not sent: the quota (150 calls on plus and 3 of overage) has no room for it; it resumes after ${summary.quota!.period_end} or an upgrade`,
    );
  });

  it('a 402 stays the final word: overage allowed here but turned off at Adspirer stops the batch', async () => {
    const sim = await startSim({ quota: 10, used: 10 });
    const file = await sheet(2);
    const { summary } = await upload(sim, { file, allowOverage: 5, concurrency: 1 });
    expect(summary).toMatchObject({ stopped: 'quota', exit_code: 3, counts: { created: 0, not_sent: 2 } });
    expect(sim.stats().byStatus['402']).toBe(1);
  });

  it('plans without overage (Pro, annual pools) ignore --allow-overage, saying so', async () => {
    const sim = await startSim({ quota: 600, used: 600, tier: 'pro' });
    const { summary, stderr } = await upload(sim, { file: await sheet(1), allowOverage: 5 });
    expect(stderr).toMatch(/Note: --allow-overage 5 is ignored: this plan never charges overage \(Adspirer's pricing\); the batch stops at the limit\.\n/);
    expect(stderr).toMatch(
      /The monthly quota is spent \(600\/600 calls on pro\).* Upgrade at https:\/\/adspirer\.ai or run the same command after the reset\./,
    );
    expect(summary.exit_code).toBe(3);
    expect(sim.stats().byStatus['402']).toBeUndefined();
    const annual = await startSim({ quota: 1800, used: 1800, tier: 'Plus Annual' });
    const yearly = await upload(annual, { file: await sheet(1), allowOverage: 5 });
    expect(yearly.stderr).toMatch(
      /Note: --allow-overage 5 is ignored: annual plans never charge overage \(Adspirer's pricing\); the batch stops at the limit\.\n/,
    );
    expect(yearly.stderr).toMatch(/The yearly quota is spent \(1800\/1800 calls on Plus Annual\)/);
  });

  it('--allow-overage is a whole number from 0 to 100 (the $50 cap)', async () => {
    const r = await cli(['upload', await sheet(1), '--allow-overage', '500', '--endpoint', 'http://127.0.0.1:9'], { ADSPIRER_API_KEY: KEY });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--allow-overage 500: expected a whole number from 0 to 100/);
  });
});

describe('accounts as they are', () => {
  it.each(['structured', 'text'] as const)(
    'rows of a connected but inactive advertiser wait, saying how to activate it; the others go on (accounts as %s)',
    async (accountsShape) => {
      const sim = await startSim({ advertisers: ['7000000000000000001=Client A', '7000000000000000002=Client B:inactive'], accountsShape });
      const file = await sheet(4, (csv) =>
        csv
          .split('\r\n')
          .map((line, i) => (i === 0 ? `${line},advertiser_id` : line === '' ? line : `${line},${i % 2 ? '7000000000000000001' : '7000000000000000002'}`))
          .join('\r\n'),
      );
      const { summary } = await upload(sim, { file });
      expect(summary).toMatchObject({ stopped: null, exit_code: 1, counts: { created: 2, not_sent: 2 } });
      const rows = await reportRows(summary.report!);
      expect(rows[1]).toMatchObject({
        status: 'not_sent',
        error:
          "not sent: advertiser 7000000000000000002 Client B is connected but not active; activate it in Adspirer's Manage Accounts (your plan allows 1 active TikTok advertiser), then run the same command",
      });
      expect(sim.ads().every((a) => a.arguments.advertiser_id === '7000000000000000001')).toBe(true);
    },
  );

  it('with only an inactive advertiser, nothing can go: exit 2 for the account, no paid call', async () => {
    const sim = await startSim({ advertisers: ['7000000000000000002=Client B:inactive'] });
    const { summary, stderr } = await upload(sim, { file: await sheet(2) });
    expect(summary).toMatchObject({ stopped: 'account', exit_code: 2, counts: { not_sent: 2 } });
    expect(stderr).toMatch(/Stopped: advertiser 7000000000000000002 Client B is connected but not active; activate it in Adspirer's Manage Accounts/);
    expect(sim.stats().requests).toBe(2); // the two free preflight calls; nothing paid
  });

  it("an inactive advertiser met only in the service's answer (the accounts list unreadable): its other rows wait without a call", async () => {
    const h = await hostile((req, res) => {
      res.writeHead(req.url?.includes('add_tiktok_ad') ? 400 : 200, { 'content-type': 'application/json' });
      if (req.url?.includes('list_connected_accounts')) res.end('{"success": true, "data": {"text": "(no list)"}}');
      else if (req.url?.includes('get_usage_status'))
        res.end('{"success": true, "data": {"quota": {"used": 0, "limit": 150, "tier": "plus", "period_end": "2027-01-01"}}}');
      else
        res.end(
          '{"success": false, "is_error": true, "error": "TikTok advertiser 7000000000000000002 (Client B) is connected but not active on your plan. Activate it in Manage Accounts."}',
        );
    }, true);
    const file = await sheet(3, (csv) => csv.replace('video_url', 'video_url,advertiser_id').replace(/(\.mp4)\r\n/g, '$1,7000000000000000002\r\n'));
    const { summary } = await upload({ url: h.url } as unknown as Simulator, { file, concurrency: 1 });
    const rows = await reportRows(summary.report!);
    expect(rows.map((r) => r.status)).toEqual(['not_sent', 'not_sent', 'not_sent']);
    expect(rows[0]!.error).toMatch(
      /^not created: TikTok advertiser 7000000000000000002 \(Client B\) is connected but not active on your plan\. Activate it in Manage Accounts\.; activate it in Adspirer's Manage Accounts, then run the same command$/,
    );
    expect(rows[1]!.error).toMatch(/^not sent: TikTok advertiser 7000000000000000002/);
    expect(h.requests.filter((r) => r.path.includes('add_tiktok_ad'))).toHaveLength(1);
    expect(summary).toMatchObject({ stopped: 'account', exit_code: 2 });
  });
});

describe('an unreachable API ends the run in seconds, before any paid call', () => {
  it('a refused connection: exit 2 naming the host and the cause', async () => {
    const closed = await freePort();
    const started = Date.now();
    const err = await upload({ url: `http://127.0.0.1:${closed}` } as unknown as Simulator, { file: await sheet(2) }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(err).toBeInstanceOf(RunError);
    expect((err as RunError).code).toBe('SETUP');
    expect((err as RunError).message).toBe(`127.0.0.1:${closed}: connection refused; check the network or --endpoint`);
    const r = await cli(['upload', await sheet(1), '--endpoint', `http://127.0.0.1:${closed}`], { ADSPIRER_API_KEY: KEY });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/connection refused; check the network or --endpoint/);
  });

  it('a TLS certificate that is not trusted: exit 2 naming it', async () => {
    const tls = await certificate();
    const server = createHttpsServer(tls, (_req, res) => res.end('{}'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const err = await upload({ url: `https://127.0.0.1:${port}` } as unknown as Simulator, { file: await sheet(1) }).catch((e: unknown) => e);
      expect((err as RunError).message).toMatch(
        new RegExp(`^127\\.0\\.0\\.1:${port}: its TLS certificate is not trusted \\([A-Z_]+\\); check the network or --endpoint$`),
      );
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('"Quota unknown" says why: an error answer is not "reported none"', async () => {
    const h = await hostile((req, res) => {
      if (req.url?.includes('get_usage_status')) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"success": false, "error": "Internal server error"}');
        return;
      }
      if (req.url?.includes('list_connected_accounts')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"success": true, "data": {"text": "no accounts listed"}}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"success": true, "data": {"text": "Created (ad_id: 1800000000000000001)"}}');
    }, true);
    const { summary, stderr } = await upload({ url: h.url } as unknown as Simulator, { file: await sheet(1) });
    expect(summary.exit_code).toBe(0);
    expect(stderr).toMatch(/\nQuota: unknown \(get_usage_status answered HTTP 500\)\.\n/);
    expect(stderr).not.toMatch(/reported none/);
  });
});

describe('quota arithmetic', () => {
  it.each([2, 8])('with faults on the way, the stop uses every call the quota has; the plan, the stop and the summary agree (seed %i)', async (seed) => {
    const sim = await startSim({ quota: 30, failRate: 0.2, faults: ['500', 'drop-before', 'drop-after'], seed });
    const file = await sheet(50);
    const { summary, stderr } = await upload(sim, { file, retries: 6 });
    expect(sim.stats().faults['drop-after']).toBeGreaterThan(0);
    expect(sim.ads()).toHaveLength(30);
    expect(summary).toMatchObject({ stopped: 'quota', exit_code: 3, counts: { created: 30, not_sent: 20 }, quota: { used: 30, limit: 30 } });
    expect(stderr).toMatch(/The quota has room for 30 more calls; 20 ads will not fit/);
    expect(stderr).toMatch(/Stopped: the monthly quota is spent \(30\/30 on plus\)/);
    const rows = await reportRows(summary.report!);
    expect(rows.filter((r) => r.status === 'not_sent').map((r) => r.row)).toEqual(Array.from({ length: 20 }, (_, i) => String(32 + i)));
  });
});

describe('a call that would likely be refused is named before paying', () => {
  it('ad_format SINGLE_IMAGE warns, quoting the tool page', async () => {
    const file = await sheet(1, (csv) => csv.replace('video_url\r\n', 'video_url,ad_format\r\n').replace('v0.mp4\r\n', 'v0.mp4,single image\r\n'));
    const r = await cli(['validate', file]);
    expect(r.stderr).toMatch(
      /! ad_format: is SINGLE_IMAGE, which the tool page says "TikTok in-feed rejects" \(images go out as SINGLE_VIDEO, a slideshow\); the call will likely be refused and still cost one\. Leave ad_format empty so Adspirer detects it/,
    );
  });
});

async function freePort(): Promise<number> {
  const s: Server = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}
