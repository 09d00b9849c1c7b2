import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { writeAdStatuses } from '../src/ad-status/report-status.js';
import { openTableWriter } from '../src/report/open-writer.js';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { changeAdStatus, type StatusOptions } from '../src/ad-status/change-status.js';
import { parseRows, statusTargets } from '../src/ad-status/targets.js';
import type { PriorState } from '../src/batch/journal.js';
import { bufferIo } from '../src/commands/io.js';
import { RunError } from '../src/errors.js';
import { statusKey } from '../src/keys/idempotency-key.js';
import type { Simulator } from '../src/sim/server.js';
import { cli } from './helpers/cli.js';
import { runCli } from '../src/cli/run.js';
import { reportRows } from './helpers/report.js';
import { tempDir } from './helpers/tmp.js';
import { KEY, startSim, upload } from './helpers/upload.js';

const SIX = `adgroup_id,ad_text,landing_page_url,video_url,ad_name
1780000000000000101,Coffee one,https://e.example.com/1,https://c.example.com/1.mp4,Ad one
1780000000000000101,Coffee two,https://e.example.com/2,https://c.example.com/2.mp4,Ad two
1780000000000000101,Coffee three,https://e.example.com/3,https://c.example.com/3.mp4,Ad three
1780000000000000101,,https://e.example.com/4,https://c.example.com/4.mp4,Ad four
1780000000000000101,Coffee five,https://e.example.com/5,https://c.example.com/5.mp4,Ad five
`;

/** A batch uploaded to the simulator as campaign.csv: by default four ads and one invalid row. */
async function uploaded(sim: Simulator, content = SIX, counts = { created: 4, invalid: 1 }): Promise<string> {
  const dir = await tempDir();
  const file = join(dir, 'campaign.csv');
  await writeFile(file, content);
  const { summary } = await upload(sim, { file });
  expect(summary.counts).toMatchObject(counts);
  return file;
}

async function status(action: 'pause' | 'resume' | 'delete', sim: Simulator, options: Omit<StatusOptions, 'file'> & { file: string }) {
  const io = bufferIo();
  const summary = await changeAdStatus(
    action,
    {
      env: { ADSPIRER_API_KEY: KEY },
      endpoint: sim.url,
      rate: 100,
      timeoutSeconds: 2,
      backoff: { minTimeout: 5, maxTimeout: 40 },
      sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 50))),
      ...options,
    },
    io,
  );
  return { summary, stderr: io.stderr.join('') };
}

const byName = (sim: Simulator): Record<string, string> => Object.fromEntries(sim.ads().map((a) => [a.name, a.status]));

describe('which ads a command acts on (pure)', () => {
  const state = (row: number, extra: Partial<PriorState> = {}): PriorState => ({ status: 'created', row, adId: `9${row}`, ...extra });
  it('only created ads with an ad_id; an ad already in the asked status or deleted is left alone', () => {
    const states = new Map<string, PriorState>([
      ['k2', state(2)],
      ['k3', state(3, { adStatus: 'DISABLE', statusChanges: 1 })],
      ['k4', state(4, { adStatus: 'DELETE', statusChanges: 1 })],
      ['k5', { status: 'failed', row: 5 }],
      ['k6', { status: 'created', row: 6 }],
      ['k7', state(7, { advertiser: '700' })],
    ]);
    const pause = statusTargets(states, 'pause');
    expect(pause.targets.map((t) => t.row)).toEqual([2, 7]);
    expect(pause).toMatchObject({ already: 1, deleted: 1, noAdId: [6], outside: 0 });
    expect(pause.targets[1]).toMatchObject({ adId: '97', advertiser: '700', adKey: 'k7', key: statusKey('97', 'DISABLE', 0) });
    const resume = statusTargets(states, 'resume');
    expect(resume.targets.map((t) => t.row)).toEqual([2, 3, 7]);
    // The second change of an ad has a key of its own: a replay of the first would change nothing.
    expect(resume.targets[1]!.key).toBe(statusKey('93', 'ENABLE', 1));
    expect(statusTargets(states, 'delete', parseRows('3-4,7')).targets.map((t) => t.row)).toEqual([3, 7]);
  });
  it('--rows takes ranges and single rows, and names what it cannot read', () => {
    expect(parseRows('3-10')).toEqual([[3, 10]]);
    expect(parseRows('3 - 10, 14')).toEqual([
      [3, 10],
      [14, 14],
    ]);
    expect(() => parseRows('10-3')).toThrow(/--rows 10-3: expected row numbers .* "10-3" is not one/);
    expect(() => parseRows('1')).toThrow(/the first data row is 2/);
    expect(() => parseRows('a')).toThrow(RunError);
  });
  it('one ad under two keys (a retry file and its origin row) is one target; order is by row, then ad; --rows counts what it leaves out', () => {
    const states = new Map<string, PriorState>([
      ['retry-key', state(9, { adId: '500' })],
      ['origin-key', state(9, { adId: '500' })],
      ['k4', state(4, { adId: '402' })],
      ['k4b', state(4, { adId: '401' })],
      ['k12', { status: 'created', row: 12 }],
      ['k11', { status: 'created', row: 11 }],
      ['k3', state(3)],
    ]);
    const all = statusTargets(states, 'pause');
    expect(all.targets.map((t) => [t.row, t.adId, t.adKey])).toEqual([
      [3, '93', 'k3'],
      [4, '401', 'k4b'],
      [4, '402', 'k4'],
      [9, '500', 'retry-key'],
    ]);
    expect(all.targets.every((t) => !('advertiser' in t))).toBe(true); // none named, none invented
    expect(all).toMatchObject({ noAdId: [11, 12], outside: 0, already: 0, deleted: 0 });
    const some = statusTargets(states, 'pause', parseRows('4'));
    expect(some.targets.map((t) => t.adId)).toEqual(['401', '402']);
    // The ad under two keys is outside once; rows 3, 11 and 12 are outside too.
    expect(some.outside).toBe(4);
    expect(some.noAdId).toEqual([]);
  });

  it('--rows reads whole parts only, as a usage error', () => {
    for (const bad of ['x3', '3x', '3-4x', 'x3-4', '3,,4'])
      expect(() => parseRows(bad), bad).toThrow(expect.objectContaining({ code: 'USAGE', message: expect.stringContaining(`--rows ${bad}:`) }));
    expect(parseRows('2–5')).toEqual([[2, 5]]); // an en dash, as a spreadsheet's autocorrect writes it
  });

  it('keys differ by ad, status and change number, and are stable', () => {
    expect(statusKey('1', 'DISABLE', 0)).toBe(statusKey('1', 'DISABLE', 0));
    expect(new Set([statusKey('1', 'DISABLE', 0), statusKey('2', 'DISABLE', 0), statusKey('1', 'ENABLE', 0), statusKey('1', 'DISABLE', 2)]).size).toBe(4);
  });
});

