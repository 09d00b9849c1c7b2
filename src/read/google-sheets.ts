import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Dispatcher } from 'undici';
import { followRedirects } from '../net/follow-redirects.js';
import { RunError } from '../errors.js';
import type { SheetsLink } from './sheets-link.js';
import { describeNetworkError } from '../net/network-error.js';

export interface DownloadOptions {
  /** undici dispatcher (tests inject a MockAgent). */
  readonly dispatcher?: Dispatcher;
  readonly timeoutMs: number;
  readonly maxBytes: number;
}

export interface DownloadedSheet {
  /** The workbook on disk, to read like a local .xlsx. */
  readonly path: string;
  /** The spreadsheet's title (from the download's file name), else its ID: the batch's name. */
  readonly title: string;
  /** Rows of the linked tab (its CSV export), to recognise it among the workbook's sheets. */
  readonly tabRows?: readonly (readonly string[])[];
  readonly cleanup: () => Promise<void>;
}

/**
 * Downloads a Google Sheet as .xlsx through Google's export (all tabs; text-formatted cells stay
 * text). Works for sheets shared as "anyone with the link can view". Redirects are followed to
 * Google's own hosts only, over https, at most 5; nothing but a plain User-Agent is sent: the
 * Adspirer key never goes to Google.
 */
export async function downloadSheet(link: SheetsLink, options: DownloadOptions): Promise<DownloadedSheet> {
  const base = `https://docs.google.com/spreadsheets/d/${link.id}/export`;
  const dir = await mkdtemp(join(tmpdir(), 'tiktok-ads-bulk-sheet-'));
  const cleanup = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    const res = await follow(`${base}?format=xlsx`, link, options);
    const path = join(dir, 'sheet.xlsx');
    let bytes = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        if (bytes > options.maxBytes) done(tooLarge(link, options.maxBytes));
        else done(null, chunk);
      },
    });
    await pipeline(res.body, limit, createWriteStream(path)).catch((err: unknown) => {
      throw err instanceof RunError ? err : networkError(link, err);
    });
    const title = titleOf(res.headers['content-disposition']) ?? link.id;
    let tabRows: string[][] | undefined;
    if (link.gid !== undefined) {
      const csv = await follow(`${base}?format=csv&gid=${link.gid}`, link, options);
      const text = await csv.body.text();
      tabRows = (parseCsv(text.slice(0, 64 * 1024), { relax_column_count: true, relax_quotes: true, skip_empty_lines: true, to: 3 }) as string[][]).map((r) =>
        r.map((c) => c.trim()),
      );
    }
    return { path, title, ...(tabRows ? { tabRows } : {}), cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

type Response = Dispatcher.ResponseData;

async function follow(start: string, link: SheetsLink, options: DownloadOptions): Promise<Response> {
  let res: Response;
  try {
    ({ res } = await followRedirects(
      start,
      {
        method: 'GET',
        headers: { 'user-agent': 'tiktok-ads-bulk' },
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
        // One deadline for the whole exchange, body included: a server that trickles never ends it.
        signal: AbortSignal.timeout(options.timeoutMs),
        ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      },
      (next, redirects) => {
        if (next.hostname === 'accounts.google.com') throw privateSheet(link);
        if (next.protocol !== 'https:' || !GOOGLE_HOST.test(next.hostname)) {
          throw new RunError('FILE', `${link.url}: Google redirected the download to ${next.origin}, which is not one of Google's hosts; it was not followed.`);
        }
        if (redirects > 5) throw new RunError('FILE', `${link.url}: the download was redirected more than 5 times; it was stopped.`);
      },
    ));
  } catch (err) {
    throw err instanceof RunError ? err : networkError(link, err);
  }
  const { statusCode } = res;
  if (statusCode === 401 || statusCode === 403) {
    await res.body.dump();
    throw privateSheet(link);
  }
  if (statusCode === 404) {
    await res.body.dump();
    throw new RunError(
      'FILE',
      `${link.url}: Google has no spreadsheet with the ID ${link.id}. Check the link (copy it from the browser's address bar or Share > Copy link).`,
    );
  }
  if (statusCode !== 200) {
    await res.body.dump();
    throw new RunError('FILE', `${link.url}: Google answered HTTP ${statusCode} to the download. Try again later, or download it as .xlsx and pass the file.`);
  }
  const type = String(res.headers['content-type'] ?? '');
  if (/text\/html/i.test(type)) {
    // A sign-in page served with 200: the sheet is not shared by link.
    await res.body.dump();
    throw privateSheet(link);
  }
  return res;
}

/** Google's own hosts: docs.google.com and the content hosts it hands downloads to. */
const GOOGLE_HOST = /(^|\.)(google\.com|googleusercontent\.com)$/;

function privateSheet(link: SheetsLink): RunError {
  return new RunError(
    'FILE',
    `${link.url} is not shared by link, so it cannot be read without signing in. In Google Sheets choose Share > General access > "Anyone with the link" (Viewer), or download it (File > Download > Microsoft Excel) and pass the .xlsx file.`,
  );
}

function tooLarge(link: SheetsLink, max: number): RunError {
  return new RunError(
    'FILE',
    `${link.url}: the download is larger than ${Math.round(max / 1024 / 1024)} MiB, the most a workbook may be. Split the sheet, or download one tab as CSV and pass that file.`,
  );
}

function networkError(link: SheetsLink, err: unknown): RunError {
  const code = (err as { code?: string }).code;
  const name = (err as { name?: string }).name;
  const timedOut = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || name === 'TimeoutError' || name === 'AbortError';
  const why = timedOut ? 'it timed out' : describeNetworkError(err).text;
  return new RunError(
    'FILE',
    `${link.url}: the sheet could not be downloaded (${why}). Check the connection and try again, or download it as .xlsx and pass the file.`,
    { cause: err },
  );
}

/** The file name of a Content-Disposition (RFC 6266: filename* in UTF-8 first), without .xlsx. */
function titleOf(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(value)?.[1];
  let name: string | undefined;
  try {
    name = star ? decodeURIComponent(star) : /filename\s*=\s*"([^"]*)"/i.exec(value)?.[1];
  } catch {
    name = undefined;
  }
  if (!name) return undefined;
  // A file name of the title: no path separators or characters Windows refuses.
  // Control characters are among those refused.
  // eslint-disable-next-line no-control-regex
  const refused = /[\\/:*?"<>|\u0000-\u001f]/g;
  const safe = name
    .replace(/\.xlsx$/i, '')
    .replace(refused, '_')
    .trim();
  return safe === '' ? undefined : safe.slice(0, 120);
}
