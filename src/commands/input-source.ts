import { basename, dirname, extname } from 'node:path';
import type { Dispatcher } from 'undici';
import { parseSheetsLink } from '../read/sheets-link.js';
import { DEFAULT_LIMITS } from '../read/limits.js';
import { openSheet } from '../read/open-sheet.js';
import type { Sheet } from '../read/sheet.js';
import type { BatchPlace } from '../report/paths.js';
import { resultWidth } from '../report/report-line.js';
import { looksLikeHeader } from '../validate/columns.js';

/** Where a batch's input is read from, and where its report, journal and retry file live. */
export interface InputSource {
  readonly sheet: Sheet;
  /** The batch's name in the journal: the file's name, or the Google Sheet's ID. */
  readonly batchName: string;
  readonly place: BatchPlace;
}

export interface SourceOptions {
  readonly file: string;
  readonly sheet?: string;
  readonly encoding?: string;
  /** For a Google Sheets link: the undici dispatcher (tests inject a MockAgent) and a timeout. */
  readonly dispatcher?: Dispatcher;
  readonly timeoutSeconds?: number;
  /** The current folder, where a link's batch files go (default: the process's, as "."). */
  readonly cwd?: string;
  /** Largest download accepted; default: the .xlsx limit. */
  readonly maxDownloadBytes?: number;
}

/**
 * Opens FILE, a path or a Google Sheets link, with the header found by the fields it names. A link
 * is downloaded afresh on every run (the sheet as it is now: fix rows in Sheets, run again), read
 * like a local .xlsx, and the batch's files go to the current folder under the sheet's title; its
 * #gid picks the tab unless --sheet is given.
 */
export async function openInput(options: SourceOptions): Promise<InputSource> {
  const common = { ...(options.sheet !== undefined ? { sheet: options.sheet } : {}), isHeader: looksLikeHeader } as const;
  const link = parseSheetsLink(options.file);
  if (!link) {
    const sheet = await openSheet(options.file, { ...common, ownFile: isOwnFile, ...(options.encoding !== undefined ? { encoding: options.encoding } : {}) });
    return { sheet, batchName: basename(options.file), place: localPlace(options.file) };
  }
  // undici and the download code load only for a link: a local file's run does not pay for them.
  const { downloadSheet } = await import('../read/google-sheets.js');
  const downloaded = await downloadSheet(link, {
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    timeoutMs: (options.timeoutSeconds ?? 120) * 1000,
    maxBytes: options.maxDownloadBytes ?? DEFAULT_LIMITS.maxXlsxBytes,
  });
  try {
    const tab = downloaded.tabRows;
    const sheet = await openSheet(downloaded.path, {
      ...common,
      label: link.url,
      ...(tab && tab.length ? { preferSheet: (rows) => sameRows(rows, tab) } : {}),
    });
    return { sheet, batchName: link.id, place: { dir: options.cwd ?? '.', stem: downloaded.title, workbook: true } };
  } finally {
    // The workbook is read whole when it is opened; the download is no longer needed.
    await downloaded.cleanup();
  }
}

/** Where a local file's batch files go: beside it, named after it. */
export function localPlace(file: string): BatchPlace {
  const ext = extname(file);
  return { dir: dirname(file), stem: basename(file, ext), workbook: ext.toLowerCase() === '.xlsx' };
}

/** The tool's report (its result columns first) or retry file (the input's columns, then `error`). */
function isOwnFile(header: readonly string[]): boolean {
  return resultWidth(header) > 0 || header[header.length - 1] === 'error';
}

/** Whether a sheet's first rows are the linked tab's (its CSV export): the header row decides. */
function sameRows(rows: readonly (readonly string[])[], tab: readonly (readonly string[])[]): boolean {
  const a = rows.find((r) => r.some((c) => c !== ''));
  const b = tab.find((r) => r.some((c) => c !== ''));
  if (!a || !b) return false;
  const trim = (r: readonly string[]): string[] => {
    const out = [...r];
    while (out.length && out[out.length - 1] === '') out.pop();
    return out;
  };
  return trim(a).join('\u0000') === trim(b).join('\u0000');
}
