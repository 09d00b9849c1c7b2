import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { bufferIo } from '../src/commands/io.js';
import { validateFile } from '../src/commands/validate.js';
import { localPlace, openInput } from '../src/commands/input-source.js';
import { uploadFile } from '../src/upload/upload.js';
import { RunError } from '../src/errors.js';
import { parseSheetsLink } from '../src/read/sheets-link.js';
import { reportRows } from './helpers/report.js';
import { tempDir } from './helpers/tmp.js';
import { KEY, startSim } from './helpers/upload.js';

const ID = '1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
const LINK = `https://docs.google.com/spreadsheets/d/${ID}/edit#gid=0`;
const HEADER = ['adgroup_id', 'ad_text', 'landing_page_url', 'video_url'];
const row = (i: number) => [`17800000000000001${String(i).padStart(2, '0')}`, `Fresh coffee ${i}`, `https://e.com/${i}`, `https://e.com/${i}.mp4`];

/** A workbook as Google's export sends it: tabs of rows, IDs as text. */
async function workbook(tabs: Record<string, string[][]>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(tabs)) {
    const ws = wb.addWorksheet(name);
    for (const r of rows) ws.addRow(r);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Google, as far as the export goes: docs.google.com redirects to its content host, which serves the file. */
function google(file: Buffer, extra: (agent: MockAgent) => void = () => {}) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const seen: Record<string, unknown>[] = [];
  agent
    .get('https://docs.google.com')
    .intercept({ path: `/spreadsheets/d/${ID}/export?format=xlsx`, method: 'GET' })
    .reply((opts) => {
      seen.push(opts.headers as Record<string, unknown>);
      return {
        statusCode: 307,
        data: '',
        responseOptions: { headers: { location: `https://doc-0s-4c-sheets.googleusercontent.com/export/abc?format=xlsx&id=${ID}` } },
      };
    })
    .persist();
  agent
    .get('https://doc-0s-4c-sheets.googleusercontent.com')
    .intercept({ path: `/export/abc?format=xlsx&id=${ID}`, method: 'GET' })
    .reply((opts) => {
      seen.push(opts.headers as Record<string, unknown>);
      return {
        statusCode: 200,
        data: file,
        responseOptions: {
          headers: {
            'content-type': XLSX,
            'content-disposition': `attachment; filename="Spring launch.xlsx"; filename*=UTF-8''Spring%20launch%20%E2%80%93%20EU.xlsx`,
          },
        },
      };
    })
    .persist();
  // The linked tab (#gid=0) as CSV, to recognise it among the workbook's sheets.
  agent
    .get('https://docs.google.com')
    .intercept({ path: `/spreadsheets/d/${ID}/export?format=csv&gid=0`, method: 'GET' })
    .reply((opts) => {
      seen.push(opts.headers as Record<string, unknown>);
      return { statusCode: 200, data: `${HEADER.join(',')}\r\n`, responseOptions: { headers: { 'content-type': 'text/csv' } } };
    })
    .persist();
  extra(agent);
  return { agent, seen };
}

