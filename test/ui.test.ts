/// <reference lib="dom" />
// The page's functions passed to page.$eval run in the browser: this file needs the DOM types.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { basename, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guard, sameToken } from '../src/ui/guard.js';
import { OPTIONS } from '../src/options/registry.js';
import { pageWords } from '../src/options/words.js';
import { RowPages } from '../src/ui/row-pages.js';
import type { CheckedRow } from '../src/ui/check-sheet.js';
import { startUi, type UiServer } from '../src/ui/server.js';
import type { BatchEvent } from '../src/ui/batches.js';
import { serviceState } from '../src/ui/service-check.js';
import { contentDisposition } from '../src/ui/names.js';
import type { PagePlan } from '../src/ui/plan-route.js';
import type { StatusSummary } from '../src/ad-status/change-status.js';
import { templateCsv } from '../src/commands/template.js';
import ExcelJS from 'exceljs';
import { cli, processIt } from './helpers/cli.js';
import { runCli } from '../src/cli/run.js';
import { bufferIo } from '../src/commands/io.js';
import { tempDir } from './helpers/tmp.js';
import { certificate } from './helpers/link-server.js';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { browserSuiteRuns, CHROMIUM as CHROMIUM_FOUND, FIREFOX as FIREFOX_FOUND } from './helpers/browsers.js';
import { KEY, startSim } from './helpers/upload.js';
import { hostile } from './helpers/hostile.js';

// Debian's chromium and firefox-esr (`.ci/run` installs both); firefox is driven over WebDriver
// BiDi by puppeteer-core. CHROMIUM_PATH and FIREFOX_PATH name others (helpers/browsers.ts).
const CHROMIUM = CHROMIUM_FOUND ?? '/usr/bin/chromium';
const FIREFOX = FIREFOX_FOUND ?? '/usr/bin/firefox-esr';
/** `npm run screenshots` sets this: the browser tests then write the README's pictures. */
const SHOTS = process.env.SCREENSHOTS === '1' ? 'test/screenshots' : undefined;

const TUNING = {
  rate: 50,
  backoff: { minTimeout: 5, maxTimeout: 40 },
  timeoutSeconds: 2,
  sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 50))),
};

const servers: UiServer[] = [];
/** A fresh folder holding copies of the named fixtures (paths under fixtures/), by their base names. */
async function folderWith(...fixtures: string[]): Promise<string> {
  const dir = await tempDir();
  for (const f of fixtures) await copyFile(join('fixtures', f), join(dir, basename(f)));
  return dir;
}

/** The two campaigns behind a page whose batches go slowly (one row at a time, 5 a second). */
async function slowBatchPage(latencyMs: number): Promise<{ dir: string; sim: Awaited<ReturnType<typeof startSim>>; server: UiServer }> {
  const dir = await folderWith('campaign.csv', 'campaign-broken.csv');
  const sim = await startSim({ latencyMs });
  const server = await ui(dir, sim.url, { uploadTuning: { ...TUNING, concurrency: 1, rate: 5 } });
  return { dir, sim, server };
}

/**
 * The page's server. Without a simulator, its service is a loopback port nothing listens on: the
 * page asks the service about its key on load, and a test never sends a key to the real one.
 */
async function ui(dir: string, endpoint: string | undefined, extra: Partial<Parameters<typeof startUi>[0]> = {}): Promise<UiServer> {
  const s = await startUi({ dir, port: 0, env: { ADSPIRER_API_KEY: KEY }, endpoint: endpoint ?? 'http://127.0.0.1:1', uploadTuning: TUNING, ...extra });
  servers.push(s);
  return s;
}
afterAll(async () => {
  for (const s of servers) await s.close();
});

/** A plain HTTP request with any Host and Origin, as a hostile page or tool would send. */
function raw(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('the guard (pure)', () => {
  const ok = { method: 'GET', host: '127.0.0.1:8790', origin: undefined, token: 'a'.repeat(32) };
  it('needs this Host, the token, and no foreign Origin on a state change', () => {
    expect(guard(ok, 8790, 'a'.repeat(32))).toEqual({ ok: true });
    expect(guard({ ...ok, host: 'localhost:8790' }, 8790, 'a'.repeat(32)).ok).toBe(true);
    expect(guard({ ...ok, host: 'evil.example:8790' }, 8790, 'a'.repeat(32)).ok).toBe(false);
    expect(guard({ ...ok, host: '127.0.0.1:8791' }, 8790, 'a'.repeat(32)).ok).toBe(false);
    expect(guard({ ...ok, host: undefined }, 8790, 'a'.repeat(32)).ok).toBe(false);
    expect(guard({ ...ok, token: 'b'.repeat(32) }, 8790, 'a'.repeat(32)).ok).toBe(false);
    expect(guard({ ...ok, token: undefined }, 8790, 'a'.repeat(32)).ok).toBe(false);
    expect(guard({ ...ok, method: 'POST', origin: 'https://evil.example' }, 8790, 'a'.repeat(32)).ok).toBe(false);
    expect(guard({ ...ok, method: 'POST', origin: 'http://127.0.0.1:8790' }, 8790, 'a'.repeat(32)).ok).toBe(true);
    expect(guard({ ...ok, method: 'POST', origin: 'http://127.0.0.1:8791' }, 8790, 'a'.repeat(32)).ok).toBe(false);
    // A GET from elsewhere cannot read the answer (no CORS headers); the token still guards it.
    expect(guard({ ...ok, origin: 'https://evil.example' }, 8790, 'a'.repeat(32)).ok).toBe(true);
  });
  it('compares tokens of any length without throwing', () => {
    expect(sameToken('abc', 'abc')).toBe(true);
    expect(sameToken('ab', 'abc')).toBe(false);
    expect(sameToken('', 'abc')).toBe(false);
  });
});

describe("the page's words (pure)", () => {
  it('every option with a page key has its control on the page, named as the control words say', async () => {
    const html = await readFile('src/ui/static/index.html', 'utf8');
    const paged = OPTIONS.filter((s) => s.page);
    expect(paged.length).toBeGreaterThan(10);
    for (const spec of paged) {
      // The mapping control is built per column of the user's own (app.js renderMapping).
      if (spec.page === 'map') expect(html).toContain('id="mapping"');
      else expect(html, spec.name).toContain(`data-page="${spec.page}"`);
      expect(spec.control, spec.name).toBeDefined();
      const label = /"([^"]+)"/.exec(spec.control!)?.[1];
      if (label) expect(html, spec.name).toContain(label);
    }
  });

  it('asks for the control instead of the flag, keeps a value the message names, and sends what has no control to the command line', () => {
    expect(pageWords('fill advertiser_id, or pass --advertiser-id ID (it fills only empty cells)')).toBe(
      'fill advertiser_id, or choose an advertiser in "Advertiser ID" (it fills only empty cells)',
    );
    expect(pageWords('put a header row above them and pass --sheet "Spring launch".')).toBe(
      'put a header row above them and choose the worksheet "Spring launch".',
    );
    expect(pageWords('Change or delete one, or pass --allow-duplicates')).toBe('Change or delete one, or tick "Allow duplicate rows"');
    expect(pageWords('Fix adgroup_id, or pass --no-check-adgroups if the list is wrong')).toBe(
      'Fix adgroup_id, or untick "Check ad groups before sending" if the list is wrong',
    );
    expect(pageWords('Wait for it, or pass --force-unlock if it is over.')).toBe(
      "Wait for it, or run the command line's tiktok-ads-bulk with --force-unlock if it is over.",
    );
    expect(pageWords('save the file, then run the same command again to resume. Run the same command after the reset.')).toBe(
      'save the file, then start the batch again from this page to resume. Start the batch again from this page after the reset.',
    );
    expect(pageWords('pass --allow-duplicates-x')).toBe('pass --allow-duplicates-x'); // not an option: left as it is
  });

  it('every "pass --flag" a message of ours says names an option of the registry, so the page can say it its way', async () => {
    const names = new Set(OPTIONS.map((s) => s.name));
    const asked = new Set<string>();
    for (const file of await readdir('src', { recursive: true })) {
      // options/ speaks of flags themselves ("pass --flag" in its comments).
      if (!file.endsWith('.ts') || file.startsWith('options')) continue;
      for (const m of (await readFile(join('src', file), 'utf8')).matchAll(/pass --([a-z][a-z-]*)/g)) asked.add(m[1]!);
    }
    expect(asked.size).toBeGreaterThan(8);
    expect([...asked].filter((n) => !names.has(n))).toEqual([]);
  });
});

describe("row pages (a check's rows on disk)", () => {
  const checked = (row: number, status: 'valid' | 'invalid', warned = false): CheckedRow => ({
    row,
    cells: [`Coffee ${row}`, 'Grüße – 日本'],
    status,
    problems: status === 'invalid' ? [{ field: 'ad_text', code: 'ad_text.missing', message: 'is required', col: 0 }] : [],
    warnings: warned ? [{ field: 'video_url', code: 'video_url.advice', message: 'short' }] : [],
  });
  const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

  it('gives any page of rows in order, the filters alike, while rows are still being added; marks add a row to a filter once', async () => {
    const pages = await RowPages.create(join(await tempDir(), 'rows.jsonl'));
    // Rows 2…3001 (a header on row 1); every 10th invalid, every 7th warned.
    const reads: Promise<CheckedRow[]>[] = [];
    for (let n = 2; n <= 3001; n++) {
      await pages.add(checked(n, n % 10 === 0 ? 'invalid' : 'valid', n % 7 === 0));
      // Pages asked for between adds: each flush is written after the one before, never over it.
      if (n % 700 === 0) reads.push(pages.page('all', n - 150, 100));
    }
    for (const [i, read] of reads.entries()) expect((await read).map((r) => r.row)).toEqual(range(700 * (i + 1) - 150 + 2, 100));
    expect(pages.total).toBe(3_000);
    const last = await pages.page('all', 2_950);
    expect(last.map((r) => r.row)).toEqual(range(2_952, 50));
    expect(last[0]).toEqual(checked(2_952, 'valid'));
    expect(pages.count('invalid')).toBe(300);
    expect((await pages.page('invalid', 290)).map((r) => r.row)).toEqual(range(0, 10).map((i) => 2_910 + i * 10));
    expect(pages.count('warnings')).toBe(428);
    expect(await pages.page('all', 3_000)).toEqual([]);
    // Row 11 becomes invalid in the batch (a bad link): it joins the invalid filter in its place, once.
    expect(pages.mark(11, 'invalid')).toBe(true);
    expect(pages.mark(11, 'invalid')).toBe(true);
    expect(pages.mark(99_999, 'invalid')).toBe(false);
    expect(pages.count('invalid')).toBe(301);
    expect((await pages.page('invalid', 0, 3)).map((r) => r.row)).toEqual([10, 11, 20]);
    await pages.close();
  });
});

