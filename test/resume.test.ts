import { mkdir, readdir, readFile, writeFile, stat, truncate } from 'node:fs/promises';
import { loadResumeState } from '../src/batch/resume-state.js';
import { decideBatchFiles, moveRehearsalAside, otherServiceError, recordedService, rehearsalName } from '../src/batch/service.js';
import { openOrigin, OriginJournal } from '../src/batch/origin.js';
import type { PriorState } from '../src/batch/journal.js';
import { join } from 'node:path';
import { reportRows } from './helpers/report.js';
import { describe, expect, it } from 'vitest';
import { RunError } from '../src/errors.js';
import type { Simulator } from '../src/sim/server.js';
import { processIt, spawnCli } from './helpers/cli.js';
import { csvRows, HEADER, tempDir, VALID_ROW } from './helpers/tmp.js';
import { KEY, startSim, upload } from './helpers/upload.js';

async function batchFile(content: string, name = 'batch.csv'): Promise<string> {
  const path = join(await tempDir(), name);
  await writeFile(path, content);
  return path;
}

/** Exactly one ad per valid row: unique keys in the simulator, and the report's ad_ids are its ids. */
async function expectExactlyOnce(sim: Simulator, report: string, validRows: number): Promise<void> {
  const keys = sim.ads().map((a) => a.idempotency_key);
  expect(new Set(keys).size, 'no key created twice').toBe(keys.length);
  expect(keys).toHaveLength(validRows);
  const byKey = new Map(sim.ads().map((a) => [a.idempotency_key, a.ad_id]));
  const rows = await reportRows(report);
  const created = rows.filter((r) => r.status === 'created');
  expect(created).toHaveLength(validRows);
  for (const r of created) expect(r.ad_id).toBe(byKey.get(r.idempotency_key!));
}

