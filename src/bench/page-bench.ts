import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeBenchCsv } from './generate.js';

/** What a check of a long sheet costs the page's server and what the browser is sent. */
export interface PageFigures {
  readonly fileMB: number;
  /** Until the header and the first page of rows have arrived: what the page shows first. */
  readonly firstRowsSeconds: number;
  /** Until the counts have arrived. */
  readonly doneSeconds: number;
  /** The whole answer's size: a page of rows and the counts, not the sheet. */
  readonly answerKB: number;
  /** The last page of rows, from the rows kept on disk. */
  readonly lastPageMs: number;
  /** The server process's peak resident memory (VmHWM), start-up included. */
  readonly serverPeakMB: number;
}

/** `tiktok-ads-bulk ui` in its own process, a check of a generated sheet of `rows` rows through its API. */
export async function runPageScenario(dir: string, rows: number): Promise<PageFigures> {
  const file = `page-${rows}.csv`;
  await writeBenchCsv(join(dir, file), rows);
  const bin = new URL('../bin/tiktok-ads-bulk.mjs', import.meta.url).pathname;
  const child = spawn(process.execPath, [bin, 'ui', '--dir', dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env } });
  try {
    const openUrl = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (d: Buffer) => {
        text += d.toString();
        const m = /open (http:\/\/\S+)/.exec(text);
        if (m) resolve(m[1]!);
      });
      child.once('exit', () => reject(new Error(`the ui command ended before it listened: ${text}`)));
    });
    const url = new URL(openUrl);
    const token = url.searchParams.get('t')!;
    const headers = { 'x-token': token, 'content-type': 'application/json' };
    const start = performance.now();
    const res = await fetch(new URL('/api/check', url), { method: 'POST', headers, body: JSON.stringify({ file }) });
    let firstRows = 0;
    let bytes = 0;
    let buffered = '';
    let checkId = '';
    let total = 0;
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      buffered += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const m = JSON.parse(buffered.slice(0, nl)) as { type: string; checkId?: string; total?: number };
        buffered = buffered.slice(nl + 1);
        if (m.type === 'head') checkId = m.checkId!;
        if (m.type === 'rows' && !firstRows) firstRows = performance.now() - start;
        if (m.type === 'done') total = m.total!;
      }
    }
    const done = performance.now() - start;
    if (total !== rows) throw new Error(`the check counted ${total} rows of ${rows}`);
    const pageStart = performance.now();
    const page = await fetch(new URL('/api/rows', url), { method: 'POST', headers, body: JSON.stringify({ checkId, filter: 'all', offset: rows - 100 }) });
    await page.json();
    const lastPageMs = performance.now() - pageStart;
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
    return {
      fileMB: (await stat(join(dir, file))).size / 1e6,
      firstRowsSeconds: firstRows / 1000,
      doneSeconds: done / 1000,
      answerKB: bytes / 1000,
      lastPageMs,
      serverPeakMB: hwm ? Number(hwm[1]) / 1024 : NaN,
    };
  } finally {
    child.kill('SIGINT');
  }
}
