import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { bufferIo } from '../src/commands/io.js';
import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { templateCsv, templateFields, exampleRow, writeTemplate } from '../src/commands/template.js';
import { validateFile } from '../src/commands/validate.js';
import { FIELDS } from '../src/validate/fields.js';
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
});
