import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import { reportRows } from './helpers/report.js';
import { describe, expect, it } from 'vitest';
import { RunError } from '../src/errors.js';
import { openSheet } from '../src/read/open-sheet.js';
import { DEFAULT_LIMITS } from '../src/read/limits.js';
import { cli, processIt, spawnCli } from './helpers/cli.js';
import { hostile } from './helpers/hostile.js';
import { csvRows, tempDir, tempFile } from './helpers/tmp.js';
import { KEY, upload } from './helpers/upload.js';
import type { Simulator } from '../src/sim/server.js';

async function readAllRows(path: string, limits = DEFAULT_LIMITS): Promise<number> {
  const sheet = await openSheet(path, { limits });
  let n = 0;
  for await (const _ of sheet.records) n++;
  return n;
}

describe('fixtures/bad: every bad input ends in a clear message, never a crash or a hang', () => {
  const refused: [string, RegExp][] = [
    ['binary.csv', /is binary data, not a spreadsheet/],
    ['bom-only.csv', /is empty/],
    ['empty.csv', /is empty/],
    ['document.csv', /is a PDF document, not a spreadsheet/],
    ['page.csv', /is an HTML page, not a spreadsheet/],
    ['header-only.csv', /has a header row \(row 1\) but no ads below it/],
    ['wide-header.csv', /has 2000 columns in its header row/],
    ['unclosed-quote.csv', /a quoted cell that starts at row 3 is never closed/],
    ['truncated.xlsx', /is a damaged \.xlsx \(its zip directory is missing or cut off/],
    ['encrypted.xlsx', /password-protected/],
    ['text-named.xlsx', /is a text file with an \.xlsx name/],
    ['not-a-workbook.xlsx', /is a zip archive but not an Excel workbook/],
    ['zip-bomb.xlsx', /is refused: its shared strings unpack to 300 MiB/],
    ['invalid-utf8-mixed.csv', /is not UTF-8 text: line 3 \(byte \d+\) holds bytes that are not UTF-8, and other lines are UTF-8/],
  ];
  for (const [file, message] of refused) {
    it(`${file}: exit 2, one sentence`, async () => {
      const r = await cli(['validate', `fixtures/bad/${file}`]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });
  }

  it('corrupt.xlsx (damaged deflate data): a clear error', async () => {
    const err = await readAllRows('fixtures/bad/corrupt.xlsx', DEFAULT_LIMITS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    expect((err as RunError).message).toMatch(/damaged/);
  });

  it('invalid-utf8.csv (Excel\'s "CSV" on Western Windows): read as Windows-1252, every row valid, with a notice', async () => {
    const r = await cli(['validate', 'fixtures/bad/invalid-utf8.csv', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).counts).toMatchObject({ valid: 3, invalid: 0 });
    expect(r.stderr).toMatch(/Note: fixtures\/bad\/invalid-utf8\.csv is not UTF-8; it was read as Windows-1252/);
  });

  for (const [file, message] of [
    ['nul-bytes.csv', /ad_text: holds a NUL byte/],
    ['wide-row.csv', /column E: and 99995 more cells to its right have values but the header has only 4 columns/],
  ] as const) {
    it(`${file}: only the damaged row is flagged; the others are valid`, async () => {
      const r = await cli(['validate', `fixtures/bad/${file}`, '--json']);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout).counts).toMatchObject({ valid: 2, invalid: 1 });
      expect(r.stderr).toMatch(message);
      expect(r.stderr.split('\n').length).toBeLessThan(12);
    });
  }

  it('a 10 MB cell makes its row invalid and is not a problem for the others', async () => {
    const path = await tempFile('big.csv', csvRows(2, `1780000000000000101,${'x'.repeat(10 * 1024 * 1024)},https://e.com/a,https://e.com/v.mp4\r\n`));
    const before = process.memoryUsage().heapUsed;
    const r = await cli(['validate', path, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).counts).toMatchObject({ valid: 2, invalid: 1 });
    expect(r.stderr).toMatch(/ad_text: is 10,485,760 characters long; no field takes more than 32,768/);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(150 * 1024 * 1024);
  });
});

describe('property: readers end in rows or one clear error, for any bytes', () => {
  for (const ext of ['csv', 'tsv', 'xlsx']) {
    it(`.${ext}`, async () => {
      const dir = await tempDir();
      let n = 0;
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), fc.boolean(), async (bytes, asText) => {
          const data = asText ? Buffer.from(`a,b\n${Buffer.from(bytes).toString('latin1')}`, 'latin1') : Buffer.from(bytes);
          const path = join(dir, `f${n++}.${ext}`);
          await writeFile(path, data);
          try {
            await readAllRows(path, DEFAULT_LIMITS);
          } catch (err) {
            expect(err).toBeInstanceOf(RunError);
            expect((err as RunError).message.length).toBeGreaterThan(10);
          }
        }),
        { numRuns: 120 },
      );
    });
  }
});

