import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEY_NAMESPACE, idempotencyKey, retryKey } from '../src/keys/idempotency-key.js';
import { JournalWriter, parseJournal } from '../src/batch/journal.js';
import { defaultReportPath, journalPath, retryFileAlternative, retryFilePath } from '../src/report/paths.js';
import { RetryFileWriter, type RetryFileOutcome } from '../src/report/retry-file.js';
import type { ReportLine } from '../src/report/report-line.js';
import { needsAttention, UPLOAD_STATUSES } from '../src/report/status.js';
import { redact } from '../src/send/redact.js';
import { RunError } from '../src/errors.js';
import { tempDir } from './helpers/tmp.js';

describe('keys of re-sends (--retry-rejected)', () => {
  it('generation 0 is the row key itself; later generations are pinned UUID v5s of the key and the generation', () => {
    const key = idempotencyKey({ adgroup_id: '1', ad_text: 'x' }, 1);
    expect(retryKey(key, 0)).toBe(key);
    expect(retryKey(key, 1)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(retryKey(key, 1)).not.toBe(retryKey(key, 2));
    // Cross-checked with Python's uuid.uuid5 over the same name.
    expect(retryKey('00000000-0000-5000-8000-000000000000', 1)).toBe('1c197ecf-2dfb-59ca-8dcf-16a6f713cf00');
    expect(KEY_NAMESPACE).toBe('f9dbc566-79c4-49a3-a6d2-93de62cf34fe');
  });
});

describe('paths of a batch', () => {
  it('report, journal and retry file beside the input or in the current folder for a link', () => {
    expect(defaultReportPath({ dir: 'a', stem: 'spring', workbook: false })).toBe(join('a', 'spring.results.csv'));
    expect(journalPath('a/r.csv')).toBe('a/r.csv.journal');
    expect(retryFilePath({ dir: 'a', stem: 'spring', workbook: false })).toBe(join('a', 'spring.retry.csv'));
    expect(retryFilePath({ dir: 'a', stem: 'spring', workbook: true })).toBe(join('a', 'spring.retry.xlsx'));
    expect(retryFilePath({ dir: 'a', stem: 'spring', workbook: false }, 'xlsx')).toBe(join('a', 'spring.retry.xlsx'));
    expect(retryFileAlternative(join('a', 'spring.retry.csv'), 2)).toBe(join('a', 'spring.retry-2.csv'));
  });
  it('every status but created needs attention', () => {
    expect(UPLOAD_STATUSES.filter(needsAttention)).toEqual(['invalid', 'rejected', 'failed', 'not_sent', 'unknown']);
    expect(needsAttention('valid')).toBe(false);
  });
});

describe('the journal records retry files and re-send generations', () => {
  it('keeps the latest hash per retry file and the highest generation per row key', () => {
    const text = [
      '{"journal":"tiktok-ads-bulk","v":1,"file":"b.csv","date":"2026-12-01"}',
      '{"event":"retry-file","file":"b.retry.csv","sha256":"aaa"}',
      '{"event":"retry-file","file":"b.retry.csv","sha256":"bbb"}',
      '{"key":"g1","row":2,"event":"sending","base":"k","generation":1}',
      '{"key":"g2","row":2,"event":"sending","base":"k","generation":2}',
      '{"key":"g2","row":2,"event":"result","status":"unknown","attempts":1,"adgroup":"178"}',
      '',
    ].join('\n');
    const j = parseJournal('j', text);
    expect([...j.retryFiles]).toEqual([['b.retry.csv', 'bbb']]);
    expect([...j.generations]).toEqual([['k', 2]]);
    expect(j.states.get('g2')).toEqual({ status: 'unknown', row: 2, adgroup: '178' });
  });
});

/** A whole retry file from its lines, as a run writes it line by line. */
async function writeRetryFile(
  path: string,
  header: readonly string[],
  lines: readonly ReportLine[],
  ours: ReadonlyMap<string, string>,
): Promise<RetryFileOutcome> {
  const writer = RetryFileWriter.open(path, header, ours, 'b.results.csv');
  for (const line of lines) await writer.add(line);
  return writer.finish();
}

describe('the retry file', () => {
  const lines = [{ row: 2, status: 'failed' as const, key: 'k', error: 'HTTP 503', attempts: 1, input: ['1', 'x'] }];
  it('replaces its own retry file, keeps an edited one and writes beside it, and removes its own when nothing is left', async () => {
    const dir = await tempDir();
    await mkdir(dir, { recursive: true });
    const path = join(dir, 'b.retry.csv');
    const first = await writeRetryFile(path, ['adgroup_id', 'ad_text'], lines, new Map());
    expect(first.written?.path).toBe(path);
    const ours = new Map([['b.retry.csv', first.written!.sha256]]);
    const again = await writeRetryFile(path, ['adgroup_id', 'ad_text'], lines, ours);
    expect(again).toEqual({ written: { path, sha256: first.written!.sha256 } });
    await writeFile(path, `${await readFile(path, 'utf8')}edited\r\n`);
    const beside = await writeRetryFile(path, ['adgroup_id', 'ad_text'], lines, ours);
    expect(beside.written?.path).toBe(join(dir, 'b.retry-2.csv'));
    expect(beside.note).toMatch(/was edited since this tool wrote it, so it is kept as it is/);
    expect(await readFile(path, 'utf8')).toMatch(/edited/);
    const done = await writeRetryFile(path, ['adgroup_id', 'ad_text'], [{ ...lines[0]!, status: 'created' }], ours);
    expect(done).toEqual({ note: `${path} was edited since this tool wrote it; it is left as it is.` });
  });

  it('with nothing to retry, its own unedited file is removed, and so is one no journal line recorded (a batch whose journal is gone)', async () => {
    const dir = await tempDir();
    await mkdir(dir, { recursive: true });
    const path = join(dir, 'b.retry.csv');
    const first = await writeRetryFile(path, ['adgroup_id', 'ad_text'], lines, new Map());
    const ours = new Map([['b.retry.csv', first.written!.sha256]]);
    expect(await writeRetryFile(path, ['adgroup_id', 'ad_text'], [{ ...lines[0]!, status: 'created' }], ours)).toEqual({});
    expect(await readdir(dir)).toEqual([]);
    await writeFile(path, 'theirs');
    expect(await writeRetryFile(path, ['adgroup_id', 'ad_text'], [], new Map())).toEqual({});
    expect(await readdir(dir)).toEqual([]);
  });

  it('RetryFileWriter writes as lines come, under a hidden name, and puts the file in place at the end; discard leaves nothing', async () => {
    const dir = await tempDir();
    await mkdir(dir, { recursive: true });
    const path = join(dir, 'b.retry.csv');
    const header = ['adgroup_id', 'ad_text'];
    const writer = RetryFileWriter.open(path, header, new Map(), 'b.results.csv');
    const line = (row: number, status: ReportLine['status'], adgroup: string, error?: string): ReportLine => ({
      row,
      status,
      adgroup,
      ...(error ? { error } : {}),
      input: ['1780000000000000101|1780000000000000102', `text ${row}`],
    });
    // Row 2 became two ads: one created, one failed; row 3 was created; row 4 failed twice over.
    await writer.add(line(2, 'created', '1780000000000000101'));
    await writer.add(line(2, 'failed', '1780000000000000102', 'HTTP 503'));
    await writer.add(line(3, 'created', '1780000000000000101'));
    await writer.add(line(4, 'failed', '1780000000000000101', 'HTTP 503'));
    expect(await readdir(dir)).toEqual(['.b.retry.partial.csv']);
    await writer.add(line(4, 'unknown', '1780000000000000102', 'timed out'));
    const done = await writer.finish();
    expect(done.written?.path).toBe(path);
    expect(await readdir(dir)).toEqual(['b.retry.csv']);
    expect((await readFile(path, 'utf8')).split('\r\n')).toEqual([
      '\ufeffadgroup_id,ad_text,retry_of,error',
      '1780000000000000102,text 2,b.results.csv row 2,HTTP 503',
      '1780000000000000101|1780000000000000102,text 4,b.results.csv row 4,HTTP 503 / timed out',
      '',
    ]);

    const failed = RetryFileWriter.open(join(dir, 'c.retry.csv'), header, new Map(), 'c.results.csv');
    await failed.add(line(2, 'failed', '1780000000000000101'));
    await failed.add(line(3, 'failed', '1780000000000000101'));
    await failed.discard();
    expect(await readdir(dir)).toEqual(['b.retry.csv']);
  });
});

describe('redact', () => {
  const key = 'sk_live_AbCdEfGhIjKlMnOp';
  it('masks 6 characters of the secret, never 5; the public prefix alone is not a secret', () => {
    expect(redact('got AbCdEf here', key)).toBe('got [key redacted] here');
    expect(redact('got AbCdE here', key)).toBe('got AbCdE here');
    expect(redact('starts with sk_live_ only', key)).toBe('starts with sk_live_ only');
  });
  it('masks key-shaped tokens of other keys, and works without a key', () => {
    expect(redact('other sk_test_zzzz9999 and sk_live_12345678', undefined)).toBe('other [key redacted] and [key redacted]');
    expect(redact('plain text', undefined)).toBe('plain text');
  });
  it('masks across white space and in base64 at every alignment', () => {
    expect(redact('s e c r e t: A b C d E f G h', key)).toBe('s e c r e t: [key redacted]');
    for (let cut = 0; cut < 3; cut++) {
      const b64 = Buffer.from(key.slice(8 + cut)).toString('base64');
      expect(redact(`x ${b64} y`, key), String(cut)).toContain('[key redacted]');
    }
  });
  it('masks every piece at its edges: the last six characters, overlapping and adjacent runs, the first and last characters of the text', () => {
    expect(redact('KlMnOp', key)).toBe('[key redacted]');
    expect(redact('AbCdEfGhIjKlMnOp!', key)).toBe('[key redacted]!');
    expect(redact('>AbCdEf', key)).toBe('>[key redacted]');
    // Two pieces with one character between them stay two masks; touching pieces become one.
    expect(redact('AbCdEf-IjKlMn', key)).toBe('[key redacted]-[key redacted]');
    expect(redact('AbCdEfIjKlMn', key)).toBe('[key redacted]');
    // A test key's secret, and a key given with spaces around it.
    expect(redact('leaked: TestSecret99', 'sk_test_TestSecret99')).toBe('leaked: [key redacted]');
    expect(redact('sk_live_ is public', 'sk_live_')).toBe('sk_live_ is public');
  });
  it('masks the secret in base64 and URL-safe base64 from any offset, padded or not, and leaves other base64 alone', () => {
    const odd = 'sk_live_??>>??>>??>>AbC';
    const secret = odd.slice(8);
    for (let offset = 0; offset < 6; offset++) {
      const b64 = Buffer.from(secret.slice(offset)).toString('base64');
      const urlSafe = b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      for (const form of [b64, urlSafe]) expect(redact(`[${form}]`, odd), `${offset} ${form}`).not.toContain(form.slice(0, 8));
    }
    const unrelated = Buffer.from('an ordinary message').toString('base64');
    expect(redact(`x ${unrelated} y`, odd)).toBe(`x ${unrelated} y`);
  });
});

describe('the batch lock, case by case', () => {
  it('a damaged lock (a crash between creating and writing it) is taken over with a note', async () => {
    const { BatchLock } = await import('../src/batch/batch-lock.js');
    const dir = await tempDir();
    const path = join(dir, 'r.lock');
    await writeFile(path, '{"pid": 12');
    const lock = await BatchLock.acquire(path, { self: { pid: 7, host: 'h', started: '2026-12-01T10:00:00.000Z' }, isAlive: () => true });
    expect(lock.notice).toBe('a damaged lock of an earlier run was taken over.');
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ pid: 7, host: 'h', started: '2026-12-01T10:00:00.000Z' });
  });
  it('a live lock on this host is refused with its pid, host and time; a lock that cannot be created is a setup error', async () => {
    const { BatchLock } = await import('../src/batch/batch-lock.js');
    const dir = await tempDir();
    const path = join(dir, 'r.lock');
    await writeFile(path, JSON.stringify({ pid: 42, host: 'h', started: '2026-12-01T10:42:00.000Z' }));
    await expect(BatchLock.acquire(path, { self: { pid: 7, host: 'h', started: 'x' }, isAlive: (pid) => pid === 42 })).rejects.toThrow(
      /another run of this batch is in progress \(pid 42 on h since 10:42\); wait for it or stop it/,
    );
    await expect(BatchLock.acquire(join(dir, 'missing', 'r.lock'))).rejects.toThrow(/Cannot create the lock .* \(ENOENT\)/);
  });
});

