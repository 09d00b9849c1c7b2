import { describe, expect, it } from 'vitest';
import { openSheet } from '../src/read/open-sheet.js';
import { xlsxSheetNames } from '../src/read/xlsx.js';
import ExcelJS from 'exceljs';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { openInput } from '../src/commands/input-source.js';
import { detectDelimiter, sniffBytes } from '../src/read/sniff.js';
import { fromExcelValue } from '../src/read/xlsx-cell.js';
import { RunError } from '../src/errors.js';
import { tempDir, tempFile } from './helpers/tmp.js';
import type { RawRecord } from '../src/read/cell.js';
import fc from 'fast-check';
import { parse as parseSync } from 'csv-parse/sync';
import { CUT_MARKER, recordSizeGuard } from '../src/read/record-size-guard.js';
import { DEFAULT_LIMITS } from '../src/read/limits.js';
import { ZIP_LIMITS, zipBombReason } from '../src/read/zip-guard.js';

async function readAll(
  path: string,
  sheet?: string,
  limits?: typeof DEFAULT_LIMITS,
): Promise<{ header: readonly string[]; rows: RawRecord[]; sheetName?: string }> {
  const s = await openSheet(path, { ...(sheet !== undefined ? { sheet } : {}), ...(limits ? { limits } : {}) });
  const rows: RawRecord[] = [];
  for await (const r of s.records) rows.push(r);
  return { header: s.header, rows, ...(s.sheetName ? { sheetName: s.sheetName } : {}) };
}

/** What csv-parse makes of bytes, with the reader's options: its records or its error code. */
function parsed(bytes: Buffer): { records: string[][] } | { error: string } {
  try {
    return { records: parseSync(bytes, { delimiter: ',', relax_quotes: true, relax_column_count: true, bom: true, skip_empty_lines: true }) as string[][] };
  } catch (err) {
    return { error: (err as { code?: string }).code ?? String(err) };
  }
}