describe('a hostile network, over loopback: readable per-row errors or a clean stop, report intact', () => {
  const file = async (rows = 2) => {
    const dir = await tempDir();
    const path = join(dir, 'batch.csv');
    await writeFile(path, csvRows(rows));
    return path;
  };
  const asSim = (url: string) => ({ url }) as unknown as Simulator;

  it('200 with malformed JSON: retried, then unknown (the ad may exist) with a readable message', async () => {
    const h = await hostile((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"success": tr');
    });
    const { summary } = await upload(asSim(h.url), { file: await file(), retries: 1 });
    const rows = await reportRows(summary.report!);
    expect(rows.map((r) => r.status)).toEqual(['unknown', 'unknown']);
    expect(rows[0]!.error).toMatch(
      /^HTTP 200 with a non-JSON answer: the answer could not be read \(gave up after 2 attempts\).*the service may have created it/,
    );
  });

  it('200 with success: false: rejected with the message', async () => {
    const h = await hostile((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ success: false, error: 'TikTok API error 40002: video is still processing', is_error: true }));
    });
    const { summary } = await upload(asSim(h.url), { file: await file() });
    const rows = await reportRows(summary.report!);
    expect(rows[0]).toMatchObject({ status: 'rejected', error: 'TikTok API error 40002: video is still processing', attempts: '1' });
  });

  it('an HTML 502 from a proxy: retried, then failed naming the status and page', async () => {
    const h = await hostile((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>');
    });
    const { summary } = await upload(asSim(h.url), { file: await file(1), retries: 2 });
    expect((await reportRows(summary.report!))[0]!.error).toMatch(/^HTTP 502 with a non-JSON answer \("502 Bad Gateway"\) \(gave up after 3 attempts\)/);
    const sends = h.requests.filter((r) => r.path.includes('add_tiktok_ad'));
    expect(sends).toHaveLength(3);
    // One Idempotency-Key per row, the same on every attempt; the tool names itself.
    expect(new Set(sends.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    expect(sends[0]!.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(sends[0]!.headers['user-agent']).toMatch(/^tiktok-ads-bulk\/\d+\.\d+\.\d+$/);
    expect(JSON.parse(sends[0]!.body)).toMatchObject({ arguments: { adgroup_id: '1780000000000000101', ad_text: 'Fresh coffee 1' } });
  });

  it('a body that stalls half-way: the body timeout ends it', async () => {
    const h = await hostile((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"success": true, "data": {"te');
    });
    const { summary } = await upload(asSim(h.url), { file: await file(1), retries: 1, timeoutSeconds: 0.3 });
    // The request was sent and its answer never completed: the ad may exist.
    expect((await reportRows(summary.report!))[0]).toMatchObject({
      status: 'unknown',
      error: expect.stringMatching(/timed out.*the service may have created it/),
    });
  });

  it('a 429 asking to wait a day is not waited out: past --max-wait the row is not_sent, saying when to come back', async () => {
    const h = await hostile((_req, res) => {
      res.writeHead(429, { 'retry-after': '86400', 'content-type': 'application/json' });
      res.end('{"success": false, "error": "slow down"}');
    });
    const started = Date.now();
    const { summary, stderr } = await upload(asSim(h.url), { file: await file(1) });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(stderr).toMatch(
      /Stopped: TikTok's rate limit has held the batch back 0 s and asks for 86400 s more, past --max-wait 900; run the same command again after \d{4}-\d\d-\d\d \d\d:\d\d to send the rest\./,
    );
    expect(summary).toMatchObject({ stopped: 'throttled', exit_code: 1, counts: { not_sent: 1 } });
    expect((await reportRows(summary.report!))[0]).toMatchObject({
      status: 'not_sent',
      error: expect.stringMatching(/^not created: rate limited \(HTTP 429\): slow down; the batch stopped before a retry/),
    });
  });

  it('a redirect to another host is never followed with the key', async () => {
    const other = await hostile((_req, res) => res.end('{}'), true, '127.0.0.2');
    const h = await hostile((_req, res) => {
      res.writeHead(307, { location: `${other.url}/api/v1/tools/add_tiktok_ad/execute` });
      res.end();
    });
    const err = await upload(asSim(h.url), { file: await file(1) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    expect((err as RunError).message).toMatch(
      /redirect \(HTTP 307 to http:\/\/127\.0\.0\.2:\d+\), which is not followed so the API key stays with the host you named/,
    );
    expect(other.requests).toHaveLength(0);
  });

  it('a connection reset while the request body is on its way: retried, then failed, report intact', async () => {
    const server = createServer((req) => req.once('data', () => req.socket.destroy()));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const path = await file(2);
      const r = await cli(['upload', path, '--endpoint', url, '--retries', '1', '--json', '--dry-run'], { ADSPIRER_API_KEY: KEY });
      // The free preflight itself meets the reset: the run still ends cleanly with every row reported.
      expect(r.code).toBe(0);
      const { summary } = await upload(asSim(url), { file: path, retries: 1 });
      const rows = await reportRows(summary.report!);
      expect(rows).toHaveLength(2);
      // The body was on its way when the connection closed: the outcome is in doubt.
      expect(rows.every((row) => row.status === 'unknown' && /connection was closed|network error/.test(row.error!))).toBe(true);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('secrets', () => {
  it('a server that echoes the key back: it appears in no output, report, journal or retry file', async () => {
    const h = await hostile((req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ success: false, error: `Token ${req.headers.authorization} is not allowed for this ad group` }));
    });
    const dir = await tempDir();
    const path = join(dir, 'batch.csv');
    await writeFile(path, csvRows(2));
    const keyFile = join(dir, 'key.txt');
    await writeFile(keyFile, KEY, { mode: 0o600 });
    const viaEnv = await cli(['upload', path, '--endpoint', h.url, '--debug', '--json'], { ADSPIRER_API_KEY: KEY });
    const viaFile = await cli(['upload', path, '--endpoint', h.url, '--debug', '--api-key-file', keyFile, '--report', join(dir, 'r2.xlsx')], {});
    expect(h.requests.some((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
    const everything = [viaEnv.stdout, viaEnv.stderr, viaFile.stdout, viaFile.stderr];
    for (const f of await readdir(dir)) if (f !== 'key.txt') everything.push(await readFile(join(dir, f), 'utf8'));
    expect(everything.join('\n')).not.toContain(KEY);
    expect(everything.join('\n')).toContain('[key redacted]');
  });

  it('a service that echoes the key in pieces (cut short, base64, spaced out): no 6-character piece of the secret anywhere', async () => {
    const secret = KEY.replace(/^sk_live_/, '');
    const b64 = Buffer.from(KEY).toString('base64');
    const h = await hostile((req, res) => {
      const key = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          success: false,
          error: `Invalid API key: ${key.slice(0, -1)}; as sent: ${Buffer.from(key).toString('base64')}; spelled: ${key.split('').join(' ')}; other: sk_test_abcdefgh1234`,
        }),
      );
    });
    const dir = await tempDir();
    const path = join(dir, 'batch.csv');
    await writeFile(path, csvRows(2));
    const r = await cli(['upload', path, '--endpoint', h.url, '--json'], { ADSPIRER_API_KEY: KEY });
    const rows = await reportRows(join(dir, 'batch.results.csv'));
    expect(rows[0]!.error).toMatch(/Invalid API key: \[key redacted\]; as sent: .*\[key redacted\].*; spelled: .*\[key redacted\].*; other: \[key redacted\]/);
    const everything = [r.stdout, r.stderr];
    for (const f of await readdir(dir)) everything.push(await readFile(join(dir, f), 'utf8'));
    expect(everything.length).toBeGreaterThan(4); // report, journal and retry file were written
    const all = everything.join('\n');
    const dense = all.replace(/\s/g, '');
    for (let i = 0; i + 6 <= secret.length; i++) {
      expect(all).not.toContain(secret.slice(i, i + 6));
      expect(dense).not.toContain(secret.slice(i, i + 6));
    }
    for (let i = 12; i + 6 <= b64.length - 4; i++) expect(all).not.toContain(b64.slice(i, i + 6));
    expect(all).not.toContain('abcdefgh1234');
  });

  processIt('a 401 echoing the key, seen through the real process with --debug', async () => {
    const h = await hostile((req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ success: false, error: `invalid key ${req.headers.authorization}` }));
    }, true);
    const path = await tempFile('b.csv', csvRows(1));
    const r = await spawnCli(['upload', path, '--endpoint', h.url, '--debug'], { ADSPIRER_API_KEY: KEY });
    expect(r.code).toBe(4);
    expect(r.stdout + r.stderr).not.toContain(KEY);
  });
});

describe('report paths that cannot be written end with exit 2 before any paid call', () => {
  it('a folder the user may not write to', async () => {
    const dir = await tempDir();
    const path = join(dir, 'batch.csv');
    await writeFile(path, csvRows(1));
    // Root may write almost anywhere; a system folder still refuses it. Others meet a locked folder.
    let report = '/sys/tiktok-ads-bulk-report.csv';
    if (process.getuid?.() !== 0) {
      const locked = join(dir, 'locked');
      await mkdir(locked);
      await chmod(locked, 0o555);
      report = join(locked, 'r.csv');
    }
    const h = await hostile((_req, res) => res.end('{}'), true);
    const err = await upload({ url: h.url } as unknown as Simulator, { file: path, report }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    expect((err as RunError).exitCode).toBe(2);
    expect((err as RunError).message).toMatch(/Cannot write the report .*\.csv: permission denied\. Choose another path with --report/);
    expect(h.requests).toHaveLength(0);
  });
});

describe('the multi-account prompt from add_tiktok_ad itself (when the preflight cannot tell)', () => {
  it('stops the batch with exit 2 and lists each account with the flag to use', async () => {
    const prompt =
      'You have 2 tiktok_ads accounts connected. Please specify which account to use by passing the advertiser_id parameter:\n - Acme US (advertiser_id="7000000000000000001")\n - Acme EU (advertiser_id="7000000000000000002")';
    const h = await hostile((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ success: false, error: prompt, is_error: true, tool: 'add_tiktok_ad' }));
    });
    const path = await tempFile('b.csv', csvRows(5));
    const r = await cli(['upload', path, '--endpoint', h.url, '--concurrency', '1', '--rate', '50', '--json'], { ADSPIRER_API_KEY: KEY });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ stopped: 'account', counts: { not_sent: 5 } });
    expect(r.stderr).toMatch(/Run again with one of:\n {2}--advertiser-id 7000000000000000001\n {2}--advertiser-id 7000000000000000002/);
    expect(h.requests.filter((q) => q.path.includes('add_tiktok_ad'))).toHaveLength(1);
  });
});

