import { spawn } from 'node:child_process';
import { unlinkSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BatchLock } from '../src/batch/batch-lock.js';
import { RunError } from '../src/errors.js';
import { cli, processIt, spawnCli } from './helpers/cli.js';
import { csvRows, tempDir } from './helpers/tmp.js';
import { KEY, startSim, upload } from './helpers/upload.js';

const env = { ADSPIRER_API_KEY: KEY };
const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

async function batch(rows: number) {
  const dir = await tempDir();
  const file = join(dir, 'batch.csv');
  await writeFile(file, csvRows(rows));
  return { dir, file, lock: join(dir, 'batch.results.csv.lock') };
}

/** A pid that no process has any more: a child that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

describe('one run per batch at a time', () => {
  processIt('a second run of the same batch refuses before any paid call (exit 2); after the first ends, a re-run resumes normally', async () => {
    const sim = await startSim({ latencyMs: 150 });
    const { file: file2, lock: lock2 } = await batch(8);
    const running = spawnCli(['upload', file2, '--endpoint', sim.url, '--rate', '20', '--concurrency', '1', '--json'], env);
    // Wait until the first run holds its lock and has begun sending.
    for (let i = 0; i < 200 && !(await exists(lock2)); i++) await new Promise((r) => setTimeout(r, 10));
    const before = sim.stats().requests;
    const second = await cli(['upload', file2, '--endpoint', sim.url, '--json'], env);
    const requestsWhenSecondRan = sim.stats().requests - before;
    const done = await running;
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(
      new RegExp(`^Error: another run of this batch is in progress \\(pid \\d+ on ${hostname()} since \\d\\d:\\d\\d\\); wait for it or stop it\\.`),
    );
    // The second run made no call at all, paid or free, while the first was sending (at most the first's own).
    expect(requestsWhenSecondRan).toBeLessThanOrEqual(2);
    expect(done.code).toBe(0);
    expect(sim.ads()).toHaveLength(8);
    expect(new Set(sim.ads().map((a) => a.idempotency_key)).size).toBe(8);
    expect(await exists(lock2)).toBe(false);
    const again = await upload(sim, { file: file2 });
    expect(again.summary.counts.created).toBe(8);
    expect(again.stderr).toMatch(/8 already created in an earlier run, 0 to send/);
  });

  it('a lock left by kill -9 (its process gone on this host) is taken over with a notice', async () => {
    const sim = await startSim();
    const { file, lock } = await batch(2);
    await writeFile(lock, JSON.stringify({ pid: await deadPid(), host: hostname(), started: '2026-12-01T10:42:00.000Z' }));
    const r = await upload(sim, { file });
    expect(r.summary.exit_code).toBe(0);
    expect(r.stderr).toMatch(/Note: an earlier run of this batch \(pid \d+ on .* since 10:42\) stopped without releasing its lock; it was taken over\./);
    expect(await exists(lock)).toBe(false);
  });

  processIt('a real kill -9 mid-batch leaves a lock the next run recognises as stale', async () => {
    const sim = await startSim({ latencyMs: 100 });
    const { file, lock } = await batch(6);
    await spawnCli(['upload', file, '--endpoint', sim.url, '--rate', '20', '--concurrency', '1'], env, {
      killAfterMs: 250,
      signal: 'SIGKILL',
      startWhen: /to send/,
    });
    expect(await exists(lock)).toBe(true);
    const r = await upload(sim, { file });
    expect(r.stderr).toMatch(/stopped without releasing its lock; it was taken over/);
    expect(r.summary.counts.created).toBe(6);
    expect(new Set(sim.ads().map((a) => a.idempotency_key)).size).toBe(6);
  });

  it('a lock from another host is refused unless --force-unlock', async () => {
    const sim = await startSim();
    const { file, lock } = await batch(1);
    await writeFile(lock, JSON.stringify({ pid: 4242, host: 'laptop-of-anna', started: '2026-12-01T09:05:00.000Z' }));
    const refused = await cli(['upload', file, '--endpoint', sim.url], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /another run of this batch may be in progress \(pid 4242 on laptop-of-anna since 09:05\); it cannot be checked from here\. Wait for it, or pass --force-unlock if it is over/,
    );
    expect(sim.stats().requests).toBe(0);
    const forced = await cli(['upload', file, '--endpoint', sim.url, '--force-unlock'], env);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toMatch(/Note: the lock of a run on another host \(pid 4242 on laptop-of-anna since 09:05\) was taken over \(--force-unlock\)\./);
    expect(await exists(lock)).toBe(false);
  });

  processIt('the lock is released on every exit path: an error after it was taken, Ctrl-C', async () => {
    const sim = await startSim({ latencyMs: 150 });
    const { dir, file, lock } = await batch(6);
    const badHeader = join(dir, 'bad.csv');
    await writeFile(badHeader, 'adgroup_id,Ad Txt,landing_page_url,video_url\n1,x,https://e.com,https://e.com/v.mp4\n');
    const err = await cli(['upload', badHeader, '--endpoint', sim.url], env);
    expect(err.code).toBe(2);
    expect(await exists(join(dir, 'bad.results.csv.lock'))).toBe(false);
    const interrupted = await spawnCli(['upload', file, '--endpoint', sim.url, '--rate', '20', '--concurrency', '1'], env, {
      killAfterMs: 300,
      signal: 'SIGINT',
      startWhen: /to send/,
    });
    expect(interrupted.code).toBe(130);
    expect(await exists(lock)).toBe(false);
  });

  it('release() leaves a lock that another run took over in place', async () => {
    const dir = await tempDir();
    const path = join(dir, 'r.lock');
    const ours = await BatchLock.acquire(path, { self: { pid: 1, host: 'h', started: 'a' }, isAlive: () => false });
    const theirs = await BatchLock.acquire(path, { self: { pid: 2, host: 'h', started: 'b' }, isAlive: () => false });
    await ours.release();
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ pid: 2 });
    await theirs.release();
    expect(await exists(path)).toBe(false);
    await writeFile(path, '{"pid": 3, "host": "h", "started": "c"}');
    await expect(BatchLock.acquire(path, { self: { pid: 4, host: 'h', started: 'd' }, isAlive: () => true })).rejects.toBeInstanceOf(RunError);
  });
});

describe('BatchLock, case by case', () => {
  const at = async (content?: string) => {
    const path = join(await tempDir(), 'b.results.csv.lock');
    if (content !== undefined) await writeFile(path, content);
    return path;
  };
  const me = { pid: 10, host: 'here', started: '2026-12-01T08:15:30.000Z' };
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => 'acquired',
      (err: RunError) => `${err.code}: ${err.message}`,
    );

  it('writes who holds it, readable by the owner only, and gives no notice when the batch was free', async () => {
    const path = await at();
    const lock = await BatchLock.acquire(path, { self: me });
    expect(await readFile(path, 'utf8')).toBe(`${JSON.stringify(me)}\n`);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(lock.notice).toBeUndefined();
    await lock.release();
    expect(await exists(path)).toBe(false);
    await lock.release(); // already gone: nothing to do
  });

  it('refuses while its holder runs on this host, naming it', async () => {
    const path = await at(JSON.stringify({ pid: 77, host: 'here', started: '2026-12-01T10:42:09.000Z' }));
    const checked: number[] = [];
    const msg = await failure(BatchLock.acquire(path, { self: me, isAlive: (pid) => (checked.push(pid), true) }));
    expect(msg).toBe(`SETUP: another run of this batch is in progress (pid 77 on here since 10:42); wait for it or stop it. (Lock: ${path})`);
    expect(checked).toEqual([77]);
    // --force-unlock is for another host's lock: a live run here is never taken over.
    expect(await failure(BatchLock.acquire(path, { self: me, force: true, isAlive: () => true }))).toMatch(/^SETUP: another run of this batch is in progress/);
  });

  it('takes over a stale lock of this host, one of another host only when forced, and a damaged one, each with its notice', async () => {
    const stale = await at(JSON.stringify({ pid: 77, host: 'here', started: '2026-12-01T10:42:00.000Z' }));
    const a = await BatchLock.acquire(stale, { self: me, isAlive: () => false });
    expect(a.notice).toBe('an earlier run of this batch (pid 77 on here since 10:42) stopped without releasing its lock; it was taken over.');
    expect(JSON.parse(await readFile(stale, 'utf8'))).toEqual(me);

    const other = await at(JSON.stringify({ pid: 5, host: 'there', started: 'soon' }));
    expect(await failure(BatchLock.acquire(other, { self: me, isAlive: () => false }))).toBe(
      `SETUP: another run of this batch may be in progress (pid 5 on there since an unknown time); it cannot be checked from here. Wait for it, or pass --force-unlock if it is over. (Lock: ${other})`,
    );
    const b = await BatchLock.acquire(other, { self: me, force: true, isAlive: () => true });
    expect(b.notice).toBe('the lock of a run on another host (pid 5 on there since an unknown time) was taken over (--force-unlock).');

    for (const damaged of [
      '',
      '{"pid": 1',
      '{"pid": "1", "host": "here", "started": "x"}',
      '{"pid": 1, "started": "x"}',
      '{"pid": 1, "host": "here"}',
      'null',
    ]) {
      const path = await at(damaged);
      const c = await BatchLock.acquire(path, { self: me, isAlive: () => true });
      expect(c.notice, damaged).toBe('a damaged lock of an earlier run was taken over.');
      expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(me);
    }
  });

  it('a stale lock another run removes first is no error; without isAlive, kill(2) decides: a process that exists (pid 1) holds it, one that does not, not', async () => {
    const path = await at(JSON.stringify({ pid: 77, host: 'here', started: 'x' }));
    const lock = await BatchLock.acquire(path, { self: me, isAlive: () => (unlinkSync(path), false) });
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(me);
    await lock.release();
    // Real checks of this host's processes: pid 1 always runs (EPERM for a user, found for root).
    const host = hostname();
    const held = await at(JSON.stringify({ pid: 1, host, started: '2026-12-01T10:42:00.000Z' }));
    expect(await failure(BatchLock.acquire(held))).toMatch(/^SETUP: another run of this batch is in progress \(pid 1 on /);
    // Above Linux's largest pid (2^22): no such process.
    const gone = await at(JSON.stringify({ pid: 4_194_400, host, started: '2026-12-01T10:42:00.000Z' }));
    const taken = await BatchLock.acquire(gone);
    expect(taken.notice).toMatch(/^an earlier run of this batch \(pid 4194400 on .* since 10:42\) stopped without releasing its lock/);
    await taken.release();
  });

  it('release() removes only its own lock: another pid, host or start time is left alone', async () => {
    for (const other of [
      { ...me, pid: 11 },
      { ...me, host: 'there' },
      { ...me, started: 'later' },
    ]) {
      const path = await at();
      const lock = await BatchLock.acquire(path, { self: me });
      await writeFile(path, JSON.stringify(other));
      await lock.release();
      expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(other);
    }
    const path = await at();
    const lock = await BatchLock.acquire(path, { self: me });
    await writeFile(path, 'damaged');
    await lock.release();
    expect(await readFile(path, 'utf8')).toBe('damaged');
  });

  it('a lock that cannot be created names the file and why', async () => {
    const path = join(await tempDir(), 'missing-folder', 'b.lock');
    expect(await failure(BatchLock.acquire(path, { self: me }))).toBe(`SETUP: Cannot create the lock ${path} (ENOENT). Choose another --report.`);
  });

  it('by default a pid is alive while its process runs on this host', async () => {
    const path = await at(JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString() }));
    expect(await failure(BatchLock.acquire(path))).toMatch(/^SETUP: another run of this batch is in progress \(pid \d+ on /);
    await writeFile(path, JSON.stringify({ pid: await deadPid(), host: hostname(), started: '2026-12-01T10:42:00.000Z' }));
    const lock = await BatchLock.acquire(path);
    expect(lock.notice).toMatch(/stopped without releasing its lock; it was taken over\.$/);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    await lock.release();
  });
});
