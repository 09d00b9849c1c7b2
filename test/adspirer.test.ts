import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adIdOf } from '../src/send/answer.js';
import { connectedAccounts } from '../src/send/accounts.js';
import { reportRows } from './helpers/report.js';
import { tempDir } from './helpers/tmp.js';
import { hostile } from './helpers/hostile.js';
import { startSim, upload } from './helpers/upload.js';

const A = '7000000000000000001';
const B = '7000000000000000002';
const GONE = '7000000000000000009';
const HEADER = 'adgroup_id,ad_text,landing_page_url,video_url,advertiser_id';

/** An agency batch: two rows for each of three clients, one of which is not connected. */
async function agencyFile(): Promise<string> {
  const rows = [A, A, B, B, GONE, GONE].map((adv, i) => `178000000000000010${i + 1},Coffee ${i + 1},https://e.com/${i},https://e.com/${i}.mp4,${adv}`);
  const path = join(await tempDir(), 'agency.csv');
  await writeFile(path, [HEADER, ...rows].join('\n'));
  return path;
}

const paidCalls = (sim: Awaited<ReturnType<typeof startSim>>) => sim.stats().requests - 3; // less the free usage, accounts and usage-after calls

describe('the connected accounts as documented', () => {
  it('reads data.structured, a list in data, then the markdown text; says so when nothing is recognised', () => {
    const structured = {
      success: true,
      data: {
        text: 'x',
        structured: {
          accounts: [
            { platform: 'tiktok_ads', account_id: A, account_name: 'Client A', account_tier: 'primary', status: 'connected' },
            { platform: 'meta_ads', account_id: 'act_1' },
          ],
        },
      },
    };
    expect(connectedAccounts(structured)).toEqual([{ id: A, name: 'Client A', status: 'connected' }]);
    expect(connectedAccounts({ success: true, data: { accounts: [{ platform: 'tiktok_ads', account_id: B, status: 'needs_reauth' }] } })).toEqual([
      { id: B, status: 'needs_reauth' },
    ]);
    const text = `**Connected TikTok Ads accounts (2)**\n- Client A (advertiser_id="${A}") — primary, connected\n- Client B (advertiser_id="${B}") — secondary, needs reauth`;
    expect(connectedAccounts({ success: true, data: { text } })).toEqual([
      { id: A, name: 'Client A', status: 'connected' },
      { id: B, name: 'Client B', status: 'needs_reauth' },
    ]);
    expect(connectedAccounts({ success: true, data: { text: 'You have no accounts we can show.' } })).toBeUndefined();
  });

  it('ad_id from every documented form; none when the answer names none', () => {
    const id = '1812345678901234567';
    expect(adIdOf({ data: { structured: { ad_id: id } } })).toBe(id);
    expect(adIdOf({ data: { ad_id: id } })).toBe(id);
    for (const text of [`Created (ad_id: ${id})`, `Ad ID: ${id}`, `**Ad ID:** ${id}`, `ad_id=${id}`]) expect(adIdOf({ data: { text } }), text).toBe(id);
    expect(adIdOf({ data: { text: 'Created TikTok ad "Spring" in ad group 1780000000000000101.' } })).toBeUndefined();
  });
});

