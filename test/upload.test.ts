import { readFile, writeFile, copyFile, readdir } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { reportRows } from './helpers/report.js';
import { describe, expect, it } from 'vitest';
import { RunError } from '../src/errors.js';
import { cli } from './helpers/cli.js';
import { csvRows, tempDir } from './helpers/tmp.js';
import { KEY, startSim, upload } from './helpers/upload.js';

async function campaign(name = 'campaign.csv', content?: string): Promise<string> {
  const dir = await tempDir();
  const path = join(dir, name);
  if (content === undefined) await copyFile(join('fixtures', name), path);
  else await writeFile(path, content);
  return path;
}

describe('upload against the simulator', () => {
  it('creates one ad per valid row and writes the report with matching ad_ids', async () => {
    const sim = await startSim();
    const file = await campaign();
    const { summary, stderr } = await upload(sim, { file });
    expect(summary).toMatchObject({ command: 'upload', rows: 20, stopped: null, exit_code: 0 });
    expect(summary.counts.created).toBe(20);
    expect(sim.ads()).toHaveLength(20);
    const rows = await reportRows(summary.report!);
    expect(rows.map((r) => r.row)).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 2)));
    const simIds = new Map(sim.ads().map((a) => [a.idempotency_key, a.ad_id]));
    for (const r of rows) {
      expect(r.status).toBe('created');
      expect(r.ad_id).toBe(simIds.get(r.idempotency_key!));
      expect(r.attempts).toBe('1');
    }
    expect(summary.report).toBe(join(file, '..', 'campaign.results.csv'));
    expect(stderr).toMatch(/Quota: 0\/150 calls used on plus, 150 left, resets \d{4}-\d\d-01; this batch needs 20/);
    expect(stderr).toMatch(/Done in .*: 20 created/);
  });

  it('a mix of every fault still gives exactly one ad per valid row', async () => {
    const sim = await startSim({ failRate: 0.35, seed: 5, latencyMs: 5 }); // seed 5: all six faults within the first 40 requests
    const file = await campaign('mixed.csv', csvRows(40));
    const { summary } = await upload(sim, { file, retries: 8, timeoutSeconds: 0.3 });
    expect(Object.keys(sim.stats().faults).sort()).toEqual(['500', '502', '503', 'drop-after', 'drop-before', 'hang']);
    const rows = await reportRows(summary.report!);
    const created = rows.filter((r) => r.status === 'created');
    expect(created.length + summary.counts.failed).toBe(40);
    // Exactly one ad per key, and every created row's ad_id is the simulator's.
    const keys = sim.ads().map((a) => a.idempotency_key);
    expect(new Set(keys).size).toBe(keys.length);
    const byKey = new Map(sim.ads().map((a) => [a.idempotency_key, a.ad_id]));
    for (const r of created) expect(r.ad_id).toBe(byKey.get(r.idempotency_key!));
    expect(sim.stats().replays).toBeGreaterThan(0);
  });

  it('invalid rows are never sent; the report keeps input order with the input columns', async () => {
    const sim = await startSim();
    const file = await campaign('campaign-broken.csv');
    const { summary } = await upload(sim, { file });
    expect(summary.counts).toMatchObject({ created: 2, invalid: 17 });
    expect(summary.exit_code).toBe(1);
    expect(sim.stats().requests).toBe(2 + 3); // two ads, the two free preflight calls and the free quota check after
    const rows = await reportRows(summary.report!);
    expect(rows[1]).toMatchObject({ row: '3', status: 'invalid', ad_id: '', idempotency_key: '' });
    expect(rows[1]!.ad_name).toBe('Too long');
  });

  it('stops when the quota will not fit the batch: sends what fits, leaves the rest not_sent, exit 3', async () => {
    const sim = await startSim({ quota: 150, used: 143 });
    const file = await campaign();
    const { summary, stderr } = await upload(sim, { file });
    expect(summary).toMatchObject({ stopped: 'quota', exit_code: 3 });
    expect(summary.counts).toMatchObject({ created: 7, not_sent: 13 });
    expect(summary.quota).toMatchObject({ used: 150, limit: 150 });
    expect(stderr).toMatch(/room for 7 more calls; 13 ads will not fit \(rows 9, 10/);
    expect(stderr).toMatch(/Upgrade at https:\/\/adspirer.ai/);
    expect(sim.stats().byStatus['402']).toBeUndefined();
  });

  it('stops cleanly when the quota runs out mid-batch (another client spent it): 402 only for requests in flight', async () => {
    const sim = await startSim({ quota: 150 });
    const file = await campaign();
    let bumped = false;
    const { summary } = await upload(sim, {
      file,
      concurrency: 2,
      onEvent: (e) => {
        if (e.type === 'row' && e.line.status === 'created' && !bumped) {
          bumped = true;
          sim.quota.used = 150;
        }
      },
    });
    expect(summary.stopped).toBe('quota');
    expect(summary.exit_code).toBe(3);
    expect(sim.stats().byStatus['402'] ?? 0).toBeLessThanOrEqual(2);
    expect(summary.counts.created + summary.counts.not_sent).toBe(20);
  });

  it('401: exit 4, nothing sent, the key never printed', async () => {
    const sim = await startSim({ apiKey: 'sk_live_other' });
    const file = await campaign();
    const r = await cli(['upload', file, '--endpoint', sim.url, '--json'], { ADSPIRER_API_KEY: KEY });
    expect(r.code).toBe(4);
    expect(JSON.parse(r.stdout)).toMatchObject({ stopped: 'auth', exit_code: 4, counts: { not_sent: 20 } });
    expect(sim.ads()).toHaveLength(0);
    expect(r.stderr).toMatch(/refused the key/);
    expect(r.stderr + r.stdout).not.toContain(KEY);
  });

  it('several advertisers and none named: exit 2 before any paid call, with advice that works', async () => {
    const sim = await startSim({ advertisers: ['7000000000000000001', '7000000000000000002'] });
    const file = await campaign('one.csv', csvRows(3));
    const first = await cli(['upload', file, '--endpoint', sim.url, '--json'], { ADSPIRER_API_KEY: KEY });
    expect(first.code).toBe(2);
    expect(JSON.parse(first.stdout)).toMatchObject({ stopped: 'account', exit_code: 2 });
    expect(first.stderr).toMatch(/3 rows name no advertiser and 2 are connected \(7000000000000000001 Advertiser 1, 7000000000000000002 Advertiser 2\)/);
    expect(first.stderr).toMatch(/--advertiser-id ID/);
    expect(sim.ads()).toHaveLength(0);
    expect(first.stderr).toMatch(/Run again with one of:\n {2}--advertiser-id 7000000000000000001\n {2}--advertiser-id 7000000000000000002/);
    const second = await cli(['upload', file, '--endpoint', sim.url, '--advertiser-id', '7000000000000000002', '--rate', '50'], { ADSPIRER_API_KEY: KEY });
    expect(second.code).toBe(0);
    expect(sim.ads().map((a) => a.arguments.advertiser_id)).toEqual(['7000000000000000002', '7000000000000000002', '7000000000000000002']);
  });

  it('an advertiser_id that is not connected makes its rows invalid before any paid call, listing the connected ones', async () => {
    const sim = await startSim({ advertisers: ['111', '222'] });
    const file = await campaign('one.csv', csvRows(2));
    const { summary } = await upload(sim, { file, advertiserId: '333' });
    expect(summary).toMatchObject({ stopped: null, exit_code: 1, counts: { invalid: 2, created: 0 } });
    const rows = await reportRows(summary.report!);
    expect(rows[0]!.error).toMatch(/advertiser 333 is not connected to this Adspirer account; connected: 111 Advertiser 1, 222 Advertiser 2/);
    expect(sim.ads()).toHaveLength(0);
  });

  it('honours Retry-After on 429 without cutting it short', async () => {
    const sim = await startSim({ rateLimit: 1, retryAfterSeconds: 2 });
    const file = await campaign('two.csv', csvRows(2));
    const waits: number[] = [];
    const { summary } = await upload(sim, { file, concurrency: 2, sleep: async (ms) => void waits.push(ms) });
    expect(sim.stats().rateLimited).toBeGreaterThan(0);
    // The batch pauses until the time the answer names (its clock has moved a few ms since).
    expect(waits.length).toBeGreaterThan(0);
    expect(waits[0]).toBeGreaterThan(1500);
    expect(waits.every((w) => w <= 2000)).toBe(true);
    // A 429 never ends a row: both are created.
    expect(summary.counts.created).toBe(2);
  });

  it('reports a 409 (key reused with other arguments) as rejected', async () => {
    const sim = await startSim();
    const file = await campaign('one.csv', csvRows(1));
    const first = await upload(sim, { file, dryRun: true });
    const key = (await reportRows(first.summary.report!))[0]!.idempotency_key;
    await fetch(`${sim.url}/api/v1/tools/add_tiktok_ad/execute`, {
      method: 'POST',
      headers: { authorization: 'Bearer x', 'idempotency-key': key! },
      body: JSON.stringify({ arguments: { adgroup_id: '1', ad_text: 'other', landing_page_url: 'https://e.com/x', video_url: 'https://e.com/v.mp4' } }),
    });
    const { summary } = await upload(sim, { file });
    expect(summary.counts.rejected).toBe(1);
    expect((await reportRows(summary.report!))[0]!.error).toMatch(
      /^conflict \(HTTP 409: Idempotency-Key [\w-]+ was already used with different arguments\. Use a new key for a different request\.\): the service already holds a different request under this row's Idempotency-Key, so it did not create this ad\. Look in TikTok Ads Manager for an ad from this row; if there is none, run again with --retry-rejected, which sends it under a new key$/,
    );
    // As it says: --retry-rejected sends the row under a new key, and the ad is created.
    const again = await upload(sim, { file, retryRejected: true });
    expect(again.summary.counts).toMatchObject({ created: 1, rejected: 0 });
  });

  it('refuses plain http to a remote host before reading anything', async () => {
    const r = await cli(['upload', 'fixtures/campaign.csv', '--endpoint', 'http://api.adspirer.ai'], { ADSPIRER_API_KEY: KEY });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/plain http to another machine/);
  });

  it('needs a key, and never takes one on the command line', async () => {
    const r = await cli(['upload', 'fixtures/campaign.csv'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/No API key: set ADSPIRER_API_KEY/);
    expect((await cli(['upload', 'fixtures/campaign.csv', '--api-key', 'x'])).code).toBe(2);
  });

  it('reads the key from --api-key-file and warns when others can read it', async () => {
    const sim = await startSim({ apiKey: KEY });
    const dir = await tempDir();
    const keyFile = join(dir, 'key');
    await writeFile(keyFile, `${KEY}\n`, { mode: 0o644 });
    const file = await campaign('one.csv', csvRows(1));
    const r = await cli(['upload', file, '--endpoint', sim.url, '--api-key-file', keyFile], {});
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/can be read by other users; restrict it with: chmod 600/);
  });

  it('--dry-run creates nothing, shows the plan and keys, and checks the quota for free', async () => {
    const sim = await startSim({ used: 12 });
    const file = await campaign();
    const { summary, stderr } = await upload(sim, { file, dryRun: true });
    expect(sim.ads()).toHaveLength(0);
    expect(summary.counts.not_sent).toBe(20);
    expect(summary.exit_code).toBe(0);
    expect(stderr).toMatch(/dry run: nothing will be created/);
    expect(stderr).toMatch(/Quota: 12\/150/);
    const rows = await reportRows(summary.report!);
    expect(rows.every((r) => /^[0-9a-f-]{36}$/.test(r.idempotency_key!) && r.error === 'dry run: would be sent')).toBe(true);
  });

  it('--dry-run works without a key (no network at all)', async () => {
    const file = await campaign();
    const r = await cli(['upload', file, '--dry-run', '--endpoint', 'http://127.0.0.1:9'], {});
    expect(r.code).toBe(0);
  });

  it('--limit sends at most N rows; the rest stay not_sent', async () => {
    const sim = await startSim();
    const file = await campaign();
    const { summary } = await upload(sim, { file, limit: 5 });
    expect(summary).toMatchObject({ stopped: 'limit' });
    expect(summary.counts).toMatchObject({ created: 5, not_sent: 15 });
    expect(sim.ads()).toHaveLength(5);
  });

  it('--json prints one object on stdout and nothing else', async () => {
    const sim = await startSim();
    const file = await campaign('one.csv', csvRows(2));
    const r = await cli(['upload', file, '--endpoint', sim.url, '--json', '--rate', '50'], { ADSPIRER_API_KEY: KEY });
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({
      command: 'upload',
      file,
      report: join(file, '..', 'one.results.csv'),
      rows: 2,
      counts: { created: 2, invalid: 0, rejected: 0, failed: 0, not_sent: 0, unknown: 0 },
      quota: { used: 2, limit: 150, tier: 'plus', period_end: expect.any(String) },
      stopped: null,
      exit_code: 0,
    });
  });

  it('writes an XLSX report when asked, with a Summary sheet', async () => {
    const sim = await startSim();
    const file = await campaign('one.csv', csvRows(3));
    const dir = await tempDir();
    const { summary } = await upload(sim, { file, report: join(dir, 'out.xlsx') });
    const rows = await reportRows(summary.report!);
    expect(rows.map((r) => r.status)).toEqual(['created', 'created', 'created']);
  });

  it('a report path that cannot be written ends with exit 2 before any paid call', async () => {
    const sim = await startSim();
    const file = await campaign('one.csv', csvRows(1));
    for (const report of [join(file, '..', 'no-such-dir', 'r.csv'), join(file, '..')]) {
      await expect(upload(sim, { file, report })).rejects.toBeInstanceOf(RunError);
    }
    expect(sim.stats().requests).toBe(0);
  });

  it('the API key appears in no output, report, journal or retry file', async () => {
    const sim = await startSim({ failRate: 0.3, seed: 9 });
    const file = await campaign('campaign-broken.csv');
    const run = await upload(sim, { file, timeoutSeconds: 0.3, retries: 1 });
    const refused = await cli(['upload', file, '--endpoint', (await startSim({ apiKey: 'other' })).url, '--json', '--debug'], { ADSPIRER_API_KEY: KEY });
    expect(refused.code).toBe(4);
    expect(run.stdout + run.stderr + refused.stdout + refused.stderr).not.toContain(KEY);
    const dir = join(file, '..');
    for (const f of await readdir(dir)) expect(await readFile(join(dir, f), 'latin1'), f).not.toContain(KEY);
  });
});