describe('the journal refuses damage it cannot explain', () => {
  const header = '{"journal":"tiktok-ads-bulk","v":1,"file":"b.csv","date":"2026-12-01"}';
  it('a cut-off last line is tolerated; damage elsewhere and other files are refused', () => {
    expect(parseJournal('j', `${header}\n{"key":"k","row":2,"ev`).truncatedTail).toBe(true);
    expect(() => parseJournal('j', `${header}\nnot json\n{"key":"k","row":2,"event":"sending"}\n`)).toThrow(/is damaged at line 2/);
    expect(() => parseJournal('j', 'hello\n')).toThrow(/is not a tiktok-ads-bulk journal/);
    expect(() => parseJournal('j', '{"journal":"other","v":1,"file":"b"}\n')).toThrow(/is not a tiktok-ads-bulk journal/);
  });
});

describe('the journal, line by line', () => {
  const H = '{"journal":"tiktok-ads-bulk","v":1,"file":"b.csv","date":"2026-12-01"}';
  const journal = (...lines: string[]) => parseJournal('b.journal', `${[H, ...lines].join('\n')}\n`);
  const refused = (text: string) => {
    try {
      parseJournal('b.journal', text);
    } catch (err) {
      return `${(err as RunError).code}: ${(err as Error).message}`;
    }
    return 'read';
  };

  it('reads its header and refuses anything else as a first line', () => {
    expect(journal().header).toEqual({ journal: 'tiktok-ads-bulk', v: 1, file: 'b.csv', date: '2026-12-01' });
    const notOurs = 'REPORT: b.journal is not a tiktok-ads-bulk journal. Move it away or choose another --report.';
    for (const first of [
      '{"journal":"other","v":1,"file":"b.csv"}',
      '{"journal":"tiktok-ads-bulk","v":2,"file":"b.csv"}',
      '{"journal":"tiktok-ads-bulk","v":1,"file":3}',
      'row,status',
      '[]',
    ]) {
      expect(refused(`${first}\n{"key":"a","row":2,"event":"sending"}\n`), first).toBe(notOurs);
    }
    expect(refused(`${H}\n{"key":"a","row":2,"event":"sending"}\nnot json\n`)).toBe(
      'REPORT: b.journal is damaged at line 3 and cannot be read back. Move it away (and the report beside it) to start the batch afresh.',
    );
  });

  it('a journal cut off by a crash: the last line is ignored, even the header; an empty one is a fresh batch', () => {
    expect(parseJournal('j', `${H}\n{"key":"a","row":2,"event":"sending"}\n{"key":"b","ro`)).toMatchObject({
      truncatedTail: true,
      states: new Map([['a', { status: 'in_flight', row: 2 }]]),
    });
    for (const text of ['', '\n', '  \n', '{"journal":"tiktok-ads-bu']) {
      const j = parseJournal('j', text);
      expect(j.truncatedTail, JSON.stringify(text)).toBe(true);
      expect(j.header).toEqual({ journal: 'tiktok-ads-bulk', v: 1, file: '', date: '' });
      expect(j.states.size).toBe(0);
    }
    expect(journal('{"key":"a","row":2,"event":"sending"}').truncatedTail).toBe(false);
  });

  it('a key goes in flight, then to its result; created is final; the ad group is kept from the sending line', () => {
    const j = journal(
      '{"key":"a","row":2,"event":"sending","adgroup":"178"}',
      '{"key":"a","row":2,"event":"result","status":"failed","error":"HTTP 503","attempts":5}',
      '{"key":"b","row":3,"event":"sending","adgroup":"179"}',
      '{"key":"b","row":3,"event":"result","status":"created","ad_id":"1801","attempts":1}',
      '{"key":"b","row":3,"event":"sending"}',
      '{"key":"b","row":3,"event":"result","status":"not_sent","error":"quota","attempts":0}',
      '{"key":"b","row":3,"event":"result","status":"created","ad_id":"1802","attempts":1,"adgroup":"180"}',
      '{"key":"c","row":4,"event":"sending"}',
      '{"key":"d","row":5,"event":"result","status":"rejected","error":"bad text","attempts":1,"adgroup":"181"}',
      '{"row":6,"event":"sending"}',
      '{"key":"e","row":7,"event":"other"}',
    );
    expect(j.states).toEqual(
      new Map([
        ['a', { status: 'failed', row: 2, error: 'HTTP 503', adgroup: '178' }],
        ['b', { status: 'created', row: 3, adId: '1802', adgroup: '180' }],
        ['c', { status: 'in_flight', row: 4 }],
        ['d', { status: 'rejected', row: 5, error: 'bad text', adgroup: '181' }],
      ]),
    );
    expect(journal('{"key":"b","row":3,"event":"result","status":"created","attempts":1}', '{"key":"b","row":3,"event":"sending"}').states.get('b')).toEqual({
      status: 'created',
      row: 3,
    });
  });

  it('keeps the highest re-send generation per row, retry files by name, and usable links; ignores malformed ones', () => {
    const seen = { kind: 'answer', status: 200 };
    const j = journal(
      '{"key":"g2","row":2,"event":"sending","base":"k","generation":2}',
      '{"key":"g1","row":2,"event":"sending","base":"k","generation":1}',
      '{"key":"x","row":3,"event":"sending","base":"m"}',
      '{"key":"y","row":3,"event":"sending","generation":4}',
      '{"event":"retry-file","file":"b.retry.csv","sha256":"aaa"}',
      '{"event":"retry-file","file":"b.retry-2.csv"}',
      '{"event":"retry-file","sha256":"bbb"}',
      `{"event":"link","link":"video_url https://e.com/v.mp4","at":"2026-12-01T10:00:00Z","seen":${JSON.stringify(seen)}}`,
      '{"event":"link","link":"video_url https://e.com/w.mp4","at":"2026-12-01T10:00:00Z","seen":null}',
      '{"event":"link","link":"video_url https://e.com/z.mp4","seen":{}}',
      '{"event":"link","at":"2026-12-01T10:00:00Z","seen":{}}',
    );
    expect([...j.generations]).toEqual([['k', 2]]);
    expect([...j.retryFiles]).toEqual([['b.retry.csv', 'aaa']]);
    expect([...j.links]).toEqual([['video_url https://e.com/v.mp4', { at: '2026-12-01T10:00:00Z', seen }]]);
    expect([...j.states.keys()]).toEqual(['g2', 'g1', 'x', 'y']);
  });

  it('JournalWriter appends whole lines in order, readable by the owner only, after what was there', async () => {
    const dir = await tempDir();
    await mkdir(dir, { recursive: true });
    const path = join(dir, 'b.results.csv.journal');
    const header = { journal: 'tiktok-ads-bulk', v: 1, file: 'b.csv', date: '2026-12-01' } as const;
    const w = await JournalWriter.open(path, header);
    await Promise.all([
      w.append({ key: 'a', row: 2, event: 'sending' }),
      w.append({ key: 'a', row: 2, event: 'result', status: 'created', ad_id: '18', attempts: 1 }),
    ]);
    await w.close();
    const again = await JournalWriter.open(path, undefined);
    await again.append({ event: 'retry-file', file: 'b.retry.csv', sha256: 'aaa' });
    await again.close();
    expect(await readFile(path, 'utf8')).toBe(
      `${JSON.stringify(header)}\n{"key":"a","row":2,"event":"sending"}\n{"key":"a","row":2,"event":"result","status":"created","ad_id":"18","attempts":1}\n{"event":"retry-file","file":"b.retry.csv","sha256":"aaa"}\n`,
    );
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(parseJournal(path, await readFile(path, 'utf8')).states.get('a')).toEqual({ status: 'created', row: 2, adId: '18' });
  });
});