/** Bytes through the record size guard, written in chunks cut at `splits`. */
async function throughGuard(bytes: Buffer, splits: readonly number[], limit: number): Promise<Buffer> {
  const guard = recordSizeGuard(',', limit);
  const out: Buffer[] = [];
  guard.on('data', (b: Buffer) => out.push(b));
  const cuts = [...new Set(splits.map((s) => s % (bytes.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const at of [...cuts, bytes.length]) {
    guard.write(bytes.subarray(from, at));
    from = at;
  }
  await new Promise<void>((resolve) => guard.end(resolve));
  return Buffer.concat(out);
}

async function fileError(path: string): Promise<RunError> {
  try {
    await readAll(path);
  } catch (err) {
    expect(err).toBeInstanceOf(RunError);
    return err as RunError;
  }
  throw new Error('expected a RunError');
}

describe('sniffBytes', () => {
  it('tells encodings by BOM', () => {
    expect(sniffBytes(Buffer.from([0xff, 0xfe, 0x61, 0]))).toEqual({ kind: 'text', encoding: 'utf-16le' });
    expect(sniffBytes(Buffer.from([0xfe, 0xff, 0, 0x61]))).toEqual({ kind: 'text', encoding: 'utf-16be' });
    expect(sniffBytes(Buffer.from('\ufeffa,b'))).toEqual({ kind: 'text', encoding: 'utf-8' });
  });
  it('recognises what is not text', () => {
    expect(sniffBytes(Buffer.from('PK\x03\x04rest'))).toEqual({ kind: 'zip' });
    expect(sniffBytes(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 1]))).toEqual({ kind: 'ole' });
    expect(sniffBytes(Buffer.from('%PDF-1.7'))).toMatchObject({ kind: 'other', what: 'a PDF document' });
    expect(sniffBytes(Buffer.from('<!DOCTYPE html><html>'))).toMatchObject({ kind: 'other', what: 'an HTML page' });
    expect(sniffBytes(Buffer.from([0x61, 0, 0x62]))).toMatchObject({ kind: 'other' });
    expect(sniffBytes(Buffer.alloc(0))).toEqual({ kind: 'empty' });
    expect(sniffBytes(Buffer.from([0xef, 0xbb, 0xbf]))).toEqual({ kind: 'empty' });
  });
});

describe('detectDelimiter', () => {
  it('picks the most frequent candidate outside quotes on the header line', () => {
    expect(detectDelimiter('a;b;c\n1;2;3', ',')).toBe(';');
    expect(detectDelimiter('a\tb\tc', ',')).toBe('\t');
    expect(detectDelimiter('"a;b",c,d', ',')).toBe(',');
    expect(detectDelimiter('single', '\t')).toBe('\t');
  });
});

describe('delimited files', () => {
  it('reads UTF-8 with BOM, CRLF, quoted delimiters, quotes and new lines', async () => {
    const path = await tempFile('a.csv', '\ufeffad_text,adgroup_id\r\n"Hello, ""world""\r\nline two",123\r\n');
    const { header, rows } = await readAll(path);
    expect(header).toEqual(['ad_text', 'adgroup_id']);
    expect(rows).toEqual([{ row: 2, cells: ['Hello, "world"\r\nline two', '123'] }]);
  });

  it('numbers rows by record, counting empty lines as a spreadsheet does, and skips empty rows', async () => {
    const path = await tempFile('a.csv', 'a,b\n"x\ny",1\n\n,\nz,2\n');
    const { rows } = await readAll(path);
    expect(rows.map((r) => r.row)).toEqual([2, 5]);
  });

  it('detects semicolons (European Excel) and tabs', async () => {
    const semi = await readAll(await tempFile('a.csv', 'a;b\n1,5;2\n'));
    expect(semi.rows[0]!.cells).toEqual(['1,5', '2']);
    const tab = await readAll(await tempFile('a.tsv', 'a\tb\n1\t2\n'));
    expect(tab.rows[0]!.cells).toEqual(['1', '2']);
  });

  it('reads UTF-16LE and UTF-16BE with BOM (Excel "Unicode Text")', async () => {
    const text = 'ad_text\tadgroup_id\r\nCafé 咖啡\t42\r\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    for (const bytes of [le, be]) {
      const { header, rows } = await readAll(await tempFile('u.txt', bytes));
      expect(header).toEqual(['ad_text', 'adgroup_id']);
      expect(rows[0]!.cells).toEqual(['Café 咖啡', '42']);
    }
  });

  it('keeps extra cells beyond the header for the validator to flag', async () => {
    const { rows } = await readAll(await tempFile('a.csv', 'a,b\n1,2,3\n'));
    expect(rows[0]!.cells).toEqual(['1', '2', '3']);
  });

  it("undoes the formula escape only in the tool's own files; elsewhere a leading ' is the user's", async () => {
    const path = await tempFile('a.csv', "a,b\n'=SUM(1),'-5% off\n");
    const own = await openSheet(path, { ownFile: () => true });
    for await (const r of own.records) expect(r.cells).toEqual(['=SUM(1)', '-5% off']);
    const { rows } = await readAll(path);
    expect(rows[0]!.cells).toEqual(["'=SUM(1)", "'-5% off"]);
  });

  it("the commands know their own files by the header: a report's result columns (now and earlier), or a retry file's last column, error", async () => {
    const cells = async (text: string, encoding?: string) => {
      const { sheet } = await openInput({ file: await tempFile('own.csv', text), ...(encoding ? { encoding } : {}) });
      const out = [];
      for await (const r of sheet.records) out.push(r.cells);
      return out;
    };
    const fields = 'adgroup_id,ad_text,landing_page_url';
    const values = "1780000000000000101,'=SUM(1),https://e.com";
    expect(await cells(`${fields},error\n${values},x\n`)).toEqual([['1780000000000000101', '=SUM(1)', 'https://e.com', 'x']]);
    // A report names more fields than result columns, as one of a full sheet does.
    const more = `${fields},video_url,ad_name,display_name,call_to_action,ad_format`;
    const blanks = ',,,,,';
    expect(await cells(`\ufeffrow,status,ad_id,idempotency_key,error,attempts,ad_status,${more}\n2,failed,,k,e,1,,${values}${blanks}\n`)).toEqual([
      ['2', 'failed', null, 'k', 'e', '1', null, '1780000000000000101', '=SUM(1)', 'https://e.com', null, null, null, null, null],
    ]);
    expect(await cells(`row,status,ad_id,idempotency_key,error,attempts,${more}\n2,failed,,k,e,1,${values}${blanks}\n`)).toEqual([
      ['2', 'failed', null, 'k', 'e', '1', '1780000000000000101', '=SUM(1)', 'https://e.com', null, null, null, null, null],
    ]);
    // A user's sheet with an error column that is not its last, or none: the ' is theirs.
    expect(await cells(`error,${fields}\nx,${values}\n`)).toEqual([['x', '1780000000000000101', "'=SUM(1)", 'https://e.com']]);
    expect(await cells(`${fields}\n${values}\n`)).toEqual([['1780000000000000101', "'=SUM(1)", 'https://e.com']]);
    // --encoding reaches the reader: UTF-8 bytes read as Latin-1 are what the user asked for.
    expect(await cells(`${fields}\n1780000000000000101,Café,https://e.com\n`, 'latin1')).toEqual([['1780000000000000101', 'CafÃ©', 'https://e.com']]);
  });

  it('reads a file that is not UTF-8 as Windows-1252 when that explains every byte, with a notice', async () => {
    const bytes = Buffer.concat([Buffer.from('a,b\nok,1\n'), Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x2c, 0x80, 0x0a]), Buffer.from('fine,3\n')]);
    const path = await tempFile('a.csv', bytes);
    const sheet = await openSheet(path);
    const rows = [];
    for await (const r of sheet.records) rows.push(r);
    expect(rows.map((r) => r.cells)).toEqual([
      ['ok', '1'],
      ['Café', '€'],
      ['fine', '3'],
    ]);
    expect(sheet.notices).toEqual([expect.stringMatching(/is not UTF-8; it was read as Windows-1252 .*first such byte is on line 3/)]);
  });

  it('refuses, before any row, a file mixing UTF-8 with other bytes, naming the line; --encoding overrides', async () => {
    const bytes = Buffer.concat([Buffer.from('a,b\nCafé,1\n'), Buffer.from([0x62, 0xe9, 0x2c, 0x32, 0x0a])]);
    const path = await tempFile('m.csv', bytes);
    expect((await fileError(path)).message).toMatch(
      /is not UTF-8 text: line 3 \(byte \d+\) holds bytes that are not UTF-8, and other lines are UTF-8, so the file mixes encodings\. Nothing was read\..*--encoding NAME/,
    );
    const sheet = await openSheet(path, { encoding: 'latin1' });
    const rows = [];
    for await (const r of sheet.records) rows.push(r.cells[0]);
    expect(rows).toEqual(['CafÃ©', 'bé']);
    await expect(openSheet(path, { encoding: 'klingon' })).rejects.toThrow(/--encoding klingon: not an encoding this tool knows/);
  });

  it('with --encoding utf-8, bytes that are not UTF-8 become U+FFFD and only their row is flagged', async () => {
    const bytes = Buffer.concat([Buffer.from('a,b\nok,1\n'), Buffer.from([0x62, 0xff, 0x2c, 0x32, 0x0a]), Buffer.from('fine,3\n')]);
    const sheet = await openSheet(await tempFile('u.csv', bytes), { encoding: 'utf-8' });
    const rows = [];
    for await (const r of sheet.records) rows.push(r);
    expect(rows).toHaveLength(3);
    expect(String(rows[1]!.cells[0])).toContain('\ufffd');
  });

  it('blank lines are skipped yet keep the row numbers a spreadsheet shows, blank lines inside a quoted cell included', async () => {
    const { rows } = await readAll(await tempFile('blank.csv', 'a,b\n\n1,x\n\n\n2,"y\n\nz"\n3,w\n'));
    expect(rows.map((r) => [r.row, r.cells[0]])).toEqual([
      [3, '1'],
      [6, '2'],
      [7, '3'],
    ]);
  });

  it('a stray quote that swallows the next line is named on its row when the cell count then differs from the header', async () => {
    const csv =
      'adgroup_id,ad_text,landing_page_url,video_url\n1,"Fresh coffee,https://e.com/a,https://e.com/v.mp4\n2,Tea",https://e.com/b,https://e.com/w.mp4,https://e.com/z\n4,Milk,https://e.com/d,https://e.com/y.mp4\n';
    const { rows } = await readAll(await tempFile('stray.csv', csv));
    expect(rows.map((r) => r.row)).toEqual([2, 3]);
    expect(rows[0]!.problems).toEqual([
      {
        field: 'column B',
        kind: 'unclosed_quote',
        message:
          "a quote in column B seems unclosed: the line after it (from row 3) was read as part of this cell, and the row has 5 cells for the header's 4. Close the quote (or remove it) and try again",
      },
    ]);
    expect(rows[1]!.problems).toBeUndefined();
  });

  it('a 50 MB cell makes only its row invalid; the rows after it are read', async () => {
    const big = `2,${'x'.repeat(50 * 1024 * 1024)},https://e.com/b,https://e.com/w.mp4`;
    const { rows } = await readAll(
      await tempFile(
        'huge.csv',
        `adgroup_id,ad_text,landing_page_url,video_url\n1,a,https://e.com/a,https://e.com/v.mp4\n${big}\n3,c,https://e.com/c,https://e.com/x.mp4\n`,
      ),
    );
    expect(rows.map((r) => r.row)).toEqual([2, 3, 4]);
  });

  it('a row over the record limit is invalid with its size; the cells before the cut and every later row are read', async () => {
    const limits = { ...DEFAULT_LIMITS, maxRecordBytes: 4096 };
    const header = 'adgroup_id,ad_name,ad_text,landing_page_url,video_url';
    for (const eol of ['\n', '\r\n', '\r']) {
      const huge = `2,Big,"${'many lines\n'.repeat(2000)}",https://e.com/b,https://e.com/w.mp4`;
      const csv = [header, '1,A,a,https://e.com/a,https://e.com/v.mp4', huge, '3,C,"c, ""quoted""",https://e.com/c,https://e.com/x.mp4', ''].join(eol);
      const { rows } = await readAll(await tempFile('cut.csv', csv), undefined, limits);
      expect(rows.map((r) => r.row)).toEqual([2, 3, 4]);
      expect(rows[1]!.cells).toEqual(['2', 'Big', null]);
      expect(rows[1]!.problems).toEqual([
        {
          field: 'column C',
          kind: 'record_too_large',
          message:
            'makes this row 21.5 KB long, more than the 4 KB a row may have, so the row was not read from there on (the rows after it were). Is a file pasted into the cell, or a quote left open? Fix the cell and try again',
        },
      ]);
      expect(rows[2]!.cells).toEqual(['3', 'C', 'c, "quoted"', 'https://e.com/c', 'https://e.com/x.mp4']);
    }
  });

  it('a row over the record limit in the default limits is cut too (70 MB in one cell), and the read goes on', async () => {
    const big = `2,${'x'.repeat(70 * 1024 * 1024)},https://e.com/b,https://e.com/w.mp4`;
    const { rows } = await readAll(
      await tempFile(
        'huge70.csv',
        `adgroup_id,ad_text,landing_page_url,video_url\n1,a,https://e.com/a,https://e.com/v.mp4\n${big}\n3,c,https://e.com/c,https://e.com/x.mp4\n`,
      ),
    );
    expect(rows.map((r) => r.row)).toEqual([2, 3, 4]);
    expect(rows[1]!.cells).toEqual(['2', null]);
    expect(rows[1]!.problems![0]!.message).toMatch(/^makes this row 70 MB long, more than the 64 MB a row may have/);
  });

  it('a quote left open to the end of the file is still "never closed" when the record was cut', async () => {
    const limits = { ...DEFAULT_LIMITS, maxRecordBytes: 1024 };
    for (const tail of [`2,"${'x'.repeat(5000)}`, `2,${'x'.repeat(5000)},"open`]) {
      const err = await readAll(await tempFile('open.csv', `a,b\n1,2\n${tail}\n3,4\n`), undefined, limits).catch((e: unknown) => e);
      expect((err as RunError).message).toMatch(/starts at row 3 is never closed/);
    }
  });

  it('the record size guard changes nothing csv-parse reads of records within the limit, however the input is split into chunks', async () => {
    const soup = fc
      .array(fc.constantFrom('a', 'é', ',', '"', '\n', '\r', ' '), { maxLength: 80 })
      .map((cs) => ({ text: `h,k\n${cs.join('')}`, sizes: undefined }));
    // Well-formed files as spreadsheet apps write them, in each line ending, quoted where needed.
    const cell = fc
      .string({ unit: fc.constantFrom('a', 'é', ',', '"', '\n', ' '), maxLength: 12 })
      .map((c) => (/[",\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c));
    const sheet = fc
      .tuple(fc.constantFrom('\n', '\r\n', '\r'), fc.array(fc.array(cell, { minLength: 1, maxLength: 4 }), { maxLength: 6 }))
      .map(([eol, rows]) => {
        const lines = ['h,k', ...rows.map((r) => r.join(','))].map((line) => line.replaceAll('\n', eol));
        // The bytes of each record csv-parse will return (blank lines are skipped).
        return { text: lines.join(eol) + eol, sizes: lines.filter((l) => l !== '').map((l) => Buffer.byteLength(l)) };
      });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(soup, sheet),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.integer({ min: 1, max: 30 }),
        async ({ text, sizes }, bom, splits, limit) => {
          // Excel's "CSV UTF-8" starts with a BOM, which csv-parse drops (bom: true): it is no cell's.
          const bytes = Buffer.from(bom ? `\ufeff${text}` : text);
          const plain = parsed(bytes);
          expect(parsed(await throughGuard(bytes, splits, 1e9))).toEqual(plain);
          const guarded = parsed(await throughGuard(bytes, splits, limit));
          if ('error' in plain) {
            expect(guarded).toEqual(plain);
            return;
          }
          if ('error' in guarded) throw new Error(`guarded parse failed: ${guarded.error}`);
          expect(guarded.records.length).toBe(plain.records.length);
          guarded.records.forEach((record, i) => {
            if (!record.at(-1)?.startsWith(CUT_MARKER)) expect(record).toEqual(plain.records[i]);
          });
          // Every record past the first (which tells the line ending) is cut exactly when it is too long.
          if (sizes) expect(guarded.records.map((r) => r.at(-1)?.startsWith(CUT_MARKER) === true).slice(1)).toEqual(sizes.map((n) => n > limit).slice(1));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('ends with one clear sentence for files it cannot read', async () => {
    expect((await fileError('/nonexistent/x.csv')).message).toMatch(/does not exist/);
    expect((await fileError(await tempFile('e.csv', ''))).message).toMatch(/is empty/);
    expect((await fileError(await tempFile('b.csv', '\ufeff'))).message).toMatch(/is empty/);
    expect((await fileError(await tempFile('h.csv', '\n\n,,\n'))).message).toMatch(/no header row/);
    expect((await fileError(await tempFile('z.csv', 'PK\x03\x04aaaa'))).message).toMatch(/Rename it to \.xlsx/);
    expect((await fileError(await tempFile('p.csv', '%PDF-1.4 ...'))).message).toMatch(/PDF/);
    expect((await fileError(await tempFile('n.csv', Buffer.from([1, 0, 2, 0, 3])))).message).toMatch(/binary/);
    expect((await fileError(await tempFile('q.csv', 'a,b\n"open,1\n'))).message).toMatch(/never closed/);
    const ext = await fileError(await tempFile('x.json', '{}'));
    expect(ext.message).toMatch(/unknown extension/);
    expect(ext.exitCode).toBe(2);
  });
});

describe('fromExcelValue', () => {
  it('turns every exceljs cell kind into a plain value', () => {
    expect(fromExcelValue('text')).toBe('text');
    expect(fromExcelValue('  ')).toBeNull();
    expect(fromExcelValue(12)).toBe(12);
    expect(fromExcelValue(true)).toBe(true);
    expect(fromExcelValue({ richText: [{ text: 'Bold' }, { text: ' plain' }] })).toBe('Bold plain');
    expect(fromExcelValue({ text: 'site', hyperlink: 'https://x.com' })).toBe('site');
    expect(fromExcelValue({ formula: 'A1&B1', result: 'joined' })).toBe('joined');
    expect(fromExcelValue({ sharedFormula: 'A1', result: 7 })).toBe(7);
    expect(fromExcelValue({ formula: 'X()', result: { error: '#NAME?' } })).toBe('#NAME?');
    expect(fromExcelValue({ error: '#N/A' })).toBe('#N/A');
    const d = new Date(Date.UTC(2026, 0, 2));
    expect(fromExcelValue(d)).toEqual(d);
    expect(fromExcelValue(undefined)).toBeNull();
  });
});

describe('xlsx files', () => {
  it('refuses a text file or a damaged workbook named .xlsx', async () => {
    expect((await fileError(await tempFile('t.xlsx', 'a,b\n1,2\n'))).message).toMatch(/text file with an \.xlsx name/);
    expect((await fileError(await tempFile('d.xlsx', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(200, 7)])))).message).toMatch(/damaged/);
    expect((await fileError(await tempFile('o.xlsx', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1])))).message).toMatch(/password-protected/);
  });
});