describe('agency batches against both account dialects', () => {
  for (const accountsShape of ['structured', 'text'] as const) {
    it(`${accountsShape}: the unconnected client's rows are invalid before any paid call; the others are created (exit 1)`, async () => {
      const sim = await startSim({ advertisers: [`${A}=Client A`, `${B}=Client B`], accountsShape });
      const { summary } = await upload(sim, { file: await agencyFile() });
      expect(summary).toMatchObject({ exit_code: 1, stopped: null, counts: { created: 4, invalid: 2 } });
      expect(paidCalls(sim)).toBe(4);
      expect(sim.ads().every((a) => a.arguments.advertiser_id !== GONE)).toBe(true);
      const rows = await reportRows(summary.report!);
      expect(rows[4]!.error).toBe(
        `advertiser_id: advertiser ${GONE} is not connected to this Adspirer account; connected: ${A} Client A, ${B} Client B. Fix advertiser_id, or connect the advertiser in Adspirer`,
      );
    });
  }

  it('accounts that cannot be read: one line says so; the service\'s "not connected" answer costs one call and sets that client\'s other rows aside', async () => {
    const sim = await startSim({ advertisers: [`${A}=Client A`, `${B}=Client B`] });
    // A service whose free answers carry no accounts shape we know; add_tiktok_ad goes to the simulator.
    const proxy = await hostile(async (req, res, body) => {
      const answer = await fetch(`${sim.url}${req.url}`, {
        method: 'POST',
        headers: {
          authorization: req.headers.authorization!,
          'content-type': 'application/json',
          ...(req.headers['idempotency-key'] ? { 'idempotency-key': String(req.headers['idempotency-key']) } : {}),
        },
        body,
      });
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(await answer.text());
    });
    const { summary, stderr } = await upload(sim, { file: await agencyFile(), endpoint: proxy.url, concurrency: 1 });
    expect(stderr).toContain('Note: could not read the connected accounts; checking the set-up with the first row alone.');
    expect(summary.counts).toMatchObject({ created: 4, rejected: 1, not_sent: 1 });
    const sentForGone = proxy.requests.filter((r) => r.path.includes('add_tiktok_ad') && r.body.includes(GONE));
    expect(sentForGone).toHaveLength(1);
    const rows = await reportRows(summary.report!);
    expect(rows[5]!.error).toMatch(new RegExp(`^not sent: the service said advertiser ${GONE} is not connected`));
  });

  it('a client that must be reconnected in Adspirer: its rows wait with that advice; the others go on', async () => {
    const sim = await startSim({ advertisers: [`${A}=Client A`, `${B}=Client B:needs_reauth`] });
    const path = join(await tempDir(), 'two.csv');
    await writeFile(
      path,
      [
        HEADER,
        `1780000000000000101,Coffee 1,https://e.com/1,https://e.com/1.mp4,${A}`,
        `1780000000000000102,Coffee 2,https://e.com/2,https://e.com/2.mp4,${B}`,
      ].join('\n'),
    );
    const { summary } = await upload(sim, { file: path });
    expect(summary.counts).toMatchObject({ created: 1, not_sent: 1 });
    const rows = await reportRows(summary.report!);
    expect(rows[1]!.error).toBe(`not sent: advertiser ${B} Client B needs to be reconnected in Adspirer; reconnect it, then run the same command`);
    expect(paidCalls(sim)).toBe(1);
  });
});

