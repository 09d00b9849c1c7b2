import type { ServerResponse } from 'node:http';
import type { RunSummary } from '../commands/summary.js';
import { uploadFile, type UploadEvent, type UploadOptions } from '../upload/upload.js';
import { RunError } from '../errors.js';
import { pageWords } from '../options/words.js';
import type { ReportLine } from '../report/report-line.js';

/** A row's outcome as the page shows it: no cells (the page's table has them), in the page's words. */
export type PageRow = Omit<ReportLine, 'input' | 'key'>;

/** What the page hears about a batch, in order: the upload's own events, its messages, its end. */
export type BatchEvent =
  | Exclude<UploadEvent, { readonly type: 'row' }>
  | { readonly type: 'row'; readonly line: PageRow; readonly linkWarning?: string }
  | { readonly type: 'message'; readonly text: string }
  | { readonly type: 'done'; readonly summary: RunSummary }
  | { readonly type: 'error'; readonly message: string };

interface Batch {
  readonly stop: AbortController;
  /** The story so far for a page that connects late: rows without their cells, the newest progress only. */
  readonly events: BatchEvent[];
  progress?: BatchEvent;
  readonly listeners: Set<ServerResponse>;
  done: boolean;
  /** Settles when the upload has ended, whichever way. */
  finished?: Promise<void>;
}

/**
 * The batches the page has launched, one at a time per input file (a second launch of the same
 * file is refused; another process's run of it is refused by the batch lock). Each batch keeps
 * its events so a page that connects late, or reloads, sees the whole story.
 */
export class Batches {
  private readonly byFile = new Map<string, Batch>();

  running(file: string): boolean {
    return this.byFile.get(file)?.done === false;
  }

  /** The files whose batch runs now: a page that reloads (or a second tab) attaches to them. */
  runningFiles(): string[] {
    return [...this.byFile].filter(([, b]) => !b.done).map(([file]) => file);
  }

  /** Starts an upload; its events go to every listener of the file. Throws USAGE when one runs. */
  launch(file: string, options: Omit<UploadOptions, 'signal' | 'onEvent'>, observe?: (event: BatchEvent) => void): void {
    if (this.running(file)) throw new RunError('USAGE', `${options.file} is already being uploaded from this page; wait for it to finish or press Stop.`);
    const batch: Batch = { stop: new AbortController(), events: [], listeners: new Set(), done: false };
    this.byFile.set(file, batch);
    const emit = (whole: UploadEvent | BatchEvent): void => {
      const event = forPage(whole);
      observe?.(event);
      // The newest progress stands for all before it: a long batch's story stays a line per row.
      if (event.type === 'progress') batch.progress = event;
      else {
        // The story's end comes after its last progress.
        if ((event.type === 'done' || event.type === 'error') && batch.progress) batch.events.push(batch.progress);
        if (event.type === 'done' || event.type === 'error') delete batch.progress;
        batch.events.push(event);
      }
      for (const res of batch.listeners) send(res, event);
    };
    const io = {
      out: () => {},
      // Progress lines are the page's own business (it draws a bar); messages are shown as they come.
      err: (text: string) => {
        // eslint-disable-next-line no-control-regex -- the terminal's erase-line sequence
        const clean = text.replace(/\r?\x1b\[K/g, '').trim();
        if (clean && !/^\d+\/\d+ done,/.test(clean)) emit({ type: 'message', text: pageWords(clean) });
      },
      isTTY: false,
      color: false,
    };
    batch.finished = uploadFile({ ...options, signal: batch.stop.signal, onEvent: emit }, io)
      .then((summary) => void emit({ type: 'done', summary }))
      .catch((err: unknown) => emit({ type: 'error', message: pageWords(err instanceof Error ? err.message : String(err)) }))
      .finally(() => {
        batch.done = true;
        // Pages follow only running batches (a finished one's rows are in its report): its rows need not stay in memory.
        const kept = batch.events.filter((e) => e.type !== 'row');
        batch.events.length = 0;
        for (const e of kept) batch.events.push(e);
        for (const res of batch.listeners) res.end();
        batch.listeners.clear();
      });
  }

  /** Ctrl-C's meaning: no new rows, requests in flight finish, the report is complete. */
  stop(file: string): boolean {
    const batch = this.byFile.get(file);
    if (!batch || batch.done) return false;
    batch.stop.abort();
    return true;
  }

  /** Streams a file's batch events as server-sent events: the story so far, then live. */
  listen(file: string, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    const batch = this.byFile.get(file);
    for (const event of batch?.events ?? []) send(res, event);
    if (batch?.progress) send(res, batch.progress);
    if (!batch || batch.done) {
      res.end();
      return;
    }
    batch.listeners.add(res);
    res.on('close', () => batch.listeners.delete(res));
  }

  /** Stops every batch and waits for them to end (the server is closing). */
  async stopAll(): Promise<void> {
    for (const batch of this.byFile.values()) if (!batch.done) batch.stop.abort();
    await Promise.all([...this.byFile.values()].map((b) => b.finished));
  }
}

/** An upload event as the page takes it (see PageRow). */
function forPage(event: UploadEvent | BatchEvent): BatchEvent {
  if (event.type !== 'row' || !('input' in event.line)) return event as BatchEvent;
  const { input: _input, key: _key, ...line } = event.line;
  return {
    type: 'row',
    line: line.error ? { ...line, error: pageWords(line.error) } : line,
    ...(event.linkWarning !== undefined ? { linkWarning: pageWords(event.linkWarning) } : {}),
  };
}

function send(res: ServerResponse, event: BatchEvent): void {
  res.write(`data: ${JSON.stringify(event)}\n\n`);
}