describe('the second read: upload reads the file again to send and report it', () => {
  it('a file changed between the checks and the sending stops the batch at the changed row; rows before it are sent and recorded, the retry file is left as it was', async () => {
    const sim = await startSim();
    const file = await campaign();
    const dir = join(file, '..');
    // An earlier run leaves a retry file (an invalid row, the rows --limit held back).
    const original = await readFile(file, 'utf8');
    const lines = original.split('\r\n');
    await writeFile(file, [lines[0], lines[1], lines[2], 'x,,,,,,,,,,,,,,,,,', ...lines.slice(3)].join('\r\n'));
    const first = await upload(sim, { file, limit: 2 });
    expect(first.summary.counts).toMatchObject({ created: 2, invalid: 1 });
    const retryBefore = await readFile(join(dir, 'campaign.retry.csv'), 'utf8');
    const sent = sim.ads().length;

    const edited = (await readFile(file, 'utf8')).replace('Cold brew season is here.', 'Cold brew season is HERE.');
    let saved = false;
    const run = upload(sim, {
      file,
      onEvent: (event) => {
        // After the checks and the free quota call, before the first paid one: the user saves the sheet.
        if (event.type === 'quota' && !saved) writeFileSync(file, edited);
        saved = true;
      },
    });
    const err = await run.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    expect((err as RunError).message).toMatch(
      /campaign\.csv changed while the batch was running \(row 6 no longer reads as it did when the rows were checked\), so nothing more was sent/,
    );
    // Rows 5 (the one before the changed row 6; rows 2–3 were created, 4 is invalid) was sent; row 6 never.
    const texts = sim
      .ads()
      .slice(sent)
      .map((a) => String(a.arguments.ad_text));
    expect(texts).toHaveLength(1);
    expect(texts.some((t) => t.startsWith('Cold brew'))).toBe(false);
    const report = await reportRows(join(dir, 'campaign.results.csv'));
    expect(report.map((r) => [r.row, r.status])).toEqual([
      ['2', 'created'],
      ['3', 'created'],
      ['4', 'invalid'],
      ['5', 'created'],
    ]);
    expect(await readFile(join(dir, 'campaign.retry.csv'), 'utf8')).toBe(retryBefore);
    expect((await readdir(dir)).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('a row removed before the sending, in the middle or at the end, stops the batch at the first row that is not where it was', async () => {
    for (const [cut, row] of [
      ['middle', 4],
      ['end', 6],
    ] as const) {
      const sim = await startSim();
      const dir = await tempDir();
      const file = join(dir, 'c.csv');
      await writeFile(file, csvRows(5));
      const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l !== '');
      // Row 4 (the third ad) taken out, or the last row (row 6).
      const edited = cut === 'middle' ? [...lines.slice(0, 3), ...lines.slice(4)] : lines.slice(0, -1);
      let saved = false;
      const err = await upload(sim, {
        file,
        onEvent: (event) => {
          if (event.type === 'quota' && !saved) writeFileSync(file, `${edited.join('\n')}\n`);
          saved = true;
        },
      }).catch((e: unknown) => e);
      expect(err, cut).toBeInstanceOf(RunError);
      expect((err as RunError).message, cut).toMatch(
        new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} changed while the batch was running \\(row ${row} no longer reads as it did`),
      );
      expect(sim.ads(), cut).toHaveLength(row - 2);
    }
  });

  it('an .xlsx batch is read again from the loaded workbook: every row is sent once and reported with its cells', async () => {
    const sim = await startSim();
    const file = await campaign('campaign.xlsx');
    const { summary } = await upload(sim, { file });
    expect(summary.counts.created).toBe(sim.ads().length);
    const rows = await reportRows(summary.report!);
    expect(rows.length).toBe(summary.rows);
    const byKey = new Map(sim.ads().map((a) => [a.idempotency_key, a]));
    for (const r of rows.filter((x) => x.status === 'created')) expect(byKey.get(r.idempotency_key!)?.arguments.ad_text).toBe(r.ad_text);
  });
});

describe('ad groups checked before paying (list_tiktok_ad_groups)', () => {
  const ADV = '7000000000000000001';
  const rows = (groups: string[]) =>
    `adgroup_id,ad_text,landing_page_url,video_url\r\n${groups.map((g, i) => `${g},Coffee ${i},https://example.com/${i},https://cdn.example.com/${i}.mp4`).join('\r\n')}\r\n`;

  it('rows naming an ad group the advertiser does not have are invalid, with the nearest listed one; one list call, no paid call for them', async () => {
    const sim = await startSim({ adgroups: new Map([[ADV, ['1780000000000000101', '1780000000000000202']]]) });
    const file = await campaign('groups.csv', rows(['1780000000000000101', '1780000000000000303', '1780000000000000202', '1780000000000000102']));
    const { summary, stderr } = await upload(sim, { file, checkAdgroups: true });
    expect(summary).toMatchObject({ exit_code: 1, counts: { created: 2, invalid: 2 } });
    expect(sim.stats().byStatus['400']).toBeUndefined();
    const report = await reportRows(summary.report!);
    expect(report[1]).toMatchObject({
      status: 'invalid',
      error: `adgroup_id: ad group 1780000000000000303 is not among the 2 ad groups of advertiser ${ADV}. Fix adgroup_id, or pass --no-check-adgroups if the list is wrong [adgroup_id.not_found]`,
    });
    expect(report[3]!.error).toMatch(
      /ad group 1780000000000000102 is not among the 2 ad groups of advertiser 7000000000000000001; the nearest listed is 1780000000000000101 \(a rounded or mistyped ID\?\)/,
    );
    expect(stderr).toMatch(
      /Ad groups: listed for 1 advertiser \(1 call that may be billed\); 2 rows name ad groups that are not there \(invalid, never sent\)\./,
    );
    expect(stderr).toMatch(/Row 5:\n {2}✗ adgroup_id: ad group 1780000000000000102 is not among/);
  });

  it('a list that cannot be read skips the check with a note; --no-check-adgroups makes no call; a dry run lists nothing', async () => {
    const sim = await startSim();
    const file = await campaign('groups.csv', rows(['1780000000000000101']));
    const { summary, stderr } = await upload(sim, { file, checkAdgroups: true });
    expect(summary.counts.created).toBe(1);
    expect(stderr).toMatch(
      /Note: could not read the ad groups of advertiser 7000000000000000001 \(no ad group could be read from the answer\); its 1 row goes ahead unchecked\./,
    );
    expect(stderr).toMatch(/Ad groups: listed for 1 advertiser \(1 call that may be billed\); the list could not be read, so nothing was checked\./);
    const listCalls = () => sim.stats().requests;
    const before = listCalls();
    const other = await campaign('other.csv', rows(['1780000000000000101']));
    await upload(sim, { file: other, checkAdgroups: false });
    // Two free preflight calls, the ad, the quota check after: no list.
    expect(listCalls() - before).toBe(4);
    const dry = await upload(sim, { file: await campaign('dry.csv', rows(['1780000000000000999'])), dryRun: true, checkAdgroups: true });
    expect(dry.summary.counts.invalid).toBe(0);
  });

  it('the CLI takes --no-check-adgroups, and the simulator --adgroups', async () => {
    const sim = await startSim({ adgroups: new Map([[ADV, ['1780000000000000101']]]) });
    const file = await campaign('groups.csv', rows(['1780000000000000404']));
    const checked = await cli(['upload', file, '--endpoint', sim.url, '--no-check-links', '--json'], { ADSPIRER_API_KEY: KEY });
    expect(JSON.parse(checked.stdout).counts).toMatchObject({ invalid: 1, created: 0 });
    const unchecked = await cli(['upload', file, '--endpoint', sim.url, '--no-check-links', '--no-check-adgroups', '--report', `${file}.r.csv`, '--json'], {
      ADSPIRER_API_KEY: KEY,
    });
    // Unchecked, the service itself refuses it: one rejected call, which the check would have saved.
    expect(JSON.parse(unchecked.stdout).counts).toMatchObject({ rejected: 1 });
    expect(sim.stats().byStatus['400']).toBe(1);
  });
});

describe('files that are not files', () => {
  it('a pipe given as --report or --api-key-file is refused at once (exit 2), not waited on for ever', async () => {
    const dir = await tempDir();
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const file = await campaign('one.csv', csvRows(1));
    const asReport = await cli(['upload', file, '--report', fifo, '--endpoint', 'http://127.0.0.1:9'], { ADSPIRER_API_KEY: KEY });
    expect(asReport.code).toBe(2);
    expect(asReport.stderr).toMatch(/it is not a regular file \(a pipe or a device\)/);
    const asKey = await cli(['upload', file, '--api-key-file', fifo, '--endpoint', 'http://127.0.0.1:9'], {});
    expect(asKey.code).toBe(2);
    expect(asKey.stderr).toMatch(/--api-key-file .*pipe is not a regular file/);
    const validated = await cli(['validate', file, '--report', fifo]);
    expect(validated.code).toBe(2);
    expect(validated.stderr).toMatch(/it is not a regular file \(a pipe or a device\)/);
  });
});

describe('Ctrl-C while the rows are checked (in-process)', () => {
  it('nothing is sent, no report is written, the lock is let go, and it says how far it got; exit 130', async () => {
    const dir = await tempDir();
    const file = join(dir, 'c.csv');
    await writeFile(file, csvRows(30));
    const sim = await startSim();
    const controller = new AbortController();
    controller.abort();
    const { summary, stderr } = await upload(sim, { file, signal: controller.signal });
    expect(summary).toEqual({
      command: 'upload',
      file,
      report: null,
      rows: 0,
      counts: { created: 0, invalid: 0, rejected: 0, failed: 0, not_sent: 0, unknown: 0 },
      quota: null,
      stopped: 'interrupted',
      exit_code: 130,
    });
    expect(stderr).toContain('Interrupted while checking rows (0 checked): nothing was sent and no report was written. Run the same command again.\n');
    expect(sim.stats().requests).toBe(0);
    expect(await readdir(dir)).toEqual(['c.csv']);
    // The batch is free: the same command runs at once.
    expect((await upload(sim, { file })).summary.counts.created).toBe(30);
  });
});
