import ExcelJS from 'exceljs';
import { stat, writeFile } from 'node:fs/promises';
import { csvLine } from '../report/csv-line.js';
import { RunError } from '../errors.js';
import { columnLetter } from '../read/sheet.js';
import { FIELDS, isIdField, type FieldSpec } from '../validate/fields.js';
import { writeError } from '../report/open-writer.js';
import { limitText, typeText } from '../validate/field-table.js';

export type TemplateFormat = 'csv' | 'xlsx';

/** Required fields first, then the rest in the reference page's order. */
export function templateFields(): FieldSpec[] {
  return [...FIELDS.filter((f) => f.required), ...FIELDS.filter((f) => !f.required)];
}

export function exampleRow(): string[] {
  return templateFields().map((f) => f.example);
}

export function templateCsv(): string {
  const fields = templateFields();
  return `\ufeff${csvLine(fields.map((f) => f.name))}${csvLine(exampleRow())}`;
}

/** exceljs has Worksheet.dataValidations.add at run time but not in its typings. */
interface WithValidations {
  dataValidations: { add(range: string, validation: ExcelJS.DataValidation): void };
}

/** Rows the template's dropdowns and Text formats cover. */
/** Dropdowns reach this row: a long campaign sheet keeps them. */
const TEMPLATE_ROWS = 5000;

export function templateWorkbook(): ExcelJS.Workbook {
  const fields = templateFields();
  const wb = new ExcelJS.Workbook();
  wb.creator = 'tiktok-ads-bulk';
  const ads = wb.addWorksheet('Ads', { views: [{ state: 'frozen', ySplit: 1 }] });
  const lists = wb.addWorksheet('Lists', { state: 'hidden' });
  const help = wb.addWorksheet('Fields');

  ads.columns = fields.map((f) => ({
    header: f.name,
    key: f.name,
    width: Math.min(50, Math.max(14, f.name.length + 4, f.example.length + 2)),
    // Text format keeps 19-digit IDs exact: Excel turns a typed number into 1.78E+18.
    ...(isIdField(f) ? { style: { numFmt: '@' } } : {}),
  }));
  ads.getRow(1).font = { bold: true };
  fields.forEach((f, i) => {
    if (f.required) ads.getRow(1).getCell(i + 1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF2CC' } };
  });
  ads.addRow(exampleRow());

  // Dropdown lists live on a hidden sheet: a literal list is capped at 255 characters, and the
  // calls-to-action alone are longer.
  let listCol = 0;
  fields.forEach((f, i) => {
    if (f.kind !== 'enum' && f.kind !== 'bool') return;
    const values = f.kind === 'bool' ? ['TRUE', 'FALSE'] : [...(f.values ?? [])];
    listCol++;
    const letter = columnLetter(listCol - 1);
    lists.getCell(`${letter}1`).value = f.name;
    values.forEach((v, j) => (lists.getCell(`${letter}${j + 2}`).value = v));
    const col = columnLetter(i);
    (ads as unknown as WithValidations).dataValidations.add(`${col}2:${col}${TEMPLATE_ROWS}`, {
      type: 'list',
      allowBlank: true,
      formulae: [`Lists!$${letter}$2:$${letter}$${values.length + 1}`],
      showErrorMessage: true,
      errorTitle: f.name,
      error: `Choose one of: ${values.join(', ')}`.slice(0, 255),
    });
  });

  help.columns = [
    { header: 'field', key: 'field', width: 30 },
    { header: 'required', key: 'required', width: 10 },
    { header: 'type', key: 'type', width: 40 },
    { header: 'limits', key: 'limits', width: 50 },
    { header: 'example', key: 'example', width: 45 },
    { header: 'description', key: 'description', width: 70 },
  ];
  help.getRow(1).font = { bold: true };
  help.views = [{ state: 'frozen', ySplit: 1 }];
  for (const f of fields) {
    help.addRow({
      field: f.name,
      required: f.required ? 'yes' : 'no',
      type: typeText(f),
      limits: limitText(f),
      example: f.example,
      description: f.description,
    });
  }
  return wb;
}

/** `template [--format csv|xlsx] [--out PATH]`: writes the template; returns where. */
export async function writeTemplate(format: TemplateFormat, out: string, options: { readonly force?: boolean } = {}): Promise<string> {
  if (format !== 'csv' && format !== 'xlsx') throw new RunError('USAGE', `--format ${String(format)}: use csv or xlsx.`);
  // The file at --out may be a sheet already filled in: it is replaced only when asked.
  if (
    !options.force &&
    (await stat(out).then(
      () => true,
      () => false,
    ))
  ) {
    throw new RunError(
      'USAGE',
      `${out} already exists, and template does not overwrite a file (it may be a filled sheet). Choose another --out, or pass --force to replace it.`,
    );
  }
  try {
    if (format === 'csv') await writeFile(out, templateCsv());
    else await templateWorkbook().xlsx.writeFile(out);
  } catch (err) {
    throw writeError(out, err, 'the template', '--out');
  }
  return out;
}