describe('a Google Sheets link as FILE', () => {
  it('parses the links people copy, with or without a gid', () => {
    expect(parseSheetsLink(LINK)).toEqual({ url: LINK, id: ID, gid: '0' });
    expect(parseSheetsLink(`https://docs.google.com/spreadsheets/d/${ID}/edit?gid=42#gid=42`)).toMatchObject({ id: ID, gid: '42' });
    expect(parseSheetsLink(`https://docs.google.com/spreadsheets/d/${ID}`)).toEqual({ url: `https://docs.google.com/spreadsheets/d/${ID}`, id: ID });
    expect(parseSheetsLink('campaign.xlsx')).toBeUndefined();
    expect(parseSheetsLink(`http://docs.google.com/spreadsheets/d/${ID}`)).toBeUndefined();
  });

  it("downloads the export (following Google's redirect) and reads it like a local .xlsx, naming the link in messages", async () => {
    const { agent } = google(await workbook({ Ads: [HEADER, row(1), [...row(2).slice(0, 3), 'http://e.com/2.mp4']] }));
    const io = bufferIo();
    const summary = await validateFile({ file: LINK, dispatcher: agent }, io);
    expect(summary.counts).toMatchObject({ valid: 1, invalid: 1 });
    expect(io.stderr.join('')).toContain(`${LINK} (sheet "Ads"): 2 ads checked, 1 valid, 1 invalid.`);
  });

  it("upload: the key never reaches Google; the batch lives in the current folder under the sheet's title; a re-run reads the sheet as it is now and resumes", async () => {
    const sim = await startSim();
    const cwd = await tempDir();
    let file = await workbook({ Ads: [HEADER, row(1), [...row(2).slice(0, 3), 'http://e.com/2.mp4']] });
    const agentFor = () => google(file);
    const first = agentFor();
    const io = bufferIo();
    const one = await uploadFile(
      { file: LINK, dispatcher: first.agent, cwd, endpoint: sim.url, env: { ADSPIRER_API_KEY: KEY }, rate: 100, checkLinks: false },
      io,
    );
    expect(one.counts).toMatchObject({ created: 1, invalid: 1 });
    expect(one.report).toBe(join(cwd, 'Spring launch – EU.results.csv'));
    expect((await readdir(cwd)).sort()).toEqual(['Spring launch – EU.results.csv', 'Spring launch – EU.results.csv.journal', 'Spring launch – EU.retry.xlsx']);
    expect(io.stderr.join('')).toContain(`Rows to fix or resend: ${join(cwd, 'Spring launch – EU.retry.xlsx')}`);
    for (const headers of first.seen) expect(JSON.stringify(headers)).not.toContain(KEY.slice(8, 14));
    expect(first.seen.length).toBeGreaterThanOrEqual(2);
    // The user fixes row 3 in Google Sheets and runs the same command again.
    file = await workbook({ Ads: [HEADER, row(1), row(2)] });
    const two = await uploadFile(
      { file: LINK, dispatcher: agentFor().agent, cwd, endpoint: sim.url, env: { ADSPIRER_API_KEY: KEY }, rate: 100, checkLinks: false },
      bufferIo(),
    );
    expect(two.counts).toMatchObject({ created: 2, invalid: 0 });
    expect(sim.ads()).toHaveLength(2);
    expect((await reportRows(two.report!)).map((r) => r.status)).toEqual(['created', 'created']);
  });

  it('the #gid picks the tab, recognised by its rows in the CSV export; --sheet wins over it', async () => {
    const file = await workbook({ Spring: [HEADER, row(1)], Summer: [HEADER.slice().reverse(), row(5).slice().reverse(), row(6).slice().reverse()] });
    const { agent } = google(file, (a) =>
      a
        .get('https://docs.google.com')
        .intercept({ path: `/spreadsheets/d/${ID}/export?format=csv&gid=777`, method: 'GET' })
        .reply(200, `${HEADER.slice().reverse().join(',')}\r\n${row(5).slice().reverse().join(',')}\r\n`, { headers: { 'content-type': 'text/csv' } })
        .persist(),
    );
    const io = bufferIo();
    const byGid = await validateFile({ file: `https://docs.google.com/spreadsheets/d/${ID}/edit#gid=777`, dispatcher: agent }, io);
    expect(byGid.rows).toBe(2);
    expect(io.stderr.join('')).toContain('(sheet "Summer")');
    const bySheet = await validateFile({ file: `https://docs.google.com/spreadsheets/d/${ID}/edit#gid=777`, sheet: 'spring', dispatcher: agent });
    expect(bySheet.rows).toBe(1);
  });

  it("the linked tab is known by its first filled row, whatever blank rows and padding Google's CSV export adds", async () => {
    // Summer has a blank column between its fields; its header row still counts as filled.
    const gap = (r: string[]) => [...r.slice(0, 2), '', ...r.slice(2)];
    const summer = [gap(HEADER.slice().reverse()), gap(row(5).slice().reverse()), gap(row(6).slice().reverse())];
    // Spring has the same header padded with a blank column: not the same first row.
    const file = await workbook({ Spring: [[...HEADER, '', 'note'], row(1)], Summer: [[], ...summer] });
    const csv = `,,,,,\r\n${summer[0]!.join(',')},,\r\n${summer[1]!.join(',')},,\r\n`;
    const { agent } = google(file, (a) =>
      a
        .get('https://docs.google.com')
        .intercept({ path: `/spreadsheets/d/${ID}/export?format=csv&gid=9`, method: 'GET' })
        .reply(200, csv, { headers: { 'content-type': 'text/csv' } })
        .persist(),
    );
    const io = bufferIo();
    const found = await validateFile({ file: `https://docs.google.com/spreadsheets/d/${ID}/edit#gid=9`, dispatcher: agent }, io);
    expect(io.stderr.join('')).toContain('(sheet "Summer")');
    expect(found.rows).toBe(2);
    // A link with no #gid: the first sheet whose header names the fields, as for a local workbook.
    const first = bufferIo();
    await validateFile({ file: `https://docs.google.com/spreadsheets/d/${ID}/edit`, dispatcher: agent }, first);
    expect(first.stderr.join('')).toContain('(sheet "Spring")');
  });

  it("a link's batch files go to the current folder, named after the sheet's title; a local file's beside it", async () => {
    const { agent } = google(await workbook({ Spring: [HEADER, row(1)] }));
    const input = await openInput({ file: LINK, dispatcher: agent });
    expect(input).toMatchObject({ batchName: ID, place: { dir: '.', stem: 'Spring launch – EU', workbook: true } });
    const dir = await tempDir();
    expect((await openInput({ file: LINK, dispatcher: agent, cwd: dir })).place.dir).toBe(dir);
    expect(localPlace('/a/b/Launch.XLSX')).toEqual({ dir: '/a/b', stem: 'Launch', workbook: true });
    expect(localPlace('launch.csv')).toEqual({ dir: '.', stem: 'launch', workbook: false });
  });

  it("the batch's name from the download's file name: UTF-8 first, then the plain name, made safe for a file; else the sheet's ID", async () => {
    const file = await workbook({ Spring: [HEADER, row(1)] });
    const stemFor = async (disposition: string | undefined) => {
      const agent = new MockAgent();
      agent.disableNetConnect();
      agent
        .get('https://docs.google.com')
        .intercept({ path: `/spreadsheets/d/${ID}/export?format=xlsx`, method: 'GET' })
        .reply(200, file, { headers: { 'content-type': XLSX, ...(disposition ? { 'content-disposition': disposition } : {}) } });
      return (await openInput({ file: `https://docs.google.com/spreadsheets/d/${ID}/edit`, dispatcher: agent })).place.stem;
    };
    expect(await stemFor('attachment; filename="Plain.xlsx"')).toBe('Plain');
    expect(await stemFor(`attachment; filename="x.xlsx"; filename*=UTF-8''Q3%2FQ4%3A%20%22final%22.XLSX`)).toBe('Q3_Q4_ _final_');
    expect(await stemFor(`attachment; filename*=UTF-8''%E0%A4%A.xlsx`)).toBe(ID); // not valid percent-encoding
    expect(await stemFor('attachment; filename=".xlsx"')).toBe(ID);
    expect(await stemFor(undefined)).toBe(ID);
    expect(await stemFor(`attachment; filename="${'a'.repeat(200)}.xlsx"`)).toBe('a'.repeat(120));
  });

  it('Google failing (HTTP 500) or redirecting more than 5 times: the download stops with its reason', async () => {
    const failing = new MockAgent();
    failing.disableNetConnect();
    failing
      .get('https://docs.google.com')
      .intercept({ path: `/spreadsheets/d/${ID}/export?format=xlsx`, method: 'GET' })
      .reply(500, 'oops');
    await expect(openInput({ file: LINK, dispatcher: failing })).rejects.toMatchObject({
      code: 'FILE',
      message: `${LINK}: Google answered HTTP 500 to the download. Try again later, or download it as .xlsx and pass the file.`,
    });
    const looping = new MockAgent();
    looping.disableNetConnect();
    looping
      .get('https://docs.google.com')
      .intercept({ path: () => true, method: 'GET' })
      .reply(302, '', { headers: { location: `https://docs.google.com/spreadsheets/d/${ID}/export?format=xlsx&again=1` } })
      .persist();
    await expect(openInput({ file: LINK, dispatcher: looping })).rejects.toMatchObject({
      message: `${LINK}: the download was redirected more than 5 times; it was stopped.`,
    });
  });

  it('a private sheet (a sign-in redirect, a 403, a sign-in page served with 200) is one clear message', async () => {
    const msg =
      /is not shared by link, so it cannot be read without signing in\. In Google Sheets choose Share > General access > "Anyone with the link" \(Viewer\), or download it \(File > Download > Microsoft Excel\) and pass the \.xlsx file\./;
    const answers: [number, Record<string, string>, string][] = [
      [302, { location: 'https://accounts.google.com/ServiceLogin?continue=x' }, ''],
      [403, {}, 'Forbidden'],
      [200, { 'content-type': 'text/html; charset=utf-8' }, '<!doctype html><title>Sign in - Google Accounts</title>'],
    ];
    for (const [status, headers, body] of answers) {
      const agent = new MockAgent();
      agent.disableNetConnect();
      agent
        .get('https://docs.google.com')
        .intercept({ path: `/spreadsheets/d/${ID}/export?format=xlsx`, method: 'GET' })
        .reply(status, body, { headers });
      const err = await validateFile({ file: LINK, dispatcher: agent }).catch((e: unknown) => e);
      expect(err, String(status)).toBeInstanceOf(RunError);
      expect((err as RunError).message).toMatch(msg);
    }
  });

  it('a wrong ID (404), a redirect off Google, a body too large, a server that never answers: each a clear message', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const g = agent.get('https://docs.google.com');
    g.intercept({ path: `/spreadsheets/d/${ID}/export?format=xlsx`, method: 'GET' }).reply(404, 'Not Found');
    await expect(validateFile({ file: LINK, dispatcher: agent })).rejects.toThrow(new RegExp(`Google has no spreadsheet with the ID ${ID}\\. Check the link`));
    g.intercept({ path: `/spreadsheets/d/${ID}/export?format=xlsx`, method: 'GET' }).reply(302, '', {
      headers: { location: 'https://evil.example.net/x.xlsx' },
    });
    await expect(validateFile({ file: LINK, dispatcher: agent })).rejects.toThrow(
      /redirected the download to https:\/\/evil\.example\.net, which is not one of Google's hosts; it was not followed/,
    );
    g.intercept({ path: `/spreadsheets/d/${ID}/export?format=xlsx`, method: 'GET' }).reply(200, Buffer.alloc(4096), { headers: { 'content-type': XLSX } });
    await expect(validateFile({ file: LINK, dispatcher: agent, maxDownloadBytes: 1024 } as Parameters<typeof validateFile>[0])).rejects.toThrow(
      /the download is larger than 0 MiB, the most a workbook may be/,
    );
    g.intercept({ path: `/spreadsheets/d/${ID}/export?format=xlsx`, method: 'GET' })
      .reply(200, 'x', { headers: { 'content-type': XLSX } })
      .delay(2_000);
    await expect(validateFile({ file: LINK, dispatcher: agent, timeoutSeconds: 0.2 } as Parameters<typeof validateFile>[0])).rejects.toThrow(
      /the sheet could not be downloaded \(it timed out\)/,
    );
  });
});
