import { open } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { RunError } from '../errors.js';
import type { Cell, RawRecord } from './cell.js';
import { openError } from './delimited.js';
import { DEFAULT_LIMITS, tooManyRows, type ReadLimits } from './limits.js';
import { HEADER_SEARCH_ROWS, rowPreview, rowsText, type Sheet } from './sheet.js';
import { sniffBytes } from './sniff.js';
import { describeSniffed } from './unreadable.js';
import { listZip, ZIP_LIMITS, zipBombReason } from './zip-guard.js';
import { inflatedBombReason } from './zip-inflate-guard.js';
import { lacksReferences, numberRowsAndCells } from './xlsx-refs.js';
import { firstRows, hiddenNotices, sheetRows } from './xlsx-rows.js';

export interface XlsxOptions {
  /** --sheet NAME: matched exactly, else case-insensitively when that names one sheet. */
  readonly sheet?: string;
  readonly limits?: ReadLimits;
  readonly isHeader?: (cells: readonly Cell[]) => boolean;
  /** The name messages give the file (a downloaded workbook's link or title); default: its path. */
  readonly label?: string;
  /** Without --sheet, sheets whose first rows this accepts are tried first (a Sheets link's gid). */
  readonly preferSheet?: (rows: readonly (readonly string[])[]) => boolean;
}

/**
 * Reads an .xlsx whole with exceljs's workbook reader (`xlsx.load`), after the zip guard has
 * checked it. Not the streaming reader: under a slow consumer its zip layer (unzipper) ends the
 * entry stream before every entry is parsed, so shared strings, rels or later sheets were dropped
 * about once in 400 reads and rows came back empty or missing. Loading whole costs memory in
 * proportion to the file, which `maxXlsxBytes` bounds; campaign sheets are far below it. Sheet
 * names and order are the workbook's own (xl/workbook.xml), as Excel shows them.
 *
 * The sheet is --sheet NAME, else the first one with a header row within its first rows (a cover
 * sheet of prose is skipped, with a notice).
 */
