import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { bufferIo } from '../src/commands/io.js';
import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { templateCsv, templateFields, templateWorkbook, exampleRow, writeTemplate } from '../src/commands/template.js';
import { RunError } from '../src/errors.js';
import { validateFile } from '../src/commands/validate.js';
import { FIELD_BY_NAME, FIELDS } from '../src/validate/fields.js';
import { tempDir } from './helpers/tmp.js';
import { join } from 'node:path';

describe('template', () => {
  it('lists every field, required ones first', () => {
    const names = templateFields().map((f) => f.name);
    expect(new Set(names)).toEqual(new Set(FIELDS.map((f) => f.name)));
    expect(names.slice(0, 3)).toEqual(['adgroup_id', 'ad_text', 'landing_page_url']);
  });

  it('has an example row marked EXAMPLE that is refused as it is, and validates once a value is changed', async () => {
    const dir = await tempDir();
    for (const format of ['csv', 'xlsx'] as const) {
      const path = await writeTemplate(format, join(dir, `t.${format}`));
      const io = bufferIo();
      const summary = await validateFile({ file: path }, io);
      expect(summary.counts).toMatchObject({ valid: 0, invalid: 1 });
      expect(io.stderr.join('')).toMatch(/row: is the template's example row \(every value is the example's\); delete it or replace it with a real ad/);
    }
    const csv = join(dir, 't.csv');
    await writeFile(csv, (await readFile(csv, 'utf8')).replace('EXAMPLE - delete this row', 'Spring V1'));
    expect((await validateFile({ file: csv })).counts).toMatchObject({ valid: 1, invalid: 0 });
  });

  it('templates/ad-template.csv is what the schema generates (regenerate with `npm run templates`)', async () => {
    expect(await readFile('templates/ad-template.csv', 'utf8')).toBe(templateCsv());
  });

  it('templates/ad-template.xlsx matches the schema: header, example, dropdowns, Text IDs, field sheet', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile('templates/ad-template.xlsx');
    const ads = wb.getWorksheet('Ads')!;
    const header = (ads.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(templateFields().map((f) => f.name));
    const example = (ads.getRow(2).values as unknown[]).slice(1).map((v) => (v === undefined || v === null ? '' : String(v)));
    while (example.length < header.length) example.push('');
    expect(example).toEqual(exampleRow());
    expect(ads.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const fields = templateFields();
    const cta = fields.findIndex((f) => f.name === 'call_to_action') + 1;
    expect(ads.getCell(2, cta).dataValidation).toMatchObject({ type: 'list' });
    expect(ads.getCell(5000, cta).dataValidation).toMatchObject({ type: 'list' });
    const adgroup = fields.findIndex((f) => f.name === 'adgroup_id') + 1;
    expect(ads.getColumn(adgroup).numFmt).toBe('@');
    const help = wb.getWorksheet('Fields')!;
    const described = [];
    for (let r = 2; r <= help.rowCount; r++) described.push(String(help.getRow(r).getCell(1).value));
    expect(described).toEqual(fields.map((f) => f.name));
  });

  it('templates/ad-template.xlsx is what the schema generates, cell by cell: styles, widths, views, dropdowns, hidden sheets', async () => {
    const generated = new ExcelJS.Workbook();
    await generated.xlsx.load(await templateWorkbook().xlsx.writeBuffer());
    const committed = new ExcelJS.Workbook();
    await committed.xlsx.readFile('templates/ad-template.xlsx');
    // One assertion over everything a spreadsheet program shows, so a change to the generator that
    // forgets `npm run templates` (or a generator that lost a style) fails here.
    const a = workbookPicture(generated);
    const b = workbookPicture(committed);
    expect(a.map((s) => s.name)).toEqual(b.map((s) => s.name));
    for (let i = 0; i < a.length; i++) expect(a[i]).toEqual(b[i]);
    expect(generated.creator).toBe('tiktok-ads-bulk');
  });

  it('the workbook a user opens: required headers shaded, IDs as Text, each dropdown drawn from the hidden Lists sheet', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await templateWorkbook().xlsx.writeBuffer());
    const ads = wb.getWorksheet('Ads')!;
    const lists = wb.getWorksheet('Lists')!;
    expect(lists.state).toBe('hidden');
    expect(ads.state).toBe('visible');
    expect(wb.getWorksheet('Fields')!.state).toBe('visible');
    const fields = templateFields();
    fields.forEach((f, i) => {
      const head = ads.getRow(1).getCell(i + 1);
      expect(head.font?.bold, f.name).toBe(true);
      expect(head.fill, f.name).toEqual(
        f.required ? { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF2CC' } } : { type: 'pattern', pattern: 'none' },
      );
      const width = ads.getColumn(i + 1).width!;
      expect(width, f.name).toBeGreaterThanOrEqual(Math.min(50, Math.max(14, f.name.length + 4, f.example.length + 2)));
      expect(width, f.name).toBeLessThanOrEqual(50);
    });
    // Each enum and bool field gets its own column on Lists, headed by its name, in field order.
    const listed = fields.filter((f) => f.kind === 'enum' || f.kind === 'bool');
    expect(listed.map((f, n) => [lists.getColumn(n + 1).values[1], f.name])).toEqual(listed.map((f) => [f.name, f.name]));
    // Two of them as Excel shows them: ad_format (the 1st list, 5 values), creative_authorized (the 12th, a bool).
    const adFormat = fields.findIndex((f) => f.name === 'ad_format') + 1;
    expect((lists.getColumn(1).values as unknown[]).slice(1)).toEqual(['ad_format', ...FIELD_BY_NAME.get('ad_format')!.values!]);
    expect(ads.getCell(3, adFormat).dataValidation).toEqual({
      type: 'list',
      allowBlank: true,
      formulae: ['Lists!$A$2:$A$6'],
      showErrorMessage: true,
      errorTitle: 'ad_format',
      error: `Choose one of: ${FIELD_BY_NAME.get('ad_format')!.values!.join(', ')}`,
    });
    const authorized = fields.findIndex((f) => f.name === 'creative_authorized') + 1;
    expect((lists.getColumn(12).values as unknown[]).slice(1)).toEqual(['creative_authorized', 'TRUE', 'FALSE']);
    expect(ads.getCell(4999, authorized).dataValidation).toMatchObject({ formulae: ['Lists!$L$2:$L$3'], error: 'Choose one of: TRUE, FALSE' });
    // The calls to action are too many for one message: cut at Excel's 255 characters (ECMA-376 dataValidation@error).
    const cta = ads.getCell(2, fields.findIndex((f) => f.name === 'call_to_action') + 1).dataValidation;
    expect(cta.formulae).toEqual(['Lists!$B$2:$B$31']);
    expect(cta.error).toHaveLength(255);
    expect(cta.error!.startsWith('Choose one of: ')).toBe(true);
    // No dropdown on a free-text column, and none on the header.
    const text = fields.findIndex((f) => f.name === 'ad_text') + 1;
    expect(ads.getCell(2, text).dataValidation).toBeUndefined();
    expect(ads.getCell(1, adFormat).dataValidation).toBeUndefined();

    const help = wb.getWorksheet('Fields')!;
    expect(help.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect((help.getRow(1).values as unknown[]).slice(1)).toEqual(['field', 'required', 'type', 'limits', 'example', 'description']);
    expect(help.getRow(1).getCell(1).font?.bold).toBe(true);
    expect([1, 2, 3, 4, 5, 6].map((c) => help.getColumn(c).width)).toEqual([30, 10, 40, 50, 45, 70]);
    const required = fields.map((f, i) => [f.name, help.getRow(i + 2).getCell(2).value]);
    expect(required).toEqual(fields.map((f) => [f.name, f.required ? 'yes' : 'no']));
    expect(help.getRow(2).getCell(5).value).toBe(fields[0]!.example);
    expect(help.getRow(2).getCell(6).value).toBe(fields[0]!.description);
  });

  it('writeTemplate refuses an unknown format and an existing file (unless forced), and names --out when it cannot write', async () => {
    const dir = await tempDir();
    const out = join(dir, 't.csv');
    await expect(writeTemplate('ods' as 'csv', out)).rejects.toMatchObject({ code: 'USAGE', message: '--format ods: use csv or xlsx.' });
    expect(await writeTemplate('csv', out)).toBe(out);
    await writeFile(out, 'filled in');
    const refused = await writeTemplate('csv', out).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RunError);
    expect(refused).toMatchObject({ code: 'USAGE' });
    expect(await readFile(out, 'utf8')).toBe('filled in');
    await writeTemplate('csv', out, { force: true });
    expect(await readFile(out, 'utf8')).toBe(templateCsv());
    const nowhere = join(dir, 'no-such-folder', 't.xlsx');
    await expect(writeTemplate('xlsx', nowhere)).rejects.toMatchObject({
      code: 'SETUP',
      message: `Cannot write the template ${nowhere}: its folder does not exist. Choose another path with --out.`,
    });
  });
});

/** What a spreadsheet program shows of each sheet: its state and views, column widths and formats, every cell's value and style, and its dropdowns. */
function workbookPicture(wb: ExcelJS.Workbook) {
  return wb.worksheets.map((ws) => {
    const cells: unknown[] = [];
    ws.eachRow((row) => row.eachCell((c) => cells.push([c.address, c.value, c.font, c.fill, c.numFmt])));
    const columns = [];
    for (let i = 1; i <= ws.columnCount; i++) columns.push([ws.getColumn(i).width, ws.getColumn(i).numFmt]);
    // exceljs reads dropdowns back into one entry per cell; told as ranges per rule to stay small.
    const rules = new Map<string, string[]>();
    const model = (ws as unknown as { dataValidations: { model: Record<string, unknown> } }).dataValidations.model;
    for (const [address, rule] of Object.entries(model)) {
      const k = JSON.stringify(rule);
      rules.set(k, [...(rules.get(k) ?? []), address]);
    }
    const dropdowns = [...rules].map(([rule, at]) => [rule, at.length, at[0], at[at.length - 1]]).sort();
    return { name: ws.name, state: ws.state, views: ws.views, columns, cells, dropdowns };
  });
}