describe('re-runs resume', () => {
  it('keeps created rows and sends the rest with their same keys', async () => {
    const sim = await startSim();
    const file = await batchFile(csvRows(10));
    const first = await upload(sim, { file, limit: 4 });
    expect(first.summary.counts).toMatchObject({ created: 4, not_sent: 6 });
    const firstKeys = (await reportRows(first.summary.report!)).map((r) => r.idempotency_key);
    const second = await upload(sim, { file });
    expect(second.summary.counts).toMatchObject({ created: 10, not_sent: 0 });
    expect(second.summary.exit_code).toBe(0);
    expect(second.stderr).toMatch(/10 created \(4 carried over from earlier runs, 6 this run\)/);
    expect(sim.ads()).toHaveLength(10);
    const rows = await reportRows(second.summary.report!);
    expect(rows.map((r) => r.idempotency_key)).toEqual(firstKeys);
    expect(rows.slice(0, 4).every((r) => r.attempts === '0')).toBe(true);
    await expectExactlyOnce(sim, second.summary.report!, 10);
  });

  it('re-sends failed rows with the same key; rejected ones only when edited or with --retry-rejected', async () => {
    const file = await batchFile(csvRows(3));
    const down = await startSim({ failRate: 1, faults: ['503'] });
    const first = await upload(down, { file, retries: 0 });
    expect(first.summary.counts.failed).toBe(3);
    const sim = await startSim();
    // Make the service refuse row 3 for good (409: its key was used with other arguments).
    const key3 = (await reportRows(first.summary.report!))[2]!.idempotency_key!;
    await fetch(`${sim.url}/api/v1/tools/add_tiktok_ad/execute`, {
      method: 'POST',
      headers: { authorization: 'Bearer x', 'idempotency-key': key3 },
      body: JSON.stringify({ arguments: { adgroup_id: '9', ad_text: 'x', landing_page_url: 'https://e.com/x', video_url: 'https://e.com/v.mp4' } }),
    });
    const second = await upload(sim, { file });
    expect(second.summary.counts).toMatchObject({ created: 2, rejected: 1 });
    const third = await upload(sim, { file });
    expect(third.summary.counts).toMatchObject({ created: 2, rejected: 1 });
    expect((await reportRows(third.summary.report!))[2]!.error).toMatch(/from an earlier run; edit the row or pass --retry-rejected/);
    expect(sim.stats().byStatus['409']).toBe(1);
    // --retry-rejected sends it again with a new key (the service would replay the stored refusal
    // for the old one): this time it is created; a later run keeps it created, under that key.
    const fourth = await upload(sim, { file, retryRejected: true });
    expect(fourth.summary.counts).toMatchObject({ created: 3, rejected: 0 });
    expect(sim.stats().byStatus['409']).toBe(1);
    const retried = (await reportRows(fourth.summary.report!))[2]!;
    expect(retried.idempotency_key).not.toBe(key3);
    const fifth = await upload(sim, { file, retryRejected: true });
    expect(fifth.summary.counts).toMatchObject({ created: 3 });
    expect((await reportRows(fifth.summary.report!))[2]!.idempotency_key).toBe(retried.idempotency_key);
    expect(sim.ads()).toHaveLength(4); // the three rows, and the ad the test itself made with key3 to provoke the 409
  });

  it('re-checks invalid rows from the file: fixed rows are sent', async () => {
    const sim = await startSim();
    const broken = `${HEADER}\n1,Good,https://e.com/a,https://e.com/v.mp4\n1,Bad,http://e.com/b,https://e.com/v.mp4\n`;
    const file = await batchFile(broken);
    const first = await upload(sim, { file });
    expect(first.summary.counts).toMatchObject({ created: 1, invalid: 1 });
    await writeFile(file, broken.replace('http://e.com/b', 'https://e.com/b'));
    const second = await upload(sim, { file });
    expect(second.summary.counts).toMatchObject({ created: 2, invalid: 0 });
    expect(sim.ads()).toHaveLength(2);
  });

  it('matches by key, not row number: inserted, reordered and edited rows', async () => {
    const sim = await startSim();
    const lines = csvRows(4).trim().split('\r\n');
    const file = await batchFile(lines.join('\n') + '\n');
    await upload(sim, { file });
    expect(sim.ads()).toHaveLength(4);
    const [header, r1, r2, r3, r4] = lines as [string, string, string, string, string];
    const edited = r2.replace('Fresh coffee 2', 'Fresh coffee 2 (edited)');
    const inserted = '1780000000000000101,Brand new,https://example.com/new,https://cdn.example.com/new.mp4';
    await writeFile(file, [header, r4, inserted, r1, edited, r3].join('\n') + '\n');
    const second = await upload(sim, { file });
    // The inserted row is a new ad; the edited one is the ad it already was (found by its content,
    // not its place: it moved), and its edit is not sent.
    expect(sim.ads()).toHaveLength(5);
    const rows = await reportRows(second.summary.report!);
    expect(rows.map((r) => [r.row, r.ad_text, r.status, r.attempts])).toEqual([
      ['2', 'Fresh coffee 4', 'created', '0'],
      ['3', 'Brand new', 'created', '1'],
      ['4', 'Fresh coffee 1', 'created', '0'],
      ['5', 'Fresh coffee 2 (edited)', 'created', '0'],
      ['6', 'Fresh coffee 3', 'created', '0'],
    ]);
    expect(rows[3]!.error).toMatch(/^ad_text was edited after the ad was created/);
    expect(rows[1]!.error).toBe('');
  });

  it('refuses a report written for another file, without touching it', async () => {
    const sim = await startSim();
    const a = await batchFile(csvRows(1), 'a.csv');
    const first = await upload(sim, { file: a });
    const b = join(a, '..', 'b.csv');
    await writeFile(b, csvRows(2));
    const before = await readFile(first.summary.report!, 'utf8');
    const err = await upload(sim, { file: b, report: first.summary.report! }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    expect((err as RunError).exitCode).toBe(2);
    expect((err as RunError).message).toMatch(/belongs to a\.csv, not b\.csv/);
    expect(await readFile(first.summary.report!, 'utf8')).toBe(before);
  });

  it('refuses an existing file that is not a report of ours, and one for other columns', async () => {
    const sim = await startSim();
    const file = await batchFile(csvRows(1));
    const other = join(file, '..', 'notes.csv');
    await writeFile(other, 'name,phone\nAnn,123\n');
    await expect(upload(sim, { file, report: other })).rejects.toThrow(/is not a tiktok-ads-bulk report; it is not overwritten/);
    expect(await readFile(other, 'utf8')).toBe('name,phone\nAnn,123\n');
    const foreign = join(file, '..', 'foreign.csv');
    await writeFile(foreign, 'row,status,ad_id,idempotency_key,error,attempts,other_column\n2,created,1,k,,1,x\n');
    await expect(upload(sim, { file, report: foreign })).rejects.toThrow(/written for a file with other columns/);
    expect(sim.stats().requests).toBe(0);
  });

  it('without its journal, takes created rows from the report itself', async () => {
    const sim = await startSim();
    const file = await batchFile(csvRows(3));
    const first = await upload(sim, { file, limit: 2 });
    await (await import('node:fs/promises')).rm(`${first.summary.report!}.journal`);
    const second = await upload(sim, { file });
    expect(second.stderr).toMatch(/No journal beside .*; its created and rejected rows are taken from the report itself/);
    expect(second.summary.counts.created).toBe(3);
    expect(sim.ads()).toHaveLength(3);
  });

  it('without its journal, rejected rows in the report are carried over too, not re-sent', async () => {
    const sim = await startSim();
    const file = await batchFile(csvRows(2));
    const { validateFile } = await import('../src/commands/validate.js');
    const checked = join(file, '..', 'checked.csv');
    await validateFile({ file, report: checked });
    const keys = (await reportRows(checked)).map((r) => r.idempotency_key!);
    const lines = csvRows(2).trim().split('\r\n').slice(1);
    await writeFile(
      join(file, '..', 'batch.results.csv'),
      `\ufeffrow,status,ad_id,idempotency_key,error,attempts,${HEADER}\r\n2,rejected,,${keys[0]},TikTok refused it,1,${lines[0]}\r\n`,
    );
    const r = await upload(sim, { file });
    expect(r.summary.counts).toMatchObject({ created: 1, rejected: 1 });
    expect(sim.ads().map((a) => a.idempotency_key)).toEqual([keys[1]]);
  });

  it('a report a crash left empty or cut mid-row, without its journal, is resumed, not refused', async () => {
    const sim = await startSim();
    const file = await batchFile(csvRows(3));
    const report = join(file, '..', 'batch.results.csv');
    await writeFile(report, '');
    const first = await upload(sim, { file, limit: 2 });
    expect(first.summary.counts.created).toBe(2);
    await (await import('node:fs/promises')).rm(`${report}.journal`);
    await writeFile(report, '\ufeffrow,status,ad_i'); // cut inside its header
    const second = await upload(sim, { file });
    expect(second.stderr).toMatch(/The report was cut off part-way/);
    expect(second.summary.counts.created).toBe(3);
    await expectExactlyOnce(sim, second.summary.report!, 3);
  });

  it('tolerates a journal whose last line a crash cut off', async () => {
    const sim = await startSim();
    const file = await batchFile(csvRows(3));
    const first = await upload(sim, { file });
    const journal = `${first.summary.report!}.journal`;
    const size = (await stat(journal)).size;
    await truncate(journal, size - 7);
    const second = await upload(sim, { file });
    expect(second.stderr).toMatch(/last line of the journal was cut off/);
    await expectExactlyOnce(sim, second.summary.report!, 3);
    // The damaged line was dropped, so the journal reads cleanly again.
    const third = await upload(sim, { file });
    expect(third.stderr).not.toMatch(/cut off/);
  });

  it('warns about an ad that was in flight when its row was edited away', async () => {
    const sim = await startSim();
    const file = await batchFile(csvRows(1));
    const report = join(file, '..', 'batch.results.csv');
    await writeFile(
      `${report}.journal`,
      '{"journal":"tiktok-ads-bulk","v":1,"file":"batch.csv","date":"2026-11-29"}\n{"key":"00000000-0000-5000-8000-000000000000","row":7,"event":"sending"}\n',
    );
    const { stderr } = await upload(sim, { file });
    expect(stderr).toMatch(
      /Warning: 1 ad was in flight when an earlier run stopped, and its row is no longer in the file as it was \(rows 7 then\)\. It may exist in TikTok Ads Manager/,
    );
  });

  it('refuses a journal damaged in the middle', async () => {
    const sim = await startSim();
    const file = await batchFile(csvRows(2));
    const first = await upload(sim, { file });
    const journal = `${first.summary.report!}.journal`;
    const lines = (await readFile(journal, 'utf8')).split('\n');
    lines[1] = '{garbage';
    await writeFile(journal, lines.join('\n'));
    await expect(upload(sim, { file })).rejects.toThrow(/is damaged at line 2/);
  });
});

describe('interruptions', () => {
  const env = { ADSPIRER_API_KEY: KEY };

  processIt(
    'kill -9 at random moments, then a re-run: exactly one ad per valid row, every time (20 runs)',
    async () => {
      const rows = 8;
      for (let run = 0; run < 20; run++) {
        const sim = await startSim({ latencyMs: 30, failRate: 0.25, faults: ['drop-after', '500', 'drop-before'], seed: run + 1 });
        const file = await batchFile(csvRows(rows));
        const delay = 50 + Math.floor(Math.random() * 850); // from start-up to the last rows
        await spawnCli(['upload', file, '--endpoint', sim.url, '--rate', '100', '--concurrency', '3', '--timeout', '1'], env, {
          killAfterMs: delay,
          signal: 'SIGKILL',
        });
        const rerun = await upload(sim, { file, retries: 10 });
        expect(rerun.summary.counts.created, `run ${run} (killed after ${delay} ms)`).toBe(rows);
        await expectExactlyOnce(sim, rerun.summary.report!, rows);
        await sim.close();
      }
    },
    90_000,
  );

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    processIt(`${signal}: stops taking rows, finishes those in flight, writes the whole report, exits 130`, async () => {
      const sim = await startSim({ latencyMs: 150 });
      const file = await batchFile(csvRows(12));
      const result = await spawnCli(['upload', file, '--endpoint', sim.url, '--rate', '20', '--concurrency', '2', '--json'], env, {
        killAfterMs: 300,
        signal,
        startWhen: /to send/,
      });
      expect(result.code).toBe(130);
      const summary = JSON.parse(result.stdout);
      expect(summary.stopped).toBe('interrupted');
      const rows = await reportRows(summary.report);
      expect(rows).toHaveLength(12);
      const created = rows.filter((r) => r.status === 'created').length;
      expect(created).toBe(sim.ads().length);
      expect(rows.filter((r) => r.status === 'not_sent').length).toBe(12 - created);
      expect(result.stderr).toMatch(/Interrupted: run the same command again to resume/);
      const rerun = await upload(sim, { file });
      await expectExactlyOnce(sim, rerun.summary.report!, 12);
    });
  }

  processIt('a second Ctrl-C abandons requests in flight; they are re-sent with the same key and replayed', async () => {
    const sim = await startSim({ latencyMs: 400 });
    const file = await batchFile(csvRows(4));
    const result = await spawnCli(['upload', file, '--endpoint', sim.url, '--rate', '50', '--concurrency', '2', '--json'], env, {
      killAfterMs: 200,
      alsoAfterMs: 300,
      signal: 'SIGINT',
      startWhen: /to send/,
    });
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/Abandoning requests in flight/);
    const summary = JSON.parse(result.stdout);
    const rows = await reportRows(summary.report);
    expect(rows).toHaveLength(4);
    expect(rows.some((r) => /interrupted while in flight/.test(r.error!))).toBe(true);
    const rerun = await upload(sim, { file });
    await expectExactlyOnce(sim, rerun.summary.report!, 4);
  });
});

