import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../src/sim/server.js';
import { drawFault } from '../src/sim/faults.js';
import { seededRandom } from '../src/sim/random.js';
import type { SimOptions } from '../src/sim/options.js';
import { cli } from './helpers/cli.js';
import { runCli } from '../src/cli/run.js';
import { bufferIo } from '../src/commands/io.js';
import { spawn } from 'node:child_process';

const AD = {
  adgroup_id: '1780000000000000101',
  ad_text: 'Fresh coffee',
  landing_page_url: 'https://example.com/a',
  video_url: 'https://cdn.example.com/v.mp4',
};

const sims: Simulator[] = [];
async function sim(options: SimOptions = {}): Promise<Simulator> {
  const s = await createSimulator({ port: 0, ...options });
  sims.push(s);
  return s;
}
afterEach(async () => {
  while (sims.length) await sims.pop()!.close();
});

async function call(s: Simulator, tool: string, args: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${s.url}/api/v1/tools/${tool}/execute`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk_test_1', 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ arguments: args }),
  });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON bodies
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

describe('the simulator', () => {
  it('creates an ad, names it with a 19-digit id, and counts quota', async () => {
    const s = await sim({ quota: 150, used: 41 });
    const r = await call(s, 'add_tiktok_ad', { ...AD, ad_name: 'Spring V1' });
    expect(r.status).toBe(200);
    expect(r.json.success).toBe(true);
    expect(r.json.data.text).toMatch(/^Created TikTok ad "Spring V1" \(ad_id: (\d{19})\) in ad group 1780000000000000101/);
    expect(r.json.data.quota).toMatchObject({ used: 42, limit: 150, tier: 'plus' });
    expect(r.json.data.quota.period_end).toMatch(/^\d{4}-\d{2}-01$/);
    expect(s.ads()).toHaveLength(1);
    expect(s.ads()[0]!.ad_id).toBe(/ad_id: (\d+)/.exec(r.json.data.text)![1]);
  });

  it('serves the free tools without using quota, and 404 for others', async () => {
    const s = await sim({ quota: 10, used: 3, advertisers: ['111', '222'] });
    const usage = await call(s, 'get_usage_status', {});
    expect(usage.json.data.quota).toMatchObject({ used: 3, limit: 10 });
    const accounts = await call(s, 'list_connected_accounts', { platform: 'tiktok_ads' });
    expect(accounts.json.data.structured.accounts).toEqual([
      { platform: 'tiktok_ads', account_id: '111', account_name: 'Advertiser 1', account_tier: 'primary', status: 'connected' },
      { platform: 'tiktok_ads', account_id: '222', account_name: 'Advertiser 2', account_tier: 'secondary', status: 'connected' },
    ]);
    expect((await call(s, 'get_usage_status', {})).json.data.quota.used).toBe(3);
    expect((await call(s, 'delete_everything', {})).status).toBe(404);
  });

  it('answers 401 without the right bearer key', async () => {
    const open = await sim();
    const res = await fetch(`${open.url}/api/v1/tools/add_tiktok_ad/execute`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
    const strict = await sim({ apiKey: 'sk_live_right' });
    expect((await call(strict, 'add_tiktok_ad', AD)).status).toBe(401);
    expect((await call(strict, 'add_tiktok_ad', AD, { authorization: 'Bearer sk_live_right' })).status).toBe(200);
  });

  it('validates like the real service: 400 naming the field', async () => {
    const s = await sim();
    const r = await call(s, 'add_tiktok_ad', { ...AD, ad_text: 'x'.repeat(120) });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ success: false, is_error: true });
    expect(r.json.error).toMatch(/ad_text must be 1-100 characters \(got 120\)/);
    expect((await call(s, 'add_tiktok_ad', { ...AD, landing_page_url: 'http://x.com' })).json.error).toMatch(/landing_page_url/);
    expect(s.ads()).toHaveLength(0);
  });

  it('replays an answer for the same key and arguments, without creating anything', async () => {
    const s = await sim();
    const a = await call(s, 'add_tiktok_ad', AD, { 'idempotency-key': 'k1' });
    const b = await call(s, 'add_tiktok_ad', AD, { 'idempotency-key': 'k1' });
    expect(b.json).toEqual(a.json);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(s.ads()).toHaveLength(1);
    expect(s.stats().replays).toBe(1);
  });

  it('answers 409 for a key reused with other arguments', async () => {
    const s = await sim();
    await call(s, 'add_tiktok_ad', AD, { 'idempotency-key': 'k1' });
    const r = await call(s, 'add_tiktok_ad', { ...AD, ad_text: 'Other' }, { 'idempotency-key': 'k1' });
    expect(r.status).toBe(409);
    expect(r.json.error).toMatch(/different arguments/);
  });

  it('replays the answer that a dropped connection lost', async () => {
    const s = await sim({ failRate: 1, faults: ['drop-after'] });
    await expect(call(s, 'add_tiktok_ad', AD, { 'idempotency-key': 'lost' })).rejects.toThrow();
    expect(s.ads()).toHaveLength(1);
    const again = await sim();
    expect(again.ads()).toHaveLength(0);
  });

  it('402 at exactly the limit, with the quota block and upgrade_url', async () => {
    const s = await sim({ quota: 2, used: 1 });
    expect((await call(s, 'add_tiktok_ad', { ...AD, ad_text: 'one' })).status).toBe(200);
    const r = await call(s, 'add_tiktok_ad', { ...AD, ad_text: 'two' });
    expect(r.status).toBe(402);
    expect(r.json.error).toMatch(/Monthly limit reached \(2\/2 tool calls on Plus tier\)/);
    expect(r.json.quota).toMatchObject({ used: 2, limit: 2, upgrade_url: 'https://adspirer.ai' });
    expect(s.ads()).toHaveLength(1);
  });

  it('asks which advertiser when several are connected and none is named', async () => {
    const s = await sim({ advertisers: ['7000000000000000001', '7000000000000000002'] });
    const r = await call(s, 'add_tiktok_ad', AD);
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(/You have 2 tiktok_ads accounts connected\. Please specify which account/);
    expect(r.json.error).toContain('advertiser_id="7000000000000000002"');
    expect((await call(s, 'add_tiktok_ad', { ...AD, advertiser_id: '7000000000000000002' })).status).toBe(200);
    const unknown = await call(s, 'add_tiktok_ad', { ...AD, advertiser_id: '999' });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatch(/999 is not connected/);
  });

  it('asks which advertiser for a status change too, and finds an ad only under its own advertiser', async () => {
    const s = await sim({ advertisers: ['7000000000000000001', '7000000000000000002'] });
    const made = await call(s, 'add_tiktok_ad', { ...AD, advertiser_id: '7000000000000000002' });
    const adId = s.ads()[0]!.ad_id;
    expect(made.status).toBe(200);
    const usage = async () => (await call(s, 'get_usage_status', {})).json.data.quota.used as number;
    const used = await usage();
    const unnamed = await call(s, 'pause_tiktok_ad', { ad_id: adId, status: 'DISABLE' });
    expect(unnamed.status).toBe(400);
    expect(unnamed.json).toMatchObject({ tool: 'pause_tiktok_ad', error: expect.stringMatching(/^You have 2 tiktok_ads accounts connected/) });
    const elsewhere = await call(s, 'pause_tiktok_ad', { ad_id: adId, status: 'DISABLE', advertiser_id: '7000000000000000001' });
    expect(elsewhere.json.error).toBe(`TikTok API error 40002: ad_id ${adId} does not exist.`);
    const stranger = await call(s, 'resume_tiktok_ad', { ad_id: adId, status: 'ENABLE', advertiser_id: '999' });
    expect(stranger.json).toMatchObject({ tool: 'resume_tiktok_ad', error: expect.stringMatching(/^TikTok advertiser 999 is not connected/) });
    expect(await usage()).toBe(used); // refused calls are not billed
    expect((await call(s, 'pause_tiktok_ad', { ad_id: adId, status: 'DISABLE', advertiser_id: '7000000000000000002' })).status).toBe(200);
    expect(s.ads()[0]!.status).toBe('DISABLE');
  });

  it('rate limits with 429 and Retry-After', async () => {
    const s = await sim({ rateLimit: 2 });
    const results = await Promise.all([0, 1, 2, 3].map((i) => call(s, 'get_usage_status', { i })));
    const limited = results.filter((r) => r.status === 429);
    expect(limited).toHaveLength(2);
    expect(limited[0]!.headers.get('retry-after')).toBe('1');
  });

  it("--throttle N/S: TikTok's throttle as documented, a 429 with no Retry-After and the wait in the text", async () => {
    let now = Date.parse('2026-12-07T12:00:00Z');
    const s = await sim({ throttle: { count: 2, seconds: 20 }, now: () => now });
    expect((await call(s, 'add_tiktok_ad', AD)).status).toBe(200);
    now += 5000;
    expect((await call(s, 'add_tiktok_ad', { ...AD, ad_text: 'two' })).status).toBe(200);
    // Free tools are not add_tiktok_ad: never throttled by it.
    expect((await call(s, 'get_usage_status', {})).status).toBe(200);
    now += 2500;
    const limited = await call(s, 'add_tiktok_ad', { ...AD, ad_text: 'three' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeNull();
    expect(limited.json).toEqual({
      success: false,
      is_error: true,
      error: 'Upstream platform rate limit hit (TikTok ad/create: 2 per 20 s). Retry after 13 seconds.',
      tool: 'add_tiktok_ad',
    });
    expect(s.ads()).toHaveLength(2);
    // The window frees 20 s after it began.
    now += 12_500;
    expect((await call(s, 'add_tiktok_ad', { ...AD, ad_text: 'three' })).status).toBe(200);
    expect(s.stats().rateLimited).toBe(1);
  });

  it('--overage N: calls past the limit until N more, then 402; used is reported above limit', async () => {
    const s = await sim({ quota: 2, used: 2, overage: 1 });
    const over = await call(s, 'add_tiktok_ad', AD);
    expect(over.status).toBe(200);
    expect(over.json.data.quota).toMatchObject({ used: 3, limit: 2 });
    expect((await call(s, 'add_tiktok_ad', { ...AD, ad_text: 'two' })).status).toBe(402);
  });

  it('an inactive advertiser is listed as inactive and its calls are refused', async () => {
    const s = await sim({ advertisers: ['111=A', '222=B:inactive'] });
    const list = await call(s, 'list_connected_accounts', { platform: 'tiktok_ads' });
    expect(list.json.data.structured.accounts[1]).toMatchObject({ account_id: '222', account_tier: 'inactive', status: 'connected' });
    const refused = await call(s, 'add_tiktok_ad', { ...AD, advertiser_id: '222' });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toBe('TikTok advertiser 222 (B) is connected but not active on your plan. Activate it in Manage Accounts.');
  });

  it('the CLI takes --throttle and --overage, and refuses a malformed --throttle', async () => {
    const bad = await cli(['sim', '--port', '0', '--throttle', '30 a minute']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--throttle 30 a minute: write N\/S, e\.g\. 30\/20/);
  });

  it('--adgroups: list_tiktok_ad_groups lists them in data.text, and add_tiktok_ad refuses any other', async () => {
    const s = await sim({ adgroups: new Map([['7000000000000000001', ['1780000000000000101']]]) });
    const list = await call(s, 'list_tiktok_ad_groups', { advertiser_id: '7000000000000000001' });
    expect(list.status).toBe(200);
    expect(list.json.data.structured).toBeUndefined();
    expect(list.json.data.text).toMatch(/adgroup_id: 1780000000000000101/);
    const other = await call(s, 'add_tiktok_ad', { ...AD, adgroup_id: '1780000000000000999' });
    expect(other.status).toBe(400);
    expect(other.json.error).toBe('TikTok API error 40002: adgroup_id 1780000000000000999 does not exist.');
    expect((await call(s, 'add_tiktok_ad', AD)).status).toBe(200);
    const none = await sim();
    expect((await call(none, 'list_tiktok_ad_groups', {})).json.data.text).toBe('No ad groups found for advertiser 7000000000000000001.');
    expect((await cli(['sim', '--adgroups', '7000:abc'])).stderr).toMatch(/--adgroups: "7000:abc" is not ADVERTISER:ADGROUP\|ADGROUP/);
  });

  it("pause_tiktok_ad and resume_tiktok_ad set an ad's status (billed, idempotent), and list_tiktok_ads shows it", async () => {
    const s = await sim({ quota: 10 });
    const made = await call(s, 'add_tiktok_ad', { ...AD, ad_name: 'Launch A' });
    const adId = made.json.data.ad_id as string;
    const paused = await call(s, 'pause_tiktok_ad', { ad_id: adId, status: 'DISABLE' }, { 'idempotency-key': 'p-1' });
    expect(paused.status).toBe(200);
    expect(paused.json.data.text).toBe(`Ad "Launch A" (ad_id: ${adId}) status set to DISABLE.`);
    expect(s.ads()[0]!.status).toBe('DISABLE');
    // The same key replays: no second billed call.
    await call(s, 'pause_tiktok_ad', { ad_id: adId, status: 'DISABLE' }, { 'idempotency-key': 'p-1' });
    expect(s.quota.used).toBe(2);
    const list = await call(s, 'list_tiktok_ads', { adgroup_id: AD.adgroup_id });
    expect(list.json.data.text).toContain(`- **Launch A** (ad_id: ${adId}) — status: DISABLE`);
    expect((await call(s, 'resume_tiktok_ad', { ad_id: adId, status: 'ENABLE' })).status).toBe(200);
    expect((await call(s, 'resume_tiktok_ad', { ad_id: adId, status: 'DELETE' })).status).toBe(200);
    const gone = await call(s, 'pause_tiktok_ad', { ad_id: adId, status: 'DISABLE' });
    expect(gone.json.error).toBe(`TikTok API error 40002: ad ${adId} is deleted.`);
    expect((await call(s, 'pause_tiktok_ad', { ad_id: '1', status: 'OFF' })).json.error).toBe('status must be ENABLE, DISABLE or DELETE (got "OFF").');
    expect((await call(s, 'list_tiktok_ads', { adgroup_id: '999' })).json.data.text).toBe('No ads found in ad group 999.');
  });

  it('injects 5xx with HTML bodies from proxies', async () => {
    const s = await sim({ failRate: 1, faults: ['502'] });
    const r = await call(s, 'add_tiktok_ad', AD);
    expect(r.status).toBe(502);
    expect(r.text).toMatch(/<title>502 Bad Gateway<\/title>/);
    expect(s.ads()).toHaveLength(0);
  });

  it('drops connections before the work, and hangs when asked', async () => {
    const s = await sim({ failRate: 1, faults: ['drop-before'] });
    await expect(call(s, 'add_tiktok_ad', AD)).rejects.toThrow();
    expect(s.ads()).toHaveLength(0);
    const h = await sim({ failRate: 1, faults: ['hang'] });
    const res = fetch(`${h.url}/api/v1/tools/add_tiktok_ad/execute`, {
      method: 'POST',
      headers: { authorization: 'Bearer k' },
      body: JSON.stringify({ arguments: AD }),
      signal: AbortSignal.timeout(200),
    });
    await expect(res).rejects.toThrow();
    expect(h.stats().faults.hang).toBe(1);
  });

  it('the same seed gives the same sequence of faults', () => {
    const seq = (seed: number) => {
      const rng = seededRandom(seed);
      return Array.from({ length: 200 }, () => drawFault(rng, 0.3) ?? '-').join(',');
    };
    expect(seq(7)).toBe(seq(7));
    expect(seq(7)).not.toBe(seq(8));
    const hits = seq(7)
      .split(',')
      .filter((f) => f !== '-').length;
    expect(hits).toBeGreaterThan(30);
    expect(hits).toBeLessThan(90);
  });

  it('the same seed gives the same faults over HTTP', async () => {
    const run = async () => {
      const s = await sim({ failRate: 0.5, faults: ['500', '503'], seed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await call(s, 'add_tiktok_ad', { ...AD, ad_text: `n${i}` })).status);
      return statuses.join(',');
    };
    expect(await run()).toBe(await run());
  });

  it('adds latency with jitter, and reports stats with the most requests in flight', async () => {
    const s = await sim({ latencyMs: 40 });
    const t = Date.now();
    await Promise.all([1, 2, 3].map((i) => call(s, 'add_tiktok_ad', { ...AD, ad_text: `t${i}` })));
    expect(Date.now() - t).toBeGreaterThanOrEqual(20);
    const stats = (await (await fetch(`${s.url}/__sim/stats`)).json()) as { byStatus: Record<string, number> };
    expect(stats, JSON.stringify(stats)).toMatchObject({ requests: 3, created: 3, maxInFlight: 3 });
    expect(stats.byStatus['200']).toBe(3);
    const ads = (await (await fetch(`${s.url}/__sim/ads`)).json()) as { ads: unknown[] };
    expect(ads.ads).toHaveLength(3);
  });

  it('`sim` prints "listening on http://127.0.0.1:PORT" first and logs one line per request', async () => {
    const child = spawn(process.execPath, ['dist/bin/tiktok-ads-bulk.mjs', 'sim', '--port', '0', '--quota', '20', '--fail-rate', '0.1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const first = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString())));
    expect(first).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+\n/);
    const url = /http:\/\/\S+/.exec(first)![0];
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await fetch(`${url}/api/v1/tools/get_usage_status/execute`, { method: 'POST', headers: { authorization: 'Bearer x' }, body: '{"arguments":{}}' });
    await new Promise((r) => setTimeout(r, 50));
    expect(stderr).toMatch(/POST \/api\/v1\/tools\/get_usage_status\/execute 200/);
    child.kill('SIGINT');
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
  });

  it('`sim` rejects bad options naming them', async () => {
    expect((await cli(['sim', '--fail-rate', '2'])).stderr).toMatch(/--fail-rate 2: expected a number at least 0 and at most 1/);
    expect((await cli(['sim', '--faults', 'boom'])).stderr).toMatch(/--faults: unknown fault "boom"/);
    expect((await cli(['sim', '--advertisers', 'abc'])).code).toBe(2);
    expect((await cli(['sim', '--accounts-shape', 'weird'])).stderr).toBe('Error: --accounts-shape weird: use structured or text.\n');
    expect((await cli(['sim', '--ad-id-in', 'x'])).stderr).toBe('Error: --ad-id-in x: use data or text or none.\n');
    const { parseAccount } = await import('../src/sim/server.js');
    expect(parseAccount('7000000000000000002=Client B:needs_reauth', 1)).toEqual({ id: '7000000000000000002', name: 'Client B', status: 'needs_reauth' });
    expect(parseAccount('7000000000000000001', 0)).toEqual({ id: '7000000000000000001', name: 'Advertiser 1', status: 'connected' });
  });
});

describe('the sim command in-process (as mutation testing reaches it)', () => {
  /** Starts `sim ARGS` through runCli; gives its address, its output and its stop. */
  async function simCli(args: string[]) {
    const io = bufferIo();
    let stop: (() => Promise<void>) | undefined;
    const code = await runCli(['sim', '--port', '0', ...args], { env: {}, io, onSimStarted: (s) => (stop = s) });
    expect(code, io.stderr.join('')).toBe(0);
    const url = /^listening on (http:\/\/127\.0\.0\.1:\d+)\n$/.exec(io.stdout.join(''))![1]!;
    const s = { url } as Simulator;
    return { url, io, s, stop: stop! };
  }

  it('serves with the options given: advertisers, ad groups, quota without data.quota in answers, an accepted key; logs a line per request', async () => {
    const run = await simCli([
      '--quota',
      '5',
      '--advertisers',
      ' 7000000000000000001=Client A , 7000000000000000002=Client B:needs_reauth ,',
      '--adgroups',
      '7000000000000000001:1780000000000000101 | 1780000000000000102, 7000000000000000001:1780000000000000103',
      '--quota-in-answers',
      'no',
      '--api-key',
      'sk_test_1',
    ]);
    try {
      expect(run.io.stderr[0]).toBe(`Point an upload at it: ADSPIRER_API_KEY=<the --api-key above> tiktok-ads-bulk upload FILE --endpoint ${run.url}\n`);
      const accounts = await call(run.s, 'list_connected_accounts', { platform: 'tiktok_ads' });
      expect(accounts.json.data.structured.accounts.map((a: { account_id: string; status: string }) => [a.account_id, a.status])).toEqual([
        ['7000000000000000001', 'connected'],
        ['7000000000000000002', 'needs_reauth'],
      ]);
      const groups = await call(run.s, 'list_tiktok_ad_groups', { advertiser_id: '7000000000000000001' });
      for (const id of ['1780000000000000101', '1780000000000000102', '1780000000000000103']) expect(groups.json.data.text).toContain(`adgroup_id: ${id}`);
      const made = await call(run.s, 'add_tiktok_ad', { ...AD, advertiser_id: '7000000000000000001' });
      expect(made.status).toBe(200);
      expect(made.json.data.quota).toBeUndefined();
      const usage = await call(run.s, 'get_usage_status', {});
      expect(usage.json.data.structured ?? usage.json.data).toBeTruthy();
      expect(usage.text).toMatch(/"limit":5|5/);
      const wrongKey = await fetch(`${run.url}/api/v1/tools/get_usage_status/execute`, {
        method: 'POST',
        headers: { authorization: 'Bearer someone-else', 'content-type': 'application/json' },
        body: '{"arguments":{}}',
      });
      expect(wrongKey.status).toBe(401);
      const log = run.io.stderr.slice(1);
      expect(log.length).toBeGreaterThanOrEqual(5);
      expect(log.every((l) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /.test(l) && l.endsWith('\n'))).toBe(true);
    } finally {
      await run.stop();
    }
  });

  it('--quiet logs nothing; without --api-key any key is taken, as the hint says; --throttle N/S slows add_tiktok_ad', async () => {
    const run = await simCli(['--quiet', '--throttle', '1/5.5']);
    try {
      expect(run.io.stderr).toEqual([`Point an upload at it: ADSPIRER_API_KEY=any-key tiktok-ads-bulk upload FILE --endpoint ${run.url}\n`]);
      expect((await call(run.s, 'add_tiktok_ad', AD)).status).toBe(200);
      const slowed = await call(run.s, 'add_tiktok_ad', { ...AD, ad_text: 'second' });
      expect(slowed.status).toBe(429);
      expect(slowed.headers.get('retry-after')).toBeNull();
      expect(JSON.parse(slowed.text).error).toMatch(
        /^Upstream platform rate limit hit \(TikTok ad\/create: 1 per 5.5 s\)\. Retry after [3-6](\.\d+)? seconds\.$/,
      );
      expect(run.io.stderr).toHaveLength(1);
    } finally {
      await run.stop();
    }
  });

  it('refuses what it cannot serve: a port in use, an empty --api-key, a --throttle or --adgroups it cannot read', async () => {
    const first = await simCli(['--quiet']);
    try {
      const port = new URL(first.url).port;
      const busy = await cli(['sim', '--port', port, '--quiet']);
      expect(busy).toMatchObject({ code: 2, stderr: `Error: Port ${port} is in use; choose another with --port (0 picks a free one).\n` });
    } finally {
      await first.stop();
    }
    expect((await cli(['sim', '--port', '0', '--api-key', ''])).stderr).toBe(
      'Error: --api-key is empty; give the key the simulator should accept, or leave the option out.\n',
    );
    for (const bad of ['0/5', '5/0', '5/', '/5', 'a/b', '5/-1'])
      expect((await cli(['sim', '--port', '0', '--throttle', bad])).stderr, bad).toBe(
        `Error: --throttle ${bad}: write N/S, e.g. 30/20 for 30 calls per 20 seconds.\n`,
      );
    expect((await cli(['sim', '--port', '0', '--adgroups', '7000:1|x'])).stderr).toBe(
      'Error: --adgroups: "7000:1|x" is not ADVERTISER:ADGROUP|ADGROUP (IDs in digits).\n',
    );
    expect((await cli(['sim', '--port', '0', '--advertisers', '7000=A:paused'])).stderr).toBe(
      'Error: --advertisers: "7000=A:paused" is not a TikTok advertiser: write ID, ID=Name, ID=Name:needs_reauth or ID=Name:inactive.\n',
    );
  });
});

describe('the simulator answers a malformed request as an HTTP service does', () => {
  it('404 for another path, 405 with Allow for another method, 400 for a body that is not JSON or not {arguments}, 401 without a bearer key', async () => {
    const s = await sim();
    const post = (path: string, body: string, headers: Record<string, string> = { authorization: 'Bearer sk_test_1' }) =>
      fetch(`${s.url}${path}`, { method: 'POST', headers, body }).then(async (r) => ({
        status: r.status,
        allow: r.headers.get('allow'),
        json: (await r.json()) as { error: string },
      }));
    expect(await post('/api/v1/tools/add-tiktok-ad/run', '{}')).toMatchObject({ status: 404, json: { error: 'Not found: /api/v1/tools/add-tiktok-ad/run' } });
    const get = await fetch(`${s.url}/api/v1/tools/get_usage_status/execute`);
    expect([get.status, get.headers.get('allow'), ((await get.json()) as { error: string }).error]).toEqual([405, 'POST', 'Use POST']);
    const notJson = await post('/api/v1/tools/get_usage_status/execute', '{"arguments":');
    expect(notJson.status).toBe(400);
    expect(notJson.json.error).toMatch(/^Request body is not valid JSON \(.+\)\.$/);
    for (const body of ['null', '{}', '{"arguments":[1]}', '{"arguments":"x"}'])
      expect(await post('/api/v1/tools/get_usage_status/execute', body), body).toMatchObject({
        status: 400,
        json: { error: 'Body must be {"arguments": {…}}.' },
      });
    for (const auth of [{}, { authorization: 'Basic abc' }, { authorization: 'Bearer ' }] as Record<string, string>[])
      expect((await post('/api/v1/tools/get_usage_status/execute', '{"arguments":{}}', auth)).status, JSON.stringify(auth)).toBe(401);
    // The stats count the POSTs that reach a tool: not the 404, the 405 or the inspection endpoints.
    const stats = (await (await fetch(`${s.url}/__sim/stats`)).json()) as { requests: number };
    expect(stats.requests).toBe(1 + 4 + 3);
  });

  it('a body over 1 MiB is not read into memory: the request is cut off', async () => {
    const s = await sim();
    const huge = JSON.stringify({ arguments: { ad_text: 'x'.repeat(1024 * 1024 + 10) } });
    const outcome = await fetch(`${s.url}/api/v1/tools/add_tiktok_ad/execute`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk_test_1', 'content-type': 'application/json' },
      body: huge,
    }).then(
      (r) => r.status,
      () => 'cut off',
    );
    expect([400, 413, 'cut off']).toContain(outcome);
    expect(s.ads()).toHaveLength(0);
  });
});

describe('the simulated tools at their edges, as the reference documents them', () => {
  it('list_connected_accounts lists TikTok accounts for tiktok_ads or no platform, none for another platform', async () => {
    const s = await sim({ advertisers: ['111=A', '222=B:needs_reauth'] });
    const all = await call(s, 'list_connected_accounts', {});
    expect(all.json.data.structured.accounts.map((a: { account_id: string; account_tier: string }) => [a.account_id, a.account_tier])).toEqual([
      ['111', 'primary'],
      ['222', 'secondary'],
    ]);
    expect(all.json.data.text).toBe(
      '**Connected TikTok Ads accounts (2)**\n- A (advertiser_id="111") — primary, connected\n- B (advertiser_id="222") — secondary, needs reauth',
    );
    expect((await call(s, 'list_connected_accounts', { platform: 'tiktok_ads' })).json.data.structured.accounts).toHaveLength(2);
    const meta = await call(s, 'list_connected_accounts', { platform: 'meta_ads' });
    expect(meta.json.data.structured.accounts).toEqual([]);
    expect(meta.json.data.text).toBe('**Connected TikTok Ads accounts (0)**');
    const other = await call(s, 'list_tiktok_ad_groups', { advertiser_id: '999' });
    expect(other.status).toBe(400);
    expect(other.json.error).toBe('TikTok advertiser 999 is not connected to this Adspirer account.');
    const reauth = await call(s, 'add_tiktok_ad', { ...AD, advertiser_id: '222' });
    expect(reauth.json.error).toBe('TikTok advertiser 222 (B) needs to be reconnected in Adspirer: its authorization has expired.');
  });

  it('list_tiktok_ads: by ad group or all, in words; without data.quota when told so', async () => {
    const s = await sim({ quotaInAnswers: false });
    expect((await call(s, 'list_tiktok_ads', {})).json.data).toEqual({ text: 'No ads found.' });
    expect((await call(s, 'list_tiktok_ads', { adgroup_id: '1780000000000000101' })).json.data.text).toBe('No ads found in ad group 1780000000000000101.');
    await call(s, 'add_tiktok_ad', { ...AD, ad_name: 'One' });
    await call(s, 'add_tiktok_ad', { ...AD, ad_name: 'Two', adgroup_id: '1780000000000000202' });
    const all = await call(s, 'list_tiktok_ads', {});
    expect(all.json.data.text).toMatch(/^\*\*Ads \(2\)\*\*\n- \*\*One\*\* \(ad_id: \d+\) — status: ENABLE\n- \*\*Two\*\*/);
    expect(all.json.data.quota).toBeUndefined();
    const one = await call(s, 'list_tiktok_ads', { adgroup_id: '1780000000000000202' });
    expect(one.json.data.text).toMatch(/^\*\*Ads in ad group 1780000000000000202 \(1\)\*\*\n- \*\*Two\*\*/);
    const groups = await call(s, 'list_tiktok_ad_groups', {});
    expect(groups.json.data.quota).toBeUndefined();
  });

  it('pause/resume: the status in any case, a missing or unknown one refused, an unknown ad refused, a spent quota answered 402', async () => {
    const s = await sim({ quota: 2 });
    const made = await call(s, 'add_tiktok_ad', AD);
    const adId = made.json.data.ad_id as string;
    expect((await call(s, 'pause_tiktok_ad', { ad_id: adId, status: 'disable' })).json.data.text).toMatch(/status set to DISABLE\.$/);
    for (const status of [undefined, 'PAUSED', 3])
      expect((await call(s, 'resume_tiktok_ad', { ad_id: adId, ...(status === undefined ? {} : { status }) })).json.error, String(status)).toBe(
        `status must be ENABLE, DISABLE or DELETE (got ${JSON.stringify(status ?? null)}).`,
      );
    // The quota is spent: the status is checked first, then the 402, before the ad is looked up.
    const spent = await call(s, 'resume_tiktok_ad', { ad_id: 'nope', status: 'ENABLE' });
    expect(spent.status).toBe(402);
    expect(spent.json.error).toMatch(/^\u{1f6a8} Monthly limit reached \(2\/2 tool calls on Plus tier\)\./u);
    const fresh = await sim();
    const unknown = await call(fresh, 'resume_tiktok_ad', { ad_id: '1899', status: 'ENABLE' });
    expect([unknown.status, unknown.json.error]).toEqual([400, 'TikTok API error 40002: ad_id 1899 does not exist.']);
  });

  it('add_tiktok_ad refuses what the tool page documents: each required field, blank or missing, ad_text over 100, an http landing page', async () => {
    const s = await sim();
    for (const field of ['adgroup_id', 'ad_text', 'landing_page_url']) {
      const { [field]: _gone, ...rest } = AD as Record<string, unknown>;
      expect((await call(s, 'add_tiktok_ad', rest)).json.error, field).toBe(`TikTok API error 40002: ${field} is required.`);
      expect((await call(s, 'add_tiktok_ad', { ...AD, [field]: '  ' })).json.error, field).toBe(`TikTok API error 40002: ${field} is required.`);
    }
    expect((await call(s, 'add_tiktok_ad', { ...AD, ad_text: 'x'.repeat(101) })).json.error).toBe(
      'TikTok API error 40002: ad_text must be 1-100 characters (got 101).',
    );
    expect((await call(s, 'add_tiktok_ad', { ...AD, ad_text: 'x'.repeat(100) })).status).toBe(200);
    expect((await call(s, 'add_tiktok_ad', { ...AD, landing_page_url: 'http://e.com/' })).json.error).toBe(
      'TikTok API error 40002: landing_page_url must be HTTPS.',
    );
    expect((await call(s, 'no_such_tool', {})).status).toBe(404);
  });
});

describe("the simulator's log and stats", () => {
  it('one log line per request: method, path, status (or dropped) and its time on the injected clock; stats by status and fault', async () => {
    const lines: string[] = [];
    let t = 1_000;
    const s = await sim({ log: (l) => lines.push(l), now: () => (t += 5), faults: ['drop-before'], failRate: 0, quota: 1 });
    await call(s, 'get_usage_status', {});
    await call(s, 'add_tiktok_ad', AD);
    await call(s, 'add_tiktok_ad', { ...AD, ad_text: 'second' });
    s.setFailRate(1);
    await call(s, 'add_tiktok_ad', { ...AD, ad_text: 'third' }).catch(() => undefined);
    expect(lines[0]).toMatch(/^POST \/api\/v1\/tools\/get_usage_status\/execute 200 \d+ms$/);
    expect(lines[1]).toMatch(/^POST \/api\/v1\/tools\/add_tiktok_ad\/execute 200 \d+ms$/);
    expect(lines[2]).toMatch(/^POST \/api\/v1\/tools\/add_tiktok_ad\/execute 402 \d+ms$/);
    expect(lines[3]).toMatch(/^POST \/api\/v1\/tools\/add_tiktok_ad\/execute dropped \d+ms$/);
    const stats = s.stats();
    expect(stats).toMatchObject({ requests: 4, created: 1, replays: 0, byStatus: { '200': 2, '402': 1 } });
    expect(stats.faults).toEqual({ 'drop-before': 1 });
  });
});
