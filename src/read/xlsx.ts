import { open } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { RunError } from '../errors.js';
import type { Cell, RawRecord } from './cell.js';
import { openError } from './delimited.js';
import { DEFAULT_LIMITS, tooManyRows, type ReadLimits } from './limits.js';
import type { Sheet } from './sheet.js';
import { sniffBytes } from './sniff.js';
import { describeSniffed } from './unreadable.js';
import { fromExcelValue } from './xlsx-cell.js';
import { listZip, zipBombReason } from './zip-guard.js';

/**
 * Reads an .xlsx whole with exceljs's workbook reader (`xlsx.load`), after the zip guard has
 * checked it. Not the streaming reader: under a slow consumer its zip layer (unzipper) ends the
 * entry stream before every entry is parsed, so shared strings, rels or later sheets were dropped
 * about once in 400 reads and rows came back empty or missing. Loading whole costs memory in
 * proportion to the file, which `maxXlsxBytes` bounds; campaign sheets are far below it.
 *
 * The sheet is --sheet NAME, else the first one that holds a non-empty row (the header).
 */
export async function readXlsx(file: string, sheetName?: string, limits: ReadLimits = DEFAULT_LIMITS): Promise<Sheet> {
  const data = await readCheckedZip(file, limits);
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(data as unknown as ExcelJS.Buffer);
  } catch (err) {
    throw xlsxError(file, err);
  }
  const sheets = workbook.worksheets;
  const wanted = sheetName === undefined ? sheets : sheets.filter((ws) => ws.name === sheetName);
  if (sheetName !== undefined && wanted.length === 0) {
    throw new RunError('USAGE', `${file} has no sheet named "${sheetName}"; its sheets are ${sheets.map((s) => `"${s.name}"`).join(', ') || 'none'}.`);
  }
  for (const ws of wanted) {
    const rows = sheetRows(ws);
    const first = rows.next();
    if (first.done) continue;
    const { row: headerRow, cells } = first.value;
    if (cells.length > limits.maxColumns) {
      throw new RunError('FILE', `${file}: sheet "${ws.name}" has ${cells.length} columns in its header row; at most ${limits.maxColumns} are read.`);
    }
    if (ws.actualRowCount - 1 > limits.maxRows) throw tooManyRows(file, limits);
    return {
      file,
      format: 'xlsx',
      sheetName: ws.name,
      header: cells.map((c) => (c === null ? '' : String(c).trim())),
      headerRow,
      records: toAsync(rows),
    };
  }
  if (sheetName !== undefined) throw new RunError('FILE', `${file}: sheet "${sheetName}" is empty. Put the column names in its first row.`);
  throw new RunError('FILE', `${file} has no header row: every sheet is empty. Put the column names in the first row.`);
}

/** The sheet's non-empty rows, in order, numbered as the sheet shows them. */
function* sheetRows(ws: ExcelJS.Worksheet): Generator<RawRecord> {
  for (let n = 1; n <= ws.rowCount; n++) {
    const row = ws.findRow(n);
    if (!row) continue;
    const cells = rowCells(row.values);
    if (cells.length > 0) yield { row: n, cells };
  }
}

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}

function rowCells(values: unknown): Cell[] {
  const sparse = values as unknown[]; // exceljs: sparse, 1-based
  const cells: Cell[] = [];
  for (let i = 1; i < sparse.length; i++) cells.push(fromExcelValue(sparse[i]));
  while (cells.length > 0 && cells[cells.length - 1] === null) cells.pop();
  return cells;
}

/** The file's bytes, once its zip directory says it is a workbook of a safe size. */
async function readCheckedZip(file: string, limits: ReadLimits): Promise<Buffer> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    throw openError(file, err);
  }
  try {
    const size = (await handle.stat()).size;
    const head = Buffer.alloc(512);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const sniffed = sniffBytes(head.subarray(0, bytesRead));
    if (sniffed.kind === 'text') {
      throw new RunError('FILE', `${file} is a text file with an .xlsx name. Rename it to .csv, or open it in Excel and save it as .xlsx.`);
    }
    if (sniffed.kind !== 'zip') throw new RunError('FILE', describeSniffed(file, sniffed));
    const entries = await listZip(handle, size);
    if (!entries) {
      throw new RunError('FILE', `${file} is a damaged .xlsx (its zip directory is missing or cut off; was the download or copy interrupted?). Open it in Excel or LibreOffice and save it again.`);
    }
    if (!entries.some((e) => /^xl\/workbook\.xml$/i.test(e.name))) {
      throw new RunError('FILE', `${file} is a zip archive but not an Excel workbook (it has no xl/workbook.xml). Export the sheet as .xlsx or CSV.`);
    }
    const bomb = zipBombReason(entries);
    if (bomb) throw new RunError('FILE', `${file} is refused: ${bomb}. Save the sheet again from Excel or LibreOffice, or export it as CSV.`);
    if (size > limits.maxXlsxBytes) {
      const mib = (n: number): string => `${Math.round(n / 1024 / 1024)} MiB`;
      throw new RunError('FILE', `${file} is ${mib(size)}; workbooks up to ${mib(limits.maxXlsxBytes)} are read. Split it, or save the sheet as CSV (UTF-8), which has no such limit.`);
    }
    const data = Buffer.alloc(size);
    await handle.read(data, 0, size, 0);
    return data;
  } catch (err) {
    if (err instanceof RunError) throw err;
    throw openError(file, err);
  } finally {
    await handle.close();
  }
}

function xlsxError(file: string, err: unknown): RunError {
  if (err instanceof RunError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return new RunError('FILE', `${file} is a damaged or unsupported .xlsx workbook (${msg.split('\n')[0]}). Open it in Excel or LibreOffice and save it again.`, { cause: err });
}