describe('the ui command', () => {
  processIt('prints "open http://127.0.0.1:PORT/?t=TOKEN" on stdout, serves the page there, and stops on Ctrl-C', async () => {
    const dir = await tempDir();
    const child = spawn(process.execPath, ['dist/bin/tiktok-ads-bulk.mjs', 'ui', '--port', '0', '--dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', ADSPIRER_API_KEY: KEY },
    });
    const first = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString())));
    expect(first).toMatch(/^open http:\/\/127\.0\.0\.1:\d+\/\?t=[0-9a-f]{32}\n$/);
    const page = await raw(first.slice(5).trim(), {});
    expect(page.status).toBe(200);
    expect(page.body).not.toContain(KEY);
    child.kill('SIGINT');
    expect(await new Promise((resolve) => child.on('close', resolve))).toBe(0);
  });

  it('in-process: prints where to open the page, warns of a key file others can read, serves --dir, and stops through onSimStarted', async () => {
    const dir = await folderWith('campaign.csv');
    const keyFile = join(dir, 'key.txt');
    await writeFile(keyFile, `${KEY}\n`, { mode: 0o644 });
    const io = bufferIo();
    let stop: (() => Promise<void>) | undefined;
    const code = await runCli(['ui', '--port', '0', '--dir', dir, '--endpoint', 'http://127.0.0.1:1', '--api-key-file', keyFile], {
      env: {},
      io,
      onSimStarted: (s) => (stop = s),
    });
    expect(code).toBe(0);
    const open = /^open (http:\/\/127\.0\.0\.1:\d+)\/\?t=([0-9a-f]{32})\n$/.exec(io.stdout.join(''));
    expect(open).not.toBeNull();
    expect(io.stderr[0]).toBe(`Warning: ${keyFile} can be read by other users; restrict it with: chmod 600 ${keyFile}\n`);
    expect(io.stderr[1]).toMatch(/^The page runs on this machine only; the address holds its session key/);
    const files = (await (await fetch(`${open![1]}/api/files`, { headers: { 'x-token': open![2]! } })).json()) as {
      dir: string;
      key: boolean;
      endpoint: string;
    };
    expect(files).toMatchObject({ dir, key: true, endpoint: 'http://127.0.0.1:1' });
    await stop!();
    await expect(fetch(`${open![1]}/api/files`)).rejects.toThrow();
  });

  it('takes no file, and names its options in --help', async () => {
    expect((await cli(['ui', 'campaign.csv'])).stderr).toBe('Error: ui takes no file: choose or drop one on the page (the folder is --dir, default here).\n');
    const help = (await cli(['ui', '--help'])).stdout;
    for (const flag of ['--port N', '--open', '--dir PATH', '--endpoint URL', '--api-key-file PATH']) expect(help).toContain(flag);
  });
});

describe('ui server over plain HTTP', () => {
  let server: UiServer;
  let dir: string;
  // One server for these tests: its folder is made here, not by tempDir (removed after each test).
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tab-ui-'));
    await copyFile('fixtures/campaign-broken.csv', join(dir, 'campaign-broken.csv'));
    server = await ui(dir, undefined, { maxUploadBytes: 1000 });
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('binds to loopback, with a 128-bit token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.token).toMatch(/^[0-9a-f]{32}$/);
    expect(server.openUrl).toBe(`${server.url}/?t=${server.token}`);
  });

  it('no token, a wrong token, a foreign Host or a foreign Origin on POST: 403', async () => {
    expect((await raw(`${server.url}/`, {})).status).toBe(403);
    expect((await raw(`${server.url}/?t=${'0'.repeat(32)}`, {})).status).toBe(403);
    expect((await raw(`${server.url}/app.js`, {})).status).toBe(403);
    expect((await raw(`${server.url}/?t=${server.token}`, { headers: { host: 'rebound.example.com' } })).status).toBe(403);
    const foreign = await raw(`${server.url}/api/check`, {
      method: 'POST',
      headers: { 'x-token': server.token, origin: 'https://evil.example', 'content-type': 'application/json' },
      body: '{"file":"campaign-broken.csv"}',
    });
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.body).error).toMatch(/evil\.example are refused/);
    const own = await raw(`${server.url}/api/check`, {
      method: 'POST',
      headers: { 'x-token': server.token, origin: server.url, 'content-type': 'application/json' },
      body: '{"file":"campaign-broken.csv"}',
    });
    expect(own.status).toBe(200);
  });

  it('serves the page with a strict Content-Security-Policy and the token only where it is needed', async () => {
    const page = await raw(`${server.url}/?t=${server.token}`, {});
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.body).not.toMatch(/<script>|style=|https?:\/\//);
    expect(page.body).toContain(`/app.js?t=${server.token}`);
  });

  it('a file outside the folder is refused; too large an upload is refused with its size', async () => {
    const h = { 'x-token': server.token, 'content-type': 'application/json' };
    for (const file of ['../etc/passwd', '/etc/passwd', '..', 'sub/x.csv']) {
      const r = await raw(`${server.url}/api/check`, { method: 'POST', headers: h, body: JSON.stringify({ file }) });
      expect(r.status).toBe(400);
    }
    const big = await raw(`${server.url}/api/file`, {
      method: 'POST',
      headers: { 'x-token': server.token, 'x-file-name': 'big.csv' },
      body: Buffer.alloc(5000, 65),
    });
    expect(big.status).toBe(400);
    expect(JSON.parse(big.body).error).toBe('big.csv is larger than 1000 bytes, the most the page accepts; split it, or run the CLI on it.');
    expect(await readdir(dir)).toEqual(['campaign-broken.csv']);
  });

  it('odd names of dropped files are messages, never a 500 naming our paths', async () => {
    const names = ['bad%name.csv', encodeURIComponent('nul\u0000.csv'), encodeURIComponent(`${'x'.repeat(300)}.csv`), encodeURIComponent('tab\t.csv')];
    for (const name of names) {
      const r = await raw(`${server.url}/api/file`, { method: 'POST', headers: { 'x-token': server.token, 'x-file-name': name }, body: 'a,b\n1,2\n' });
      expect(r.status, name).toBe(400);
      expect(JSON.parse(r.body).error).toMatch(/rename the file and drop it again/);
      expect(r.body).not.toContain(dir);
    }
  });

  it('a workbook whose parts lie about their size is refused in our words by the sheet picker too', async () => {
    const JSZip = (await import('jszip')).default;
    const zip = await JSZip.loadAsync(await readFile('fixtures/realworld/pandas-sheets.xlsx'));
    const data = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    // xl/workbook.xml declares 10 bytes where it holds more: the trick of a zip bomb.
    const name = Buffer.from('xl/workbook.xml');
    for (const [sig, sizeAt, nameAt] of [
      [0x04034b50, 22, 30],
      [0x02014b50, 24, 46],
    ] as const) {
      for (let i = 0; i < data.length - 4; i++) {
        if (data.readUInt32LE(i) === sig && data.subarray(i + nameAt, i + nameAt + name.length).equals(name)) data.writeUInt32LE(10, i + sizeAt);
      }
    }
    await writeFile(join(dir, 'lying.xlsx'), data);
    const r = await raw(`${server.url}/api/sheets`, {
      method: 'POST',
      headers: { 'x-token': server.token, 'content-type': 'application/json' },
      body: JSON.stringify({ file: 'lying.xlsx' }),
    });
    expect(r.status).toBe(400);
    const ours = `${join(dir, 'lying.xlsx')} is a damaged or unsupported .xlsx workbook (its parts do not match the sizes its zip directory declares). Open it in Excel or LibreOffice and save it again.`;
    expect(JSON.parse(r.body).error).toBe(ours);
    // And by the check, which answers before its stream begins.
    const c = await raw(`${server.url}/api/check`, {
      method: 'POST',
      headers: { 'x-token': server.token, 'content-type': 'application/json' },
      body: JSON.stringify({ file: 'lying.xlsx' }),
    });
    expect(c.status).toBe(400);
    expect(JSON.parse(c.body).error).toBe(ours);
    await rm(join(dir, 'lying.xlsx'));
  });

  it('a dropped file with the name of a different one asks before replacing it', async () => {
    const h = { 'x-token': server.token, 'x-file-name': 'campaign-broken.csv' };
    const first = await raw(`${server.url}/api/file`, { method: 'POST', headers: h, body: 'adgroup_id,ad_text\n1,x\n' });
    expect(JSON.parse(first.body)).toMatchObject({ saved: false, exists: true });
    expect((await readFile(join(dir, 'campaign-broken.csv'), 'utf8')).length).toBeGreaterThan(100);
  });

  it('a long sheet is answered as it is checked and paged: the header and first 100 rows come before the counts, never every row', async () => {
    const dir = await tempDir();
    const head = 'adgroup_id,ad_text,landing_page_url,video_id';
    // Every 97th row lacks its ad text: invalid rows spread over the whole sheet.
    const rows = Array.from(
      { length: 5_000 },
      (_, i) => `1780000000000000101,${i % 97 === 5 ? '' : `Coffee ${i}`},https://e.example.com/${i},7000000000000000${1000 + i}`,
    );
    await writeFile(join(dir, 'long.csv'), [head, ...rows].join('\n'));
    const server = await ui(dir, undefined);
    const h = { 'x-token': server.token, 'content-type': 'application/json' };
    const answer = await raw(`${server.url}/api/check`, { method: 'POST', headers: h, body: JSON.stringify({ file: 'long.csv' }) });
    expect(answer.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    const lines = answer.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; checkId?: string; rows?: { row: number }[] } & Record<string, unknown>);
    const types = lines.map((l) => l.type).filter((t) => t !== 'progress');
    expect(types).toEqual(['head', 'rows', 'done']);
    expect(lines[1]!.rows!.map((r) => r.row)).toEqual(Array.from({ length: 100 }, (_, i) => i + 2));
    const done = lines.at(-1)!;
    const invalid = rows.filter((_, i) => i % 97 === 5).length;
    expect(done).toMatchObject({ total: 5_000, counts: { valid: 5_000 - invalid, invalid }, kinds: { invalid, warnings: 0 } });
    expect(answer.body.length).toBeLessThan(60_000); // a page of rows, not 5,000
    const page = async (filter: string, offset: number) =>
      JSON.parse(
        (await raw(`${server.url}/api/rows`, { method: 'POST', headers: h, body: JSON.stringify({ checkId: lines[0]!.checkId, filter, offset }) })).body,
      ) as {
        rows: { row: number; status: string; cells: string[] }[];
        count: number;
      };
    const last = await page('all', 4_950);
    expect(last.rows.map((r) => r.row)).toEqual(Array.from({ length: 50 }, (_, i) => 4_952 + i));
    expect(last.rows[49]!.cells[1]).toBe('Coffee 4999');
    const bad = await page('invalid', 0);
    expect(bad.count).toBe(invalid);
    expect(bad.rows.map((r) => r.row)).toEqual(rows.flatMap((_, i) => (i % 97 === 5 ? [i + 2] : [])));
    const gone = await raw(`${server.url}/api/rows`, { method: 'POST', headers: h, body: JSON.stringify({ checkId: 'not-a-check', offset: 0 }) });
    expect(gone.status).toBe(400);
    expect(JSON.parse(gone.body).error).toMatch(/press "Check sheet" again/);
  });

  it('the key never reaches the browser', async () => {
    const files = await raw(`${server.url}/api/files`, { headers: { 'x-token': server.token } });
    expect(JSON.parse(files.body)).toMatchObject({ key: true });
    expect(files.body).not.toContain(KEY);
    // A service that echoes the key in its refusal: the header's words never carry it.
    const echo = await hostile((req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ success: false, error: `key ${String(req.headers.authorization).replace('Bearer ', '')} is not valid` }));
    }, true);
    const echoed = await ui(await tempDir(), echo.url);
    const said = await raw(`${echoed.url}/api/service`, { headers: { 'x-token': echoed.token } });
    expect(JSON.parse(said.body)).toMatchObject({ key: 'refused', message: expect.stringMatching(/^API key refused/) });
    expect(said.body).not.toContain(KEY);
  });
});