describe('rows in doubt (unknown)', () => {
  it('an answer lost after the ad was made: unknown (exit 1); the unedited row is re-sent with its key and replayed; an edited one waits for --confirm-edits', async () => {
    const sim = await startSim({ failRate: 1, faults: ['drop-after'] });
    const file = await batchFile(csvRows(1));
    const first = await upload(sim, { file, retries: 0 });
    expect(first.summary).toMatchObject({ exit_code: 1, counts: { unknown: 1, created: 0, failed: 0 } });
    const rows = await reportRows(first.summary.report!);
    expect(rows[0]!.error).toMatch(/the service may have created it \(an answer was lost\), so it is re-sent with its same key on the next run/);
    expect(first.stderr).toMatch(/1 unknown \(the service may have created it; run the same command again to confirm, with the same keys\)/);
    expect(sim.ads()).toHaveLength(1); // it was made

    // The user edits the row (a typo fixed) and re-runs: sending it could make a second ad.
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('Fresh coffee 1', 'Fresh coffee 1!'));
    const edited = await upload(sim, { file });
    expect(edited.summary).toMatchObject({ exit_code: 1, counts: { invalid: 1 } });
    expect((await reportRows(edited.summary.report!))[0]!.error).toMatch(
      /^row: an earlier version of this row may already be an ad .* re-run with --confirm-edits/,
    );
    expect(sim.ads()).toHaveLength(1);
    sim.setFailRate(0);
    const confirmed = await upload(sim, { file, confirmEdits: true });
    expect(confirmed.summary.counts.created).toBe(1);
    expect(sim.ads()).toHaveLength(2);
  });

  it('the unedited row after unknown: replayed by the service, one ad in all', async () => {
    const sim = await startSim({ failRate: 1, faults: ['drop-after'] });
    const file = await batchFile(csvRows(2));
    const first = await upload(sim, { file, retries: 0 });
    expect(first.summary.counts.unknown).toBe(2);
    sim.setFailRate(0);
    const again = await upload(sim, { file });
    expect(again.summary).toMatchObject({ exit_code: 0, counts: { created: 2, unknown: 0 } });
    expect(sim.stats().replays).toBe(2);
    await expectExactlyOnce(sim, again.summary.report!, 2);
  });
});

describe('Ctrl-C while rows are checked', () => {
  async function bigFile(rows: number): Promise<string> {
    const lines = [HEADER];
    for (let i = 0; i < rows; i++)
      lines.push(`17800000000000001${String(i % 100).padStart(2, '0')},Fresh coffee ${i},https://example.com/a${i},https://cdn.example.com/v${i}.mp4`);
    return batchFile(`${lines.join('\n')}\n`, 'big.csv');
  }

  processIt('validate stops at once with exit 130 and says how far it got', async () => {
    const file = await bigFile(80_000);
    const r = await spawnCli(['validate', file], {}, { killAfterMs: 400, signal: 'SIGINT' });
    expect(r.code).toBe(130);
    const checked = Number(/: (\d+) ads checked before Ctrl-C/.exec(r.stderr)?.[1]);
    expect(checked).toBeLessThan(80_000);
  });

  processIt('upload while checking: exit 130, nothing sent, no report written', async () => {
    const sim = await startSim();
    const file = await bigFile(80_000);
    const r = await spawnCli(['upload', file, '--endpoint', sim.url], { ADSPIRER_API_KEY: KEY }, { killAfterMs: 400, signal: 'SIGINT' });
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/Interrupted while checking rows \(\d+ checked\): nothing was sent and no report was written/);
    expect(sim.stats().requests).toBe(0);
    await expect(stat(join(file, '..', 'big.results.csv'))).rejects.toThrow();
  });
});