export { readAll };

describe("the zip guard's size rules (zipBombReason)", () => {
  const MiB = 1024 * 1024;
  const part = (uncompressed: number, compressed: number) => [{ name: 'xl/worksheets/sheet1.xml', compressed, uncompressed }];

  it('a part over 16 MiB that is stored more than 100 times smaller is refused by the ratio rule', () => {
    expect(zipBombReason(part(17 * MiB, 100 * 1024))).toBe(
      'its part xl/worksheets/sheet1.xml unpacks 174 times larger than it is stored, which no real spreadsheet does',
    );
  });

  it('the ratio rule has its edges: exactly 100 times, or a part of 16 MiB or less, passes', () => {
    expect(zipBombReason(part(20 * MiB, (20 * MiB) / 100))).toBeUndefined();
    expect(zipBombReason(part(20 * MiB, (20 * MiB) / 100 - 1))).toMatch(/unpacks 100 times larger/);
    expect(zipBombReason(part(16 * MiB, 1024))).toBeUndefined();
    expect(zipBombReason(part(16 * MiB + 1, 1024))).toMatch(/unpacks 16384 times larger/);
    // A part of nothing stored counts as one byte, not a division by zero.
    expect(zipBombReason(part(17 * MiB, 0))).toMatch(/unpacks 17825792 times larger/);
  });

  it('the ratio is the one the limits name', () => {
    expect(zipBombReason(part(20 * MiB, 2 * MiB), { ...ZIP_LIMITS, maxRatio: 5 })).toMatch(/unpacks 10 times larger/);
    expect(zipBombReason(part(20 * MiB, 2 * MiB), { ...ZIP_LIMITS, maxRatio: 10 })).toBeUndefined();
  });
});

