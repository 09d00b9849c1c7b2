import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { checkJob } from './check-job.js';
import type { RowRules } from './validate-row.js';
import { RunError } from '../errors.js';
import type { CheckAnswer, CheckJob, WorkerSetup } from './check-protocol.js';

/**
 * A worker keeps little alive (one chunk's verdicts), so a small young generation is enough and
 * keeps the process inside validate's memory budget (issue 6: 200 MB for a million rows). The old
 * generation is only a ceiling, far above the largest record the reader accepts (limits.ts) or a
 * batch of xlsx rows with very long cells; V8 does not grow towards it without need.
 */
const WORKER_HEAP = { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 1024 };


/**
 * The checkers: worker threads, and optionally this thread too. A job goes to a worker that has
 * room, else to this thread when it is free, so this thread checks rows only when every worker
 * is busy (it also merges the answers). Each answer settles its job's promise; a worker that dies
 * fails every job still waiting, never silently.
 */
export class CheckPool {
  private readonly workers: { worker: Worker; holding: number }[] = [];
  private readonly waiting = new Map<number, { resolve: (a: CheckAnswer) => void; reject: (e: Error) => void; by: number }>();
  private localBusy = false;
  private nextId = 0;
  private wake: (() => void) | undefined;

  constructor(
    private readonly setup: WorkerSetup,
    workers: number,
    /** The rules this thread checks by, when it checks jobs too (the ones it already built). */
    private readonly localRules: RowRules | undefined,
    /**
     * Jobs a worker holds at once: the one it works on and those waiting. Two keep a worker busy
     * when this thread only hands out byte ranges; records this thread parses (xlsx) arrive at
     * an uneven pace, and a longer queue lets it read on while a worker starts or catches up.
     */
    private readonly perWorker = 2,
  ) {
    for (let i = 0; i < workers; i++) {
      const worker = new Worker(workerFile(), { workerData: setup, resourceLimits: WORKER_HEAP });
      worker.on('message', (answer: CheckAnswer) => {
        const job = this.waiting.get(answer.id);
        this.waiting.delete(answer.id);
        if (job) this.workers[job.by]!.holding--;
        job?.resolve(answer);
        this.freed();
      });
      worker.on('error', (err) => this.failAll(workerError(setup.file, err)));
      worker.on('exit', (code) => {
        if (code !== 0) this.failAll(new Error(`a checking worker stopped (exit code ${code})`));
      });
      this.workers.push({ worker, holding: 0 });
    }
  }

  /** Jobs that can be in progress at once. */
  get capacity(): number {
    return this.perWorker * this.workers.length + (this.localRules ? 1 : 0);
  }

  /** Whether a job given now would start (or wait next in line at a worker). */
  get hasRoom(): boolean {
    return this.workers.some((w) => w.holding < this.perWorker) || (this.localRules !== undefined && !this.localBusy);
  }

  /** Settles when any job finishes. */
  roomFreed(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }

  private freed(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  check(job: CheckJob): Promise<CheckAnswer> {
    const id = this.nextId++;
    const free = this.workers.reduce<number>((best, w, i) => (w.holding < this.perWorker && (best < 0 || w.holding < this.workers[best]!.holding) ? i : best), -1);
    if (free < 0 && this.localRules && !this.localBusy) {
      this.localBusy = true;
      return checkJob(id, job, this.setup, this.localRules).finally(() => {
        this.localBusy = false;
        this.freed();
      });
    }
    const by = Math.max(0, free);
    const answer = new Promise<CheckAnswer>((resolve, reject) => this.waiting.set(id, { resolve, reject, by }));
    // Answers are awaited in job order, so one may settle before anyone awaits it.
    answer.catch(() => {});
    this.workers[by]!.holding++;
    this.workers[by]!.worker.postMessage({ id, job });
    return answer;
  }

  async close(): Promise<void> {
    // Settle the last wait for room, so nothing of the caller stays reachable from the workers'
    // listeners while they wind down.
    this.freed();
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    for (const w of this.workers) w.worker.removeAllListeners('message');
  }

  private failAll(err: Error): void {
    for (const job of this.waiting.values()) job.reject(err);
    this.waiting.clear();
    this.freed();
  }
}

function workerError(file: string, err: Error): Error {
  if ((err as NodeJS.ErrnoException).code !== 'ERR_WORKER_OUT_OF_MEMORY') return err;
  return new RunError('FILE', `${file}: checking its rows ran out of memory; some rows hold far more text than a campaign row. Look for cells pasted by mistake (a whole document in one cell) and try again.`, { cause: err });
}

/**
 * The worker's compiled file. Beside this module in dist/; when this module runs from src/ (the
 * test runner compiles TypeScript on the fly, which a worker thread cannot), the built copy.
 */
function workerFile(): URL {
  const beside = new URL('./check-worker.js', import.meta.url);
  return existsSync(fileURLToPath(beside)) ? beside : new URL('../../dist/validate/check-worker.js', import.meta.url);
}
