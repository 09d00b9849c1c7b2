import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunError } from '../errors.js';
import { pageWords } from '../options/words.js';
import { checkSheet, type CheckedRow, type CheckRequest, type SheetTally } from './check-sheet.js';
import { SECURITY_HEADERS } from './respond.js';
import { PAGE_ROWS, RowPages, type RowFilter } from './row-pages.js';

/** Checks whose rows are kept for paging: a few tabs' worth; an older one is asked for again. */
const KEPT_CHECKS = 4;

/** How often a long check tells how far it has come. */
const PROGRESS_EVERY_MS = 200;

/** A line of the check's answer (newline-delimited JSON, read by the page as it comes). */
export type CheckMessage =
  | ({ readonly type: 'head'; readonly checkId: string } & Record<string, unknown>)
  | { readonly type: 'rows'; readonly rows: readonly CheckedRow[] }
  | { readonly type: 'progress'; readonly total: number; readonly counts: SheetTally['counts'] }
  | ({ readonly type: 'done'; readonly kinds: Readonly<Record<Exclude<RowFilter, 'all'>, number>> } & SheetTally)
  | { readonly type: 'error'; readonly message: string };

/**
 * The page's checks: each answered as a stream (the header and the first page of rows at once,
 * then how far it has come, then the counts), its rows kept on disk for paging (row-pages.ts), so
 * neither the server nor the browser holds a long sheet whole.
 */
export class SheetChecks {
  private readonly kept = new Map<string, RowPages>();
  /** The newest check of each file: a batch of the file marks its rows there. */
  private readonly newest = new Map<string, string>();

  private constructor(private readonly dir: string) {}

  static async create(): Promise<SheetChecks> {
    return new SheetChecks(await mkdtemp(join(tmpdir(), 'tiktok-ads-bulk-ui-')));
  }

  /** Checks a sheet, answering as it goes. Errors before the header is read are thrown (a 400). */
  async stream(req: CheckRequest, res: ServerResponse): Promise<void> {
    const checkId = randomUUID();
    const pages = await RowPages.create(join(this.dir, `${checkId}.jsonl`));
    this.keep(checkId, pages);
    this.newest.set(req.file, checkId);
    const stop = new AbortController();
    let ended = false;
    // The page aborts a check a newer one replaced: stop reading the sheet.
    res.on('close', () => ended || stop.abort());
    const write = (m: CheckMessage): void => void res.write(`${JSON.stringify(m)}\n`);
    const first: CheckedRow[] = [];
    let lastProgress = Date.now();
    try {
      const tally = await checkSheet(
        req,
        {
          head: (head) => {
            res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'application/x-ndjson; charset=utf-8' });
            write({ type: 'head', checkId, ...head });
          },
          row: async (checked, sofar) => {
            const row = inPageWords(checked);
            await pages.add(row);
            if (first.length < PAGE_ROWS) {
              first.push(row);
              if (first.length === PAGE_ROWS) write({ type: 'rows', rows: first });
            }
            if (Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
              lastProgress = Date.now();
              write({ type: 'progress', total: sofar.total, counts: { ...sofar.counts } });
            }
          },
        },
        stop.signal,
      );
      await pages.flush();
      if (first.length < PAGE_ROWS) write({ type: 'rows', rows: first });
      write({
        type: 'done',
        ...tally,
        notices: tally.notices.map(pageWords),
        kinds: { invalid: pages.count('invalid'), warnings: pages.count('warnings') },
      });
    } catch (err) {
      if (!res.headersSent) {
        this.forget(checkId);
        throw err;
      }
      write({ type: 'error', message: pageWords(err instanceof Error ? err.message : String(err)) });
    } finally {
      ended = true;
      // Before the stream began, the error is answered as a 400 by the caller.
      if (res.headersSent) res.end();
    }
  }

  /** What a batch of the file found of a row: its link made it invalid, or warned of. */
  mark(file: string, row: number, kind: Exclude<RowFilter, 'all'>): void {
    const id = this.newest.get(file);
    if (id !== undefined) this.kept.get(id)?.mark(row, kind);
  }

  /** A page of a kept check's rows. */
  async rows(body: Readonly<Record<string, unknown>>): Promise<{ rows: CheckedRow[]; count: number; offset: number }> {
    const pages = typeof body.checkId === 'string' ? this.kept.get(body.checkId) : undefined;
    if (!pages) throw new RunError('USAGE', 'The rows of that check are no longer kept; press "Check sheet" again.');
    const filter: RowFilter = body.filter === 'invalid' || body.filter === 'warnings' ? body.filter : 'all';
    const offset = typeof body.offset === 'number' && Number.isFinite(body.offset) ? Math.max(0, Math.floor(body.offset)) : 0;
    return { rows: await pages.page(filter, offset), count: pages.count(filter), offset };
  }

  async close(): Promise<void> {
    for (const id of [...this.kept.keys()]) this.forget(id);
    await rm(this.dir, { recursive: true, force: true });
  }

  private keep(id: string, pages: RowPages): void {
    this.kept.set(id, pages);
    for (const old of [...this.kept.keys()].slice(0, Math.max(0, this.kept.size - KEPT_CHECKS))) this.forget(old);
  }

  private forget(id: string): void {
    void this.kept.get(id)?.close();
    this.kept.delete(id);
  }
}

/** A row's problems as the page says them ("tick …" for "pass --…"). */
function inPageWords(row: CheckedRow): CheckedRow {
  if (row.problems.length === 0 && row.warnings.length === 0) return row;
  return {
    ...row,
    problems: row.problems.map((p) => ({ ...p, message: pageWords(p.message) })),
    warnings: row.warnings.map((p) => ({ ...p, message: pageWords(p.message) })),
  };
}
