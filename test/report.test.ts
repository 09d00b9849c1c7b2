import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvLine } from '../src/report/csv-line.js';
import { openCsvWriter } from '../src/report/csv-writer.js';
import { openXlsxWriter } from '../src/report/xlsx-writer.js';
import { openTableWriter, writeError } from '../src/report/open-writer.js';
import { parseRetryOf, retryOfText } from '../src/report/retry-of.js';
import { safeCsvCell } from '../src/report/safe-cell.js';
import { reportCells, reportHeader, reportStyle, resultCells, resultWidth, retryCells, retryHeader } from '../src/report/report-line.js';
import { retryLines } from '../src/report/retry-lines.js';
import { OrderedReport } from '../src/report/ordered-report.js';
import { parseJournal } from '../src/batch/journal.js';
import { openSheet } from '../src/read/open-sheet.js';
import { RunError } from '../src/errors.js';
import { tempDir } from './helpers/tmp.js';

const HOSTILE = ['=HYPERLINK("http://evil","x")', '+1+2', '-3+4', '@SUM(A1)', '\tTAB', '\rCR', 'plain, "quoted"\nnew line', '1780000000000000101', '咖啡 ☕'];

async function readBack(path: string): Promise<string[][]> {
  const sheet = await openSheet(path, { ownFile: () => true });
  const rows = [[...sheet.header]];
  for await (const r of sheet.records) rows.push(r.cells.map((c) => (c === null ? '' : String(c))));
  return rows;
}

