import ExcelJS from 'exceljs';
import { createWriteStream } from 'node:fs';
import type { RowStyle, TableWriter } from './table-writer.js';

/** Fill colours per status: green done, red needs fixing, amber try again (or check), grey not sent. */
const STATUS_FILL: Readonly<Record<string, string>> = {
  created: 'FFC6EFCE',
  valid: 'FFC6EFCE',
  invalid: 'FFFFC7CE',
  rejected: 'FFFFC7CE',
  failed: 'FFFFEB9C',
  unknown: 'FFFFEB9C',
  not_sent: 'FFE7E6E6',
};

export interface XlsxWriterOptions {
  readonly sheetName: string;
  /** A second sheet of label/value pairs, written at close (the report's Summary). */
  readonly summary?: () => readonly (readonly [string, string])[];
}

/**
 * XLSX through exceljs's streaming writer: rows are committed as they come, never all in memory.
 * Every cell is written as a string, so nothing can run as a formula and IDs keep every digit.
 * Frozen header, autofilter over the header, a colour per status.
 */
export async function openXlsxWriter(path: string, header: readonly string[], options: XlsxWriterOptions): Promise<TableWriter> {
  const stream = createWriteStream(path);
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(options.sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  // Every column Text (numFmt @), empty cells too: an ID typed into it later keeps every digit.
  sheet.columns = header.map((h) => ({ header: h, key: h, width: Math.min(60, Math.max(10, h.length + 2)), style: { numFmt: '@' } }));
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: Math.max(1, header.length) } };
  const head = sheet.getRow(1);
  head.font = { bold: true };
  head.commit();
  const statusCol = header.indexOf('status');

  return {
    path,
    async write(cells: readonly string[], style?: RowStyle) {
      const row = sheet.addRow([...cells]);
      row.eachCell({ includeEmpty: false }, (cell) => {
        cell.numFmt = '@'; // Text: Excel keeps IDs as typed
      });
      const fill = style?.status ? STATUS_FILL[style.status] : undefined;
      if (fill && statusCol >= 0) {
        row.getCell(statusCol + 1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: fill } };
      }
      if (style?.noteAt !== undefined) {
        const cell = row.getCell(style.noteAt + 1);
        cell.note = String(cells[style.noteAt] ?? '');
      }
      row.commit();
    },
    async close() {
      sheet.commit();
      const summary = options.summary?.();
      if (summary && summary.length) {
        const ss = workbook.addWorksheet('Summary');
        ss.columns = [
          { header: 'item', key: 'item', width: 28 },
          { header: 'value', key: 'value', width: 60 },
        ];
        ss.getRow(1).font = { bold: true };
        ss.getRow(1).commit();
        for (const [k, v] of summary) ss.addRow([k, v]).commit();
        ss.commit();
      }
      await workbook.commit();
    },
  };
}