export async function readXlsx(path: string, options: XlsxOptions = {}): Promise<Sheet> {
  const file = options.label ?? path;
  const limits = options.limits ?? DEFAULT_LIMITS;
  const isHeader = options.isHeader ?? (() => true);
  const data = await readCheckedZip(path, file, limits);
  // One read of the zip serves the size check and the list of sheets.
  const zip = await JSZip.loadAsync(data).catch((err: unknown) => {
    throw xlsxError(file, err);
  });
  const bomb = await inflatedBombReason(zip, limits.zip ?? ZIP_LIMITS).catch((err: unknown) => {
    throw xlsxError(file, err);
  });
  if (bomb) throw new RunError('FILE', `${file} is refused: ${bomb}. Save the sheet again from Excel or LibreOffice, or export it as CSV.`);
  // Each sheet is read on its own (a workbook of that one sheet's part): sheets before the one
  // with the header are read, sheets after it never parsed (150 filler sheets once took 36 s).
  const parts = await sheetParts(zip);
  const names = (): string => parts.map((p) => `"${p.name}"`).join(', ') || 'none';
  // Each sheet is loaded once, also when a link's gid made every sheet be looked at first.
  const loaded = new Map<string, Promise<ExcelJS.Worksheet | undefined>>();
  const load = (part: SheetPart): Promise<ExcelJS.Worksheet | undefined> => {
    let ws = loaded.get(part.path);
    if (!ws) loaded.set(part.path, (ws = loadSheet(file, data, parts, part)));
    return ws;
  };
  let wanted: SheetPart[] = parts;
  if (options.sheet !== undefined) wanted = [pickSheet(file, parts, options.sheet, names)];
  else if (options.preferSheet) {
    const preferred: SheetPart[] = [];
    for (const part of parts) {
      const ws = await load(part);
      if (ws && options.preferSheet(firstRows(ws))) preferred.push(part);
    }
    wanted = [...preferred, ...parts.filter((p) => !preferred.includes(p))];
  }
  const notices: string[] = [];
  const passed: { name: string; rows: number }[] = [];
  for (const part of wanted) {
    const ws = await load(part);
    if (!ws) {
      passed.push({ name: part.name, rows: 0 });
      continue;
    }
    const rows = sheetRows(ws);
    const skipped: RawRecord[] = [];
    for (let next = rows.next(); !next.done; next = rows.next()) {
      const { row: headerRow, cells } = next.value;
      if (cells.length > limits.maxColumns) {
        throw new RunError('FILE', `${file}: sheet "${ws.name}" has ${cells.length} columns in its header row; at most ${limits.maxColumns} are read.`);
      }
      if (!isHeader(cells)) {
        skipped.push(next.value);
        if (skipped.length >= HEADER_SEARCH_ROWS) break;
        continue;
      }
      if (ws.actualRowCount - 1 > limits.maxRows) throw tooManyRows(file, limits);
      for (const p of passed)
        notices.push(
          `${file}: sheet "${p.name}" has no header row (${p.rows ? 'no row names the columns of add_tiktok_ad' : 'it is empty'}); sheet "${ws.name}" is read. Pass --sheet NAME to read another.`,
        );
      if (skipped.length)
        notices.push(
          `${file}, sheet "${ws.name}": the header is row ${headerRow}; ${rowsText(skipped.map((r) => r.row))} above it ${skipped.length === 1 ? 'was' : 'were'} skipped (${skipped
            .map((r) => rowPreview(r.cells))
            .slice(0, 3)
            .join(', ')}).`,
        );
      notices.push(...hiddenNotices(file, ws, headerRow, cells.length));
      return {
        file,
        format: 'xlsx',
        sheetName: ws.name,
        header: cells.map((c) => (c === null ? '' : String(c).trim())),
        headerRow,
        notices,
        records: toAsync(rows),
        // The workbook stays loaded (it is read whole): its rows are walked again from the sheet.
        reread: () => toAsync(rowsBelow(sheetRows(ws), headerRow)),
      };
    }
    passed.push({ name: ws.name, rows: skipped.length });
  }
  if (options.sheet !== undefined) {
    const only = passed[0]!;
    if (only.rows === 0) throw new RunError('FILE', `${file}: sheet "${only.name}" is empty. Put the column names in its first row.`);
    throw new RunError(
      'FILE',
      `${file}: sheet "${only.name}" has no header row: none of its first ${only.rows} rows names the columns of add_tiktok_ad. Put a row of column names such as adgroup_id, ad_text, landing_page_url above the ads.`,
    );
  }
  if (passed.every((p) => p.rows === 0)) throw new RunError('FILE', `${file} has no header row: every sheet is empty. Put the column names in the first row.`);
  const likely = [...passed].sort((a, b) => b.rows - a.rows)[0]!;
  throw new RunError(
    'FILE',
    `${file} has no sheet with a header row naming the columns of add_tiktok_ad (its sheets: ${names()}). Sheet "${likely.name}" holds the most rows: if the ads are there, put a row of column names such as adgroup_id, ad_text, landing_page_url above them and pass --sheet "${likely.name}".`,
  );
}

interface SheetPart {
  readonly name: string;
  /** The worksheet's part in the zip, e.g. xl/worksheets/sheet1.xml. */
  readonly path: string;
}

/** The workbook's sheets, in its own order (xl/workbook.xml) with their parts (its rels). */
async function sheetParts(zip: JSZip): Promise<SheetPart[]> {
  const workbook = (await zip.file(/^xl\/workbook\.xml$/i)[0]?.async('string')) ?? '';
  const rels = (await zip.file(/^xl\/_rels\/workbook\.xml\.rels$/i)[0]?.async('string')) ?? '';
  const targets = new Map<string, string>();
  for (const m of rels.matchAll(/<Relationship\b[^>]*>/g)) {
    const id = /\bId="([^"]*)"/.exec(m[0])?.[1];
    const target = /\bTarget="([^"]*)"/.exec(m[0])?.[1];
    if (id && target) targets.set(id, target.startsWith('/') ? target.slice(1) : `xl/${target}`);
  }
  const parts: SheetPart[] = [];
  for (const m of workbook.matchAll(/<(?:\w+:)?sheet\b[^>]*>/g)) {
    const name = /\bname="([^"]*)"/.exec(m[0])?.[1];
    const id = /\b(?:\w+:)?id="([^"]*)"/.exec(m[0].replace(/\bsheetId="[^"]*"/, ''))?.[1];
    const path = id ? targets.get(id) : undefined;
    if (name !== undefined && path) parts.push({ name: decodeXml(name), path });
  }
  return parts;
}

function decodeXml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, e: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (named[e.toLowerCase()] !== undefined) return named[e.toLowerCase()]!;
    return String.fromCodePoint(e[1]!.toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}

