import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openInput } from '../src/commands/input-source.js';
import { validateSheet, type PlannedAd } from '../src/keys/keyed-sheet.js';
import { cli } from './helpers/cli.js';
import { reportRows } from './helpers/report.js';
import { tempDir } from './helpers/tmp.js';
import { KEY, startSim, upload } from './helpers/upload.js';
import { bufferIo } from '../src/commands/io.js';
import { parseMap } from '../src/commands/common-options.js';
import { uploadFile } from '../src/upload/upload.js';

const F = 'fixtures/realworld';

/** Every ad of a fixture as validate sees it, with the notices printed before the rows. */
async function check(file: string, extra: { sheet?: string; trustIds?: boolean } = {}) {
  const notices: string[] = [];
  const { sheet } = await openInput({ file, ...extra });
  const ads: PlannedAd[] = [];
  for await (const ad of validateSheet(sheet, { onNotice: (n) => notices.push(n), trustIds: extra.trustIds === true })) ads.push(ad);
  const problems = (ad: PlannedAd) => ad.problems.map((p) => `${p.field}: ${p.message}`);
  const warnings = (ad: PlannedAd) => ad.warnings.map((p) => `${p.field}: ${p.message}`);
  return { sheet, notices, ads, problems, warnings };
}

describe('sheets as people make them (fixtures/realworld)', () => {
  it("Google Sheets CSV with columns of the user's own: carried, named once, never an error", async () => {
    const { ads, notices } = await check(`${F}/extra-columns.csv`);
    expect(notices).toEqual([
      'not sent to TikTok: Campaign Name, Notes, Client, Owner (columns that are no field of add_tiktok_ad; they are kept in the report and the retry file)',
    ]);
    expect(ads.map((a) => a.args)).toEqual([
      {
        adgroup_id: '1780000000000000101',
        ad_text: 'Fresh coffee 1',
        landing_page_url: 'https://beanthere.example.com/p/1',
        video_url: 'https://cdn.example.com/ads/1.mp4',
      },
      {
        adgroup_id: '1780000000000000102',
        ad_text: 'Fresh coffee 2',
        landing_page_url: 'https://beanthere.example.com/p/2',
        video_url: 'https://cdn.example.com/ads/2.mp4',
      },
    ]);
  });

  it('a header close to a field is refused, naming the field it probably means', async () => {
    const r = await cli(['validate', `${F}/typo-header.csv`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `Error: ${F}/typo-header.csv: column B "Ad Txt" is not a field of add_tiktok_ad (did you mean ad_text?); column C "landing_url" is not a field of add_tiktok_ad (did you mean landing_page_url?); column E "dispaly_nmae" is not a field of add_tiktok_ad (did you mean display_name?). Rename them (see \`tiktok-ads-bulk template\` for every column).\n`,
    );
  });

  it("a missing required field names the user's column that may be meant for it", async () => {
    const { ads, problems } = await check(`${F}/missing-column.csv`);
    expect(problems(ads[0]!)).toEqual([
      'ad_text: is missing; it is required (ad text shown with the creative). There is no ad_text column; is column "Copy" meant to be ad_text? Rename it',
    ]);
  });

  it('LibreOffice workbook: cover sheet skipped, header below title rows, hidden row and column named', async () => {
    const { sheet, notices, ads } = await check(`${F}/title-rows.xlsx`);
    expect(sheet.sheetName).toBe('Spring launch');
    expect(sheet.headerRow).toBe(4);
    expect(notices).toEqual([
      `${F}/title-rows.xlsx: sheet "Cover" has no header row (no row names the columns of add_tiktok_ad); sheet "Spring launch" is read. Pass --sheet NAME to read another.`,
      `${F}/title-rows.xlsx, sheet "Spring launch": the header is row 4; rows 1–2 above it were skipped ("Spring launch 2026", "Prepared 2026-03-01 by Anna").`,
      `${F}/title-rows.xlsx: row 7 is hidden in the sheet (hidden or filtered out: drafts, usually); it is checked, and upload leaves it not_sent unless --include-hidden.`,
      `${F}/title-rows.xlsx: column F "Client" is hidden in Excel; it is read like the others.`,
      'not sent to TikTok: Notes, Client (columns that are no field of add_tiktok_ad; they are kept in the report and the retry file)',
    ]);
    expect(ads.map((a) => [a.row, a.key !== undefined, a.args?.ad_text])).toEqual([
      [5, true, 'Fresh coffee 1'],
      [6, true, 'Fresh coffee 2'],
      [7, true, 'Fresh coffee 3'],
      [8, true, 'Fresh coffee 4'],
      [9, true, 'Fresh coffee 5'],
    ]);
  });

  it('a workbook no sheet of which has a header: the sheets listed, the likely one named with --sheet', async () => {
    const r = await cli(['validate', `${F}/title-rows.xlsx`, '--sheet', 'cover']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/sheet "Cover" has no header row: none of its first 2 rows names the columns of add_tiktok_ad/);
  });

  it('openpyxl/pandas workbook: sheet names as Excel shows them, --sheet matched case-insensitively', async () => {
    const { sheet, ads } = await check(`${F}/pandas-sheets.xlsx`, { sheet: 'ads' });
    expect(sheet.sheetName).toBe('Ads');
    expect(ads).toHaveLength(3);
    const wrong = await cli(['validate', `${F}/pandas-sheets.xlsx`, '--sheet', 'Sheet1']);
    expect(wrong.stderr).toBe(`Error: ${F}/pandas-sheets.xlsx has no sheet named "Sheet1"; its sheets are "Notes", "Ads".\n`);
  });

  it('what a cell means: link labels, =HYPERLINK, a failed formula, a date as text, invisible characters, case, spaces', async () => {
    const { ads, problems, warnings } = await check(`${F}/cell-meanings.xlsx`);
    const byRow = new Map(ads.map((a) => [a.row, a]));
    expect(byRow.get(2)!.args?.landing_page_url).toBe('https://beanthere.example.com/sale');
    expect(warnings(byRow.get(2)!)).toEqual(['landing_page_url: is the link label "Shop the sale"; its link https://beanthere.example.com/sale is used']);
    expect(byRow.get(3)!.args?.landing_page_url).toBe('https://beanthere.example.com/beans');
    expect(problems(byRow.get(4)!)).toEqual(['ad_text: is the spreadsheet error #DIV/0!: the formula in this cell failed. Fix the formula, or type the value']);
    expect(byRow.get(5)!.args?.ad_name).toBe('01.03.2026');
    expect(byRow.get(6)!.args?.adgroup_id).toBe('1780000000000000105');
    expect(warnings(byRow.get(6)!)).toEqual(['adgroup_id: held invisible characters (zero-width space), which were removed']);
    expect(byRow.get(7)!.args?.landing_page_url).toBe('https://beanthere.example.com/Path?Q=1');
    expect(problems(byRow.get(8)!)).toEqual([
      'video_url: "https://cdn.example.com/ads/spring launch.mp4" contains a space; a link has none (a space inside a link is written %20)',
    ]);
  });

  it('a formula saved without its value (openpyxl) says so, not "is missing"', async () => {
    const { ads, problems } = await check(`${F}/uncalculated.xlsx`);
    expect(problems(ads[1]!)).toEqual([
      'ad_text: is the formula =CONCATENATE("Fresh ","coffee") with no saved value (the workbook was saved without calculating it). Open it in Excel or LibreOffice, save it again, and re-run',
    ]);
  });

  it('lists typed with commas or semicolons are split when every part is well-formed; links run together are refused', async () => {
    const { ads, problems, warnings } = await check(`${F}/lists.csv`);
    expect(ads.slice(0, 2).map((a) => [a.row, a.args?.adgroup_id, a.args?.image_urls])).toEqual([
      [2, '1780000000000000101', ['https://cdn.example.com/3.jpg', 'https://cdn.example.com/4.jpg']],
      [2, '1780000000000000102', ['https://cdn.example.com/3.jpg', 'https://cdn.example.com/4.jpg']],
    ]);
    expect(warnings(ads[0]!)).toEqual([
      'adgroup_id: was split at commas or semicolons; | or new lines are the separators to use',
      'image_urls: was split at commas or semicolons; | or new lines are the separators to use',
    ]);
    expect(ads[2]!.args?.image_urls).toEqual(['https://cdn.example.com/5.jpg', 'https://cdn.example.com/6.jpg']);
    expect(problems(ads[3]!)).toEqual([
      'image_urls: holds "https://cdn.example.com/7.jpg,https//cdn.example.com/8.jpg", which looks like several items run together; separate items with | or new lines',
    ]);
    expect(ads[4]!.args?.image_urls).toEqual(['https://res.cloudinary.example.com/w_100,h_100/9.jpg']);
  });

  it('an ID Excel rounded to 15 digits is refused with the fix, unless --trust-ids', async () => {
    const strict = await check(`${F}/rounded-ids.csv`);
    expect(strict.problems(strict.ads[0]!)).toEqual([
      'adgroup_id: is 1798765432109870000, which looks rounded by a spreadsheet: Excel keeps 15 significant digits, so an ID typed as a number loses its last 4 digits to zeros. Format the column as Text and re-enter the IDs (a spreadsheet that stores a long ID as a number has already changed its last digits). If the ID really ends in 4 zeros, pass --trust-ids',
    ]);
    expect(strict.ads[1]!.key).toBeDefined();
    const trusted = await check(`${F}/rounded-ids.csv`, { trustIds: true });
    expect(trusted.ads[0]!.args?.adgroup_id).toBe('1798765432109870000');
  });

  it("IDs in TikTok's own format (id:…) under its template's headers: the prefix is removed without a warning", async () => {
    const { ads, warnings } = await check(`${F}/tiktok-id-format.csv`);
    expect(ads.map((a) => [a.row, a.args?.adgroup_id, a.args?.ad_name, a.args?.image_ids])).toEqual([
      [2, '1780000000000000101', 'Spring V1', undefined],
      [3, '1780000000000000102', 'Spring V2', ['7112233445566778899']],
      [4, '1780000000000000103', 'Spring V3', undefined],
      [4, '1780000000000000104', 'Spring V3', undefined],
    ]);
    expect(ads.flatMap(warnings)).toEqual([]);
  });

  it('Excel CSV on Western Windows (Windows-1252), comma and German semicolon: decoded, with a notice', async () => {
    const en = await check(`${F}/excel-windows-1252.csv`);
    expect(en.ads[0]!.args?.ad_text).toBe('Café crème – 5 € off');
    expect(en.notices[0]).toMatch(/excel-windows-1252\.csv is not UTF-8; it was read as Windows-1252/);
    const de = await check(`${F}/excel-german.csv`);
    expect(de.ads[0]!.args?.ad_text).toBe('Frischer Kaffee für 4,99 €');
  });

  it("upload: columns of the user's own come back unchanged in the report and the retry file", async () => {
    const dir = await tempDir();
    const file = join(dir, 'launch.csv');
    const original = await readFile(`${F}/extra-columns.csv`, 'utf8');
    // The second row made invalid, so that it lands in the retry file with its extra columns.
    await copyFile(`${F}/extra-columns.csv`, file);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(file, original.replace('https://beanthere.example.com/p/2', 'http://beanthere.example.com/p/2'));
    const sim = await startSim();
    const { summary, stderr } = await upload(sim, { file });
    expect(stderr).toMatch(/Note: not sent to TikTok: Campaign Name, Notes, Client, Owner/);
    expect(summary.counts).toMatchObject({ created: 1, invalid: 1 });
    const report = await reportRows(summary.report!);
    expect(report.map((r) => [r['Campaign Name'], r.Notes, r.Client, r.Owner])).toEqual([
      ['Spring', 'needs legal check, maybe', 'Bean There', 'Anna'],
      ['Spring', '', 'Bean There', 'Ben'],
    ]);
    const retry = await reportRows(join(dir, 'launch.retry.csv'));
    expect(retry).toEqual([
      {
        'Campaign Name': 'Spring',
        adgroup_id: '1780000000000000102',
        ad_text: 'Fresh coffee 2',
        Notes: '',
        landing_page_url: 'http://beanthere.example.com/p/2',
        video_url: 'https://cdn.example.com/ads/2.mp4',
        Client: 'Bean There',
        Owner: 'Ben',
        retry_of: 'launch.results.csv row 3',
        error: expect.stringContaining('landing_page_url'),
      },
    ]);
    const sent = (await (await fetch(`${sim.url}/__sim/ads`)).json()) as { ads: { arguments: Record<string, unknown> }[] };
    expect(Object.keys(sent.ads[0]!.arguments).sort()).toEqual(['ad_text', 'adgroup_id', 'landing_page_url', 'video_url']);
  });
});

describe("a leading ' is the user's, except in the tool's own files", () => {
  it("kept as typed in a user's CSV; removed from the tool's own report and retry file, where the tool put it", async () => {
    const dir = await tempDir();
    const { writeFile } = await import('node:fs/promises');
    const file = join(dir, 'quotes.csv');
    await writeFile(
      file,
      "adgroup_id,ad_text,landing_page_url,video_url,Notes\r\n1780000000000000101,'=not a formula,https://e.com/a,https://e.com/v.mp4,'-5% off\r\n",
    );
    const { ads } = await check(file);
    expect(ads[0]!.args?.ad_text).toBe("'=not a formula");
    const sim = await startSim();
    const { summary } = await upload(sim, { file });
    expect(sim.ads()[0]!.arguments.ad_text).toBe("'=not a formula");
    // The report escapes its cells ('+ the value); read back as the tool's own file, the value returns.
    const rows = await reportRows(summary.report!);
    expect(rows[0]!.ad_text).toBe("'=not a formula");
    expect(rows[0]!.Notes).toBe("'-5% off");
  });
});

describe('the retry file never destroys an edit', () => {
  async function brokenBatch() {
    const dir = await tempDir();
    const file = join(dir, 'launch.csv');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      file,
      'adgroup_id,ad_text,landing_page_url,video_url\r\n1780000000000000101,Fresh coffee,https://e.com/a,https://e.com/v.mp4\r\n1780000000000000102,Fresh tea,http://e.com/b,https://e.com/w.mp4\r\n',
    );
    return { dir, file };
  }

  it('an edited retry file is kept when the original batch runs again; the new one goes beside it', async () => {
    const { dir, file } = await brokenBatch();
    const { writeFile } = await import('node:fs/promises');
    const sim = await startSim();
    await upload(sim, { file });
    const retry = join(dir, 'launch.retry.csv');
    const edited = (await readFile(retry, 'utf8')).replace('http://e.com/b', 'https://e.com/b');
    await writeFile(retry, edited);
    const again = await upload(sim, { file });
    expect(await readFile(retry, 'utf8')).toBe(edited);
    expect(again.stderr).toContain(
      `Note: ${retry} was edited since this tool wrote it, so it is kept as it is; the rows that need attention now are in ${join(dir, 'launch.retry-2.csv')}.`,
    );
    expect(again.stderr).toContain(`Rows to fix or resend: ${join(dir, 'launch.retry-2.csv')}`);
    // The edited retry file uploads as it is.
    const fixed = await upload(sim, { file: retry });
    expect(fixed.summary.counts).toMatchObject({ created: 1, invalid: 0 });
  });

  it('an unedited retry file of ours is replaced, and removed once nothing needs attention', async () => {
    const { dir, file } = await brokenBatch();
    const sim = await startSim();
    await upload(sim, { file });
    await upload(sim, { file });
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(dir)).filter((f) => f.includes('.retry'))).toEqual(['launch.retry.csv']);
  });

  it('--retry-format xlsx: a CSV batch gets an XLSX retry file whose columns are Text, so Excel keeps 19-digit IDs', async () => {
    const { dir, file } = await brokenBatch();
    const sim = await startSim();
    await upload(sim, { file, retryFormat: 'xlsx' });
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(dir, 'launch.retry.xlsx'));
    const ws = wb.worksheets[0]!;
    expect(ws.getCell('A2').value).toBe('1780000000000000102');
    expect(ws.getColumn(1).numFmt).toBe('@');
    expect(ws.getCell('A3').numFmt).toBe('@');
    const bad = await cli(['upload', file, '--retry-format', 'ods'], { ADSPIRER_API_KEY: 'k' });
    expect(bad.stderr).toBe('Error: --retry-format ods: use csv or xlsx.\n');
  });
});