// Skipped, with one line saying how to install it, only where Chromium is missing outside CI:
// .ci/run installs it, and there a page test that silently does not run would prove nothing.
describe.runIf(browserSuiteRuns('Chromium', CHROMIUM_FOUND))('the page in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH.`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    if (SHOTS) await mkdir(SHOTS, { recursive: true });
  });
  afterAll(async () => browser?.close());

  async function open(server: UiServer, listed = 'campaign-broken.csv'): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('dialog', (d) => void d.accept());
    await page.goto(server.openUrl);
    await page.waitForSelector(`#file option[value="${listed}"]`, { state: 'attached' });
    (page as Page & { errors: string[] }).errors = errors;
    return page;
  }

  it('shows the invalid cells in red, the counts and the filters', async () => {
    const dir = await folderWith('campaign-broken.csv');
    const page = await open(await ui(dir, undefined));
    await page.selectOption('#file', 'campaign-broken.csv');
    await page.waitForSelector('#rows tbody tr');
    const check = await cli(['validate', join(dir, 'campaign-broken.csv'), '--json']);
    const counts = JSON.parse(check.stdout).counts as { valid: number; invalid: number };
    expect(await page.textContent('#counts')).toMatch(new RegExp(`^\\d+ ads: ${counts.valid} valid, ${counts.invalid} invalid`));
    const red = await page.$$eval('td.bad', (cells) => cells.length);
    expect(red).toBeGreaterThanOrEqual(counts.invalid);
    expect(await page.$eval('td.bad', (td) => getComputedStyle(td).outlineColor)).toBe('rgb(198, 40, 40)');
    await page.check('input[name=filter][value=invalid]');
    // The filter asks the server for the check's invalid rows (the table is paged there).
    await page.waitForFunction((n) => document.querySelectorAll('#rows tbody tr').length === n, counts.invalid);
    expect(await page.$$eval('#rows tbody tr', (rows) => rows.every((r) => (r as HTMLElement).dataset.kind === 'invalid'))).toBe(true);
    expect(await page.textContent('#launch')).toBe(`Create ${counts.valid} ads`);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/check.png`, fullPage: false });
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
  });

  it("offers a field for each column of the user's own, as --map does: an agency's Client column read as advertiser_id", async () => {
    const dir = await folderWith('campaign-broken.csv');
    await writeFile(
      join(dir, 'agency.csv'),
      'adgroup_id,ad_text,landing_page_url,video_url,Client,Notes\n1780000000000000101,Coffee,https://e.example.com/1,https://c.example.com/1.mp4,ACME-7000000000000000002,check copy\n',
    );
    const page = await open(await ui(dir, undefined));
    await page.selectOption('#file', 'agency.csv');
    await page.waitForSelector('#mapping-list select[data-column="Client"]');
    expect(await page.textContent('#counts')).toMatch(/^1 ads: 1 valid/);
    expect(await page.$$eval('#mapping-list select', (s) => s.map((e) => (e as HTMLSelectElement).dataset.column))).toEqual(['Client', 'Notes']);
    expect(await page.isHidden('#mapping')).toBe(false);
    await page.selectOption('#mapping-list select[data-column="Client"]', 'advertiser_id');
    // Checked again with the mapping: the column is now a field, and its header shows it is read.
    await page.waitForFunction(
      () => (document.querySelector('#mapping-list select[data-column="Client"]') as HTMLSelectElement | null)?.value === 'advertiser_id',
    );
    // Carried, the odd client code was nothing to the ad; read as advertiser_id, it is checked as one.
    await page.waitForSelector('#rows [data-code="advertiser_id.not_digits"]');
    expect(await page.textContent('#counts')).toMatch(/^1 ads: 0 valid, 1 invalid/);
    const body = await page.evaluate(async () => {
      const t = new URL(location.href).searchParams.get('t')!;
      const res = await fetch('/api/check', {
        method: 'POST',
        headers: { 'x-token': t, 'content-type': 'application/json' },
        body: JSON.stringify({ file: 'agency.csv', map: ['Client=advertiser_id'] }),
      });
      // The check answers a line of JSON at a time; its first line is the header's.
      return JSON.parse((await res.text()).split('\n')[0]!) as { ownColumns: { name: string; field?: string }[] };
    });
    expect(body.ownColumns).toEqual([{ name: 'Client', field: 'advertiser_id' }, { name: 'Notes' }]);
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
  });

  it('a slow check never overwrites a newer one: the table, counts and Create belong to the file shown', async () => {
    const dir = await folderWith('campaign-broken.csv');
    const row = (i: number) => `1780000000000000101,Coffee ${i},https://e.example.com/${i},https://c.example.com/${i}.mp4`;
    const head = 'adgroup_id,ad_text,landing_page_url,video_url';
    await writeFile(join(dir, 'big.csv'), [head, ...Array.from({ length: 20_000 }, (_, i) => row(i))].join('\n'));
    await writeFile(join(dir, 'small.csv'), [head, row(1), row(2), `1780000000000000101,,https://e.example.com/x,https://c.example.com/x.mp4`].join('\n'));
    const page = await open(await ui(dir, undefined));
    let answered = 0;
    page.on('response', (r) => void (r.url().includes('/api/check') && answered++));
    await page.selectOption('#file', 'big.csv');
    await page.waitForRequest((r) => r.url().includes('/api/check'));
    await page.selectOption('#file', 'small.csv');
    await page.waitForFunction(() => /^3 ads: 2 valid, 1 invalid/.test(document.querySelector('#counts')?.textContent ?? ''));
    // The big file's check answers later, and is dropped.
    await expect.poll(() => answered, { timeout: 20_000 }).toBe(2);
    await page.waitForTimeout(100);
    expect(await page.textContent('#counts')).toMatch(/^3 ads: 2 valid, 1 invalid/);
    expect(await page.textContent('#launch')).toBe('Create 2 ads');
    expect(await page.$$eval('#rows tbody tr', (rows) => rows.length)).toBe(3);
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
  }, 30_000);

  it('accessible beyond colour: bad cells carry aria-invalid and a sign, amber text 4.5:1 and field borders 3:1, named progress, a live summary; a file dropped beside the zone does not leave the page', async () => {
    const dir = await folderWith('campaign-broken.csv');
    const page = await open(await ui(dir, undefined));
    await page.selectOption('#file', 'campaign-broken.csv');
    await page.waitForSelector('#rows tbody td.bad');
    expect(await page.$$eval('td.bad', (tds) => tds.every((td) => td.getAttribute('aria-invalid') === 'true'))).toBe(true);
    expect(await page.$eval('td.bad', (td) => getComputedStyle(td, '::before').content)).toBe('"✗ "');
    // WCAG 2.1 contrast, computed from what the browser paints.
    const ratios = await page.evaluate(() => {
      const rgb = (c: string) => (c.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
      const lum = (c: string) => {
        const [r, g, b] = rgb(c).map((v) => {
          const s = v / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
      };
      const ratio = (a: string, b: string) => {
        const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
        return (x! + 0.05) / (y! + 0.05);
      };
      const amber = getComputedStyle(document.documentElement).getPropertyValue('--amber').trim();
      const probe = document.createElement('span');
      probe.style.color = amber;
      document.body.append(probe);
      const field = getComputedStyle(document.querySelector('#advertiser')!).borderTopColor;
      return { amber: ratio(getComputedStyle(probe).color, 'rgb(255, 255, 255)'), field: ratio(field, 'rgb(255, 255, 255)') };
    });
    expect(ratios.amber).toBeGreaterThanOrEqual(4.5);
    expect(ratios.field).toBeGreaterThanOrEqual(3);
    expect(await page.getAttribute('#bar', 'aria-label')).toBe('Ads sent');
    expect(await page.getAttribute('#summary-text', 'aria-live')).toBe('polite');
    const prevented = await page.evaluate(() => {
      const e = new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: new DataTransfer() });
      document.querySelector('h1')!.dispatchEvent(e);
      return e.defaultPrevented;
    });
    expect(prevented).toBe(true);
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
  });

  it('fits a phone (390 px): nothing scrolls sideways but the rows table in its own box, no control is cut off, through check, plan and a batch', async () => {
    const dir = await folderWith('campaign.csv', 'campaign-broken.csv');
    const sim = await startSim();
    const server = await ui(dir, sim.url);
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    page.on('dialog', (d) => void d.accept());
    await page.goto(server.openUrl);
    await page.waitForSelector('#file option[value="campaign.csv"]', { state: 'attached' });
    const fits = () =>
      page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        cut: Array.from(document.querySelectorAll('input, select, textarea, button, progress, a'))
          .filter((e) => (e as HTMLElement).offsetParent !== null && !e.closest('.table-wrap'))
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
          .map((e) => e.id || e.tagName),
      }));
    expect(await fits()).toEqual({ scroll: 390, cut: [] });
    await page.selectOption('#file', 'campaign.csv');
    await page.waitForSelector('#rows tbody tr');
    await page.uncheck('#links');
    expect(await fits()).toEqual({ scroll: 390, cut: [] });
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/phone-check.png` });
    // The options behind "More options" fit too, opened.
    await page.click('details.more summary');
    await page.waitForSelector('[data-page="encoding"]', { state: 'visible' });
    expect(await fits()).toEqual({ scroll: 390, cut: [] });
    await page.click('#plan');
    await page.waitForSelector('#plan-panel:not([hidden])');
    expect(await fits()).toEqual({ scroll: 390, cut: [] });
    await page.click('#launch');
    await page.waitForSelector('#summary:not([hidden])', { timeout: 20_000 });
    expect(await fits()).toEqual({ scroll: 390, cut: [] });
    if (SHOTS) {
      await page.$eval('#run', (el) => el.scrollIntoView({ block: 'start' }));
      await page.screenshot({ path: `${SHOTS}/phone-done.png` });
    }
    await page.close();
  }, 30_000);

  it('is usable from the keyboard alone: Tab to the file list, choose with the arrow keys, Tab to each action', async () => {
    const dir = await folderWith('campaign-broken.csv');
    const page = await open(await ui(dir, undefined));
    await page.focus('body');
    let guard = 0;
    while ((await page.evaluate(() => document.activeElement?.id)) !== 'file' && guard++ < 20) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('file');
    // Focus is visible where it lands.
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).toBe('solid');
    await page.keyboard.press('ArrowDown');
    await page.waitForSelector('#rows tbody tr');
    expect(await page.textContent('#counts')).toMatch(/^19 ads: 2 valid, 17 invalid/);
    // Every action is reachable by Tab, in reading order.
    const reached: string[] = [];
    while (!reached.includes('launch') && guard++ < 40) {
      await page.keyboard.press('Tab');
      reached.push((await page.evaluate(() => document.activeElement?.id)) ?? '');
    }
    expect(reached.filter((id) => ['check', 'plan', 'launch'].includes(id))).toEqual(['check', 'plan', 'launch']);
  });

  it('a workbook gets a sheet picker; a dropped file is saved beside the others; the template downloads', async () => {
    const dir = await folderWith('campaign-broken.csv', 'realworld/title-rows.xlsx');
    const server = await ui(dir, undefined);
    const page = await open(server);
    await page.selectOption('#file', 'title-rows.xlsx');
    await page.waitForSelector('#sheet-wrap:not([hidden])');
    expect(await page.$$eval('#sheet option', (o) => o.map((x) => x.textContent))).toEqual(['first with a header row', 'Cover', 'Spring launch']);
    await page.waitForSelector('#rows tbody tr');
    // The same notices as the CLI: the header found below title rows.
    const validate = await cli(['validate', join(dir, 'title-rows.xlsx'), '--sheet', 'Spring launch']);
    const note = /Note: (.*)\n/.exec(validate.stderr)![1]!;
    await page.selectOption('#sheet', 'Spring launch');
    // The counts are final (no "checking…") once the check is done; its notices come with them. The
    // last check's counts say "checking…" as soon as this one starts, so they are not taken for its.
    await page.waitForFunction(() => /sheet "Spring launch" · header on row \d+$/.test(document.querySelector('#counts')!.textContent ?? ''));
    expect(await page.textContent('#notices')).toContain(note);

    await page.setInputFiles('#upload-input', { name: 'dropped.csv', mimeType: 'text/csv', buffer: await readFile('fixtures/campaign.csv') });
    await page.waitForFunction(() => (document.querySelector('#file') as HTMLSelectElement).value === 'dropped.csv');
    await page.waitForFunction(() => /^20 ads: 20 valid/.test(document.querySelector('#counts')!.textContent ?? ''));
    expect(await readFile(join(dir, 'dropped.csv'), 'utf8')).toBe(await readFile('fixtures/campaign.csv', 'utf8'));

    const tpl = await page.request.get(`${server.url}${await page.getAttribute('#tpl-csv', 'href')}`);
    expect(tpl.headers()['content-disposition']).toBe(`attachment; filename="tiktok-ads-template.csv"; filename*=UTF-8''tiktok-ads-template.csv`);
    expect((await tpl.text()).split('\n')[0]).toMatch(/^\ufeffadgroup_id,/); // with Excel's BOM, as the CLI writes it
    const xlsx = await page.request.get(`${server.url}${await page.getAttribute('#tpl-xlsx', 'href')}`);
    expect((await xlsx.body()).subarray(0, 2).toString()).toBe('PK');
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
  });

  it("launches against the simulator with faults, shows live progress to 100 %, and the report equals the CLI's", async () => {
    const dir = await folderWith('campaign-broken.csv');
    const sim = await startSim({ failRate: 0.2, faults: ['500', '503', 'drop-after'], seed: 7 });
    const server = await ui(dir, sim.url, { uploadTuning: { ...TUNING, concurrency: 1 } });
    const page = await open(server);
    await page.selectOption('#file', 'campaign-broken.csv');
    await page.waitForSelector('#rows tbody tr');
    await page.uncheck('#links'); // the fixture's links are example.com: not ours to fetch
    await page.click('#plan');
    await page.waitForSelector('#plan-panel:not([hidden])');
    expect(await page.textContent('#plan-facts')).toMatch(/Quota0 of 150 used \(plus\), 150 left/);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/plan.png` });
    await page.click('#launch');
    await page.waitForSelector('#summary:not([hidden])', { timeout: 20_000 });
    const text = await page.textContent('#summary-text');
    expect(text).toMatch(/^Done\. \d+ created, \d+ invalid\.$/);
    const bar = await page.$eval('#bar', (b) => [(b as HTMLProgressElement).value, (b as HTMLProgressElement).max]);
    expect(bar[0]).toBe(bar[1]);
    expect(await page.$$eval('#rows tbody td.status', (tds) => tds.filter((t) => t.textContent === 'created').length)).toBe(sim.stats().created);
    if (SHOTS) {
      await page.$eval('#run', (el) => el.scrollIntoView({ block: 'start' }));
      await page.screenshot({ path: `${SHOTS}/done.png` });
    }

    // The CLI on the same file against a simulator in the same state writes the same report.
    const cliDir = await folderWith('campaign-broken.csv');
    const sim2 = await startSim({ failRate: 0.2, faults: ['500', '503', 'drop-after'], seed: 7 });
    await cli(['upload', join(cliDir, 'campaign-broken.csv'), '--endpoint', sim2.url, '--concurrency', '1', '--rate', '50', '--timeout', '2'], {
      ADSPIRER_API_KEY: KEY,
    });
    const href = await page.getAttribute('#dl-report', 'href');
    const downloaded = await page.request.get(`${server.url}${href}`);
    expect(downloaded.status()).toBe(200);
    expect(downloaded.headers()['content-disposition']).toBe(
      `attachment; filename="campaign-broken.results.csv"; filename*=UTF-8''campaign-broken.results.csv`,
    );
    const fromCli = await readFile(join(cliDir, 'campaign-broken.results.csv'), 'utf8');
    expect(await downloaded.text()).toBe(fromCli);
    const retry = await page.request.get(`${server.url}${await page.getAttribute('#dl-retry', 'href')}`);
    expect(await retry.text()).toBe(await readFile(join(cliDir, 'campaign-broken.retry.csv'), 'utf8'));
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
  }, 40_000);

  it('Stop mid-batch keeps the report complete; Resume sends only what is left, nothing twice', async () => {
    const { sim, server } = await slowBatchPage(120);
    const page = await open(server);
    await page.selectOption('#file', 'campaign.csv');
    await page.waitForSelector('#rows tbody tr');
    await page.uncheck('#links');
    await page.click('#launch');
    await page.waitForFunction(
      () => Number(document.querySelector('#bar')!.getAttribute('value') ?? (document.querySelector('#bar') as HTMLProgressElement).value) >= 2,
    );
    await page.click('#stop');
    await page.waitForSelector('#summary:not([hidden])', { timeout: 20_000 });
    expect(await page.textContent('#summary-text')).toMatch(/^Stopped \(interrupted\)\. \d+ created, \d+ not_sent\.$/);
    const firstRun = sim.stats().created;
    expect(firstRun).toBeGreaterThanOrEqual(2);
    expect(firstRun).toBeLessThan(20);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/stopped.png` });
    expect(await page.textContent('#launch')).toBe('Resume (send what is left)');
    await page.click('#launch');
    await page.waitForSelector('#summary-text:text-matches("^Done")', { timeout: 30_000 });
    expect(await page.textContent('#summary-text')).toBe('Done. 20 created.');
    expect(sim.stats().created).toBe(20);
    expect(new Set(sim.ads().map((a) => a.idempotency_key)).size).toBe(20);
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
  }, 60_000);

  it('downloads names in any script; a file not written yet is a message on the page, and no retry link is offered when nothing needs one', async () => {
    const dir = await tempDir();
    const name = 'Kampagne – Q3 キャンペーン.csv';
    await writeFile(
      join(dir, name),
      'adgroup_id,ad_text,landing_page_url,video_url\n1780000000000000101,Kaffee,https://e.example.com/1,https://c.example.com/1.mp4\n',
    );
    const sim = await startSim();
    const page = await open(await ui(dir, sim.url), name);
    await page.selectOption('#file', name);
    await page.waitForSelector('#rows tbody tr');
    // Before any batch: the report is not there, and asking says so without leaving the page.
    const missing = await page.evaluate(async (file) => {
      const t = new URL(location.href).searchParams.get('t')!;
      const res = await fetch(`/api/download?${new URLSearchParams({ t, file, kind: 'report', check: '1' })}`);
      return { status: res.status, body: (await res.json()) as { exists: boolean; message: string } };
    }, name);
    expect(missing).toMatchObject({ status: 200, body: { exists: false, message: expect.stringMatching(/does not exist yet/) } });
    await page.uncheck('#links');
    await page.click('#launch');
    await page.waitForSelector('#summary:not([hidden])', { timeout: 20_000 });
    expect(await page.isHidden('#dl-retry-wrap')).toBe(true);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#dl-report')]);
    expect(download.suggestedFilename()).toBe('Kampagne – Q3 キャンペーン.results.csv');
    const { contentDisposition } = await import('../src/ui/names.js');
    expect(contentDisposition('Kampagne – Q3.csv')).toBe(`attachment; filename="Kampagne _ Q3.csv"; filename*=UTF-8''Kampagne%20%E2%80%93%20Q3.csv`);
    expect(await readFile((await download.path())!, 'utf8')).toMatch(/^\ufeffrow,status,ad_id/);
    expect(page.url()).toContain('?t=');
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
  }, 30_000);

  it('a reload or a second tab finds the running batch: its progress so far, then live, and Stop works from there', async () => {
    // 20 rows one at a time, 400 ms each: 8 s at least, far longer than a reload however loaded the machine.
    const { sim, server } = await slowBatchPage(400);
    const page = await open(server);
    await page.selectOption('#file', 'campaign.csv');
    await page.waitForSelector('#rows tbody tr');
    await page.uncheck('#links');
    await page.click('#launch');
    await page.waitForFunction(() => (document.querySelector('#bar') as HTMLProgressElement).value >= 2);
    // The tab is reloaded mid-batch: the page chooses the running file and follows its batch.
    await page.reload();
    await page.waitForSelector('#run:not([hidden])');
    expect(await page.inputValue('#file')).toBe('campaign.csv');
    await page.waitForFunction(() => (document.querySelector('#bar') as HTMLProgressElement).value >= 2);
    expect(await page.isEnabled('#stop')).toBe(true);
    expect(await page.isDisabled('#launch')).toBe(true);
    // A second tab sees the same batch.
    const other = await browser.newPage();
    await other.goto(server.openUrl);
    await other.waitForSelector('#run:not([hidden])');
    expect(await other.textContent('#progress-text')).toMatch(/^\d+\/20 rows/);
    await other.close();
    await page.click('#stop');
    await page.waitForSelector('#summary:not([hidden])', { timeout: 20_000 });
    expect(await page.textContent('#summary-text')).toMatch(/^Stopped \(interrupted\)\. \d+ created, \d+ not_sent\.$/);
    expect(sim.stats().created).toBeLessThan(20);
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
  }, 60_000);

  it("pauses, resumes and deletes the batch's ads from the page, asking first, each ad once", async () => {
    const dir = await folderWith('campaign.csv', 'campaign-broken.csv');
    const sim = await startSim();
    const page = await open(await ui(dir, sim.url));
    await page.selectOption('#file', 'campaign.csv');
    await page.waitForSelector('#rows tbody tr');
    await page.uncheck('#links');
    await page.click('#launch');
    await page.waitForSelector('#summary:not([hidden])', { timeout: 20_000 });
    expect(sim.ads()).toHaveLength(20);
    const asked: string[] = [];
    page.removeAllListeners('dialog');
    page.on('dialog', (d) => {
      asked.push(d.message());
      void d.accept();
    });
    await page.click('#ads-pause');
    await page.waitForSelector('#ads-result:text-matches("^20 of 20 ads paused")');
    expect(sim.ads().every((a) => a.status === 'DISABLE')).toBe(true);
    await page.click('#ads-pause');
    await page.waitForSelector('#ads-result:text-matches("^0 of 0 ads paused, 20 left as they were")');
    await page.click('#ads-delete');
    await page.waitForSelector('#ads-result:text-matches("^20 of 20 ads deleted")');
    expect(sim.ads().every((a) => a.status === 'DELETE')).toBe(true);
    expect(asked).toHaveLength(3);
    expect(asked[2]).toMatch(/^Delete every ad the batch of campaign\.csv created\? Each is one API call\. A deleted ad cannot be brought back\.$/);
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
  }, 40_000);

  it('offers allow-duplicates as a box: two identical rows are one invalid until it is ticked', async () => {
    const dir = await folderWith('campaign-broken.csv');
    const row = '1780000000000000101,Coffee,https://e.example.com/1,https://c.example.com/1.mp4';
    await writeFile(join(dir, 'dups.csv'), ['adgroup_id,ad_text,landing_page_url,video_url', row, row].join('\n'));
    const page = await open(await ui(dir, undefined));
    await page.selectOption('#file', 'dups.csv');
    await page.waitForSelector('#rows [data-code="row.duplicate"]');
    expect(await page.textContent('#counts')).toMatch(/^2 ads: 1 valid, 1 invalid/);
    await page.check('#dups');
    await page.waitForFunction(() => /^2 ads: 2 valid, 0 invalid/.test(document.querySelector('#counts')?.textContent ?? ''));
    expect(await page.textContent('#launch')).toBe('Create 2 ads');
  });

  it('says the links are being checked before the first row goes, then counts the rows', async () => {
    // A link host that answers only when the test lets it: the checking phase lasts until then, so
    // the page is seen saying so however loaded the machine is.
    const tls = await certificate();
    let open_: () => void = () => {};
    const gate = new Promise<void>((r) => (open_ = r));
    const host = createHttpsServer(tls, (_req, res) => {
      void gate.then(() => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end();
      });
    });
    await new Promise<void>((r) => host.listen(0, '127.0.0.1', r));
    const base = `https://127.0.0.1:${(host.address() as AddressInfo).port}`;
    try {
      const dir = await folderWith('campaign-broken.csv');
      const rows = Array.from({ length: 6 }, (_, i) => `1780000000000000101,Coffee ${i},${base}/page/${i},700000000000000${i}1`);
      await writeFile(join(dir, 'linked.csv'), ['adgroup_id,ad_text,landing_page_url,video_id', ...rows].join('\n'));
      const sim = await startSim();
      const trust = new Agent({ connect: { ca: tls.cert } });
      const page = await open(await ui(dir, sim.url, { linkDispatcher: trust }));
      await page.selectOption('#file', 'linked.csv');
      await page.waitForSelector('#rows tbody tr');
      await page.click('#launch');
      await page.waitForSelector('#progress-text:text-matches("^Checking the links of 6 rows as they go")');
      expect(sim.ads()).toHaveLength(0);
      open_();
      await page.waitForSelector('#summary:not([hidden])', { timeout: 20_000 });
      expect(await page.textContent('#summary-text')).toBe('Done. 6 created.');
      expect(await page.textContent('#progress-text')).toMatch(/^6\/6 rows/);
      expect((page as Page & { errors: string[] }).errors).toEqual([]);
    } finally {
      open_();
      host.close();
    }
  }, 40_000);

  it('the plan gives its reasons: rows held back by the quota say so, and Create offers what the plan will send', async () => {
    const dir = await folderWith('campaign.csv', 'campaign-broken.csv');
    const sim = await startSim({ quota: 5 });
    const page = await open(await ui(dir, sim.url));
    await page.selectOption('#file', 'campaign.csv');
    await page.waitForSelector('#rows tbody tr');
    await page.uncheck('#links');
    expect(await page.textContent('#launch')).toBe('Create 20 ads');
    await page.click('#plan');
    await page.waitForSelector('#plan-panel:not([hidden])');
    const facts = await page.textContent('#plan-facts');
    expect(facts).toMatch(/Calls this batch needs5/);
    expect(facts).toMatch(/Not sent now15 rows 7, 8, 9, 10, 11, 12, … 21: .*quota/);
    expect(await page.textContent('#launch')).toBe('Create 5 ads');
    const asked: string[] = [];
    page.removeAllListeners('dialog');
    page.on('dialog', (d) => {
      asked.push(d.message());
      void d.dismiss();
    });
    await page.click('#launch');
    await expect.poll(() => asked.length).toBe(1);
    expect(asked[0]).toMatch(/^Create 5 ads, as planned, from campaign\.csv\?/);
    expect(sim.ads()).toHaveLength(0);
  });

  it('pages a long sheet: 100 rows at a time, Next and Previous, the filters paged alike', async () => {
    const dir = await tempDir();
    const rows = Array.from(
      { length: 250 },
      (_, i) => `1780000000000000101,${i % 2 ? `Coffee ${i}` : ''},https://e.example.com/${i},7000000000000000${1000 + i}`,
    );
    await writeFile(join(dir, 'long.csv'), ['adgroup_id,ad_text,landing_page_url,video_id', ...rows].join('\n'));
    const page = await open(await ui(dir, undefined), 'long.csv');
    await page.selectOption('#file', 'long.csv');
    await page.waitForSelector('#pager:not([hidden])');
    expect(await page.textContent('#counts')).toMatch(/^250 ads: 125 valid, 125 invalid/);
    expect(await page.textContent('#page-info')).toBe('rows 1–100 of 250');
    expect(await page.$$eval('#rows tbody tr', (r) => r.length)).toBe(100);
    expect(await page.isDisabled('#prev')).toBe(true);
    await page.click('#next');
    await page.waitForSelector('#rows tbody tr[data-row="102"]');
    expect(await page.textContent('#page-info')).toBe('rows 101–200 of 250');
    await page.click('#next');
    await page.waitForSelector('#rows tbody tr[data-row="251"]');
    expect(await page.$$eval('#rows tbody tr', (r) => r.length)).toBe(50);
    expect(await page.isDisabled('#next')).toBe(true);
    await page.check('input[name=filter][value=invalid]');
    await page.waitForFunction(() => document.querySelector('#page-info')?.textContent === 'invalid rows 1–100 of 125');
    expect(await page.$$eval('#rows tbody tr', (r) => r.every((tr) => (tr as HTMLElement).dataset.kind === 'invalid'))).toBe(true);
    await page.click('#next');
    await page.waitForFunction(() => document.querySelector('#page-info')?.textContent === 'invalid rows 101–125 of 125');
    await page.click('#prev');
    await page.waitForFunction(() => document.querySelector('#page-info')?.textContent === 'invalid rows 1–100 of 125');
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
  });

  it("says whether the service takes the key, offers the connected advertisers, and speaks of the page's controls, not of flags", async () => {
    const dir = await folderWith('campaign.csv');
    // Rows that name no advertiser, with two advertisers connected: the plan holds them back until one is chosen.
    const csv = (await readFile('fixtures/campaign.csv', 'utf8')).replaceAll(',7000000000000000001,', ',,');
    await writeFile(join(dir, 'agency.csv'), csv);
    const sim = await startSim({ apiKey: KEY, advertisers: ['7000000000000000001=Client A', '7000000000000000002=Client B'] });
    const page = await open(await ui(dir, sim.url), 'agency.csv');
    await page.waitForFunction(() => /^API key works: 0 of \d+ calls used/.test(document.querySelector('#service')?.textContent ?? ''));
    expect(await page.$$eval('#advertisers option', (o) => o.map((x) => `${(x as HTMLOptionElement).value} ${x.textContent}`))).toEqual([
      '7000000000000000001 Client A',
      '7000000000000000002 Client B',
    ]);
    await page.selectOption('#file', 'agency.csv');
    await page.waitForSelector('#rows tbody tr');
    await page.uncheck('#links');
    await page.click('#plan');
    await page.waitForSelector('#plan-panel:not([hidden])');
    const facts = (await page.textContent('#plan-facts'))!;
    expect(facts).toMatch(/Calls this batch needs0/);
    expect(await page.isDisabled('#launch')).toBe(true); // nothing to create until an advertiser is chosen
    expect(facts).toContain('choose an advertiser in "Advertiser ID"');
    expect(facts).not.toMatch(/--|the same command/);
    await page.fill('#advertiser', '7000000000000000002');
    await page.click('#plan');
    await page.waitForFunction(() => /Calls this batch needs20/.test(document.querySelector('#plan-facts')?.textContent ?? ''));
    // A duplicate row asks for the box, not for a flag.
    await writeFile(join(dir, 'twice.csv'), [csv.split('\n')[0], csv.split('\n')[1], csv.split('\n')[1]].join('\n'));
    await page.click('#refresh');
    await page.waitForSelector('#file option[value="twice.csv"]', { state: 'attached' });
    await page.selectOption('#file', 'twice.csv');
    await page.waitForSelector('#rows [data-code="row.duplicate"]');
    expect(await page.textContent('#rows [data-code="row.duplicate"]')).toMatch(/tick "Allow duplicate rows"$/);
    expect((page as Page & { errors: string[] }).errors).toEqual([]);

    const refused = await open(await ui(dir, sim.url, { env: { ADSPIRER_API_KEY: 'sk_live_not_a_key_of_this_account' } }), 'agency.csv');
    await refused.waitForFunction(() => /^API key refused/.test(document.querySelector('#service')?.textContent ?? ''));
    expect(await refused.$$eval('#advertisers option', (o) => o.length)).toBe(0);
  });

  it('marks and counts the rows whose links the batch warned of, and the warnings filter finds them', async () => {
    const tls = await certificate();
    // A landing page that answers 404 is a warning, not a reason to hold the ad back (links/verdict.ts).
    const host = createHttpsServer(tls, (req, res) => {
      res.writeHead(/\/page\/[13]$/.test(req.url ?? '') ? 404 : 200, { 'content-type': 'text/html' });
      res.end();
    });
    await new Promise<void>((r) => host.listen(0, '127.0.0.1', r));
    const base = `https://127.0.0.1:${(host.address() as AddressInfo).port}`;
    try {
      const dir = await tempDir();
      const rows = Array.from({ length: 5 }, (_, i) => `1780000000000000101,Coffee ${i},${base}/page/${i},700000000000000${i}1`);
      await writeFile(join(dir, 'linked.csv'), ['adgroup_id,ad_text,landing_page_url,video_id', ...rows].join('\n'));
      const sim = await startSim();
      const page = await open(await ui(dir, sim.url, { linkDispatcher: new Agent({ connect: { ca: tls.cert } }) }), 'linked.csv');
      await page.selectOption('#file', 'linked.csv');
      await page.waitForSelector('#rows tbody tr');
      await page.click('#launch');
      await page.waitForSelector('#summary:not([hidden])', { timeout: 20_000 });
      expect(await page.textContent('#summary-text')).toBe('Done. 5 created, 2 with link warnings (marked !).');
      expect(await page.$$eval('td.status.linkwarn', (cells) => cells.map((c) => c.closest('tr')!.dataset.row))).toEqual(['3', '5']);
      expect(await page.getAttribute('tr[data-row="3"] td.status', 'title')).toMatch(/answered 404/);
      expect(await page.textContent('#counts')).toMatch(/· 2 rows with link warnings/);
      await page.check('input[name=filter][value=warnings]');
      await page.waitForFunction(() => document.querySelectorAll('#rows tbody tr').length === 2);
      expect(await page.$$eval('#rows tbody tr', (r) => r.map((tr) => (tr as HTMLElement).dataset.row))).toEqual(['3', '5']);
      expect(await page.$$eval('#rows tbody td.status', (c) => c.map((td) => td.className))).toEqual([
        'status s-created linkwarn',
        'status s-created linkwarn',
      ]);
      expect((page as Page & { errors: string[] }).errors).toEqual([]);
    } finally {
      host.close();
    }
  }, 40_000);

  it('a second launch of a running batch is refused with the reason', async () => {
    const { dir, sim, server } = await slowBatchPage(100);
    const h = { 'x-token': server.token, 'content-type': 'application/json' };
    const body = JSON.stringify({ file: 'campaign.csv', checkLinks: false });
    expect((await raw(`${server.url}/api/launch`, { method: 'POST', headers: h, body })).status).toBe(200);
    const second = await raw(`${server.url}/api/launch`, { method: 'POST', headers: h, body });
    expect(second.status).toBe(400);
    expect(JSON.parse(second.body).error).toBe(`${join(dir, 'campaign.csv')} is already being uploaded from this page; wait for it to finish or press Stop.`);
    // The CLI on the same batch meets the batch lock, once the page's run holds it (it is sending).
    while (sim.stats().requests === 0) await new Promise((r) => setTimeout(r, 10));
    const other = await cli(['upload', join(dir, 'campaign.csv'), '--endpoint', sim.url], { ADSPIRER_API_KEY: KEY });
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/another run of this batch is in progress/);
    await raw(`${server.url}/api/stop`, { method: 'POST', headers: h, body });
    // Stop lets the requests in flight finish and writes the report: wait for the batch to end
    // before the test's folder is removed, or the removal races the last writes.
    await server.close();
  }, 20_000);
});