describe('formula safety', () => {
  it('prefixes cells a spreadsheet would run', () => {
    expect(safeCsvCell('=1+1')).toBe("'=1+1");
    expect(safeCsvCell('-5% off')).toBe("'-5% off");
    expect(safeCsvCell('Coffee')).toBe('Coffee');
  });

  it('CSV: no cell starts with a formula character, and our reader reads the same values back', async () => {
    const path = join(await tempDir(), 'r.csv');
    const w = await openCsvWriter(path, ['a', 'b']);
    for (const v of HOSTILE) await w.write([v, 'x']);
    await w.close();
    const text = await readFile(path, 'utf8');
    expect(text.startsWith('\ufeff')).toBe(true);
    const back = await readBack(path);
    expect(back.slice(1).map((r) => r[0])).toEqual(HOSTILE.map((v) => (v.trim() === '' ? '' : v)));
    const raw = text
      .split('\r\n')
      .slice(1)
      .map((l) => l.replace(/^"/, ''));
    for (const line of raw.filter(Boolean)) expect(line).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('XLSX: every cell is a string (never a formula), IDs keep every digit, values read back', async () => {
    const path = join(await tempDir(), 'r.xlsx');
    const w = await openXlsxWriter(path, ['status', 'v'], { sheetName: 'Results', summary: () => [['created', '3']] });
    for (const v of HOSTILE) await w.write(['created', v], { status: 'created' });
    await w.close();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    const ws = wb.getWorksheet('Results')!;
    for (let r = 2; r <= ws.rowCount; r++) {
      expect(ws.getRow(r).getCell(2).type).toBe(ExcelJS.ValueType.String);
    }
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.getRow(2).getCell(1).fill).toMatchObject({ type: 'pattern' });
    expect(wb.getWorksheet('Summary')!.getRow(2).values).toEqual([undefined, 'created', '3']);
    const back = await readBack(path);
    // XML stores a lone carriage return as a line feed; everything else comes back as written.
    expect(back.slice(1).map((r) => r[1])).toEqual(HOSTILE.map((v) => v.replace(/\r/g, '\n')));
  });
});

describe('the XLSX report, cell by cell', () => {
  it('a colour per status, Text columns sized to their names, a filter over the header, long errors as notes; no Summary sheet without a summary', async () => {
    const dir = await tempDir();
    await mkdir(dir, { recursive: true });
    const path = join(dir, 'r.xlsx');
    const header = ['row', 'status', 'error', 'a_rather_long_column_name_that_goes_on_and_on_and_on_for_ever_more'];
    const w = await openXlsxWriter(path, header, { sheetName: 'Validation', summary: () => [] });
    const statuses = ['created', 'valid', 'invalid', 'rejected', 'failed', 'unknown', 'not_sent'] as const;
    for (const [i, status] of statuses.entries())
      await w.write([String(i + 2), status, status === 'failed' ? 'x'.repeat(90) : '', ''], { status, ...(status === 'failed' ? { noteAt: 2 } : {}) });
    await w.write(['9', 'other', '', '']);
    await w.close();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['Validation']);
    const ws = wb.getWorksheet('Validation')!;
    const fills = statuses.map((_, i) => (ws.getRow(i + 2).getCell(2).fill as { fgColor?: { argb?: string } } | undefined)?.fgColor?.argb);
    expect(fills).toEqual(['FFC6EFCE', 'FFC6EFCE', 'FFFFC7CE', 'FFFFC7CE', 'FFFFEB9C', 'FFFFEB9C', 'FFE7E6E6']);
    expect((ws.getRow(9).getCell(2).fill as { pattern?: string } | undefined)?.pattern ?? 'none').toBe('none');
    expect(ws.getRow(1).font).toMatchObject({ bold: true });
    expect(ws.getRow(2).getCell(1).numFmt).toBe('@');
    expect(ws.columns.map((c) => c.width)).toEqual([10, 10, 10, 60]);
    expect(ws.autoFilter).toBe('A1:D1');
    expect(ws.getRow(6).getCell(3).note).toBe('x'.repeat(90));
    expect(ws.getRow(2).getCell(3).note).toBeUndefined();
  });
});

describe('report lines', () => {
  it('put the result columns first, then the input columns as they came', () => {
    expect(reportHeader(['Ad Text', 'adgroup'])).toEqual(['row', 'status', 'ad_id', 'idempotency_key', 'error', 'attempts', 'ad_status', 'Ad Text', 'adgroup']);
    expect(reportCells({ row: 2, status: 'created', adId: '18', key: 'k', attempts: 1, adStatus: 'DISABLE', input: ['T', 1.78e18] }, 3)).toEqual([
      '2',
      'created',
      '18',
      'k',
      '',
      '1',
      'DISABLE',
      'T',
      '1.78E+18',
      '',
    ]);
    expect(retryHeader(['a'])).toEqual(['a', 'retry_of', 'error']);
    expect(retryCells({ row: 2, status: 'failed', error: 'boom', input: ['x'] }, ['a'], 'dir/c.results.csv')).toEqual(['x', 'c.results.csv row 2', 'boom']);
    // A retry file of a retry file: its own error column takes the new error, and its retry_of
    // keeps naming the first batch; one of each column, always.
    expect(retryHeader(['a', 'Error', 'b', 'retry_of'])).toEqual(['a', 'Error', 'b', 'retry_of']);
    expect(
      retryCells({ row: 2, status: 'failed', error: 'new', input: ['x', 'old', 'y', 'c.results.csv row 9'] }, ['a', 'Error', 'b', 'retry_of'], 'r.csv'),
    ).toEqual(['x', 'new', 'y', 'c.results.csv row 9']);
    expect(retryHeader(['a', 'error', 'b'])).toEqual(['a', 'error', 'b', 'retry_of']);
    expect(retryCells({ row: 2, status: 'failed', input: ['x', 'old', 'y'] }, ['a', 'error', 'b'], 'r.csv')).toEqual(['x', '', 'y', 'r.csv row 2']);
  });

  it('a long error becomes a note in the XLSX report, from 81 characters; attempts 0 is written, none is blank', () => {
    const line = (error?: string) => ({ row: 2, status: 'failed' as const, ...(error !== undefined ? { error } : {}), input: [] });
    expect(reportStyle(line('x'.repeat(80)))).toEqual({ status: 'failed' });
    expect(reportStyle(line('x'.repeat(81)))).toEqual({ status: 'failed', noteAt: 4 });
    expect(reportStyle(line())).toEqual({ status: 'failed' });
    expect(reportStyle(line(''))).toEqual({ status: 'failed' });
    expect(resultCells({ row: 2, status: 'not_sent', attempts: 0, input: [] })).toEqual(['2', 'not_sent', '', '', '', '0', '']);
    expect(resultCells({ row: 2, status: 'invalid', input: [] })).toEqual(['2', 'invalid', '', '', '', '', '']);
    expect(retryCells({ row: 2, status: 'failed', input: ['x', 'y'] }, ['a', 'b', 'c'], 'r.csv')).toEqual(['x', 'y', '', 'r.csv row 2', '']);
    // A cell longer than any spreadsheet cell (its row is invalid) is carried cut, saying so, not whole.
    const huge = 'x'.repeat(5_000_000);
    const [cell] = retryCells({ row: 2, status: 'invalid', input: [huge] }, ['a'], 'r.csv');
    expect(cell!.length).toBeLessThan(32_200);
    expect(cell).toMatch(/^x{32000} … \[cut: this cell holds 5,000,000 characters; the report keeps the first 32,000\]$/);
    expect(reportCells({ row: 2, status: 'invalid', input: [huge] }, 1).some((c) => c.length > 32_767)).toBe(false);
    const edge = 'y'.repeat(32_767);
    expect(retryCells({ row: 2, status: 'invalid', input: [edge] }, ['a'], 'r.csv')[0]).toBe(edge);
  });

  it('retry lines: a row whose ad groups all need attention is kept as typed, with each error once; without an ad group column too', () => {
    const lines = [
      { row: 2, status: 'failed' as const, error: 'HTTP 503', input: ['1|2', 'T'], adgroup: '1' },
      { row: 2, status: 'failed' as const, error: 'HTTP 503', input: ['1|2', 'T'], adgroup: '2' },
      { row: 3, status: 'created' as const, input: ['3|4', 'U'], adgroup: '3' },
      { row: 3, status: 'unknown' as const, input: ['3|4', 'U'], adgroup: '4' },
      { row: 4, status: 'created' as const, input: ['5', 'V'] },
    ];
    expect(retryLines(lines, 0).map((l) => [l.row, l.input, l.error])).toEqual([
      [2, ['1|2', 'T'], 'HTTP 503'],
      [3, ['4', 'U'], undefined],
    ]);
    expect(retryLines(lines, undefined).map((l) => l.input)).toEqual([
      ['1|2', 'T'],
      ['3|4', 'U'],
    ]);
    // The input a line carries is never changed in place.
    expect(lines[3]!.input).toEqual(['3|4', 'U']);
  });

  it('a CSV report on a full disk: the write that fails and every later one say so, and so does close', async () => {
    const writer = await openCsvWriter('/dev/full', ['a']);
    await new Promise((r) => setTimeout(r, 20));
    expect(() => writer.write(['1'])).toThrow(/ENOSPC/);
    await expect(writer.close()).rejects.toThrow(/ENOSPC/);
  });

  it('retry lines keep only the ad groups still to do', () => {
    const lines = [
      { row: 2, status: 'created' as const, input: ['1|2|3', 'T'], adgroup: '1' },
      { row: 2, status: 'failed' as const, error: 'HTTP 503', input: ['1|2|3', 'T'], adgroup: '2' },
      { row: 2, status: 'not_sent' as const, error: 'quota', input: ['1|2|3', 'T'], adgroup: '3' },
      { row: 3, status: 'created' as const, input: ['4', 'U'], adgroup: '4' },
      { row: 4, status: 'invalid' as const, error: 'ad_text: missing', input: ['5', ''] },
    ];
    const out = retryLines(lines, 0);
    expect(out.map((l) => [l.row, l.input[0], l.error])).toEqual([
      [2, '2|3', 'HTTP 503 / quota'],
      [4, '5', 'ad_text: missing'],
    ]);
  });

  it('the ordered report writes lines in input order as they finish', async () => {
    const written: string[] = [];
    const writer = { path: 'mem', write: async (c: readonly string[]) => void written.push(c[0]!), close: async () => {} };
    const report = new OrderedReport(writer, 0);
    await report.add(1, { row: 3, status: 'created', input: [] });
    expect(written).toEqual([]);
    await report.add(0, { row: 2, status: 'created', input: [] });
    expect(written).toEqual(['2', '3']);
    await report.close();
  });

  it('after a write fails, every later line is refused with that failure and nothing is written twice', async () => {
    const written: string[] = [];
    let fail = true;
    const writer = {
      path: 'mem',
      write: async (c: readonly string[]) => {
        if (c[0] === '3' && fail) throw new Error('disk full');
        written.push(c[0]!);
      },
      close: async () => {},
    };
    const report = new OrderedReport(writer, 0);
    await report.add(0, { row: 2, status: 'created', input: [] });
    await expect(report.add(1, { row: 3, status: 'created', input: [] })).rejects.toThrow('disk full');
    fail = false;
    await expect(report.add(2, { row: 4, status: 'created', input: [] })).rejects.toThrow('disk full');
    expect(written).toEqual(['2']);
  });

  it('hands each line on after it is written, in order, and makes a reader wait while thousands of lines wait for one', async () => {
    const written: string[] = [];
    const after: string[] = [];
    const writer = { path: 'mem', write: async (c: readonly string[]) => void written.push(c[0]!), close: async () => {} };
    const report = new OrderedReport(writer, 0, async (l) => void after.push(`${l.row}:${written.length}`));
    // Line 0 is in flight; the lines after it pile up.
    for (let seq = 1; seq < 4096; seq++) void report.add(seq, { row: seq + 2, status: 'invalid', input: [] });
    expect(report.waiting).toBe(4095);
    expect(report.room()).toBeUndefined(); // under the limit: no wait
    void report.add(4096, { row: 4098, status: 'invalid', input: [] });
    let roomy = false;
    const waiting = report.room()!.then(() => (roomy = true));
    await new Promise((r) => setImmediate(r));
    expect(roomy).toBe(false);
    await report.add(0, { row: 2, status: 'created', input: [] });
    await waiting;
    expect(roomy).toBe(true);
    expect(report.waiting).toBe(0);
    expect(written).toHaveLength(4097);
    expect(after.slice(0, 3)).toEqual(['2:1', '3:2', '4:3']);
    await report.close();
  });

  it('a report path that cannot be written is a setup error', async () => {
    const dir = await tempDir();
    for (const path of [join(dir, 'missing', 'r.csv'), dir + '/', join(dir, 'r.pdf')]) {
      await expect(openTableWriter(path, ['a'], { sheetName: 'R' })).rejects.toBeInstanceOf(RunError);
    }
  });
});

describe('journal', () => {
  const header = '{"journal":"tiktok-ads-bulk","v":1,"file":"c.csv","date":"2026-11-29"}\n';
  it('replays the last state of each key; a created ad stays created', () => {
    const j = parseJournal(
      'j',
      `${header}{"key":"a","row":2,"event":"sending"}\n{"key":"a","row":2,"event":"result","status":"created","ad_id":"18","attempts":1}\n{"key":"a","row":2,"event":"result","status":"not_sent","attempts":0}\n{"key":"b","row":3,"event":"sending"}\n`,
    );
    expect(j.states.get('a')).toMatchObject({ status: 'created', adId: '18' });
    expect(j.states.get('b')).toMatchObject({ status: 'in_flight' });
    expect(j.truncatedTail).toBe(false);
  });
  it('a created key stays created whatever later lines say (a later in-flight or not_sent line)', () => {
    const text = [
      '{"journal":"tiktok-ads-bulk","v":1,"file":"b.csv","date":"2026-12-01"}',
      '{"key":"k1","row":2,"event":"sending"}',
      '{"key":"k1","row":2,"event":"result","status":"created","ad_id":"1800","attempts":1}',
      '{"key":"k1","row":2,"event":"sending"}',
      '{"key":"k1","row":2,"event":"result","status":"not_sent","attempts":0}',
      '',
    ].join('\n');
    expect(parseJournal('j', text).states.get('k1')).toEqual({ status: 'created', row: 2, adId: '1800' });
  });

  it('tolerates a last line cut off by a crash', () => {
    const j = parseJournal('j', `${header}{"key":"a","row":2,"event":"sending"}\n{"key":"a","row":2,"ev`);
    expect(j.truncatedTail).toBe(true);
    expect(j.states.get('a')).toMatchObject({ status: 'in_flight' });
  });
  it('refuses damage elsewhere and files that are not journals', () => {
    expect(() => parseJournal('j', `${header}garbage\n{"key":"a"}\n`)).toThrow(/damaged at line 2/);
    expect(() => parseJournal('j', 'row,status\n')).toThrow(/not a tiktok-ads-bulk journal/);
  });

  it('each line adds what it knows to its key, and keeps what earlier lines knew; lines it cannot use are passed over', () => {
    const lines = [
      { key: 'k', row: 2, event: 'sending', adgroup: 'G', fields: { ad_text: 'd1' }, at: '2026-12-01T10:00:00Z' },
      { key: 'k', row: 2, event: 'sending' }, // a re-send: the fields and time of the first stay
      { key: 'k', row: 2, event: 'result', status: 'failed', error: 'HTTP 503', attempts: 5 },
      { key: 'k', row: 2, event: 'result', status: 'created', ad_id: 'ad1', advertiser: 'A', from_retry: 'c.retry.csv', attempts: 1 },
      { key: 'k', row: 2, event: 'sending', fields: { ad_text: 'changed' } }, // created stays created
      { key: 'k', event: 'ad-status', row: 2, ad_id: 'ad1', status: 'DISABLE', outcome: 'created', attempts: 1, at: 't' },
      { key: 'k', event: 'ad-status', row: 2, ad_id: 'ad1', status: 'ENABLE', outcome: 'created', attempts: 1, at: 't' },
      { key: 'k', event: 'ad-status', row: 2, ad_id: 'ad1', status: 'DELETE', outcome: 'failed', attempts: 3, at: 't' },
      { key: 'k', event: 'ad-status', row: 2, ad_id: 'ad1', status: 'PAUSED', outcome: 'created', attempts: 1, at: 't' },
      { key: 'nobody', event: 'ad-status', row: 9, ad_id: 'x', status: 'DISABLE', outcome: 'created', attempts: 1, at: 't' },
      { key: 7, event: 'ad-status', row: 9, ad_id: 'x', status: 'DISABLE', outcome: 'created', attempts: 1, at: 't' },
      { key: 'm', row: 3, event: 'sending', fields: 'not an object', at: 5 },
      { key: 'm', row: 3, event: 'result', status: 'unknown', adgroup: 'H', attempts: 1 },
      { key: 'r1', row: 4, event: 'sending', base: 'r', generation: 2 },
      { key: 'r2', row: 4, event: 'sending', base: 'r', generation: 1 },
      { key: 'r3', row: 4, event: 'sending', base: 'r', generation: '3' },
      { key: 9, row: 5, event: 'sending' },
      { event: 'retry-file', file: 'c.retry.csv', sha256: 'h1' },
      { event: 'retry-file', file: 'c.retry.csv', sha256: 7 },
      { event: 'link', link: 'video_url https://e.com/v.mp4', at: '2026-12-01T10:00:00Z', seen: { kind: 'answer' } },
      { event: 'link', link: 'video_url https://e.com/w.mp4', at: '2026-12-01T10:00:00Z', seen: null },
      { event: 'link', link: 'video_url https://e.com/x.mp4', at: 5, seen: { kind: 'answer' } },
    ];
    const j = parseJournal('j', `${header}\n${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    expect(j.truncatedTail).toBe(false);
    expect(j.states.get('k')).toStrictEqual({
      status: 'created',
      row: 2,
      adId: 'ad1',
      adgroup: 'G',
      fields: { ad_text: 'd1' },
      lastAt: '2026-12-01T10:00:00Z',
      advertiser: 'A',
      fromRetry: 'c.retry.csv',
      adStatus: 'ENABLE',
      statusChanges: 2,
    });
    expect(j.states.get('m')).toStrictEqual({ status: 'unknown', row: 3, adgroup: 'H' });
    expect([...j.states.keys()]).toEqual(['k', 'm', 'r1', 'r2', 'r3']);
    expect([...j.generations]).toEqual([['r', 2]]);
    expect([...j.retryFiles]).toEqual([['c.retry.csv', 'h1']]);
    expect([...j.links]).toEqual([['video_url https://e.com/v.mp4', { at: '2026-12-01T10:00:00Z', seen: { kind: 'answer' } }]]);
    // A failure after an ad group was known keeps it, and the advertiser of an earlier answer stays.
    const kept = parseJournal(
      'j',
      `${header}${JSON.stringify({ key: 'a', row: 2, event: 'result', status: 'failed', adgroup: 'G', advertiser: 'A', attempts: 1 })}\n${JSON.stringify({ key: 'a', row: 2, event: 'result', status: 'failed', attempts: 2 })}\n`,
    );
    expect(kept.states.get('a')).toStrictEqual({ status: 'failed', row: 2, adgroup: 'G', advertiser: 'A' });
  });

  it('a journal with only its header cut off is an empty batch; a last line that is whole without its newline is read', () => {
    const empty = { header: { journal: 'tiktok-ads-bulk', v: 1, file: '', date: '' }, truncatedTail: true };
    expect(parseJournal('j', '')).toMatchObject(empty);
    expect(parseJournal('j', '  \n')).toMatchObject(empty);
    expect(parseJournal('j', '{"journal":"tiktok-ads')).toMatchObject(empty);
    const whole = parseJournal('j', `${header}{"key":"a","row":2,"event":"sending"}`);
    expect(whole.truncatedTail).toBe(false);
    expect(whole.states.get('a')).toMatchObject({ status: 'in_flight' });
    // A line that is not JSON, anywhere but at a cut-off end, is damage, even when the text starts with a newline.
    expect(() => parseJournal('j', `\n${header}garbage\n`)).toThrow(/damaged at line 3/);
    expect(() => parseJournal('j', 'garbage\n{}\n')).toThrow('j is not a tiktok-ads-bulk journal. Move it away or choose another --report.');
    expect(() => parseJournal('j', '{"journal":"tiktok-ads-bulk","v":2,"file":"c.csv"}\n')).toThrow(/not a tiktok-ads-bulk journal/);
  });
});

describe('csvLine', () => {
  it('quotes only what needs it, doubling quotes, ending in CRLF', () => {
    expect(csvLine(['a', 'b c', ''])).toBe('a,b c,\r\n');
    expect(csvLine(['x,y', 'say "hi"', 'two\nlines', ' edge', 'tail '])).toBe('"x,y","say ""hi""","two\nlines"," edge","tail "\r\n');
  });
  it('round-trips arbitrary cells through csv-parse', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.string({ unit: 'grapheme' }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }), (rows) => {
        const width = Math.max(...rows.map((r) => r.length));
        const padded = rows.map((r) => [...r, ...Array<string>(width - r.length).fill('')]);
        // A record of one empty cell is a blank line, which csv-parse (like a spreadsheet) reads as nothing.
        fc.pre(padded.every((r) => r.some((c) => c !== '')));
        expect(parseCsv(padded.map(csvLine).join(''), { relax_column_count: true })).toEqual(padded);
      }),
      { numRuns: 300 },
    );
  });
});

describe('reading our own XLSX back', () => {
  it('reads past the sheets it does not need, leaving no temp-file read behind (no stray ENOENT)', async () => {
    const path = join(await tempDir(), 'r.xlsx');
    const w = await openXlsxWriter(path, ['row', 'status'], { sheetName: 'Results', summary: () => [['created', '1']] });
    await w.write(['2', 'created']);
    await w.close();
    const errors: unknown[] = [];
    const onError = (e: unknown): void => void errors.push(e);
    process.on('uncaughtException', onError);
    try {
      for (let i = 0; i < 5; i++) {
        expect(await readBack(path)).toEqual([
          ['row', 'status'],
          ['2', 'created'],
        ]);
        const summary = await openSheet(path, { sheet: 'Summary' });
        for await (const _ of summary.records) void _;
        await new Promise((r) => setTimeout(r, 30));
      }
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(errors).toEqual([]);
  });
});

describe('a report or journal that cannot be written', () => {
  it('names the file, why, and what to do', () => {
    const err = (code: string | undefined) => writeError('r.csv', Object.assign(new Error('x'), code ? { code } : {}));
    expect(err('ENOENT').message).toBe('Cannot write the report r.csv: its folder does not exist. Choose another path with --report.');
    expect(err('EISDIR').message).toBe('Cannot write the report r.csv: it is a folder. Choose another path with --report.');
    for (const code of ['EACCES', 'EPERM', 'EROFS'])
      expect(err(code).message).toBe('Cannot write the report r.csv: permission denied. Choose another path with --report.');
    expect(err('ENOSPC').message).toBe(
      'Cannot write the report r.csv: the disk is full (free some space and run the same command again: the batch is resumable). Choose another path with --report.',
    );
    expect(err('EIO').message).toBe('Cannot write the report r.csv: EIO. Choose another path with --report.');
    expect(err(undefined).message).toBe('Cannot write the report r.csv: Error: x. Choose another path with --report.');
    expect(err('EIO').code).toBe('SETUP');
    expect(writeError('j', Object.assign(new Error('x'), { code: 'ENOSPC' }), 'the journal beside the report', '--out').message).toBe(
      'Cannot write the journal beside the report j: the disk is full (free some space and run the same command again: the batch is resumable). Choose another path with --out.',
    );
  });
  it('a report is .csv or .xlsx', async () => {
    const dir = await tempDir();
    await mkdir(dir, { recursive: true });
    await expect(openTableWriter(join(dir, 'r.pdf'), ['a'], { sheetName: 'R' })).rejects.toThrow(`--report ${join(dir, 'r.pdf')}: a report is .csv or .xlsx.`);
    const upper = await openTableWriter(join(dir, 'R.CSV'), ['a'], { sheetName: 'R' });
    await upper.write(['1']);
    await upper.close();
    expect(await readFile(join(dir, 'R.CSV'), 'utf8')).toBe('\ufeffa\r\n1\r\n');
  });
});

describe("a retry file's retry_of cell (pure)", () => {
  it('names the report by its file name and the row; reads back only that, whatever the spacing or case', () => {
    expect(retryOfText('/tmp/x/campaign.results.csv', 21)).toBe('campaign.results.csv row 21');
    expect(retryOfText('campaign.results.csv', 3)).toBe('campaign.results.csv row 3');
    expect(parseRetryOf('campaign.results.csv row 21')).toEqual({ report: 'campaign.results.csv', row: 21 });
    // As a spreadsheet may leave it: doubled spaces, a capital, spaces around.
    expect(parseRetryOf('  Kampagne Q3.results.csv   ROW   7  ')).toEqual({ report: 'Kampagne Q3.results.csv', row: 7 });
    // A path, anything after the row number, or no row: not ours.
    for (const text of ['dir/campaign.results.csv row 2', 'C:\\x\\c.csv row 2', 'c.csv row 2 extra', 'c.csv row', 'c.csv row x2', 'row 2', ''])
      expect(parseRetryOf(text), text).toBeUndefined();
  });
});

describe('retry lines and columns at their edges (pure)', () => {
  it("the input's own retry_of or error column may be its first", () => {
    expect(retryHeader(['retry_of', 'a'])).toEqual(['retry_of', 'a', 'error']);
    expect(retryHeader(['error', 'a'])).toEqual(['error', 'a', 'retry_of']);
    expect(retryCells({ row: 4, status: 'failed', error: 'new', input: ['old', 'x'] }, ['error', 'a'], 'r.csv')).toEqual(['new', 'x', 'r.csv row 4']);
    expect(retryCells({ row: 4, status: 'failed', error: 'e', input: ['c.csv row 9', 'x'] }, ['retry_of', 'a'], 'r.csv')).toEqual(['c.csv row 9', 'x', 'e']);
  });

  it('a report header is ours only when every result column is in its place', () => {
    expect(resultWidth(['row', 'status', 'ad_id', 'idempotency_key', 'error', 'attempts', 'ad_status', 'a'])).toBe(7);
    expect(resultWidth(['row', 'status', 'ad_id', 'idempotency_key', 'error', 'attempts', 'a'])).toBe(6);
    expect(resultWidth(['row', 'status', 'ad_id', 'idempotency_key', 'error', 'tries', 'a'])).toBe(0);
    expect(resultWidth(['row', 'state', 'ad_id', 'idempotency_key', 'error', 'attempts', 'ad_status'])).toBe(0);
  });

  it('a row of several ad groups keeps only those still to do; a row of one, or all to do, or no ad group column, keeps its cells', () => {
    const line = (adgroup: string | undefined, status: 'created' | 'failed', error?: string) => ({
      row: 2,
      status,
      input: ['1|2|3', 'Coffee'],
      ...(adgroup ? { adgroup } : {}),
      ...(error ? { error } : {}),
    });
    const two = [line('1', 'created'), line('2', 'failed', 'boom'), line('3', 'failed', 'boom')];
    expect(retryLines(two, 0)).toEqual([{ ...line('2', 'failed', 'boom'), input: ['2|3', 'Coffee'] }]);
    expect(retryLines(two, undefined)[0]!.input).toEqual(['1|2|3', 'Coffee']);
    const all = [line('1', 'failed', 'a'), line('2', 'failed', 'b')];
    expect(retryLines(all, 0)).toEqual([{ ...line('1', 'failed'), error: 'a / b' }]);
    expect(retryLines([line(undefined, 'failed')], 0)[0]!.input).toEqual(['1|2|3', 'Coffee']);
    // An ad group line without its id (an older journal) is left out of the list, never written as "undefined".
    expect(retryLines([line('1', 'created'), line(undefined, 'failed'), line('3', 'failed')], 0)[0]!.input).toEqual(['3', 'Coffee']);
    expect(retryLines([line('1', 'created'), line('2', 'created')], 0)).toEqual([]);
  });
});

describe('the XLSX report as a spreadsheet shows it', () => {
  it('a colour per status on the status cell, even in the first column; a bold, frozen, filtered header; widths by name; a long error as a note; a bold summary', async () => {
    const dir = await tempDir();
    const path = join(dir, 'styled.xlsx');
    const header = ['status', 'ad_text', 'a_rather_long_column_name_for_width', 'error'];
    const w = await openXlsxWriter(path, header, { sheetName: 'Results', summary: () => [['created', '1']] });
    const statuses = ['created', 'valid', 'invalid', 'rejected', 'failed', 'unknown', 'not_sent'];
    for (const s of statuses) await w.write([s, 'Coffee', '', s === 'failed' ? 'x'.repeat(90) : ''], { status: s, ...(s === 'failed' ? { noteAt: 3 } : {}) });
    await w.write(['odd', 'Coffee', '', ''], { status: 'odd' });
    await w.close();
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(path);
    const sheet = book.getWorksheet('Results')!;
    const fills = statuses.map((_, i) => (sheet.getRow(i + 2).getCell(1).fill as ExcelJS.FillPattern | undefined)?.fgColor?.argb);
    expect(fills).toEqual(['FFC6EFCE', 'FFC6EFCE', 'FFFFC7CE', 'FFFFC7CE', 'FFFFEB9C', 'FFFFEB9C', 'FFE7E6E6']);
    expect((sheet.getRow(2).getCell(1).fill as ExcelJS.FillPattern).pattern).toBe('solid');
    expect(sheet.getRow(9).getCell(1).fill).toMatchObject({ pattern: 'none' }); // a status without a colour gets none
    expect(sheet.getRow(1).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.getColumn(1).width).toBe(10);
    expect(sheet.getColumn(3).width).toBe('a_rather_long_column_name_for_width'.length + 2);
    const failed = sheet.getRow(6).getCell(4);
    expect(failed.note).toBe('x'.repeat(90));
    expect(failed.alignment).toBeUndefined(); // not wrapped: a spreadsheet's default, the note holds it whole
    expect(sheet.getRow(2).getCell(2).numFmt).toBe('@');
    const summary = book.getWorksheet('Summary')!;
    expect(summary.getRow(1).values).toEqual([undefined, 'item', 'value']);
    expect(summary.getRow(1).font?.bold).toBe(true);
    expect([summary.getColumn(1).width, summary.getColumn(2).width]).toEqual([28, 60]);
  });
});
