import { copyFile, readFile, writeFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { csvLine } from '../src/report/csv-line.js';
import { reportRows } from './helpers/report.js';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { HEADER, tempDir } from './helpers/tmp.js';
import { KEY, startSim, upload } from './helpers/upload.js';

/** An upload of a copy of `fixture` to a fresh simulator with an .xlsx report, through the CLI: the report read back. */
async function xlsxUpload(fixture: string, flags: string[]) {
  const sim = await startSim();
  const dir = await tempDir();
  const file = join(dir, 'campaign.csv');
  await copyFile(fixture, file);
  const report = join(dir, 'report.xlsx');
  const { code } = await cli(['upload', file, '--endpoint', sim.url, '--report', report, ...flags], { ADSPIRER_API_KEY: KEY });
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(report);
  const pairs = new Map<string, string>();
  wb.getWorksheet('Summary')!.eachRow((row, n) => n > 1 && pairs.set(String(row.getCell(1).value), String(row.getCell(2).value)));
  return { code, file, report, wb, pairs, endpoint: sim.url };
}

describe('agency workflows', () => {
  it('one creative into twenty ad groups from one row: one ad, key and report line each', async () => {
    const sim = await startSim();
    const groups = Array.from({ length: 20 }, (_, i) => `17800000000000${String(i + 1).padStart(5, '0')}`);
    const dir = await tempDir();
    const file = join(dir, 'launch.csv');
    await writeFile(file, `${HEADER},ad_name\n"${groups.join('|')}",Fresh coffee,https://e.com/a,https://e.com/v.mp4,\n`);
    const { summary } = await upload(sim, { file, adName: '{adgroup_id} - {row}' });
    expect(summary.counts.created).toBe(20);
    const rows = await reportRows(summary.report!);
    expect(rows.every((r) => r.row === '2')).toBe(true);
    expect(new Set(rows.map((r) => r.idempotency_key)).size).toBe(20);
    expect(sim.ads().map((a) => a.arguments.adgroup_id)).toEqual(groups);
    expect(sim.ads()[3]!.arguments.ad_name).toBe(`${groups[3]} - 2`);
  });

  it('the retry-file workflow: upload a broken file, fix the retry file, upload it; every ad created once', async () => {
    const sim = await startSim();
    const dir = await tempDir();
    const file = join(dir, 'campaign.csv');
    await copyFile('fixtures/campaign-broken.csv', file);
    const first = await upload(sim, { file });
    expect(first.summary.counts).toMatchObject({ created: 2, invalid: 17 });
    const retry = join(dir, 'campaign.retry.csv');
    const retryRows = await reportRows(retry);
    expect(retryRows).toHaveLength(17);
    expect(retryRows[0]!.error).toMatch(/ad_text: is 112 characters long/);

    // The user fixes every row in place (the `error` column is ignored on upload).
    const fixed: Record<string, string>[] = retryRows.map((r, i) => ({
      ...r,
      adgroup_id: '1780000000000000101',
      ad_text: `Fixed ad number ${i + 1}`,
      landing_page_url: 'https://beanthere.example.com/fixed',
      call_to_action: 'SHOP_NOW',
      video_url: 'https://cdn.example.com/ads/fixed.mp4',
      video_id: '',
      image_urls: '',
      tiktok_item_id: '',
      identity_type: '',
      deeplink_type: '',
      disclaimer_type: '',
      disclaimer_clickable_texts: '',
      brand_safety_postbid_partner: '',
      tracking_pixel_id: '',
      promotional_music_disabled: '',
      display_name: 'Bean There',
    }));
    const header = Object.keys(retryRows[0]!);
    await writeFile(retry, [header, ...fixed.map((r) => header.map((h) => r[h] ?? ''))].map(csvLine).join(''));
    // Kept to upload again below: the run rewrites the retry file with what still needs attention.
    const copy = join(dir, 'kept.csv');
    await copyFile(retry, copy);
    const second = await upload(sim, { file: retry });
    expect(second.summary.counts, second.stderr).toMatchObject({ created: 17, invalid: 0 });
    expect(second.stderr).toMatch(/This is a retry file of campaign\.results\.csv/);
    expect(sim.ads()).toHaveLength(19);
    // Nothing left to do: the retry file is gone, and no retry file of the retry file was made.
    await expect(stat(retry)).rejects.toThrow();
    await expect(stat(join(dir, 'campaign.retry.retry.csv'))).rejects.toThrow();
    // Uploading the same fixes again never duplicates: keys come from content.
    await upload(sim, { file: copy, report: join(dir, 'again.csv') });
    expect(sim.ads()).toHaveLength(19);
    // The origin batch counts what its retry file created: a re-run of the original sends nothing,
    // and its rows still broken there are the ads made from their fixed versions.
    const third = await upload(sim, { file });
    expect(third.summary.counts, third.stderr).toMatchObject({ created: 19, invalid: 0 });
    expect(sim.ads()).toHaveLength(19);
    await expect(stat(retry)).rejects.toThrow();
  });

  it('an xlsx input gets an xlsx retry file that uploads as it is', async () => {
    const sim = await startSim({ quota: 5 });
    const dir = await tempDir();
    const file = join(dir, 'campaign.xlsx');
    await copyFile('fixtures/campaign.xlsx', file);
    const first = await upload(sim, { file });
    expect(first.summary.counts).toMatchObject({ created: 5, not_sent: 15 });
    const retry = join(dir, 'campaign.retry.xlsx');
    expect((await reportRows(retry)).length).toBe(15);
    sim.quota.used = 0;
    (sim.quota as { limit: number }).limit = 100;
    const second = await upload(sim, { file: retry });
    expect(second.summary.counts.created).toBe(15);
    expect(sim.ads()).toHaveLength(20);
  });

  it('the XLSX report: colours, frozen header, autofilter, notes for long errors, a Summary sheet', async () => {
    const { wb, pairs, code } = await xlsxUpload('fixtures/campaign-broken.csv', ['--rate', '50']);
    expect(code).toBe(1);
    const ws = wb.getWorksheet('Results')!;
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.autoFilter).toBeTruthy();
    const status = ws.getRow(3).getCell(2);
    expect(status.value).toBe('invalid');
    expect(status.fill).toMatchObject({ type: 'pattern', fgColor: { argb: 'FFFFC7CE' } });
    expect(ws.getRow(2).getCell(2).fill).toMatchObject({ fgColor: { argb: 'FFC6EFCE' } });
    expect(ws.getRow(3).getCell(5).note).toBeTruthy();
    expect(pairs.get('created')).toBe('2');
    expect(pairs.get('invalid')).toBe('17');
    expect(pairs.get('quota before')).toMatch(/^0\/150/);
    expect(pairs.get('quota after')).toMatch(/^2\/150/);
    expect(pairs.get('command')).toMatch(/^tiktok-ads-bulk upload .*campaign\.csv --endpoint http:\/\/127\.0\.0\.1:\d+ --report .*report\.xlsx --rate 50$/);
    expect(pairs.get('duration')).toMatch(/^\d+s$/);
  });

  it("the Summary sheet's command is quoted as a shell needs it: a word with a space or a quote, and no other", async () => {
    const { file, report, pairs, endpoint } = await xlsxUpload('fixtures/campaign.csv', [
      '--ad-name',
      "Spring's {row}",
      '--set',
      'display_name=Bean There',
      '--limit',
      '1',
    ]);
    expect(pairs.get('command')).toBe(
      `tiktok-ads-bulk upload --no-check-links ${file} --endpoint ${endpoint} --report ${report} --ad-name 'Spring'\\''s {row}' --set 'display_name=Bean There' --limit 1`,
    );
  });

  it("{date} in --ad-name keeps the batch's first date on re-runs, so keys do not change", async () => {
    const sim = await startSim();
    const dir = await tempDir();
    const file = join(dir, 'd.csv');
    await writeFile(file, `${HEADER}\n1,A,https://e.com/a,https://e.com/v.mp4\n1,B,https://e.com/b,https://e.com/v.mp4\n`);
    await upload(sim, { file, adName: 'Launch {date} {row}', limit: 1, now: () => Date.parse('2026-11-29T10:00:00Z') });
    await upload(sim, { file, adName: 'Launch {date} {row}', now: () => Date.parse('2026-12-03T10:00:00Z') });
    expect(sim.ads().map((a) => a.arguments.ad_name)).toEqual(['Launch 2026-11-29 2', 'Launch 2026-11-29 3']);
  });

  it('errors are one or two plain sentences, never a stack trace unless --debug', async () => {
    const r = await cli(['validate', 'fixtures/nope.xlsx']);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(await readFile('fixtures/campaign.csv', 'utf8')).toBeTruthy();
  });
});