describe('one probe before fan-out', () => {
  it('a refused key costs one paid call at most, whatever the concurrency', async () => {
    const sim = await startSim({ apiKey: 'sk_live_the_right_one' });
    const path = join(await tempDir(), 'ten.csv');
    await writeFile(
      path,
      [
        HEADER.replace(',advertiser_id', ''),
        ...Array.from({ length: 10 }, (_, i) => `178000000000000010${i},Coffee ${i},https://e.com/${i},https://e.com/${i}.mp4`),
      ].join('\n'),
    );
    const { summary } = await upload(sim, { file: path, concurrency: 8 });
    expect(summary.exit_code).toBe(4);
    // The free usage call was refused first: not one paid call.
    expect(sim.stats().byStatus['401']).toBe(1);
  });

  it('the first paid request goes alone: when it meets the multi-account prompt, no other row was sent (concurrency 8)', async () => {
    const sim = await startSim({ advertisers: [A, B] });
    const proxy = await hostile(async (req, res, body) => {
      const answer = await fetch(`${sim.url}${req.url}`, {
        method: 'POST',
        headers: { authorization: req.headers.authorization!, 'content-type': 'application/json' },
        body,
      });
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(await answer.text());
    });
    const path = join(await tempDir(), 'unnamed.csv');
    await writeFile(
      path,
      [
        HEADER.replace(',advertiser_id', ''),
        ...Array.from({ length: 6 }, (_, i) => `178000000000000010${i},Coffee ${i},https://e.com/${i},https://e.com/${i}.mp4`),
      ].join('\n'),
    );
    const { summary, stderr } = await upload(sim, { file: path, endpoint: proxy.url, concurrency: 8 });
    expect(proxy.requests.filter((r) => r.path.includes('add_tiktok_ad'))).toHaveLength(1);
    expect(summary).toMatchObject({ exit_code: 2, stopped: 'account', counts: { not_sent: 6 } });
    expect(stderr).toMatch(/Run again with one of:\n {2}--advertiser-id 7000000000000000001\n {2}--advertiser-id 7000000000000000002/);
  });

  it('rows naming no advertiser, read from accounts in text: set aside with the list before any paid call', async () => {
    const sim = await startSim({ advertisers: [A, B], accountsShape: 'text' });
    const path = join(await tempDir(), 'unnamed.csv');
    await writeFile(
      path,
      [
        HEADER.replace(',advertiser_id', ''),
        ...Array.from({ length: 6 }, (_, i) => `178000000000000010${i},Coffee ${i},https://e.com/${i},https://e.com/${i}.mp4`),
      ].join('\n'),
    );
    const { summary, stderr } = await upload(sim, { file: path, concurrency: 8 });
    expect(summary).toMatchObject({ exit_code: 2, stopped: 'account', counts: { not_sent: 6 } });
    expect(sim.ads()).toHaveLength(0);
    expect(sim.stats().byStatus['400'] ?? 0).toBe(0);
    expect(stderr).toMatch(/6 rows name no advertiser and 2 are connected/);
  });
});

describe('quota the user can trust, ad_id in every dialect', () => {
  it("30% of answers lost: replays carry stale figures, yet the final quota equals the service's", async () => {
    const sim = await startSim({ quota: 150, used: 3, failRate: 0.3, faults: ['drop-after'], seed: 7 });
    const path = join(await tempDir(), 'lossy.csv');
    await writeFile(
      path,
      [
        HEADER.replace(',advertiser_id', ''),
        ...Array.from({ length: 12 }, (_, i) => `17800000000000001${String(i).padStart(2, '0')},Coffee ${i},https://e.com/${i},https://e.com/${i}.mp4`),
      ].join('\n'),
    );
    const { summary } = await upload(sim, { file: path, retries: 10 });
    expect(summary.counts.created).toBe(12);
    expect(sim.stats().replays).toBeGreaterThan(0);
    expect(summary.quota).toMatchObject({ used: sim.quota.used, limit: 150 });
  });

  for (const adIdIn of ['data', 'text', 'none'] as const) {
    it(`--ad-id-in ${adIdIn}, --quota-in-answers no: created rows name the ad where the answer does; the quota is asked for after`, async () => {
      const sim = await startSim({ adIdIn, quotaInAnswers: false, used: 10 });
      const path = join(await tempDir(), 'two.csv');
      await writeFile(
        path,
        [
          HEADER.replace(',advertiser_id', ''),
          '1780000000000000101,Coffee 1,https://e.com/1,https://e.com/1.mp4',
          '1780000000000000102,Coffee 2,https://e.com/2,https://e.com/2.mp4',
        ].join('\n'),
      );
      const { summary } = await upload(sim, { file: path });
      expect(summary.counts.created).toBe(2);
      expect(summary.quota).toMatchObject({ used: 12 });
      const rows = await reportRows(summary.report!);
      if (adIdIn === 'none') {
        expect(rows.map((r) => [r.ad_id, r.error])).toEqual(Array(2).fill(['', 'the answer named no ad_id; find the ad in TikTok Ads Manager']));
      } else {
        expect(rows.map((r) => r.ad_id)).toEqual(sim.ads().map((a) => a.ad_id));
      }
    });
  }
});