describe('loadResumeState, case by case', () => {
  const H = (file: string, date = '2026-11-02') => `${JSON.stringify({ journal: 'tiktok-ads-bulk', v: 1, file, date })}\n`;
  const place = async () => {
    const dir = await tempDir();
    await mkdir(dir, { recursive: true });
    return { dir, report: join(dir, 'b.results.csv'), journal: join(dir, 'b.results.csv.journal') };
  };
  const refused = (p: Promise<unknown>) =>
    p.then(
      () => 'loaded',
      (err: RunError) => `${err.code}: ${err.message}`,
    );
  const input = ['adgroup_id', 'ad_text'];
  const reportText = (rows: string[], header = ['row', 'status', 'ad_id', 'idempotency_key', 'error', 'attempts', ...input]) =>
    `\ufeff${[header.join(','), ...rows].join('\r\n')}\r\n`;

  it('a fresh batch: a new journal header with the file and today, nothing earlier', async () => {
    const { report, journal } = await place();
    expect(await loadResumeState('/x/b.csv', report, journal, input, '2026-12-01')).toEqual({
      states: new Map(),
      newHeader: { journal: 'tiktok-ads-bulk', v: 1, file: 'b.csv', date: '2026-12-01' },
      date: '2026-12-01',
      notes: [],
      retryFiles: new Map(),
      generations: new Map(),
      links: new Map(),
    });
  });

  it('resumes its own journal with the first date of the batch; refuses one of another file; a journal cut off is trimmed to its last whole line', async () => {
    const { report, journal } = await place();
    await writeFile(journal, `${H('b.csv')}{"key":"k","row":2,"event":"sending"}\n`);
    const resumed = await loadResumeState('b.csv', report, journal, input, '2026-12-01');
    expect(resumed).toMatchObject({ date: '2026-11-02', notes: [], states: new Map([['k', { status: 'in_flight', row: 2 }]]) });
    expect(resumed.newHeader).toBeUndefined();
    await writeFile(journal, `${H('b.csv', '')}`);
    expect((await loadResumeState('b.csv', report, journal, input, '2026-12-01')).date).toBe('2026-12-01');

    await writeFile(journal, H('a.csv'));
    expect(await refused(loadResumeState('b.csv', report, journal, input, '2026-12-01'))).toBe(
      `REPORT: ${report} belongs to a.csv, not b.csv. Choose another --report, or move the old report and b.results.csv.journal away.`,
    );

    await writeFile(journal, `${H('b.csv')}{"key":"k","row":2,"event":"sending"}\n{"key":"k","ro`);
    const cut = await loadResumeState('b.csv', report, journal, input, '2026-12-01');
    expect(cut.notes).toEqual(['The last line of the journal was cut off by a crash; the row it described will be re-sent with its same key.']);
    expect(await readFile(journal, 'utf8')).toBe(`${H('b.csv')}{"key":"k","row":2,"event":"sending"}\n`);

    await writeFile(journal, '{"journal":"tiktok-ads');
    const headless = await loadResumeState('b.csv', report, journal, input, '2026-12-01');
    expect(headless.newHeader).toEqual({ journal: 'tiktok-ads-bulk', v: 1, file: 'b.csv', date: '2026-12-01' });
    expect(await readFile(journal, 'utf8')).toBe('');
  });

  it('a journal that cannot be read is refused with why', async () => {
    const { dir, report } = await place();
    expect(await refused(loadResumeState('b.csv', report, dir, input, '2026-12-01'))).toBe(`REPORT: ${dir} cannot be read (EISDIR).`);
  });

  it('without a journal, takes created and rejected rows from its own report, and refuses any other file there', async () => {
    const { report, journal } = await place();
    await writeFile(
      report,
      reportText([
        '2,created,1801,k1,,1,178,a',
        '3,rejected,,k2,bad text,1,178,b',
        '4,failed,,k3,HTTP 503,5,178,c',
        ',created,1802,k4,,1,178,d',
        '6,created,,,,1,178,e',
      ]),
    );
    const r = await loadResumeState('b.csv', report, journal, [...input, ''], '2026-12-01');
    expect(r.notes).toEqual([`No journal beside ${report}; its created and rejected rows are taken from the report itself.`]);
    expect(r.states).toEqual(
      new Map([
        ['k1', { status: 'created', row: 2, adId: '1801' }],
        ['k2', { status: 'rejected', row: 3, error: 'bad text' }],
        ['k4', { status: 'created', row: 5, adId: '1802' }],
      ]),
    );
    expect(r.newHeader).toEqual({ journal: 'tiktok-ads-bulk', v: 1, file: 'b.csv', date: '2026-12-01' });

    const why = (text: string) => writeFile(report, text).then(() => refused(loadResumeState('b.csv', report, journal, input, '2026-12-01')));
    const tail = '; it is not overwritten. Choose another --report, or move it away.';
    expect(await why('name,price\r\nx,1\r\n')).toBe(`REPORT: ${report} already exists and is not a tiktok-ads-bulk report${tail}`);
    expect(await why(reportText([], ['row', 'status', 'ad_id', 'idempotency_key', 'error', 'attempts', 'adgroup_id', 'video_url']))).toBe(
      `REPORT: ${report} already exists and was written for a file with other columns${tail}`,
    );
    expect(await why('PK\u0003\u0004 not a csv')).toBe(`REPORT: ${report} already exists and cannot be read back as a report${tail}`);
  });

  it("a report's ad_status column (its seventh) keeps the status pause/resume set; a formula escape in its cells is undone", async () => {
    const { report, journal } = await place();
    const header = ['row', 'status', 'ad_id', 'idempotency_key', 'error', 'attempts', 'ad_status', ...input, ''];
    await writeFile(
      report,
      reportText(
        [
          '2,created,1801,k1,,1,DISABLE,178,a,',
          '3,created,1802,k2,,1,ENABLE,178,b,',
          '4,created,1803,k3,,1,DELETE,178,c,',
          '5,created,1804,k4,,1,PAUSED,178,d,',
          "6,rejected,,k5,'=not a formula,1,,178,e,",
        ],
        header,
      ),
    );
    const r = await loadResumeState('b.csv', report, journal, input, '2026-12-01');
    expect(r.states).toEqual(
      new Map<string, PriorState>([
        ['k1', { status: 'created', row: 2, adId: '1801', adStatus: 'DISABLE' }],
        ['k2', { status: 'created', row: 3, adId: '1802', adStatus: 'ENABLE' }],
        ['k3', { status: 'created', row: 4, adId: '1803', adStatus: 'DELETE' }],
        ['k4', { status: 'created', row: 5, adId: '1804' }],
        ['k5', { status: 'rejected', row: 6, error: '=not a formula' }],
      ]),
    );
    // A report from before ad_status: its seventh column is the input's first, never a status.
    await writeFile(report, reportText(['2,created,1801,k1,,1,DISABLE,a'], ['row', 'status', 'ad_id', 'idempotency_key', 'error', 'attempts', ...input]));
    const earlier = await loadResumeState('b.csv', report, journal, input, '2026-12-01');
    expect(earlier.states).toEqual(new Map([['k1', { status: 'created', row: 2, adId: '1801' }]]));
  });

  it('a report cut off by a crash: in its first bytes it holds nothing; part-way it keeps what it shows', async () => {
    const { report, journal } = await place();
    for (const start of ['', '\ufeff', '\ufeffrow,stat', '\ufeffrow,status,ad_id,idempotency_key,error,attempts,']) {
      await writeFile(report, start);
      const r = await loadResumeState('b.csv', report, journal, input, '2026-12-01');
      expect(r.states.size, JSON.stringify(start)).toBe(0);
      expect(r.notes[1]).toBe(
        'The report was cut off part-way; rows it does not show as created are sent again with their same keys, and the service replays any it already made.',
      );
    }
    await writeFile(report, reportText(['2,created,1801,k1,,1,178,a']).replace(/\r\n$/, '\r\n3,created,1802,k2,"unclosed'));
    const r = await loadResumeState('b.csv', report, journal, input, '2026-12-01');
    expect([...r.states.keys()]).toEqual(['k1']);
    expect(r.notes).toHaveLength(2);
  });
});

