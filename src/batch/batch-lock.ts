import { readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { RunError } from '../errors.js';

/** Who holds a batch: written into the lock file. */
export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  /** ISO time the run started. */
  readonly started: string;
}

export interface LockOptions {
  /** --force-unlock: take over a lock held on another host. */
  readonly force?: boolean;
  /** This run; default: this process on this host, now. */
  readonly self?: LockOwner;
  /** Whether a process of this host still runs; default: signal 0 (POSIX kill(2)). */
  readonly isAlive?: (pid: number) => boolean;
}

/**
 * One run per batch at a time: an exclusive lock file beside the journal (`<report>.lock`),
 * created atomically (O_EXCL), holding the pid, host and start time of the run that holds it.
 * Two runs of the same batch would otherwise both send every row. A lock whose process is gone
 * on this host (a `kill -9`, a crash) is stale and taken over with a notice; one from another host
 * (a shared folder) only with --force-unlock, since its process cannot be checked from here.
 */
export class BatchLock {
  private constructor(
    private readonly path: string,
    private readonly owner: LockOwner,
    /** What the user should know (a stale lock taken over). */
    readonly notice: string | undefined,
  ) {}

  static async acquire(path: string, options: LockOptions = {}): Promise<BatchLock> {
    const self = options.self ?? { pid: process.pid, host: hostname(), started: new Date().toISOString() };
    const isAlive = options.isAlive ?? alive;
    let notice: string | undefined;
    for (let tries = 0; tries < 3; tries++) {
      try {
        await writeFile(path, `${JSON.stringify(self)}\n`, { flag: 'wx', mode: 0o600 });
        return new BatchLock(path, self, notice);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
          throw new RunError('SETUP', `Cannot create the lock ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)}). Choose another --report.`, {
            cause: err,
          });
      }
      const held = await readOwner(path);
      if (held) {
        const since = held.started.slice(11, 16) || 'an unknown time';
        const who = `pid ${held.pid} on ${held.host} since ${since}`;
        if (held.host === self.host) {
          if (isAlive(held.pid)) throw new RunError('SETUP', `another run of this batch is in progress (${who}); wait for it or stop it. (Lock: ${path})`);
          notice = `an earlier run of this batch (${who}) stopped without releasing its lock; it was taken over.`;
        } else if (options.force) {
          notice = `the lock of a run on another host (${who}) was taken over (--force-unlock).`;
        } else {
          throw new RunError(
            'SETUP',
            `another run of this batch may be in progress (${who}); it cannot be checked from here. Wait for it, or pass --force-unlock if it is over. (Lock: ${path})`,
          );
        }
      } else notice = 'a damaged lock of an earlier run was taken over.';
      await rm(path, { force: true });
    }
    throw new RunError('SETUP', `Cannot take the lock ${path}: another run keeps taking it. Wait for it to finish.`);
  }

  /** Removes the lock, if it is still ours (a run that took over a stale one keeps its own). */
  async release(): Promise<void> {
    const held = await readOwner(this.path);
    if (held && held.pid === this.owner.pid && held.host === this.owner.host && held.started === this.owner.started) await rm(this.path, { force: true });
  }
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const o = JSON.parse(await readFile(path, 'utf8')) as Partial<LockOwner>;
    if (typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.started === 'string') return o as LockOwner;
  } catch {
    // unreadable or half-written: treated as damaged
  }
  return undefined;
}

/** POSIX kill(2) with signal 0 checks a process exists without touching it; EPERM means it does. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