describe('small things', () => {
  it('--limit says to run again without --limit; the progress counts only rows this run sends', async () => {
    const dir = await tempDir();
    const file = join(dir, 'five.csv');
    const { writeFile } = await import('node:fs/promises');
    const rows = Array.from({ length: 5 }, (_, i) => `178000000000000010${i + 1},Coffee ${i},https://e.com/${i},https://e.com/${i}.mp4`);
    await writeFile(file, ['adgroup_id,ad_text,landing_page_url,video_url', ...rows].join('\n'));
    const sim = await startSim({ latencyMs: 400 });
    // A terminal, so the progress line is drawn every 250 ms while the two rows (≥ 200 ms each) go.
    const io = { ...bufferIo(), isTTY: true };
    const summary = await uploadFile({ file, limit: 2, concurrency: 1, rate: 100, endpoint: sim.url, env: { ADSPIRER_API_KEY: KEY }, checkLinks: false }, io);
    const stderr = io.stderr.join('');
    expect(stderr).toMatch(/Stopped at --limit: run again without --limit to send the rest/);
    const drawn = [...stderr.matchAll(/(\d+)\/(\d+) done/g)].map((m) => `${m[1]}/${m[2]}`);
    expect(drawn.length).toBeGreaterThan(0);
    for (const d of drawn) expect(['0/2', '1/2', '2/2']).toContain(d);
    const report = await reportRows(summary.report!);
    expect(report.filter((l) => l.status === 'not_sent').map((l) => l.error)).toEqual(
      Array(3).fill('not sent: --limit 2 reached; run again without --limit to send it'),
    );
  });

  it('number flags speak one style, naming the flag and the range', async () => {
    for (const [flag, value, message] of [
      ['--concurrency', '0', '--concurrency 0: expected a whole number from 1 to 64.'],
      // The form and the range are one rule: a word is told the range it must be in.
      ['--concurrency', 'x', '--concurrency x: expected a whole number from 1 to 64.'],
      ['--rate', '0', '--rate 0: expected a number above 0 and at most 100 (requests per second).'],
      ['--retries', '99', '--retries 99: expected a whole number from 0 to 20.'],
      ['--limit', '-1', '--limit -1: expected a whole number, 0 or more.'],
    ] as const) {
      const r = await cli(['upload', 'fixtures/campaign.csv', `${flag}=${value}`], { ADSPIRER_API_KEY: 'k' });
      expect(r.stderr, flag).toBe(`Error: ${message}\n`);
    }
  });
});