describe('output for people', () => {
  it('colours marks only when colour is allowed (a terminal without NO_COLOR)', async () => {
    const { ProblemPrinter } = await import('../src/commands/problem-printer.js');
    const out: string[] = [];
    const ad = { seq: 0, row: 4, input: [], problems: [{ field: 'ad_text', code: 'ad_text.missing', message: 'is missing' }], warnings: [] };
    new ProblemPrinter({ out() {}, err: (t) => out.push(t), isTTY: true, color: true }).add(ad);
    new ProblemPrinter({ out() {}, err: (t) => out.push(t), isTTY: false, color: false }).add(ad);
    expect(out[0]).toContain('\x1b[31m');
    expect(out[1]).toBe('Row 4:\n  ✗ ad_text: is missing\n');
    const warned = { ...ad, problems: [], warnings: [{ field: 'adgroup_id', code: 'adgroup_id.invisible_removed', message: 'held invisible characters' }] };
    const coloured: string[] = [];
    new ProblemPrinter({ out() {}, err: (t) => coloured.push(t), isTTY: true, color: true }).add(warned);
    expect(coloured).toEqual(['Row 4:\n  \x1b[33m!\x1b[39m adgroup_id: held invisible characters\n']);
  });

  it('prints a row once (a row that became several ads), skips rows without problems, and the first 200 rows only, saying where the rest are', async () => {
    const { ProblemPrinter } = await import('../src/commands/problem-printer.js');
    const problem = { field: 'ad_text', code: 'ad_text.missing', message: 'is missing' };
    const run = (rows: number[], report?: string) => {
      const out: string[] = [];
      const printer = new ProblemPrinter({ out() {}, err: (t) => out.push(t), isTTY: false, color: false });
      for (const row of rows) printer.add({ row, input: [], problems: row % 7 === 0 ? [] : [problem], warnings: [] });
      printer.finish(report);
      return out;
    };
    // Row 1 is a row like any other (the first row seen is never taken for the one before it).
    expect(run([1, 3, 3, 5])).toEqual(['Row 1:\n  ✗ ad_text: is missing\n', 'Row 3:\n  ✗ ad_text: is missing\n', 'Row 5:\n  ✗ ad_text: is missing\n']);
    expect(run([7, 14])).toEqual([]);
    const rows = (n: number) => Array.from({ length: n }, (_, i) => 1 + i + Math.floor(i / 6)).filter((r) => r % 7 !== 0);
    expect(rows(200)).toHaveLength(200);
    const exactly = run(rows(200));
    expect(exactly).toHaveLength(200);
    const over = run(rows(203), 'r.csv');
    expect(over).toHaveLength(201);
    expect(over[199]).toMatch(/^Row \d+:/);
    expect(over[200]).toBe('… and 3 more rows with problems; all are in r.csv.\n');
    expect(run(rows(201)).at(-1)).toBe('… and 1 more rows with problems; pass --report PATH to list them all.\n');
  });
});