describe("the report's ad_status column (writeAdStatuses)", () => {
  const REPORT = `row,status,ad_id,idempotency_key,error,attempts,ad_status,ad_text
2,created,901,k2,,1,,Coffee one
3,created,902,k3,,1,DISABLE,Coffee two
4,invalid,,,ad_text: is required,0,,
5,created,904,k5,,1
`;
  it('writes each changed ad its status by key, counts only lines that changed, and keeps every other cell', async () => {
    const dir = await tempDir();
    const report = join(dir, 'c.results.csv');
    await writeFile(report, REPORT);
    const statuses = new Map([
      ['k2', 'DISABLE'],
      ['k3', 'DISABLE'],
      ['k5', 'ENABLE'],
    ]);
    expect(await writeAdStatuses(report, statuses, [])).toBe(2); // k3 held DISABLE already
    const rows = (await readFile(report, 'utf8'))
      .replace(/^\ufeff/, '')
      .trim()
      .split(/\r?\n/);
    expect(rows).toEqual([
      'row,status,ad_id,idempotency_key,error,attempts,ad_status,ad_text',
      '2,created,901,k2,,1,DISABLE,Coffee one',
      '3,created,902,k3,,1,DISABLE,Coffee two',
      '4,invalid,,,ad_text: is required,0,,',
      '5,created,904,k5,,1,ENABLE,',
    ]);
    expect((await readdir(dir)).sort()).toEqual(['c.results.csv']); // no temporary file left
  });

  it('an earlier six-column report gains the column; no statuses, no report, or not a report of ours: nothing is written', async () => {
    const dir = await tempDir();
    const six = join(dir, 'six.results.csv');
    await writeFile(six, 'row,status,ad_id,idempotency_key,error,attempts,ad_text\n2,created,901,k2,,1,Coffee one\n');
    expect(await writeAdStatuses(six, new Map([['k2', 'DELETE']]), [])).toBe(1);
    expect(
      (await readFile(six, 'utf8'))
        .replace(/^\ufeff/, '')
        .trim()
        .split(/\r?\n/),
    ).toEqual(['row,status,ad_id,idempotency_key,error,attempts,ad_status,ad_text', '2,created,901,k2,,1,DELETE,Coffee one']);
    const before = await readFile(six, 'utf8');
    expect(await writeAdStatuses(six, new Map(), [])).toBe(0);
    expect(await readFile(six, 'utf8')).toBe(before);
    expect(await writeAdStatuses(join(dir, 'missing.csv'), new Map([['k2', 'DELETE']]), [])).toBe(0);
    const sheet = join(dir, 'campaign.csv');
    await writeFile(sheet, 'adgroup_id,ad_text\n1780000000000000101,Coffee\n');
    expect(await writeAdStatuses(sheet, new Map([['k2', 'DELETE']]), [])).toBe(0);
    expect(await readFile(sheet, 'utf8')).toBe('adgroup_id,ad_text\n1780000000000000101,Coffee\n');
  });

  it('an xlsx report keeps its Results sheet, statuses and summary', async () => {
    const dir = await tempDir();
    const report = join(dir, 'c.results.xlsx');
    const writer = await openTableWriter(report, ['row', 'status', 'ad_id', 'idempotency_key', 'error', 'attempts', 'ad_status', 'ad_text'], {
      sheetName: 'Results',
      summary: () => [],
    });
    await writer.write(['2', 'created', '901', 'k2', '', '1', '', 'Coffee one'], { status: 'created' });
    await writer.close();
    expect(await writeAdStatuses(report, new Map([['k2', 'DISABLE']]), [['Paused', '1 ad']])).toBe(1);
    const ExcelJS = (await import('exceljs')).default;
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(report);
    expect(book.worksheets.map((w) => w.name)).toEqual(['Results', 'Summary']);
    expect(book.getWorksheet('Results')!.getRow(2).getCell(7).text).toBe('DISABLE');
    // The summary sheet's table (item, value) holds the pairs the command gave.
    const summary = book.getWorksheet('Summary')!;
    expect(summary.getRow(1).values).toEqual([undefined, 'item', 'value']);
    expect(summary.getRow(2).values).toEqual([undefined, 'Paused', '1 ad']);
    // Each line keeps its status colour (created green) through the rewrite.
    expect(book.getWorksheet('Results')!.getRow(2).getCell(2).fill).toMatchObject({ fgColor: { argb: 'FFC6EFCE' } });
  });

  it("a report's escaped formula-like cell is written back as it was, not escaped twice", async () => {
    const dir = await tempDir();
    const report = join(dir, 'c.results.csv');
    await writeFile(report, "\ufeffrow,status,ad_id,idempotency_key,error,attempts,ad_status,ad_text\r\n2,created,901,k2,,1,,'=HYPERLINK(1)\r\n");
    expect(await writeAdStatuses(report, new Map([['k2', 'DISABLE']]), [])).toBe(1);
    expect(await readFile(report, 'utf8')).toBe(
      "\ufeffrow,status,ad_id,idempotency_key,error,attempts,ad_status,ad_text\r\n2,created,901,k2,,1,DISABLE,'=HYPERLINK(1)\r\n",
    );
  });
});