describe('hidden rows are drafts', () => {
  it('a row hidden in the LibreOffice workbook is checked but not sent; --include-hidden sends it', async () => {
    const sim = await startSim();
    const dir = await tempDir();
    const file = join(dir, 'title-rows.xlsx');
    await copyFile(`${F}/title-rows.xlsx`, file);
    const { summary } = await upload(sim, { file });
    expect(summary).toMatchObject({ exit_code: 1, counts: { created: 4, not_sent: 1 } });
    const rows = await reportRows(summary.report!);
    expect(rows.find((r) => r.row === '7')).toMatchObject({
      status: 'not_sent',
      error: 'not sent: the row is hidden in the sheet (a draft?); unhide it, or pass --include-hidden',
    });
    expect(sim.ads().map((a) => a.arguments.ad_text)).not.toContain('Fresh coffee 3');
    const again = await upload(sim, { file, includeHidden: true });
    expect(again.summary).toMatchObject({ exit_code: 0, counts: { created: 5 } });
    expect(sim.ads()).toHaveLength(5);
  });
});

describe("--map reads a column of the user's own as a field", () => {
  it("an agency's Client column is each row's advertiser: every ad goes to its client's account", async () => {
    const sim = await startSim({ advertisers: ['7000000000000000001=Client A', '7000000000000000002=Client B'] });
    const dir = await tempDir();
    const file = join(dir, 'agency.csv');
    await writeFile(
      file,
      'adgroup_id,ad_text,landing_page_url,video_url,Client\r\n' +
        '1780000000000000101,For A,https://example.com/a,https://cdn.example.com/a.mp4,7000000000000000001\r\n' +
        '1780000000000000102,For B,https://example.com/b,https://cdn.example.com/b.mp4,7000000000000000002\r\n',
    );
    const { summary, stderr } = await upload(sim, { file, map: ['Client=advertiser_id'] });
    expect(summary).toMatchObject({ exit_code: 0, counts: { created: 2 } });
    expect(sim.ads().map((a) => [a.arguments.ad_text, a.arguments.advertiser_id])).toEqual([
      ['For A', '7000000000000000001'],
      ['For B', '7000000000000000002'],
    ]);
    expect(stderr).not.toMatch(/not sent to TikTok: Client/);
  });

  it('in the LibreOffice workbook too; an unknown field or a missing column is a usage error naming what is near', async () => {
    const { sheet } = await openInput({ file: `${F}/title-rows.xlsx` });
    const ads: PlannedAd[] = [];
    for await (const ad of validateSheet(sheet, { map: parseMap(['client=brand_name']) })) ads.push(ad);
    expect(ads.map((a) => a.args?.display_name)).toEqual(['Bean There', 'Bean There', 'Bean There', 'Bean There', 'Bean There']);
    expect(() => parseMap(['Client=advertiser_idd'])).toThrow(
      '--map Client=advertiser_idd: "advertiser_idd" is not a field of add_tiktok_ad; did you mean advertiser_id?',
    );
    expect(() => parseMap(['Client'])).toThrow(/write it as COLUMN=FIELD/);
    const r = await cli(['validate', `${F}/title-rows.xlsx`, '--map', 'Customer=advertiser_id']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--map: fixtures\/realworld\/title-rows\.xlsx has no column "customer" to read as advertiser_id; its columns: /);
  });
});

