import ExcelJS from 'exceljs';
import { RunError } from '../errors.js';
import type { Cell, RawRecord } from './cell.js';
import { openError } from './delimited.js';
import { DEFAULT_LIMITS, tooManyRows, type ReadLimits } from './limits.js';
import type { Sheet } from './sheet.js';
import { sniffBytes } from './sniff.js';
import { describeSniffed } from './unreadable.js';
import { fromExcelValue } from './xlsx-cell.js';
import { open } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { listZip, zipBombReason } from './zip-guard.js';
import { StallWatch } from './stall-watch.js';


interface ExcelRow {
  readonly number: number;
  readonly values: unknown;
}

/**
 * Reads an .xlsx with exceljs's streaming reader, so rows are never all in memory. The sheet is
 * --sheet NAME, else the first one that holds a non-empty row (the header).
 */
export async function readXlsx(file: string, sheetName?: string, limits: ReadLimits = DEFAULT_LIMITS): Promise<Sheet> {
  await checkIsZip(file);
  const watch = new StallWatch(limits.stallMs, () => new RunError('FILE', `${file} is a damaged .xlsx: its contents stop part-way. Open it in Excel or LibreOffice and save it again.`));
  const input = createReadStream(file);
  input.on('data', () => watch.progress());
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache', // needed to tell dates from numbers
    entries: 'ignore',
  });
  const sheets = reader[Symbol.asyncIterator]();
  const seen: string[] = [];
  try {
    for (;;) {
      const next = await watch.guard(sheets.next());
      if (next.done) break;
      const ws = next.value as unknown as { name: string } & AsyncIterable<ExcelRow>;
      seen.push(ws.name);
      if (sheetName !== undefined && ws.name !== sheetName) {
        await skipSheet(ws, watch);
        continue;
      }
      const rows = ws[Symbol.asyncIterator]();
      for (;;) {
        const r = await watch.guard(rows.next());
        if (r.done) break;
        const cells = rowCells(r.value);
        if (cells.every((c) => c === null)) continue;
        if (cells.length > limits.maxColumns) {
          throw new RunError('FILE', `${file}: sheet "${ws.name}" has ${cells.length} columns in its header row; at most ${limits.maxColumns} are read.`);
        }
        const header = cells.map((c) => (c === null ? '' : String(c).trim()));
        return {
          file,
          format: 'xlsx',
          sheetName: ws.name,
          header,
          headerRow: r.value.number,
          records: dataRows(file, rows, sheets, limits, watch),
        };
      }
      if (sheetName !== undefined) {
        throw new RunError('FILE', `${file}: sheet "${sheetName}" is empty. Put the column names in its first row.`);
      }
    }
  } catch (err) {
    throw xlsxError(file, err);
  }
  if (sheetName !== undefined) {
    throw new RunError('USAGE', `${file} has no sheet named "${sheetName}"; its sheets are ${seen.map((s) => `"${s}"`).join(', ') || 'none'}.`);
  }
  throw new RunError('FILE', `${file} has no header row: every sheet is empty. Put the column names in the first row.`);
}

function rowCells(row: ExcelRow): Cell[] {
  const values = row.values as unknown[]; // exceljs: sparse, 1-based
  const cells: Cell[] = [];
  for (let i = 1; i < values.length; i++) cells.push(fromExcelValue(values[i]));
  while (cells.length > 0 && cells[cells.length - 1] === null) cells.pop();
  return cells;
}

async function* dataRows(
  file: string,
  rows: AsyncIterator<ExcelRow>,
  sheets: AsyncIterator<unknown>,
  limits: ReadLimits,
  watch: StallWatch,
): AsyncGenerator<RawRecord> {
  let count = 0;
  try {
    for (;;) {
      const r = await watch.guard(rows.next());
      if (r.done) break;
      const cells = rowCells(r.value);
      if (cells.length === 0) continue;
      if (++count > limits.maxRows) {
        throw tooManyRows(file, limits);
      }
      yield { row: r.value.number, cells };
    }
    // Let the zip reader finish the remaining entries so its streams and temp files close.
    for (let next = await watch.guard(sheets.next()); !next.done; next = await watch.guard(sheets.next())) {
      await skipSheet(next.value as AsyncIterable<ExcelRow>, watch);
    }
  } catch (err) {
    throw xlsxError(file, err);
  }
}

/**
 * Reads a sheet that is not wanted to its end. exceljs spools a sheet stored before the shared
 * strings to a temp file and deletes it once the sheet is passed: a sheet passed unread would open
 * its deleted temp file later and throw ENOENT outside any await.
 */
async function skipSheet(ws: AsyncIterable<ExcelRow>, watch: StallWatch): Promise<void> {
  const rows = ws[Symbol.asyncIterator]();
  while (!(await watch.guard(rows.next())).done) watch.progress();
}

async function checkIsZip(file: string): Promise<void> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    throw openError(file, err);
  }
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const sniffed = sniffBytes(head.subarray(0, bytesRead));
    if (sniffed.kind === 'zip') {
      const size = (await handle.stat()).size;
      const entries = await listZip(handle, size);
      if (!entries) {
        throw new RunError('FILE', `${file} is a damaged .xlsx (its zip directory is missing or cut off; was the download or copy interrupted?). Open it in Excel or LibreOffice and save it again.`);
      }
      if (!entries.some((e) => /^xl\/workbook\.xml$/i.test(e.name))) {
        throw new RunError('FILE', `${file} is a zip archive but not an Excel workbook (it has no xl/workbook.xml). Export the sheet as .xlsx or CSV.`);
      }
      const bomb = zipBombReason(entries);
      if (bomb) throw new RunError('FILE', `${file} is refused: ${bomb}. Save the sheet again from Excel or LibreOffice, or export it as CSV.`);
      return;
    }
    if (sniffed.kind === 'text') {
      throw new RunError('FILE', `${file} is a text file with an .xlsx name. Rename it to .csv, or open it in Excel and save it as .xlsx.`);
    }
    throw new RunError('FILE', describeSniffed(file, sniffed));
  } finally {
    await handle.close();
  }
}

function xlsxError(file: string, err: unknown): RunError {
  if (err instanceof RunError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return new RunError('FILE', `${file} is a damaged or unsupported .xlsx workbook (${msg.split('\n')[0]}). Open it in Excel or LibreOffice and save it again.`, { cause: err });
}