describe('a workbook that holds no ads where they are looked for: each case its sentence', () => {
  const isHeader = (cells: readonly unknown[]) => cells.includes('adgroup_id');
  async function book(sheets: Record<string, unknown[][]>): Promise<string> {
    const wb = new ExcelJS.Workbook();
    for (const [name, rows] of Object.entries(sheets)) {
      const ws = wb.addWorksheet(name);
      for (const r of rows) ws.addRow(r);
    }
    return tempFile('book.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
  }
  const refusal = async (path: string, options: Parameters<typeof openSheet>[1] = {}) =>
    openSheet(path, { isHeader, ...options }).then(
      () => 'opened',
      (err: RunError) => err.message,
    );

  it('every sheet empty; no sheet with a header (the fullest named); --sheet on an empty or headerless sheet', async () => {
    const empty = await book({ A: [], B: [] });
    expect(await refusal(empty)).toBe(`${empty} has no header row: every sheet is empty. Put the column names in the first row.`);
    const notes = await book({ Notes: [['todo']], Draft: [['x'], ['y'], ['z']], Empty: [] });
    expect(await refusal(notes)).toBe(
      `${notes} has no sheet with a header row naming the columns of add_tiktok_ad (its sheets: "Notes", "Draft", "Empty"). Sheet "Draft" holds the most rows: if the ads are there, put a row of column names such as adgroup_id, ad_text, landing_page_url above them and pass --sheet "Draft".`,
    );
    expect(await refusal(notes, { sheet: 'Empty' })).toBe(`${notes}: sheet "Empty" is empty. Put the column names in its first row.`);
    expect(await refusal(notes, { sheet: 'Draft' })).toBe(
      `${notes}: sheet "Draft" has no header row: none of its first 3 rows names the columns of add_tiktok_ad. Put a row of column names such as adgroup_id, ad_text, landing_page_url above the ads.`,
    );
  });

  it('looks for the header in the first 20 rows only; says which sheets it passed and why', async () => {
    const filler = Array.from({ length: 20 }, (_, i) => [`note ${i}`]);
    const late = await book({ Late: [...filler, ['adgroup_id', 'ad_text']], Ads: [['x'], ['adgroup_id', 'ad_text'], ['1', 'a']], Blank: [] });
    const sheet = await openSheet(late, { isHeader });
    expect(sheet.sheetName).toBe('Ads');
    expect(sheet.headerRow).toBe(2);
    expect(sheet.notices).toEqual([
      `${late}: sheet "Late" has no header row (no row names the columns of add_tiktok_ad); sheet "Ads" is read. Pass --sheet NAME to read another.`,
      `${late}, sheet "Ads": the header is row 2; row 1 above it was skipped ("x").`,
    ]);
    const blankFirst = await book({ Blank: [], Ads: [['adgroup_id'], ['1']] });
    expect((await openSheet(blankFirst, { isHeader })).notices[0]).toBe(
      `${blankFirst}: sheet "Blank" has no header row (it is empty); sheet "Ads" is read. Pass --sheet NAME to read another.`,
    );
  });

  it('the limits: header columns, data rows, the workbook size; names with XML entities are read as written', async () => {
    const wide = await book({ Ads: [['adgroup_id', 'b', 'c', 'd']] });
    expect(await refusal(wide, { limits: { ...DEFAULT_LIMITS, maxColumns: 3 } })).toBe(
      `${wide}: sheet "Ads" has 4 columns in its header row; at most 3 are read.`,
    );
    const long = await book({ Ads: [['adgroup_id'], ['1'], ['2'], ['3']] });
    expect(await refusal(long, { limits: { ...DEFAULT_LIMITS, maxRows: 2 } })).toBe(`${long} has more than 2 rows; split it into smaller files.`);
    expect(await refusal(long, { limits: { ...DEFAULT_LIMITS, maxRows: 3 } })).toBe('opened');
    const size = (await stat(long)).size;
    expect(await refusal(long, { limits: { ...DEFAULT_LIMITS, maxXlsxBytes: size - 1 } })).toMatch(
      /is \d+ MiB; workbooks up to \d+ MiB are read\. Split it, or save the sheet as CSV \(UTF-8\), which has no such limit\.$/,
    );
    expect(await refusal(long, { limits: { ...DEFAULT_LIMITS, maxXlsxBytes: size } })).toBe('opened');
    const named = await book({ 'R&D <Q3> "new"': [['adgroup_id']], "Ben's": [] });
    expect(await xlsxSheetNames(named)).toEqual(['R&D <Q3> "new"', "Ben's"]);
    expect((await openSheet(named, { isHeader, sheet: 'R&D <Q3> "new"' })).sheetName).toBe('R&D <Q3> "new"');
  });
});

describe('a delimited file whose header is not its first row, and files that cannot be opened', () => {
  const isHeader = (cells: readonly unknown[]) => cells.includes('adgroup_id');
  const refusal = async (path: string, options: Parameters<typeof openSheet>[1] = {}) =>
    openSheet(path, { isHeader, ...options }).then(
      () => 'opened',
      (err: RunError) => err.message,
    );

  it('skips up to 19 rows above the header, naming the first three; 20 without one, or a file of them, has no header', async () => {
    const above = await tempFile('above.csv', 'Campaign export\nMade by,Anna\nDate,2026-12-01\nNote,x\nadgroup_id,ad_text\n1,a\n');
    const sheet = await openSheet(above, { isHeader });
    expect(sheet.headerRow).toBe(5);
    expect(sheet.header).toEqual(['adgroup_id', 'ad_text']);
    expect(sheet.notices).toEqual([
      `${above}: the header is row 5; rows 1–4 above it were skipped ("Campaign export", "Made by | Anna", "Date | 2026-12-01").`,
    ]);
    const one = await tempFile('one.csv', 'Export\nadgroup_id\n1\n');
    expect((await openSheet(one, { isHeader })).notices).toEqual([`${one}: the header is row 2; row 1 above it was skipped ("Export").`]);
    const nineteen = await tempFile('n.csv', `${Array.from({ length: 19 }, (_, i) => `n${i}`).join('\n')}\nadgroup_id\n1\n`);
    expect((await openSheet(nineteen, { isHeader })).headerRow).toBe(20);
    const twenty = await tempFile('t.csv', `${Array.from({ length: 20 }, (_, i) => `n${i}`).join('\n')}\nadgroup_id\n1\n`);
    expect(await refusal(twenty)).toBe(
      `${twenty} has no header row: none of its first 20 rows names the columns of add_tiktok_ad (row 1 is "n0"). Put a row of column names such as adgroup_id, ad_text, landing_page_url, video_url above the ads (\`tiktok-ads-bulk template\` writes one).`,
    );
    const few = await tempFile('few.csv', 'a,b\nc,d\n');
    expect(await refusal(few)).toMatch(/has no header row: none of its first 2 rows names the columns/);
    const blank = await tempFile('blank.csv', '\n\n');
    expect(await refusal(blank)).toBe(`${blank} has no header row: it holds no text. Put the column names in the first row.`);
  });

  it('a folder, or a path that is neither, is named as such', async () => {
    const dir = await tempDir();
    const folder = join(dir, 'sheet.csv');
    await mkdir(folder);
    expect(await refusal(folder)).toBe(`${folder} is a folder, not a spreadsheet. Name the .csv or .xlsx file inside it.`);
    expect(await refusal(join(dir, 'none.csv'))).toMatch(/none\.csv/);
  });
});