// playwright-core drives only its own patched Firefox; puppeteer-core drives a stock one over
// WebDriver BiDi, so the page is checked in the Firefox users have.
describe.runIf(browserSuiteRuns('Firefox', FIREFOX_FOUND))('the page in headless Firefox', () => {
  it('checks a sheet (red cells, counts) and launches a batch to the end', async () => {
    if (!existsSync(FIREFOX)) throw new Error(`Firefox not found at ${FIREFOX}: install Debian's firefox-esr package or set FIREFOX_PATH.`);
    const dir = await folderWith('campaign-broken.csv');
    const sim = await startSim();
    const server = await ui(dir, sim.url);
    // The window's own size, not setViewport: Firefox ESR 140's WebDriver BiDi has no screen
    // orientation override, which puppeteer's setViewport asks for.
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX,
      headless: true,
      defaultViewport: null,
      args: ['--width=1280', '--height=800'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('dialog', (d) => void d.accept());
      await page.goto(server.openUrl);
      await page.waitForSelector('#file option[value="campaign-broken.csv"]');
      await page.select('#file', 'campaign-broken.csv');
      await page.waitForSelector('#rows tbody tr');
      expect(await page.$eval('#counts', (e) => e.textContent)).toMatch(/^19 ads: 2 valid, 17 invalid/);
      expect(await page.$$eval('td.bad', (cells) => cells.length)).toBeGreaterThanOrEqual(17);
      await page.click('#links'); // unchecked: the fixture's links are not ours to fetch
      await page.click('#launch');
      // Polled from here: Firefox 140 holds waitForFunction's evaluated function to the page's CSP.
      await expect.poll(() => page.$eval('#summary-text', (e) => e.textContent ?? ''), { timeout: 20_000 }).toMatch(/^Done/);
      expect(await page.$eval('#summary-text', (e) => e.textContent)).toBe('Done. 2 created, 17 invalid.');
      expect(sim.stats().created).toBe(2);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});

describe("the page's API over plain HTTP, in-process: plan, launch, events, stop, downloads, status changes", () => {
  const call = (server: UiServer) => ({
    get: (path: string) => fetch(`${server.url}${path}`, { headers: { 'x-token': server.token } }),
    post: (path: string, body: unknown) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'x-token': server.token, 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
  });
  /** The batch's story as the page hears it: server-sent events until the batch ends. */
  async function story(server: UiServer, file: string): Promise<BatchEvent[]> {
    const res = await call(server).get(`/api/events?file=${encodeURIComponent(file)}`);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const text = await res.text();
    return text
      .split('\n\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6)) as BatchEvent);
  }

  it('plans with the free calls, launches, streams the story to its end, and serves the report and retry file', async () => {
    const dir = await folderWith('campaign-broken.csv', 'campaign.csv');
    const sim = await startSim({ quota: 10 });
    const server = await ui(dir, sim.url);
    const api = call(server);
    // 20 valid rows and room for 10: ten to send, ten held back by the quota, named by their first rows and last.
    const plan = (await (await api.post('/api/plan', { file: 'campaign.csv', checkLinks: false })).json()) as PagePlan;
    expect(sim.stats().created).toBe(0);
    expect(plan).toMatchObject({ toSend: 10, carried: 0, marks: [], marksLeft: 0, quota: { used: 0, limit: 10 } });
    expect(plan.held).toHaveLength(1);
    expect(plan.held[0]!.why).toMatch(/quota/);
    expect(plan.held[0]!.count).toBe(10);
    expect(plan.held[0]!.rows).toEqual([12, 13, 14, 15, 16, 17, 21]);
    expect(plan.messages.join('\n')).not.toMatch(/--[a-z]/); // in the page's words
    // A sheet with invalid rows: each is marked for the table, with its reason.
    const broken = (await (await api.post('/api/plan', { file: 'campaign-broken.csv', checkLinks: false })).json()) as PagePlan;
    expect(broken.marks.length).toBe(broken.summary.counts.invalid);
    expect(broken.marks.every((m) => m.status === 'invalid' && typeof m.error === 'string')).toBe(true);
    expect(broken.toSend).toBe(2);

    const started = await api.post('/api/launch', { file: 'campaign-broken.csv', checkLinks: false });
    expect(await started.json()).toEqual({ started: true });
    const events = await story(server, 'campaign-broken.csv');
    const done = events.at(-1)!;
    expect(done.type).toBe('done');
    const rows = events.filter((e): e is Extract<BatchEvent, { type: 'row' }> => e.type === 'row');
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.line).not.toHaveProperty('input');
      expect(r.line).not.toHaveProperty('key');
    }
    expect(events.some((e) => e.type === 'message')).toBe(true);
    expect(sim.stats().created).toBe(2);
    // Once the batch is over, a late page hears its end but not its rows (they are in the report).
    const late = await story(server, 'campaign-broken.csv');
    expect(late.some((e) => e.type === 'row')).toBe(false);
    // …and of its progress only the newest, just before the end.
    expect(late.filter((e) => e.type === 'progress')).toHaveLength(1);
    expect(late.at(-2)!.type).toBe('progress');
    expect(late.at(-1)!.type).toBe('done');
    // A file nobody launched: an empty story, ended at once.
    expect(await story(server, 'other.csv')).toEqual([]);

    const files = (await (await api.get('/api/files')).json()) as { files: { name: string }[]; running: string[]; key: boolean };
    expect(files).toMatchObject({ running: [], key: true });
    const names = files.files.map((f) => f.name);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['campaign-broken.csv', 'campaign-broken.results.csv', 'campaign.csv']));
    expect(names.some((n) => n.endsWith('.journal') || n.endsWith('.lock'))).toBe(false);
    const check = await (await api.get('/api/download?file=campaign-broken.csv&kind=report&check=1')).json();
    expect(check).toEqual({ file: 'campaign-broken.results.csv', exists: true });
    const report = await api.get('/api/download?file=campaign-broken.csv&kind=report');
    expect(report.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = async (r: Response) => Buffer.from(await r.arrayBuffer());
    expect(await bytes(report)).toEqual(await readFile(join(dir, 'campaign-broken.results.csv')));
    const retry = await api.get('/api/download?file=campaign-broken.csv&kind=retry');
    expect(await bytes(retry)).toEqual(await readFile(join(dir, 'campaign-broken.retry.csv')));
    expect(await (await api.get('/api/download?file=campaign-broken.csv&kind=report&format=xlsx&check=1')).json()).toEqual({
      file: 'campaign-broken.results.xlsx',
      exists: false,
      message: 'campaign-broken.results.xlsx does not exist yet: it is written when a batch runs.',
    });
    const missing = await api.get('/api/download?file=campaign-broken.csv&kind=report&format=xlsx');
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: string }).error).toBe('campaign-broken.results.xlsx does not exist yet: it is written when a batch runs.');
  }, 30_000);

  it('stops a running batch; a second launch or a plan while it runs is refused; pause, resume and delete change its ads', async () => {
    const dir = await folderWith('campaign.csv');
    const sim = await startSim({ latencyMs: 60 });
    const server = await ui(dir, sim.url, { uploadTuning: { ...TUNING, concurrency: 1, rate: 5 } });
    const api = call(server);
    expect(await (await api.post('/api/stop', { file: 'campaign.csv' })).json()).toEqual({ stopping: false });
    await api.post('/api/launch', { file: 'campaign.csv', checkLinks: false });
    await expect.poll(() => sim.stats().created, { timeout: 10_000, interval: 20 }).toBeGreaterThanOrEqual(2);
    const again = await api.post('/api/launch', { file: 'campaign.csv', checkLinks: false });
    expect(again.status).toBe(400);
    expect(((await again.json()) as { error: string }).error).toMatch(
      /campaign\.csv is already being uploaded from this page; wait for it to finish or press Stop\./,
    );
    const planning = await api.post('/api/plan', { file: 'campaign.csv' });
    expect(((await planning.json()) as { error: string }).error).toBe('campaign.csv is being uploaded; wait for it to finish or press Stop.');
    expect(((await (await api.get('/api/files')).json()) as { running: string[] }).running).toEqual(['campaign.csv']);
    expect(await (await api.post('/api/stop', { file: 'campaign.csv' })).json()).toEqual({ stopping: true });
    const events = await story(server, 'campaign.csv');
    const done = events.at(-1) as Extract<BatchEvent, { type: 'done' }>;
    expect(done.summary.stopped).toBe('interrupted');
    const made = sim.stats().created;
    expect(made).toBeLessThan(20);

    const pause = (await (await api.post('/api/ad-status', { file: 'campaign.csv', action: 'pause' })).json()) as StatusSummary & { messages: string[] };
    expect(pause).toMatchObject({ command: 'pause', ads: made, counts: { done: made } });
    expect(pause.messages[0]).toMatch(new RegExp(`^pause: ${made} ads? of campaign\\.csv to be paused`));
    expect(sim.ads().every((a) => a.status === 'DISABLE')).toBe(true);
    const resume = (await (await api.post('/api/ad-status', { file: 'campaign.csv', action: 'resume' })).json()) as StatusSummary;
    expect(resume.counts.done).toBe(made);
    const odd = await api.post('/api/ad-status', { file: 'campaign.csv', action: 'archive' });
    expect(odd.status).toBe(400);
    expect(((await odd.json()) as { error: string }).error).toBe('Choose pause, resume or delete.');
    const gone = (await (await api.post('/api/ad-status', { file: 'campaign.csv', action: 'delete' })).json()) as StatusSummary;
    expect(gone.counts.done).toBe(made);
    expect(sim.ads().every((a) => a.status === 'DELETE')).toBe(true);
  }, 30_000);

  it('answers what it cannot do in words: no key, no such action, a body that is not a JSON object, a template in either format', async () => {
    const dir = await folderWith('campaign.csv');
    const keyless = await startUi({ dir, port: 0, env: {}, endpoint: 'http://127.0.0.1:1' });
    servers.push(keyless);
    const refused = await call(keyless).post('/api/launch', { file: 'campaign.csv' });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toBe('No API key: start the page with ADSPIRER_API_KEY set, or with --api-key-file PATH.');
    expect(((await (await call(keyless).get('/api/files')).json()) as { key: boolean; endpoint: string }).key).toBe(false);
    const server = await ui(dir, undefined);
    const api = call(server);
    const none = await api.get('/api/nothing');
    expect(none.status).toBe(404);
    expect(await none.json()).toEqual({ error: 'GET /api/nothing: no such page or action.' });
    for (const body of ['[1,2]', 'not json', '"text"', 'null']) {
      const bad = await api.post('/api/stop', body);
      expect(bad.status, body).toBe(400);
      expect(((await bad.json()) as { error: string }).error).toBe('the request body must be a JSON object');
    }
    expect((await api.post('/api/stop', '')).status).toBe(400); // {} names no file
    const csv = await api.get('/api/template');
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(Buffer.from(await csv.arrayBuffer()).toString('utf8')).toBe(templateCsv()); // its BOM too (fetch's text() drops it)
    const xlsx = await api.get('/api/template?format=xlsx');
    expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(xlsx.headers.get('content-disposition')).toMatch(/filename="tiktok-ads-template\.xlsx"/);
    expect(
      Buffer.from(await xlsx.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    const sheets = await api.post('/api/sheets', { file: 'campaign.csv' });
    expect(await sheets.json()).toEqual({ sheets: [] });
    const huge = await api.post('/api/stop', JSON.stringify({ file: 'x'.repeat(1024 * 1024) }));
    expect(((await huge.json()) as { error: string }).error).toBe('request too large');
    // The page's own script and style, with their types; nothing else from its folder.
    const js = await fetch(`${server.url}/app.js?t=${server.token}`);
    expect([js.status, js.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
    const css = await fetch(`${server.url}/style.css?t=${server.token}`);
    expect([css.status, css.headers.get('content-type')]).toEqual([200, 'text/css; charset=utf-8']);
    expect((await fetch(`${server.url}/index.html?t=${server.token}`)).status).toBe(404);
    // A second page on a port in use says so.
    await expect(startUi({ dir, port: Number(new URL(server.url).port), env: {}, endpoint: 'http://127.0.0.1:1' })).rejects.toMatchObject({
      code: 'SETUP',
      message: `port ${new URL(server.url).port} is in use; choose another with --port N (0 = any free port).`,
    });
  });

  it('the check takes the sheet, --map, --ad-name and encoding as the page sends them', async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, 'agency.csv'),
      'adgroup_id,ad_text,landing_page_url,video_url,Client,Notes\n1780000000000000101,Café,https://e.example.com/1,https://c.example.com/1.mp4,7000000000000000002,x\n',
    );
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Notes').addRow(['todo']);
    const ads = wb.addWorksheet('Ads');
    ads.addRow(['adgroup_id', 'ad_text', 'landing_page_url', 'video_url']);
    ads.addRow(['1780000000000000101', 'Tea', 'https://e.example.com/2', 'https://c.example.com/2.mp4']);
    await wb.xlsx.writeFile(join(dir, 'two.xlsx'));
    const server = await ui(dir, undefined);
    const check = async (body: Record<string, unknown>) => {
      const res = await call(server).post('/api/check', body);
      return (await res.text())
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    };
    const mapped = await check({ file: 'agency.csv', map: ['Client=advertiser_id'], adName: '{row}: {ad_text}', encoding: 'latin1' });
    expect(mapped[0]).toMatchObject({ type: 'head', ownColumns: [{ name: 'Client', field: 'advertiser_id' }, { name: 'Notes' }] });
    const rows = mapped.find((l) => l.type === 'rows') as { rows: { cells: unknown[] }[] };
    // Read as Latin-1, the UTF-8 é is two characters: the option reached the reader.
    expect(JSON.stringify(rows.rows[0])).toContain('CafÃ©');
    const plain = await check({ file: 'agency.csv' });
    expect(plain[0]).toMatchObject({ ownColumns: [{ name: 'Client' }, { name: 'Notes' }] });
    const sheet = await check({ file: 'two.xlsx', sheet: 'Ads' });
    expect(sheet[0]).toMatchObject({ type: 'head', sheetName: 'Ads' });
    const found = await check({ file: 'two.xlsx' });
    expect(found[0]).toMatchObject({ sheetName: 'Ads' });
    expect((found.at(-1) as { counts: { valid: number } }).counts.valid).toBe(1);
  });

  it('a dropped file is saved in the folder under its own name; the same bytes again are no change; a different file asks; x-replace replaces', async () => {
    const dir = await tempDir();
    const server = await ui(dir, undefined);
    const drop = (name: string, body: string, replace = false) =>
      fetch(`${server.url}/api/file`, {
        method: 'POST',
        headers: { 'x-token': server.token, 'x-file-name': encodeURIComponent(name), ...(replace ? { 'x-replace': '1' } : {}) },
        body,
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
    const name = 'Kampagne – Q3.csv';
    expect(await drop(name, 'adgroup_id,ad_text\n1,a\n')).toEqual({ status: 200, body: { saved: true, file: name } });
    expect(await readFile(join(dir, name), 'utf8')).toBe('adgroup_id,ad_text\n1,a\n');
    expect(await drop(name, 'adgroup_id,ad_text\n1,a\n')).toEqual({ status: 200, body: { saved: true, file: name } });
    const other = await drop(name, 'adgroup_id,ad_text\n2,b\n');
    expect(other.body).toEqual({
      saved: false,
      exists: true,
      message: `${name} already exists in ${dir} with other contents. Replace it? Its batch files (report, journal) stay, so rows created earlier are still carried over.`,
    });
    expect(await readFile(join(dir, name), 'utf8')).toBe('adgroup_id,ad_text\n1,a\n');
    expect((await drop(name, 'adgroup_id,ad_text\n2,b\n', true)).body).toEqual({ saved: true, file: name });
    expect(await readFile(join(dir, name), 'utf8')).toBe('adgroup_id,ad_text\n2,b\n');
    const pdf = await drop('brief.pdf', '%PDF');
    expect(pdf).toEqual({ status: 400, body: { error: 'brief.pdf: the page takes .csv, .tsv, .txt and .xlsx files.' } });
    // Files the page lists: sheets only, not hidden ones, not Excel's lock files, not folders.
    await writeFile(join(dir, '.hidden.csv'), 'x');
    await writeFile(join(dir, '~$Kampagne.xlsx'), 'x');
    await writeFile(join(dir, 'notes.md'), 'x');
    await mkdir(join(dir, 'old.csv'));
    const listed = (await (await call(server).get('/api/files')).json()) as { files: { name: string; size: number; modified: string }[] };
    expect(listed.files.map((f) => f.name)).toEqual([name]);
    expect(listed.files[0]!.size).toBe(Buffer.byteLength('adgroup_id,ad_text\n2,b\n'));
    expect(listed.files[0]!.modified).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});

describe("what the page's header says of the key (serviceState, in-process)", () => {
  it('no key, a key that works (with its quota and advertisers), a refused key (never echoed), no answer, no figures', async () => {
    const base = (url: string) => new URL(url);
    expect(await serviceState(base('http://127.0.0.1:1'), undefined, Date.now())).toEqual({
      key: 'none',
      message: 'No API key: checks only (start the page with ADSPIRER_API_KEY set to plan and create)',
      accounts: [],
    });
    const sim = await startSim({ apiKey: KEY, used: 37, advertisers: ['7000000000000000001=Client A'] });
    const works = await serviceState(base(sim.url), KEY, Date.now());
    expect(works.key).toBe('works');
    expect(works.message).toMatch(/^API key works: 37 of 150 calls used \(plus\), resets \d{4}-\d\d-\d\d$/);
    expect(works.quota).toMatchObject({ used: 37, limit: 150 });
    expect(works.accounts.map((a) => [a.id, a.name])).toEqual([['7000000000000000001', 'Client A']]);
    const wrong = 'sk_live_SOMEONE_ELSE_1234';
    const refused = await serviceState(base(sim.url), wrong, Date.now());
    expect(refused.key).toBe('refused');
    expect(refused.message).toMatch(/^API key refused: /);
    expect(refused.message).not.toContain(wrong);
    expect(refused.accounts).toEqual([]);
    const none = await serviceState(base('http://127.0.0.1:1'), KEY, Date.now());
    expect(none.key).toBe('unknown');
    expect(none.message).toMatch(/^API key not checked: /);
    const blank = await hostile((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ success: true, data: { text: 'Usage: fine' } }));
    }, true);
    const unknown = await serviceState(base(blank.url), KEY, Date.now());
    expect(unknown.key).toBe('unknown');
    expect(unknown.message).toMatch(new RegExp(`^API key loaded; ${base(blank.url).host.replace('.', '\\.')}: quota unknown \\(.+\\)$`));
  });

  it('names a download in any script: an ASCII fallback and the UTF-8 name (RFC 6266, RFC 8187)', () => {
    expect(contentDisposition('Kampagne – Q3 "neu" (1)*\'s\\.csv')).toBe(
      `attachment; filename="Kampagne _ Q3 _neu_ (1)*'s_.csv"; filename*=UTF-8''Kampagne%20%E2%80%93%20Q3%20%22neu%22%20%281%29%2A%27s%5C.csv`,
    );
    expect(contentDisposition('キャンペーン.results.csv')).toBe(
      `attachment; filename="______.results.csv"; filename*=UTF-8''%E3%82%AD%E3%83%A3%E3%83%B3%E3%83%9A%E3%83%BC%E3%83%B3.results.csv`,
    );
  });
});