describe('small truths', () => {
  it('input that is not a regular file (a named pipe) is refused before it is opened, at once', async () => {
    const { execFileSync } = await import('node:child_process');
    const dir = await tempDir();
    const fifo = join(dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    const r = await cli(['validate', fifo]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`Error: ${fifo} is not a regular file (a named pipe, socket or device). Save the sheet to a file and pass that.\n`);
  });

  it("--report equal to the retry file's path is refused up front", async () => {
    const path = await tempFile('b.csv', csvRows(1));
    const r = await cli(['upload', path, '--report', path.replace(/\.csv$/, '.retry.csv')], { ADSPIRER_API_KEY: KEY });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is the retry file's path; the two would overwrite each other/);
  });

  it('success "true" as a string is a success; a 200 with neither a clear success nor an error is unknown, not rejected', async () => {
    const answers = [JSON.stringify({ success: 'true', data: { text: 'Created (ad_id: 1812345678901234567)' } }), JSON.stringify({ data: { text: 'done?' } })];
    let n = 0;
    const h = await hostile((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(answers[Math.min(n++, 1)]);
    });
    const dir = await tempDir();
    const path = join(dir, 'batch.csv');
    await writeFile(path, csvRows(2));
    const { summary } = await upload({ url: h.url } as unknown as Simulator, { file: path, retries: 1, concurrency: 1 });
    const rows = await reportRows(summary.report!);
    expect(rows.map((r) => [r.status, r.ad_id])).toEqual([
      ['created', '1812345678901234567'],
      ['unknown', ''],
    ]);
    expect(rows[1]!.error).toMatch(/answered 200 without saying whether the ad was created.*may have created it/);
  });

  it('a disk that fills names the file and says the batch is resumable', async () => {
    const { writeError } = await import('../src/report/open-writer.js');
    expect(writeError('/data/r.csv', Object.assign(new Error('no space'), { code: 'ENOSPC' })).message).toBe(
      'Cannot write the report /data/r.csv: the disk is full (free some space and run the same command again: the batch is resumable). Choose another path with --report.',
    );
  });
});

describe('XLSX as other writers make it', () => {
  it('rows and cells without their optional r= reference are read by position (fixtures/bad/no-cell-refs.xlsx)', async () => {
    const r = await cli(['validate', 'fixtures/bad/no-cell-refs.xlsx', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rows: 3, counts: { valid: 3 } });
  });

  it('numbers rows and cells by position, continuing from the last reference given', async () => {
    const { numberRowsAndCells } = await import('../src/read/xlsx-refs.js');
    expect(numberRowsAndCells('<row><c t="s"><v>0</v></c><c/></row><row r="5"><c r="C5"><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>')).toBe(
      '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"/></row><row r="5"><c r="C5"><v>1</v></c><c r="D5"><v>2</v></c></row><row r="6"><c r="A6"><v>3</v></c></row>',
    );
  });

  it("a damaged workbook's message is our own sentence, never the reader's internal text", async () => {
    const r = await cli(['validate', 'fixtures/bad/corrupt.xlsx']);
    expect(r.stderr).toMatch(
      /is a damaged or unsupported \.xlsx workbook \((its zip structure is damaged|its contents could not be read|its parts do not match the sizes its zip directory declares)\)\. Open it in Excel or LibreOffice and save it again\./,
    );
    expect(r.stderr).not.toMatch(/Cannot read properties|undefined|TypeError/);
  });
});

describe('bombs that lie about their sizes', () => {
  // fixtures/bad/lying-sizes.xlsx: 53 KB whose shared strings (400,000 texts, 16 MB inflated) declare 1,000 bytes.
  const read = async (zip: Partial<import('../src/read/zip-guard.js').ZipLimits>) => {
    const { ZIP_LIMITS } = await import('../src/read/zip-guard.js');
    return readAllRows('fixtures/bad/lying-sizes.xlsx', { ...DEFAULT_LIMITS, zip: { ...ZIP_LIMITS, ...zip } }).then(
      () => 'read',
      (e: unknown) => (e as Error).message,
    );
  };
  it('the bytes actually inflated are counted, per part, for the shared strings and in total, by count too', async () => {
    expect(await read({ maxSharedStringsBytes: 8 * 1024 * 1024 })).toMatch(/is refused: its shared strings unpack to more than 8 MiB/);
    expect(await read({ maxPartBytes: 4 * 1024 * 1024 })).toMatch(/is refused: its shared strings unpack to more than 4 MiB/);
    expect(await read({ maxTotalBytes: 4 * 1024 * 1024 })).toMatch(/is refused: its parts unpack to more than 4 MiB together/);
    expect(await read({ maxSharedStrings: 1000 })).toMatch(/is refused: its shared strings hold more than 1,000 texts/);
  });
  it('within the limits, the lie itself is a clear FILE error', async () => {
    const r = await cli(['validate', 'fixtures/bad/lying-sizes.xlsx']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/its parts do not match the sizes its zip directory declares/);
  });
});

describe('sheets that are not read are not parsed', () => {
  it('a damaged sheet after the one with the header does not stop the read; asked for by --sheet, it does', async () => {
    const ExcelJS = (await import('exceljs')).default;
    const JSZip = (await import('jszip')).default;
    const wb = new ExcelJS.Workbook();
    const ads = wb.addWorksheet('Ads');
    ads.addRow(['adgroup_id', 'ad_text', 'landing_page_url', 'video_url']);
    ads.addRow(['1780000000000000101', 'Fresh coffee', 'https://e.com/a', 'https://e.com/v.mp4']);
    for (let i = 0; i < 20; i++) wb.addWorksheet(`Filler ${i}`).addRow(['filler']);
    const zip = await JSZip.loadAsync(Buffer.from(await wb.xlsx.writeBuffer()));
    for (let i = 2; i <= 21; i++) zip.file(`xl/worksheets/sheet${i}.xml`, '<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>not closed');
    const path = join(await tempDir(), 'filler.xlsx');
    await writeFile(path, await zip.generateAsync({ type: 'nodebuffer' }));
    const ok = await cli(['validate', path, '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ rows: 1, counts: { valid: 1 } });
    const asked = await cli(['validate', path, '--sheet', 'Filler 3']);
    expect(asked.code).toBe(2);
    expect(asked.stderr).toMatch(/is a damaged or unsupported \.xlsx workbook/);
  });
});