describe('written by LibreOffice: pasted texts, joined disclaimer pairs, cells without references', () => {
  async function ads(file: string): Promise<PlannedAd[]> {
    const { sheet } = await openInput({ file });
    const out: PlannedAd[] = [];
    for await (const ad of validateSheet(sheet)) out.push(ad);
    return out;
  }

  it('disclaimer pairs joined by ";" are two links; U+2028/U+2029 from Google Docs or Word are line breaks (fixtures/realworld/pasted-texts.xlsx)', async () => {
    const [joined, pasted, unreadable] = await ads('fixtures/realworld/pasted-texts.xlsx');
    expect(joined!.args?.disclaimer_clickable_texts).toEqual([
      { text: 'Terms', url: 'https://beanthere.example.com/t' },
      { text: 'Privacy', url: 'https://beanthere.example.com/p' },
    ]);
    expect(pasted!.args?.ad_text).toBe('Fresh coffee\nroasted this week\nOrder now');
    // A line that really is no pair says how to write one; the rule it breaks for disclaimer_type
    // follows from it and is not said twice.
    expect(unreadable!.problems.map((p) => p.code)).toEqual(['disclaimer_clickable_texts.bad_pair']);
    expect(unreadable!.problems[0]!.message).toMatch(/separate pairs with ";"/);
  });

  it('cells without their r= reference inside rows that have it are read by position, not refused as damaged (fixtures/realworld/cells-without-refs.xlsx)', async () => {
    const read = await ads('fixtures/realworld/cells-without-refs.xlsx');
    expect(read.map((a) => [a.row, a.args?.adgroup_id, a.args?.ad_text])).toEqual([
      [2, '1780000000000000101', 'Fresh coffee 1'],
      [3, '1780000000000000102', 'Fresh coffee 2'],
      [4, '1780000000000000103', 'Fresh coffee 3'],
    ]);
  });

  it('the sheet XML decides whether references are added, for rows and cells alike', async () => {
    const { lacksReferences } = await import('../src/read/xlsx-refs.js');
    expect(lacksReferences('<row r="1"><c r="A1"><v>1</v></c><c r="B1"/></row><cols><col min="1"/></cols>')).toBe(false);
    expect(lacksReferences('<row r="1"><c t="s"><v>1</v></c></row>')).toBe(true);
    expect(lacksReferences('<row><c r="A1"/></row>')).toBe(true);
  });
});