/** One sheet, read by exceljs from the workbook with every other sheet's part left out. */
async function loadSheet(file: string, data: Buffer, parts: readonly SheetPart[], part: SheetPart): Promise<ExcelJS.Worksheet | undefined> {
  const zip = await JSZip.loadAsync(data);
  for (const other of parts) if (other.path !== part.path) zip.remove(other.path);
  // Rows or cells written without their optional reference (any of them, even inside rows that
  // have theirs) are numbered by position first: the sheet's XML decides, not exceljs's error.
  const xml = await zip.file(part.path)?.async('string');
  if (xml !== undefined && lacksReferences(xml)) zip.file(part.path, numberRowsAndCells(xml));
  const trimmed = await zip.generateAsync({ type: 'nodebuffer', compression: 'STORE' });
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(trimmed as unknown as ExcelJS.Buffer);
  } catch (err) {
    throw xlsxError(file, err);
  }
  return workbook.worksheets.find((ws) => ws.name === part.name) ?? workbook.worksheets[0];
}

function pickSheet(file: string, sheets: readonly SheetPart[], name: string, names: () => string): SheetPart {
  const exact = sheets.find((ws) => ws.name === name);
  if (exact) return exact;
  const folded = sheets.filter((ws) => ws.name.toLowerCase() === name.trim().toLowerCase());
  if (folded.length === 1) return folded[0]!;
  throw new RunError('USAGE', `${file} has no sheet named "${name}"; its sheets are ${names()}.`);
}

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}

function* rowsBelow(rows: Iterable<RawRecord>, headerRow: number): Generator<RawRecord> {
  for (const r of rows) if (r.row > headerRow) yield r;
}

/** The file's bytes, once its zip directory says it is a workbook of a safe size. */
async function readCheckedZip(path: string, file: string, limits: ReadLimits): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
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
      throw new RunError(
        'FILE',
        `${file} is a damaged .xlsx (its zip directory is missing or cut off; was the download or copy interrupted?). Open it in Excel or LibreOffice and save it again.`,
      );
    }
    if (!entries.some((e) => /^xl\/workbook\.xml$/i.test(e.name))) {
      throw new RunError('FILE', `${file} is a zip archive but not an Excel workbook (it has no xl/workbook.xml). Export the sheet as .xlsx or CSV.`);
    }
    const bomb = zipBombReason(entries, limits.zip ?? ZIP_LIMITS);
    if (bomb) throw new RunError('FILE', `${file} is refused: ${bomb}. Save the sheet again from Excel or LibreOffice, or export it as CSV.`);
    if (size > limits.maxXlsxBytes) {
      const mib = (n: number): string => `${Math.round(n / 1024 / 1024)} MiB`;
      throw new RunError(
        'FILE',
        `${file} is ${mib(size)}; workbooks up to ${mib(limits.maxXlsxBytes)} are read. Split it, or save the sheet as CSV (UTF-8), which has no such limit.`,
      );
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

/**
 * What the workbook reader's failure means for the user, in a sentence of ours: its own text
 * ("Cannot read properties of undefined …") is an internal detail, kept as the cause (--debug).
 */
function xlsxError(file: string, err: unknown): RunError {
  if (err instanceof RunError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  if (/Invalid column letter|Out of bounds/i.test(msg)) {
    return new RunError(
      'FILE',
      `${file} has a cell beyond the last column a spreadsheet can hold (XFD, 16,384 columns), so it cannot be a campaign sheet as saved. Open it in Excel or LibreOffice and save it again.`,
      { cause: err },
    );
  }
  const why = /size mismatch|crc32/i.test(msg)
    ? 'its parts do not match the sizes its zip directory declares'
    : /end of central directory|corrupted zip|invalid (?:zip|signature)|unexpected end/i.test(msg)
      ? 'its zip structure is damaged'
      : 'its contents could not be read';
  return new RunError('FILE', `${file} is a damaged or unsupported .xlsx workbook (${why}). Open it in Excel or LibreOffice and save it again.`, {
    cause: err,
  });
}

/** A workbook's sheet names in its own order (the web page's sheet picker), after the same size checks as a read. */
export async function xlsxSheetNames(path: string, limits: ReadLimits = DEFAULT_LIMITS): Promise<string[]> {
  const data = await readCheckedZip(path, path, limits);
  const zip = await JSZip.loadAsync(data).catch((err: unknown) => {
    throw xlsxError(path, err);
  });
  // A part that inflates to another size than its zip entry says (a bomb's trick) is our sentence,
  // never JSZip's "Bug : uncompressed data size mismatch".
  const parts = await sheetParts(zip).catch((err: unknown) => {
    throw xlsxError(path, err);
  });
  return parts.map((p) => p.name);
}
