import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { changeAdStatus, type StatusOptions } from '../src/ad-status/change-status.js';
import { parseRows, statusTargets } from '../src/ad-status/targets.js';
import type { PriorState } from '../src/batch/journal.js';
import { bufferIo } from '../src/commands/io.js';
import { RunError } from '../src/errors.js';
import { statusKey } from '../src/keys/idempotency-key.js';
import type { Simulator } from '../src/sim/server.js';
import { cli } from './helpers/cli.js';
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

/** A batch of four ads and one invalid row, uploaded to the simulator. */
async function uploaded(sim: Simulator, content = SIX): Promise<string> {
  const dir = await tempDir();
  const file = join(dir, 'campaign.csv');
  await writeFile(file, content);
  const { summary } = await upload(sim, { file });
  expect(summary.counts).toMatchObject({ created: 4, invalid: 1 });
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
  it('keys differ by ad, status and change number, and are stable', () => {
    expect(statusKey('1', 'DISABLE', 0)).toBe(statusKey('1', 'DISABLE', 0));
    expect(new Set([statusKey('1', 'DISABLE', 0), statusKey('2', 'DISABLE', 0), statusKey('1', 'ENABLE', 0), statusKey('1', 'DISABLE', 2)]).size).toBe(4);
  });
});

describe('pause, resume and delete against the simulator', () => {
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
    expect((err as RunError).message).toMatch(/pass --yes/);
    const questions: string[] = [];
    const no = await status('delete', sim, { file, confirm: async (q) => (questions.push(q), false) });
    expect(questions[0]).toMatch(/^Delete 4 ads of campaign\.csv from TikTok\? This cannot be undone\.$/);
    expect(no.summary).toMatchObject({ stopped: 'interrupted', exit_code: 130, counts: { done: 0 } });
    expect(Object.values(byName(sim)).every((s) => s === 'ENABLE')).toBe(true);
    const yes = await status('delete', sim, { file, rows: '3-4', confirm: async () => true });
    expect(yes.summary.counts.done).toBe(2);
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
});