describe('pause, resume and delete against the simulator', () => {
  it('says what it will do, the quota, each ad it could not change and the end, word for word; --rows narrows it; a spent quota sends nothing', async () => {
    const sim = await startSim({ advertisers: ['7000000000000000001=Client A'], quota: 5 });
    const content = `adgroup_id,ad_text,landing_page_url,video_url,advertiser_id
1780000000000000101,Coffee one,https://e.example.com/1,https://c.example.com/1.mp4,7000000000000000001
1780000000000000101,Coffee two,https://e.example.com/2,https://c.example.com/2.mp4,7000000000000000001
1780000000000000101,Coffee three,https://e.example.com/3,https://c.example.com/3.mp4,
`;
    const file = await uploaded(sim, content, { created: 3, invalid: 0 }); // 3 of the 5 calls
    const dir = dirname(file);
    const report = join(dir, 'campaign.results.csv');
    const run = async (action: 'pause' | 'resume', rows?: string) => {
      const r = await status(action, sim, { file, ...(rows ? { rows } : {}) });
      return { ...r, stderr: r.stderr.replaceAll(dir, 'DIR') };
    };
    const one = await run('pause', '3');
    expect(one.stderr).toBe(
      'pause: 1 ad of campaign.csv in rows 3 to be paused, 1 call to pause_tiktok_ad (billed).\n' +
        'Quota: 3/5 calls used on plus; room for all.\n' +
        'Done: 1 paused. DIR/campaign.results.csv: ad_status updated on 1 line.\n',
    );
    expect(one.summary).toEqual({
      command: 'pause',
      file,
      report,
      ads: 1,
      counts: { done: 1, skipped: 0, rejected: 0, failed: 0, not_sent: 0, unknown: 0 },
      quota: { used: 4, limit: 5, tier: 'plus', period_end: '2027-01-01' },
      stopped: null,
      exit_code: 0,
    });
    const rest = await run('pause');
    const third = sim.ads().find((a) => a.arguments.ad_text === 'Coffee three')!;
    expect(rest.stderr).toBe(
      'pause: 2 ads of campaign.csv to be paused, 2 calls to pause_tiktok_ad (billed); left alone: 1 already paused by an earlier run.\n' +
        'Quota: 4/5 calls used on plus; room for 1.\n' +
        `Row 4 (ad ${third.ad_id}): not sent: the quota (5 calls on plus) has no room for it; it resumes after 2027-01-01 or an upgrade\n` +
        'Done: 1 paused, 1 not sent. DIR/campaign.results.csv: ad_status updated on 1 line.\n',
    );
    expect(rest.summary).toMatchObject({ ads: 2, counts: { done: 1, skipped: 1, not_sent: 1 }, stopped: 'quota', exit_code: 3 });
    expect((await reportRows(report)).map((r) => [r.row, r.ad_status])).toEqual([
      ['2', 'DISABLE'],
      ['3', 'DISABLE'],
      ['4', ''],
    ]);
    const spent = await run('resume');
    expect(spent.stderr).toMatch(
      /^resume: 3 ads of campaign\.csv to be resumed, 3 calls to resume_tiktok_ad \(billed\)\.\nQuota: 5\/5 calls used on plus; room for 0\.\nThe monthly quota is spent/,
    );
    expect(spent.summary).toMatchObject({ ads: 3, counts: { done: 0, not_sent: 3 }, stopped: 'quota', exit_code: 3 });
    const none = await run('pause', '2-3');
    expect(none.stderr).toBe(
      'pause: 0 ads of campaign.csv in rows 2-3 to be paused, 0 calls to pause_tiktok_ad (billed); left alone: 2 already paused by an earlier run.\nNothing to do.\n',
    );
    expect(none.summary).toMatchObject({ ads: 0, counts: { skipped: 2 }, quota: null, stopped: null, exit_code: 0 });
    expect(sim.ads().map((a) => a.status)).toEqual(['DISABLE', 'DISABLE', 'ENABLE']);
  });

  it('pause sets every ad the batch created to DISABLE, once; the report keeps ad_status; a second pause makes no call', async () => {
    const sim = await startSim();
    const file = await uploaded(sim);
    const before = sim.stats().requests;
    const first = await status('pause', sim, { file });
    expect(first.summary).toMatchObject({ command: 'pause', ads: 4, counts: { done: 4, skipped: 0 }, stopped: null, exit_code: 0 });
    expect(first.stderr).toMatch(/pause: 4 ads of campaign\.csv to be paused, 4 calls to pause_tiktok_ad \(billed\)/);
    expect(Object.values(byName(sim))).toEqual(['DISABLE', 'DISABLE', 'DISABLE', 'DISABLE']);
    expect(sim.stats().requests - before).toBe(1 + 4); // the free quota check, then one call per ad
    const rows = await reportRows(file.replace('.csv', '.results.csv'));
    expect(rows.map((r) => [r.row, r.status, r.ad_status])).toEqual([
      ['2', 'created', 'DISABLE'],
      ['3', 'created', 'DISABLE'],
      ['4', 'created', 'DISABLE'],
      ['5', 'invalid', ''],
      ['6', 'created', 'DISABLE'],
    ]);
    const again = await status('pause', sim, { file });
    expect(again.summary).toMatchObject({ ads: 0, counts: { done: 0, skipped: 4 }, exit_code: 0 });
    expect(again.stderr).toMatch(/4 already paused by an earlier run/);
    expect(sim.stats().requests - before).toBe(5); // nothing asked, nothing billed
  });

  it("an agency's batch of two advertisers: each ad is changed under its own advertiser", async () => {
    const sim = await startSim({ advertisers: ['7000000000000000001=Client A', '7000000000000000002=Client B'] });
    const agency = `adgroup_id,ad_text,landing_page_url,video_url,advertiser_id
1780000000000000101,Coffee A,https://e.example.com/1,https://c.example.com/1.mp4,7000000000000000001
1780000000000000101,Coffee B,https://e.example.com/2,https://c.example.com/2.mp4,7000000000000000002
`;
    const file = await uploaded(sim, agency, { created: 2, invalid: 0 });
    const paused = await status('pause', sim, { file });
    expect(paused.summary).toMatchObject({ ads: 2, counts: { done: 2, rejected: 0 }, exit_code: 0 });
    expect(paused.stderr).toMatch(/Done: 2 paused\. .*campaign\.results\.csv: ad_status updated on 2 lines\.\n$/);
    expect(sim.ads().map((a) => [a.arguments.advertiser_id, a.status])).toEqual([
      ['7000000000000000001', 'DISABLE'],
      ['7000000000000000002', 'DISABLE'],
    ]);
  });

  it('resume, then pause again: each change its own key, so the second pause is not swallowed by a replay of the first', async () => {
    const sim = await startSim();
    const file = await uploaded(sim);
    await status('pause', sim, { file, rows: '2-3' });
    expect(byName(sim)).toMatchObject({ 'Ad one': 'DISABLE', 'Ad two': 'DISABLE', 'Ad three': 'ENABLE' });
    await status('resume', sim, { file, rows: '2' });
    expect(byName(sim)).toMatchObject({ 'Ad one': 'ENABLE', 'Ad two': 'DISABLE' });
    const replays = sim.stats().replays;
    const paused = await status('pause', sim, { file, rows: '2' });
    expect(paused.summary.counts.done).toBe(1);
    expect(byName(sim)['Ad one']).toBe('DISABLE');
    expect(sim.stats().replays).toBe(replays);
    // Upload again: the report is written afresh, and the statuses set are kept in it.
    const { summary } = await upload(sim, { file });
    expect(summary.counts.created).toBe(4);
    const rows = await reportRows(file.replace('.csv', '.results.csv'));
    expect(rows.map((r) => r.ad_status)).toEqual(['DISABLE', 'DISABLE', '', '', '']);
  });

  it('delete asks, deletes nothing on a no or without a way to ask, and with a yes is final: resume leaves deleted ads alone', async () => {
    const sim = await startSim();
    const file = await uploaded(sim);
    const err = await status('delete', sim, { file }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    expect((err as RunError).exitCode).toBe(2);
    expect(err).toMatchObject({
      code: 'USAGE',
      message: 'delete: Delete 4 ads of campaign.csv from TikTok needs a yes: run it on a terminal to be asked, or pass --yes.',
    });
    const questions: string[] = [];
    const no = await status('delete', sim, { file, confirm: async (q) => (questions.push(q), false) });
    expect(questions[0]).toMatch(/^Delete 4 ads of campaign\.csv from TikTok\? This cannot be undone\.$/);
    expect(no.summary).toMatchObject({ stopped: 'interrupted', exit_code: 130, counts: { done: 0, not_sent: 4 } });
    expect(no.stderr).toMatch(/\nNot confirmed: nothing was deleted\.\n$/);
    expect(Object.values(byName(sim)).every((s) => s === 'ENABLE')).toBe(true);
    const yes = await status('delete', sim, { file, rows: '3', confirm: async (q) => (questions.push(q), true) });
    expect(questions[1]).toBe('Delete 1 ad of campaign.csv in rows 3 from TikTok? This cannot be undone.');
    expect(yes.summary.counts.done).toBe(1);
    await status('delete', sim, { file, rows: '4', yes: true });
    expect(byName(sim)).toMatchObject({ 'Ad two': 'DELETE', 'Ad three': 'DELETE', 'Ad one': 'ENABLE' });
    const resumed = await status('resume', sim, { file });
    expect(resumed.summary).toMatchObject({ ads: 2, counts: { done: 2, skipped: 2 } });
    expect(resumed.stderr).toMatch(/2 deleted earlier \(a deleted ad cannot change\)/);
    expect(byName(sim)).toMatchObject({ 'Ad two': 'DELETE', 'Ad three': 'DELETE' });
  });

  it('a lost answer leaves the change unknown; the next run re-sends it with the same key, and nothing changes twice', async () => {
    const sim = await startSim({ failRate: 0, faults: ['drop-after'], seed: 3 });
    const batch = await uploaded(sim);
    sim.setFailRate(1);
    const lost = await status('pause', sim, { file: batch, retries: 0 });
    expect(lost.summary.counts.unknown + lost.summary.counts.failed).toBe(4);
    expect(lost.summary.exit_code).toBe(1);
    // The service did the work: every ad is paused, though no answer said so.
    expect(Object.values(byName(sim)).every((s) => s === 'DISABLE')).toBe(true);
    const used = sim.quota.used;
    sim.setFailRate(0);
    const settled = await status('pause', sim, { file: batch });
    expect(settled.summary.counts.done).toBe(4);
    expect(sim.quota.used).toBe(used); // replays: the same keys bill nothing again
    expect(sim.stats().replays).toBeGreaterThanOrEqual(4);
  });

  it('a spent quota stops before any billed call: exit 3, saying when it resets, nothing changed', async () => {
    const sim = await startSim({ quota: 10 });
    const file = await uploaded(sim);
    sim.quota.used = 10;
    const before = sim.stats().requests;
    const { summary, stderr } = await status('pause', sim, { file });
    expect(summary).toMatchObject({ stopped: 'quota', exit_code: 3, counts: { done: 0, not_sent: 4 } });
    expect(stderr).toMatch(/quota is spent \(10\/10 calls on plus\); it resets/);
    expect(sim.stats().requests - before).toBe(1); // the free quota check alone
    expect(Object.values(byName(sim)).every((s) => s === 'ENABLE')).toBe(true);
  });

  it("a batch made on another service is not this service's: refused, exit 2, naming where its ads are", async () => {
    const real = await startSim();
    const other = await startSim();
    const file = await uploaded(real);
    const err = await status('pause', other, { file }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    expect((err as RunError).exitCode).toBe(2);
    expect((err as RunError).message).toContain(`created on ${new URL(real.url).origin}`);
    expect(other.stats().requests).toBe(0);
  });

  it('a batch uploaded with --report is found by the same --report (CONTRACT: pause FILE --report PATH), and only there', async () => {
    const sim = await startSim();
    const dir = await tempDir();
    const file = join(dir, 'campaign.csv');
    await writeFile(file, SIX);
    const report = join(dir, 'out', 'spring.results.csv');
    await mkdir(join(dir, 'out'));
    const { summary } = await upload(sim, { file, report });
    expect(summary.counts.created).toBe(4);
    await expect(status('pause', sim, { file })).rejects.toThrow(/No batch of campaign\.csv at .*campaign\.results\.csv .* pass --report/);
    const paused = await status('pause', sim, { file, report });
    expect(paused.summary).toMatchObject({ report, counts: { done: 4 } });
    expect((await reportRows(report)).map((r) => r.ad_status)).toEqual(['DISABLE', 'DISABLE', 'DISABLE', '', 'DISABLE']);
  });

  it('no batch at the report: says to upload first; an earlier report without ad_status gains the column', async () => {
    const sim = await startSim();
    const dir = await tempDir();
    const none = join(dir, 'nothing.csv');
    await writeFile(none, SIX);
    await expect(status('pause', sim, { file: none })).rejects.toThrow(/No batch of nothing\.csv .* upload it first/);
    const file = await uploaded(sim);
    const report = file.replace('.csv', '.results.csv');
    // The report as versions before ad_status wrote it: six result columns.
    const text = await readFile(report, 'utf8');
    const old = text
      .split('\n')
      .map((l) => l.replace(/^((?:[^,]*,){5}[^,]*),[^,]*/, '$1'))
      .join('\n');
    await writeFile(report, old);
    expect((await reportRows(report))[0]).not.toHaveProperty('ad_status');
    await status('pause', sim, { file, rows: '2' });
    const rows = await reportRows(report);
    expect(rows[0]).toMatchObject({ row: '2', status: 'created', ad_status: 'DISABLE', ad_text: 'Coffee one' });
    expect(rows[1]).toMatchObject({ row: '3', ad_status: '', ad_text: 'Coffee two' });
  });

  it('an xlsx report keeps its rows and gains the statuses', async () => {
    const sim = await startSim();
    const dir = await tempDir();
    const file = join(dir, 'campaign.csv');
    await writeFile(file, SIX);
    const report = join(dir, 'out.xlsx');
    await upload(sim, { file, report });
    await status('pause', sim, { file, report, rows: '2-4' });
    const rows = await reportRows(report);
    expect(rows.map((r) => r.ad_status)).toEqual(['DISABLE', 'DISABLE', 'DISABLE', '', '']);
    expect(rows.map((r) => r.ad_name)).toEqual(['Ad one', 'Ad two', 'Ad three', 'Ad four', 'Ad five']);
    // Its Summary sheet says what the last change was, when, and of which batch.
    const ExcelJS = (await import('exceljs')).default;
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(report);
    const pairs = book
      .getWorksheet('Summary')!
      .getSheetValues()
      .slice(2)
      .map((r) => (r as unknown[]).slice(1, 3));
    expect(pairs).toEqual([
      ['Last change', 'pause: 3 of 3 ads paused'],
      ['When', expect.stringMatching(/^\d{4}-\d\d-\d\dT/)],
      ['Batch', 'campaign.csv'],
    ]);
  });

  it('a lock from another host stops a pause before any call, unless forceUnlock, which says it took it over', async () => {
    const sim = await startSim();
    const file = await uploaded(sim);
    const lock = join(dirname(file), 'campaign.results.csv.lock');
    await writeFile(lock, JSON.stringify({ pid: 4242, host: 'laptop-of-anna', started: '2026-12-01T09:05:00.000Z' }));
    const before = sim.stats().requests;
    const refused = await status('pause', sim, { file }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'SETUP', exitCode: 2 });
    expect((refused as RunError).message).toMatch(/another run of this batch may be in progress \(pid 4242 on laptop-of-anna/);
    expect(sim.stats().requests).toBe(before);
    const forced = await status('pause', sim, { file, forceUnlock: true });
    expect(forced.stderr).toMatch(/^Note: the lock of a run on another host \(pid 4242 on laptop-of-anna since 09:05\) was taken over \(--force-unlock\)\.\n/);
    expect(forced.summary.counts.done).toBe(4);
  });

  it('says why it cannot act: a refused key (exit 4, nothing sent), ads created without an ad_id, a batch that made no ad', async () => {
    const sim = await startSim({ apiKey: KEY });
    const file = await uploaded(sim);
    const refused = await changeAdStatus('pause', { file, env: { ADSPIRER_API_KEY: 'sk_live_someone_else' }, endpoint: sim.url }, bufferIo());
    expect(refused).toMatchObject({ ads: 4, counts: { done: 0, not_sent: 4 }, stopped: 'auth', exit_code: 4 });
    expect(sim.ads().every((a) => a.status === 'ENABLE')).toBe(true);

    const blind = await startSim({ adIdIn: 'none' });
    const noIds = await uploaded(blind);
    const r = await status('pause', blind, { file: noIds });
    expect(r.stderr).toBe(
      'pause: 0 ads of campaign.csv to be paused, 0 calls to pause_tiktok_ad (billed); left alone: 4 created without an ad_id in the answer (rows 2, 3, 4, 6; find them in TikTok Ads Manager).\nNothing to do.\n',
    );

    const dir = await tempDir();
    const broken = join(dir, 'broken.csv');
    await writeFile(broken, 'adgroup_id,ad_text,landing_page_url,video_url\n1780000000000000101,,https://e.example.com/1,https://c.example.com/1.mp4\n');
    await upload(sim, { file: broken });
    const none = await status('pause', sim, { file: broken });
    expect(none.stderr).toBe(
      `pause: 0 ads of broken.csv to be paused, 0 calls to pause_tiktok_ad (billed).\nNothing to do: ${join(dir, 'broken.results.csv')} records no ads.\n`,
    );
  });

  it('a service that fails every change: the first 20 rows named, the rest counted, each ad heard by onAd in "not changed" words; exit 1', async () => {
    const sim = await startSim({ faults: ['500'] });
    const rows = Array.from({ length: 23 }, (_, i) => `1780000000000000101,Coffee ${i},https://e.example.com/${i},https://c.example.com/${i}.mp4`);
    const file = await uploaded(sim, `adgroup_id,ad_text,landing_page_url,video_url\n${rows.join('\n')}\n`, { created: 23, invalid: 0 });
    sim.setFailRate(1);
    const heard: { row: number; status: string; error?: string }[] = [];
    const r = await status('pause', sim, { file, retries: 0, concurrency: 4, onAd: (ad) => heard.push(ad) });
    expect(r.summary).toMatchObject({ ads: 23, counts: { done: 0, failed: 23 }, stopped: null, exit_code: 1 });
    const named = r.stderr.split('\n').filter((l) => l.startsWith('Row '));
    expect(named).toHaveLength(20);
    expect(named[0]).toMatch(/^Row \d+ \(ad \d+\): /);
    expect(r.stderr).toContain('… and 3 more; run the same command again to retry them.\n');
    expect(r.stderr.endsWith('Done: 0 paused, 23 failed.\n')).toBe(true);
    expect(heard).toHaveLength(23);
    expect(heard.every((h) => h.status === 'failed' && h.error !== undefined && !/not created/.test(h.error))).toBe(true);
    // An API key given as an option wins over the environment's, trimmed.
    sim.setFailRate(0);
    const keyed = await changeAdStatus('pause', { file, env: {}, apiKey: `  ${KEY}  `, endpoint: sim.url, rows: '2' }, bufferIo());
    expect(keyed.counts.done).toBe(1);
    await expect(changeAdStatus('pause', { file, env: {}, apiKey: '   ', endpoint: sim.url })).rejects.toMatchObject({
      code: 'SETUP',
      message: 'No API key: set ADSPIRER_API_KEY (get one at adspirer.ai/keys), or pass --api-key-file PATH.',
    });
  });

  it('an ad deleted outside the tool is refused, and said so; what is left alone is listed by why; the service gone is exit 2', async () => {
    const sim = await startSim();
    const file = await uploaded(sim);
    const first = sim.ads()[0]!;
    // Someone deletes the first ad in TikTok Ads Manager.
    const outside = await fetch(`${sim.url}/api/v1/tools/pause_tiktok_ad/execute`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'idempotency-key': 'outside-1' },
      body: JSON.stringify({ arguments: { ad_id: first.ad_id, status: 'DELETE' } }),
    });
    expect(outside.status).toBe(200);
    const paused = await status('pause', sim, { file });
    expect(paused.summary).toMatchObject({ ads: 4, counts: { done: 3, rejected: 1 }, exit_code: 1 });
    expect(paused.stderr).toContain(`Row 2 (ad ${first.ad_id}): TikTok API error 40002: ad ${first.ad_id} is deleted.\n`);
    expect(paused.stderr).toMatch(/Done: 3 paused, 1 refused\. .*: ad_status updated on 3 lines\.\n$/);
    await status('delete', sim, { file, rows: '3', yes: true });
    const again = await status('pause', sim, { file });
    expect(again.stderr.split('\n')[0]).toBe(
      'pause: 1 ad of campaign.csv to be paused, 1 call to pause_tiktok_ad (billed); left alone: 2 already paused by an earlier run; 1 deleted earlier (a deleted ad cannot change).',
    );
    // Delete names no "deleted earlier" of its own: those are "already deleted".
    const del = await status('delete', sim, { file, yes: true });
    expect(del.stderr.split('\n')[0]).toBe('delete: 3 ads of campaign.csv to be deleted, 3 calls to pause_tiktok_ad (billed); left alone: 1 already deleted.');
    // The service gone: nothing changed, exit 2, the reason said.
    const url = sim.url;
    await sim.close();
    const gone = await changeAdStatus('resume', { file, env: { ADSPIRER_API_KEY: KEY }, endpoint: url, timeoutSeconds: 1 }, bufferIo());
    expect(gone).toMatchObject({ ads: 1, counts: { done: 0, not_sent: 1, skipped: 3 }, stopped: null, exit_code: 2 });
  });

  it('room for exactly the ads to change is room for all', async () => {
    const sim = await startSim({ quota: 6 });
    const content = SIX.split('\n').slice(0, 4).join('\n') + '\n';
    const file = await uploaded(sim, content, { created: 3, invalid: 0 });
    const r = await status('pause', sim, { file });
    expect(r.stderr.split('\n')[1]).toBe('Quota: 3/6 calls used on plus; room for all.');
    expect(r.summary.counts.done).toBe(3);
  });

  it('delete with no way to ask is a usage error before any change', async () => {
    const sim = await startSim();
    const file = await uploaded(sim, SIX.split('\n').slice(0, 2).join('\n') + '\n', { created: 1, invalid: 0 });
    const before = sim.stats().requests;
    const refused = await status('delete', sim, { file }).catch((e: unknown) => e);
    expect(refused).toMatchObject({
      code: 'USAGE',
      message: 'delete: Delete 1 ad of campaign.csv from TikTok needs a yes: run it on a terminal to be asked, or pass --yes.',
    });
    expect(sim.ads().map((a) => a.status)).toEqual(['ENABLE']);
    // The free calls only: no billed call was made.
    expect(sim.stats().requests - before).toBeLessThanOrEqual(2);
  });

  it('the CLI: --json prints the summary; delete off a terminal needs --yes (exit 2)', async () => {
    const sim = await startSim();
    const file = await uploaded(sim);
    const paused = await cli(['pause', file, '--endpoint', sim.url, '--rows', '2-3', '--json'], { ADSPIRER_API_KEY: KEY });
    expect(paused.code).toBe(0);
    expect(JSON.parse(paused.stdout)).toMatchObject({ command: 'pause', ads: 2, counts: { done: 2 }, exit_code: 0 });
    const refused = await cli(['delete', file, '--endpoint', sim.url], { ADSPIRER_API_KEY: KEY });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/needs a yes: run it on a terminal to be asked, or pass --yes/);
    const deleted = await cli(['delete', file, '--endpoint', sim.url, '--yes', '--json'], { ADSPIRER_API_KEY: KEY });
    expect(JSON.parse(deleted.stdout)).toMatchObject({ command: 'delete', counts: { done: 4 }, exit_code: 0 });
    const help = await cli(['resume', '--help'], {});
    expect(help.stdout).toMatch(/--rows A-B/);
    expect(help.stdout).not.toMatch(/--yes/);
    const bad = await cli(['pause', file, '--rows', 'x', '--endpoint', sim.url], { ADSPIRER_API_KEY: KEY });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--rows x: expected row numbers/);
  });

  it('the CLI asks before a delete on a terminal: "yes" or "y" deletes, anything else deletes nothing; one FILE only', async () => {
    const sim = await startSim();
    const file = await uploaded(sim);
    const asked: string[] = [];
    const withAnswer = async (answer: string) => {
      const io = bufferIo();
      const code = await runCli(['delete', file, '--endpoint', sim.url, '--rows', '2'], {
        env: { ADSPIRER_API_KEY: KEY },
        io,
        ask: async (q) => (asked.push(q), answer),
      });
      return { code, stderr: io.stderr.join('') };
    };
    const no = await withAnswer('nope');
    expect(no.code).toBe(130);
    expect(no.stderr).toContain('Not confirmed: nothing was deleted.\n');
    expect(asked[0]).toBe('Delete 1 ad of campaign.csv in rows 2 from TikTok? This cannot be undone. Type yes to go on: ');
    expect(sim.ads().filter((a) => a.status === 'DELETE')).toHaveLength(0);
    expect((await withAnswer(' Y ')).code).toBe(0);
    expect(sim.ads().filter((a) => a.status === 'DELETE')).toHaveLength(1);
    expect(await cli(['pause'], {})).toMatchObject({
      code: 2,
      stderr: 'Error: pause: which batch? Give the FILE you uploaded, e.g. tiktok-ads-bulk pause campaign.xlsx\n',
    });
    expect(await cli(['resume', 'a.csv', 'b.csv'], {})).toMatchObject({ code: 2, stderr: 'Error: resume: one batch at a time; got 2 (a.csv, b.csv).\n' });
  });
});