describe('a batch belongs to one service', () => {
  it('a rehearsal against one simulator never counts for another: its files are kept apart and the second service gets every row', async () => {
    const rehearsal = await startSim();
    const real = await startSim();
    const file = await batchFile(csvRows(6), 'campaign.csv');
    const dir = join(file, '..');
    const first = await upload(rehearsal, { file, limit: 4 });
    expect(first.summary.counts).toMatchObject({ created: 4, not_sent: 2 });
    const journalHead = JSON.parse((await readFile(join(dir, 'campaign.results.csv.journal'), 'utf8')).split('\n')[0]!);
    expect(journalHead).toMatchObject({ journal: 'tiktok-ads-bulk', service: rehearsal.url });
    expect(JSON.stringify(journalHead)).not.toContain(KEY);

    const second = await upload(real, { file });
    expect(second.summary).toMatchObject({ exit_code: 0, counts: { created: 6 } });
    expect(real.ads()).toHaveLength(6);
    expect(second.stderr).toContain(
      `Note: The files at campaign.results.csv were a rehearsal against ${rehearsal.url}; they are kept apart as campaign.rehearsal.results.csv, campaign.rehearsal.results.csv.journal, campaign.rehearsal.retry.csv, and this run against ${real.url} starts afresh: none of the rehearsal's ads counts as created here.`,
    );
    expect(second.stderr).not.toMatch(/already created/);
    // The rehearsal stays readable where it was put; the real batch's files are its own now.
    expect((await reportRows(join(dir, 'campaign.rehearsal.results.csv'))).filter((r) => r.status === 'created')).toHaveLength(4);
    const realHead = JSON.parse((await readFile(join(dir, 'campaign.results.csv.journal'), 'utf8')).split('\n')[0]!);
    expect(realHead.service).toBe(real.url);
    // Run again against the second service: it resumes its own batch and sends nothing more.
    const third = await upload(real, { file });
    expect(third.summary.counts.created).toBe(6);
    expect(real.ads()).toHaveLength(6);
    expect(third.stderr).not.toMatch(/rehearsal/);
  });

  it('the real batch at the default place: a rehearsal writes rehearsal files of its own and never touches the real ones', async () => {
    const sim = await startSim();
    const file = await batchFile(csvRows(3), 'campaign.csv');
    const dir = join(file, '..');
    // The real batch's journal and report, as a run against the public API left them.
    const realJournal = `${JSON.stringify({ journal: 'tiktok-ads-bulk', v: 1, file: 'campaign.csv', date: '2026-12-01', service: 'https://api.adspirer.ai' })}\n`;
    await writeFile(join(dir, 'campaign.results.csv.journal'), realJournal);
    await writeFile(join(dir, 'campaign.results.csv'), 'untouched');
    const { summary, stderr } = await upload(sim, { file });
    expect(summary).toMatchObject({ exit_code: 0, counts: { created: 3 }, report: join(dir, 'campaign.rehearsal.results.csv') });
    expect(stderr).toMatch(
      /campaign\.results\.csv belongs to the batch sent to https:\/\/api\.adspirer\.ai; this rehearsal against http:\/\/127\.0\.0\.1:\d+ writes campaign\.rehearsal\.results\.csv and campaign\.rehearsal\.retry\.csv instead/,
    );
    expect(await readFile(join(dir, 'campaign.results.csv.journal'), 'utf8')).toBe(realJournal);
    expect(await readFile(join(dir, 'campaign.results.csv'), 'utf8')).toBe('untouched');
  });

  it("another service's batch at an explicit --report is refused before anything is read or sent (exit 2)", async () => {
    const sim = await startSim();
    const file = await batchFile(csvRows(2), 'campaign.csv');
    const report = join(file, '..', 'mine.csv');
    await writeFile(
      `${report}.journal`,
      `${JSON.stringify({ journal: 'tiktok-ads-bulk', v: 1, file: 'campaign.csv', date: '2026-12-01', service: 'https://api.adspirer.ai' })}\n`,
    );
    const err = await upload(sim, { file, report }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    expect((err as RunError).exitCode).toBe(2);
    expect((err as RunError).message).toMatch(
      /mine\.csv belongs to the batch sent to https:\/\/api\.adspirer\.ai, and this run goes to http:\/\/127\.0\.0\.1:\d+: its ads are not this service's/,
    );
    expect(sim.stats().requests).toBe(0);
  });

  it('a journal from before the service was recorded resumes as before', async () => {
    const sim = await startSim();
    const file = await batchFile(csvRows(3), 'campaign.csv');
    await upload(sim, { file, limit: 1 });
    const journal = join(file, '..', 'campaign.results.csv.journal');
    const lines = (await readFile(journal, 'utf8')).split('\n');
    const head = JSON.parse(lines[0]!);
    delete head.service;
    await writeFile(journal, [JSON.stringify(head), ...lines.slice(1)].join('\n'));
    const again = await upload(sim, { file });
    expect(again.summary.counts.created).toBe(3);
    expect(sim.ads()).toHaveLength(3);
  });
});

describe('batch/service.ts decides by the recorded service (pure)', () => {
  const real = { origin: 'https://api.adspirer.ai', rehearsal: false };
  const sim = { origin: 'http://127.0.0.1:8787', rehearsal: true };
  it('each case', () => {
    expect(decideBatchFiles(undefined, real, false)).toEqual({ kind: 'same' });
    expect(decideBatchFiles(real.origin, real, false)).toEqual({ kind: 'same' });
    expect(decideBatchFiles(sim.origin, real, false)).toEqual({ kind: 'move-rehearsal', from: sim.origin });
    expect(decideBatchFiles('http://localhost:9', sim, true)).toEqual({ kind: 'move-rehearsal', from: 'http://localhost:9' });
    expect(decideBatchFiles(real.origin, sim, false)).toEqual({ kind: 'rehearse-apart', from: real.origin });
    expect(decideBatchFiles(real.origin, sim, true)).toEqual({ kind: 'refuse', from: real.origin });
    expect(decideBatchFiles('https://staging.adspirer.ai', real, false)).toEqual({ kind: 'refuse', from: 'https://staging.adspirer.ai' });
    // A recorded service that is not a URL is no rehearsal: refused, never moved.
    expect(decideBatchFiles('not a url', real, false)).toEqual({ kind: 'refuse', from: 'not a url' });
  });

  it('reads the service from a journal of ours only', async () => {
    const dir = await tempDir();
    const at = (name: string, text: string) => writeFile(join(dir, name), text).then(() => join(dir, name));
    expect(await recordedService(join(dir, 'none.journal'))).toBeUndefined();
    expect(
      await recordedService(
        await at('a.journal', `${JSON.stringify({ journal: 'tiktok-ads-bulk', v: 1, file: 'a.csv', date: 'd', service: real.origin })}\n{}\n`),
      ),
    ).toBe(real.origin);
    expect(await recordedService(await at('b.journal', `${JSON.stringify({ journal: 'other-tool', service: real.origin })}\n`))).toBeUndefined();
    expect(await recordedService(await at('c.journal', `${JSON.stringify({ journal: 'tiktok-ads-bulk', v: 1, file: 'a.csv', date: 'd' })}\n`))).toBeUndefined();
    expect(await recordedService(await at('d.journal', `${JSON.stringify({ journal: 'tiktok-ads-bulk', service: 7 })}\n`))).toBeUndefined();
    expect(await recordedService(await at('e.journal', 'not json'))).toBeUndefined();
  });

  it('names a rehearsal beside the batch: the first name not taken by a report or a journal, one "rehearsal" however often it moves', async () => {
    const dir = await tempDir();
    expect(await rehearsalName(join(dir, 'campaign.results.csv'))).toBe(join(dir, 'campaign.rehearsal.results.csv'));
    expect(await rehearsalName(join(dir, 'campaign'))).toBe(join(dir, 'campaign.rehearsal'));
    expect(await rehearsalName(join(dir, '.hidden.csv'))).toBe(join(dir, '.rehearsal.hidden.csv'));
    await writeFile(join(dir, 'campaign.rehearsal.results.csv'), '');
    expect(await rehearsalName(join(dir, 'campaign.results.csv'))).toBe(join(dir, 'campaign.rehearsal-2.results.csv'));
    await writeFile(join(dir, 'campaign.rehearsal-2.results.csv.journal'), '');
    expect(await rehearsalName(join(dir, 'campaign.results.csv'))).toBe(join(dir, 'campaign.rehearsal-3.results.csv'));
    // Moved aside again: still one "rehearsal", and the next number.
    expect(await rehearsalName(join(dir, 'campaign.rehearsal-2.results.csv'))).toBe(join(dir, 'campaign.rehearsal-3.results.csv'));
    expect(await rehearsalName(join(dir, 'campaign.rehearsal-12.results.csv'))).toBe(join(dir, 'campaign.rehearsal-3.results.csv'));
    // Only a whole "rehearsal" part is one: "rehearsals" is part of the name.
    expect(await rehearsalName(join(dir, 'campaign.rehearsals.csv'))).toBe(join(dir, 'campaign.rehearsal.rehearsals.csv'));
    expect(await rehearsalName(join(dir, 'campaign.rehearsal-x.csv'))).toBe(join(dir, 'campaign.rehearsal.rehearsal-x.csv'));
  });

  it("moves a rehearsal's report, journal and retry file aside and says so; a missing report or retry file is skipped", async () => {
    const dir = await tempDir();
    const files = { report: join(dir, 'c.results.csv'), journal: join(dir, 'c.results.csv.journal'), retry: join(dir, 'c.retry.csv') };
    await writeFile(files.report, 'r');
    await writeFile(files.journal, 'j');
    await writeFile(files.retry, 'x');
    expect(await moveRehearsalAside(files, sim.origin, real)).toBe(
      `The files at c.results.csv were a rehearsal against ${sim.origin}; they are kept apart as c.rehearsal.results.csv, c.rehearsal.results.csv.journal, c.rehearsal.retry.csv, and this run against ${real.origin} starts afresh: none of the rehearsal's ads counts as created here.`,
    );
    expect((await readdir(dir)).sort()).toEqual(['c.rehearsal.results.csv', 'c.rehearsal.results.csv.journal', 'c.rehearsal.retry.csv']);
    await writeFile(files.journal, 'j2');
    expect(await moveRehearsalAside(files, sim.origin, real)).toMatch(/kept apart as c\.rehearsal-2\.results\.csv\.journal, and this run/);
    expect(await readFile(join(dir, 'c.rehearsal-2.results.csv.journal'), 'utf8')).toBe('j2');
    expect(await moveRehearsalAside({ report: files.report, journal: files.journal }, sim.origin, real).catch((e: NodeJS.ErrnoException) => e.code)).toBe(
      'ENOENT',
    );
  });

  it('the refusal names both services, and a rehearsal as one', () => {
    const refusal = otherServiceError('/b/c.results.csv', real.origin, sim);
    expect(refusal).toMatchObject({ code: 'REPORT' });
    expect(refusal.message).toBe(
      `/b/c.results.csv belongs to the batch sent to ${real.origin}, and this run goes to ${sim.origin}: its ads are not this service's, and its files are not overwritten. Choose another --report for this run (a rehearsal), or move the old report and c.results.csv.journal away.`,
    );
    expect(otherServiceError('/b/c.results.csv', 'https://staging.adspirer.ai', real).message).toMatch(/Choose another --report for this run, or move/);
  });
});

describe('a row edited after its ad was created', () => {
  it('is not sent again: it stays created with the earlier ad, and the warning names what changed; --confirm-edits creates the edit as a new ad', async () => {
    const sim = await startSim();
    const file = await batchFile(csvRows(3), 'campaign.csv');
    const first = await upload(sim, { file });
    expect(first.summary.counts.created).toBe(3);
    const before = await reportRows(first.summary.report!);
    // A typo fixed in ad_text of the third row, and its landing page changed.
    await writeFile(file, (await readFile(file, 'utf8')).replace('Fresh coffee 3,https://example.com/a2', 'Fresh coffee 3!,https://example.com/b2'));

    const second = await upload(sim, { file });
    expect(sim.ads()).toHaveLength(3);
    expect(second.summary).toMatchObject({ exit_code: 0, counts: { created: 3 } });
    const rows = await reportRows(second.summary.report!);
    expect(rows[2]).toMatchObject({
      status: 'created',
      ad_id: before[2]!.ad_id,
      idempotency_key: before[2]!.idempotency_key,
      error:
        'ad_text, landing_page_url were edited after the ad was created; the edit was not sent (an ad cannot be changed through add_tiktok_ad). To create the edited version as a new ad, run with --confirm-edits',
    });
    expect(second.stderr).toMatch(/3 already created in an earlier run \(1 edited since: the edits are not sent\)/);
    expect(second.stderr).toMatch(/1 created row was edited after its ad was created; the edits were not sent/);

    const confirmed = await upload(sim, { file, confirmEdits: true });
    expect(confirmed.summary.counts.created).toBe(3);
    expect(sim.ads()).toHaveLength(4);
    expect(sim.ads()[3]!.arguments.ad_text).toBe('Fresh coffee 3!');
    // From now on the edited version is the row's ad: nothing more is sent, and no warning.
    const after = await upload(sim, { file });
    expect(sim.ads()).toHaveLength(4);
    expect((await reportRows(after.summary.report!))[2]).toMatchObject({ status: 'created', ad_id: sim.ads()[3]!.ad_id, error: '' });
  });

  it('an ad group row listing two ad groups: only the edited ad group changes nothing, the other is matched by its place too', async () => {
    const sim = await startSim();
    const file = await batchFile(
      `${HEADER}\r\n1780000000000000101|1780000000000000202,Two groups,https://example.com/a,https://cdn.example.com/v.mp4\r\n`,
      'campaign.csv',
    );
    await upload(sim, { file });
    expect(sim.ads()).toHaveLength(2);
    await writeFile(file, (await readFile(file, 'utf8')).replace('Two groups', 'Two groups!'));
    const again = await upload(sim, { file });
    expect(sim.ads()).toHaveLength(2);
    const rows = await reportRows(again.summary.report!);
    expect(rows.map((r) => [r.status, (r.error ?? '').startsWith('ad_text was edited after the ad was created')])).toEqual([
      ['created', true],
      ['created', true],
    ]);
  });
});

describe('rows in doubt are settled by asking the service (list_tiktok_ads)', () => {
  it('a row whose answer was lost is found in its ad group by its name: created with its ad_id, no paid call; a row with no name is re-sent with its key', async () => {
    const sim = await startSim({ failRate: 1, faults: ['drop-after'] });
    const file = await batchFile(
      `${HEADER},ad_name\r\n${VALID_ROW},Launch A\r\n1780000000000000101,Other,https://example.com/b,https://cdn.example.com/b.mp4,\r\n`,
      'campaign.csv',
    );
    const first = await upload(sim, { file, retries: 1 });
    expect(first.summary.counts.unknown).toBe(2);
    expect(sim.ads()).toHaveLength(2);
    sim.setFailRate(0);
    const addCalls = () => sim.stats().byStatus['200'] ?? 0;
    const before = addCalls();

    const second = await upload(sim, { file });
    expect(second.summary).toMatchObject({ exit_code: 0, counts: { created: 2 } });
    expect(sim.ads()).toHaveLength(2);
    const rows = await reportRows(second.summary.report!);
    expect(rows[0]).toMatchObject({
      status: 'created',
      ad_id: sim.ads()[0]!.ad_id,
      attempts: '0',
      error: 'found in its ad group by its name: an earlier run created it (its answer was lost); not sent again',
    });
    // The unnamed row was re-sent with its key, and the service replayed it.
    expect(rows[1]).toMatchObject({ status: 'created', ad_id: sim.ads()[1]!.ad_id, attempts: '1' });
    expect(sim.stats().replays).toBeGreaterThan(0);
    expect(second.stderr).toMatch(
      /Note: 1 row whose earlier attempt may have reached the service has no ad_name, so it cannot be looked up in the ad group; it is re-sent with the same key\./,
    );
    expect(second.stderr).toMatch(/Looked up 1 ad group \(list_tiktok_ads, calls that may be billed\): 1 row in doubt is already an ad\./);
    // Free preflight (2), one list, one replayed ad, the quota check after.
    expect(addCalls() - before).toBe(5);

    // The journal now knows: a third run asks nothing and sends nothing.
    const calls = sim.stats().requests;
    const third = await upload(sim, { file });
    expect(third.summary.counts.created).toBe(2);
    // Only the free quota check: nothing to send, so no accounts, no list, no ad.
    expect(sim.stats().requests - calls).toBe(1);
  });

  it('a row tried more than a day ago is looked up too; an ad not in the list is sent as usual', async () => {
    const sim = await startSim({ failRate: 1, faults: ['500'] });
    const file = await batchFile(`${HEADER},ad_name\r\n${VALID_ROW},Launch B\r\n`, 'campaign.csv');
    const journal = join(file, '..', 'campaign.results.csv.journal');
    const first = await upload(sim, { file, retries: 0 });
    expect(first.summary.counts.failed).toBe(1);
    // The attempt was two days ago: the key may no longer replay, so the service is asked.
    const old = new Date(Date.now() - 2 * 86_400_000).toISOString();
    await writeFile(journal, (await readFile(journal, 'utf8')).replace(/"at":"[^"]+"/, `"at":"${old}"`));
    sim.setFailRate(0);
    const second = await upload(sim, { file });
    expect(second.summary.counts.created).toBe(1);
    expect(sim.ads()).toHaveLength(1);
    expect((await reportRows(second.summary.report!))[0]).toMatchObject({ status: 'created', attempts: '1' });
  });
});

describe('a retry file of a retry file', () => {
  it('has one error column, always, holding the newest error', async () => {
    const sim = await startSim();
    const file = await batchFile(
      `${HEADER}\r\n${VALID_ROW}\r\n1780000000000000101,Broken,http://example.com/b,https://cdn.example.com/b.mp4\r\n`,
      'campaign.csv',
    );
    await upload(sim, { file });
    const retry = join(file, '..', 'campaign.retry.csv');
    const once = await readFile(retry, 'utf8');
    expect(once.split('\r\n')[0]).toBe('\ufeffadgroup_id,ad_text,landing_page_url,video_url,retry_of,error');
    expect(once.split('\r\n')[1]).toMatch(/,campaign\.results\.csv row 3,"?landing_page_url: /);
    // Uploaded as it is (still broken), the retry file is rewritten in place: still one retry_of
    // (naming the first batch) and one error column, no retry file of the retry file.
    await upload(sim, { file: retry });
    const twice = await readFile(retry, 'utf8');
    expect(twice.split('\r\n')[0]).toBe('\ufeffadgroup_id,ad_text,landing_page_url,video_url,retry_of,error');
    expect(twice.split('\r\n')[1]).toMatch(
      /^1780000000000000101,Broken,http:\/\/example\.com\/b,https:\/\/cdn\.example\.com\/b\.mp4,campaign\.results\.csv row 3,"?landing_page_url: /,
    );
    await expect(readFile(join(file, '..', 'campaign.retry.retry.csv'), 'utf8')).rejects.toThrow();
    // A copy under another name (a retry file the tool did not write there) gets a retry file of its own.
    const copy = join(file, '..', 'fixes.csv');
    await writeFile(copy, twice);
    await upload(sim, { file: copy });
    const own = await readFile(join(file, '..', 'fixes.retry.csv'), 'utf8');
    expect(own.split('\r\n')[0]).toBe('\ufeffadgroup_id,ad_text,landing_page_url,video_url,retry_of,error');
    expect(own.split('\r\n')[1]).toMatch(/,campaign\.results\.csv row 3,/);
  });
});

describe('one batch across its retry files', () => {
  const head = 'adgroup_id,ad_text,landing_page_url,video_url,ad_name';
  const good = (n: number) => `1780000000000000101,Coffee ${n},https://e.example.com/${n},https://c.example.com/${n}.mp4,Ad ${n}`;

  it('a row fixed in the retry file becomes one ad for the origin: fixed a little differently in the original, it is not made again', async () => {
    const sim = await startSim();
    const broken = '1780000000000000101,Coffee 3,http://e.example.com/3,https://c.example.com/3.mp4,Ad 3';
    const file = await batchFile(`${head}\n${good(2)}\n${broken}\n${good(4)}\n`, 'campaign.csv');
    const dir = join(file, '..');
    await upload(sim, { file });
    const retry = join(dir, 'campaign.retry.csv');
    // The user fixes the row in the retry file (Excel keeps retry_of as it is) and uploads it.
    const rows = await reportRows(retry);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.retry_of).toBe('campaign.results.csv row 3');
    await writeFile(retry, (await readFile(retry, 'utf8')).replace('http://e.example.com/3', 'https://e.example.com/3'));
    const fromRetry = await upload(sim, { file: retry });
    expect(fromRetry.summary.counts).toMatchObject({ created: 1 });
    expect(sim.ads()).toHaveLength(3);
    // Nothing left to fix: the origin's retry file is gone rather than still listing the row.
    await expect(stat(retry)).rejects.toThrow();
    const made = sim.ads().find((a) => a.name === 'Ad 3')!.ad_id;

    // The same row fixed a little differently in the original (a trailing slash): no second ad.
    await writeFile(file, `${head}\n${good(2)}\n${broken.replace('http://e.example.com/3', 'https://e.example.com/3/')}\n${good(4)}\n`);
    const again = await upload(sim, { file });
    expect(sim.ads()).toHaveLength(3);
    expect(again.summary.counts).toMatchObject({ created: 3, invalid: 0, failed: 0 });
    const report = await reportRows(join(dir, 'campaign.results.csv'));
    expect(report[1]).toMatchObject({ row: '3', status: 'created', ad_id: made });
    expect(report[1]!.error).toMatch(/^landing_page_url was edited after the ad was created/);
    await expect(stat(retry)).rejects.toThrow();
    // The original left as it was (still broken there): the row is the ad made from its fixed version.
    await writeFile(file, `${head}\n${good(2)}\n${broken}\n${good(4)}\n`);
    const asWas = await upload(sim, { file });
    expect(asWas.summary.counts).toMatchObject({ created: 3, invalid: 0 });
    expect((await reportRows(join(dir, 'campaign.results.csv')))[1]).toMatchObject({ status: 'created', ad_id: made });
    expect(sim.ads()).toHaveLength(3);
  });

  it('a row the origin made after its retry file was written is not sent again from the retry file', async () => {
    const sim = await startSim({ failRate: 0 });
    const file = await batchFile(`${head}\n${good(2)}\n${good(3)}\n`, 'campaign.csv');
    const dir = join(file, '..');
    // Row 3 is not sent (--limit 1), so the retry file lists it.
    await upload(sim, { file, limit: 1 });
    const retry = join(dir, 'campaign.retry.csv');
    expect((await reportRows(retry)).map((r) => r.retry_of)).toEqual(['campaign.results.csv row 3']);
    const kept = await readFile(retry, 'utf8');
    // The origin is run again and makes row 3; then the old retry file is uploaded (a copy kept by the user).
    await upload(sim, { file });
    expect(sim.ads()).toHaveLength(2);
    const copy = join(dir, 'old-retry.csv');
    await writeFile(copy, kept);
    const late = await upload(sim, { file: copy });
    expect(late.summary.counts).toMatchObject({ created: 1 });
    expect(sim.ads()).toHaveLength(2);
    // Fixed a little in that copy (another ad_text): an edit of the ad made, not a second ad.
    await writeFile(copy, kept.replace('Coffee 3', 'Coffee three'));
    const edited = await upload(sim, { file: copy, report: join(dir, 'other.results.csv') });
    expect(edited.summary.counts).toMatchObject({ created: 1 });
    expect(sim.ads()).toHaveLength(2);
  });
});

describe('a retry file and its batch of origin (batch/origin.ts, in-process)', () => {
  const SERVICE = 'https://api.adspirer.example';
  const journalLines = (service = SERVICE) =>
    [
      { journal: 'tiktok-ads-bulk', v: 1, file: 'campaign.csv', date: '2026-12-01', service },
      { key: 'k1', row: 2, event: 'result', status: 'created', adgroup: 'A', ad_id: 'ad1', attempts: 1 },
      { key: 'k2', row: 3, event: 'result', status: 'failed', adgroup: 'A', attempts: 3 },
      { key: 'k3', row: 3, event: 'result', status: 'failed', adgroup: 'B', attempts: 3 },
      { key: 'k5', row: 3, event: 'result', status: 'created', adgroup: 'A', ad_id: 'ad5', attempts: 1 },
      { key: 'k4', row: 4, event: 'result', status: 'rejected', attempts: 1 },
      { event: 'retry-file', file: 'campaign.retry.csv', sha256: 'abc' },
    ]
      .map((l) => JSON.stringify(l))
      .join('\n') + '\n';
  async function batchDir(service?: string) {
    const dir = await tempDir();
    await writeFile(join(dir, 'campaign.results.csv.journal'), journalLines(service));
    return dir;
  }
  const markers = (...pairs: [number, string][]) => new Map(pairs);

  it("names the origin only when every marked row names one report with a journal of this service, not this run's own", async () => {
    const dir = await batchDir();
    const file = join(dir, 'campaign.retry.csv');
    const own = join(dir, 'campaign.retry.results.csv');
    expect(await openOrigin(file, own, markers(), SERVICE, false)).toEqual({});
    expect(await openOrigin(file, own, markers([2, 'not a marker'], [3, '../x.csv row 2']), SERVICE, false)).toEqual({});
    expect(await openOrigin(file, own, markers([2, 'a.results.csv row 2'], [3, 'b.results.csv row 2'], [4, 'a.results.csv row 3']), SERVICE, false)).toEqual({
      note: 'the retry_of column names 2 batches (a.results.csv, b.results.csv); the rows are sent as a batch of their own.',
    });
    expect(await openOrigin(file, join(dir, 'campaign.results.csv'), markers([2, 'campaign.results.csv row 3']), SERVICE, false)).toEqual({});
    expect(await openOrigin(file, own, markers([2, 'gone.results.csv row 3']), SERVICE, false)).toEqual({
      note: 'retry_of names gone.results.csv, but its journal is not beside this file; the rows are sent as a batch of their own.',
    });
    expect(await openOrigin(file, own, markers([2, 'campaign.results.csv row 3']), 'https://other.example', false)).toEqual({
      note: `retry_of names campaign.results.csv, a batch sent to ${SERVICE}, not https://other.example; the rows are sent as a batch of their own.`,
    });
    // A journal from before the service was recorded belongs to any.
    const old = await batchDir(undefined);
    await writeFile(join(old, 'campaign.results.csv.journal'), journalLines().replace(`,"service":"${SERVICE}"`, ''));
    const { origin } = await openOrigin(
      join(old, 'r.csv'),
      join(old, 'r.results.csv'),
      markers([2, 'campaign.results.csv row 3']),
      'https://other.example',
      false,
    );
    expect(origin).toBeDefined();
    await origin!.lock.release();
  });

  it("maps this file's rows to the origin's, with the origin's states and keys by row and ad group; takes the origin's lock", async () => {
    const dir = await batchDir();
    const file = join(dir, 'campaign.retry.csv');
    const { origin, note } = await openOrigin(
      file,
      join(dir, 'campaign.retry.results.csv'),
      // Rows 2 and 4 both name the origin's row 3: the first one speaks for it.
      markers([2, 'campaign.results.csv row 3'], [3, 'campaign.results.csv row 4'], [4, 'campaign.results.csv row 3']),
      SERVICE,
      false,
    );
    expect(note).toBeUndefined();
    try {
      expect(origin!.report).toBe(join(dir, 'campaign.results.csv'));
      expect(origin!.journal).toBe(join(dir, 'campaign.results.csv.journal'));
      expect([...origin!.rows]).toEqual([
        [2, 3],
        [3, 4],
        [4, 3],
      ]);
      expect([...origin!.states].map(([k, s]) => [k, s.row, s.status])).toEqual([
        ['k2', 2, 'failed'],
        ['k3', 2, 'failed'],
        ['k5', 2, 'created'],
        ['k4', 3, 'rejected'],
      ]);
      expect([...origin!.keysByPlace]).toEqual([
        ['3\u0000A', ['k2', 'k5']],
        ['3\u0000B', ['k3']],
        ['4\u0000', ['k4']],
      ]);
      expect([...origin!.retryFiles]).toEqual([['campaign.retry.csv', 'abc']]);
      await expect(stat(join(dir, 'campaign.results.csv.lock'))).resolves.toBeTruthy();
    } finally {
      await origin!.lock.release();
    }
  });

  it('a run on another host holds the origin: refused, unless --force-unlock; a journal that cannot be read releases the lock it took', async () => {
    const dir = await batchDir();
    const lock = join(dir, 'campaign.results.csv.lock');
    await writeFile(lock, JSON.stringify({ pid: 1, host: 'elsewhere.example', started: '2026-12-07T10:00:00Z' }));
    const open = (force: boolean) => openOrigin(join(dir, 'r.csv'), join(dir, 'r.results.csv'), markers([2, 'campaign.results.csv row 3']), SERVICE, force);
    await expect(open(false)).rejects.toMatchObject({ code: 'SETUP' });
    const { origin } = await open(true);
    await origin!.lock.release();
    await writeFile(join(dir, 'campaign.results.csv.journal'), journalLines() + 'not json\n{}\n');
    await expect(open(false)).rejects.toBeInstanceOf(RunError);
    await expect(stat(lock)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it("writes the retry file's run into the origin's journal with the origin's rows; a created ad settles the origin's other keys at its place", async () => {
    const dir = await batchDir();
    const file = join(dir, 'campaign.retry.csv');
    const { origin } = await openOrigin(
      file,
      join(dir, 'own.csv'),
      markers([2, 'campaign.results.csv row 3'], [3, 'campaign.results.csv row 4']),
      SERVICE,
      false,
    );
    const journal = await OriginJournal.open(origin!, file);
    const before = (await readFile(origin!.journal, 'utf8')).length;
    await journal.append({ key: 'new', row: 2, event: 'sending', adgroup: 'A' });
    await journal.append({ key: 'x', row: 9, event: 'result', status: 'created', adgroup: 'A', attempts: 1 }); // a row added by hand
    await journal.append({
      event: 'link',
      link: 'video_url https://e.com/v.mp4',
      at: '2026-12-07T10:00:00Z',
      seen: { kind: 'unchecked', reason: 'x' } as never,
    });
    await journal.append({ key: 'r3', row: 3, event: 'result', status: 'rejected', attempts: 1 });
    await journal.append({ key: 'new', row: 2, event: 'result', status: 'created', adgroup: 'A', ad_id: 'ad9', attempts: 1 });
    await journal.append({ key: 'k3', row: 2, event: 'result', status: 'created', adgroup: 'B', ad_id: 'ad10', attempts: 1 });
    await journal.retryFile('campaign.retry.csv', 'def');
    await journal.close();
    await origin!.lock.release();
    const added = (await readFile(origin!.journal, 'utf8'))
      .slice(before)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(added).toEqual([
      { key: 'new', row: 3, event: 'sending', adgroup: 'A' },
      { key: 'r3', row: 4, event: 'result', status: 'rejected', attempts: 1 },
      { key: 'new', row: 3, event: 'result', status: 'created', adgroup: 'A', ad_id: 'ad9', attempts: 1, from_retry: 'campaign.retry.csv' },
      // k2 (failed there) is settled by the new ad; k5 was created already, and stays as it was.
      { key: 'k2', row: 3, event: 'result', status: 'created', adgroup: 'A', ad_id: 'ad9', attempts: 1, from_retry: 'campaign.retry.csv' },
      // The ad created under the origin's own key is written once.
      { key: 'k3', row: 3, event: 'result', status: 'created', adgroup: 'B', ad_id: 'ad10', attempts: 1, from_retry: 'campaign.retry.csv' },
      { event: 'retry-file', file: 'campaign.retry.csv', sha256: 'def' },
    ]);
  });
});
