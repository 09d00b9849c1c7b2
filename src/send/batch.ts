import PQueue from 'p-queue';
import { Pacer } from './pacer.js';
import type { QuotaInfo, StopReason } from '../commands/summary.js';
import type { AdArgs } from '../validate/args.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import { judge, type Verdict } from './rules.js';
import { sleep as realSleep } from './sleep.js';
import type { Transport } from './transport.js';

export interface SendItem {
  readonly seq: number;
  readonly key: string;
  readonly args: AdArgs;
}

export type SendStatus = 'created' | 'rejected' | 'failed' | 'not_sent';

export interface SendResult {
  readonly seq: number;
  readonly key: string;
  readonly status: SendStatus;
  readonly adId?: string;
  readonly error?: string;
  readonly attempts: number;
}

export interface BatchOptions {
  readonly concurrency: number;
  /** Attempts started per second, batch-wide (retries included). */
  readonly rate: number;
  /** Retries per row after the first attempt. */
  readonly retries: number;
  readonly backoff: BackoffOptions;
  /** A Retry-After longer than this is not waited out: the row fails and the message says when to re-run. */
  readonly maxRetryAfterMs: number;
  /** Transient failures in a row, batch-wide, after which the service is taken as down. */
  readonly breakerThreshold: number;
  /** Slow down on 429 and creep back up (default true); false keeps a fixed --rate. */
  readonly adaptive?: boolean;
  /** Calls the quota has room for; undefined = unknown (no preflight). */
  readonly quotaLeft?: number;
  readonly random?: () => number;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Soft stop: no new rows (first Ctrl-C). */
  readonly signal?: AbortSignal;
  /** Hard stop: abandon requests in flight (second Ctrl-C). */
  readonly hardSignal?: AbortSignal;
  /** Before a row's first request: make it durable that the key may be in flight. */
  readonly onSending?: (item: SendItem) => Promise<void>;
  /** After each row's final outcome, in completion order. */
  readonly onResult: (result: SendResult) => Promise<void>;
  readonly onQuota?: (quota: QuotaInfo) => void;
  readonly onAttempt?: (item: SendItem, attempt: number, verdict: Verdict) => void;
}

export interface BatchOutcome {
  readonly stopped: StopReason | 'setup' | null;
  readonly stopMessage?: string;
  readonly accounts?: readonly string[];
  readonly quota?: QuotaInfo;
  readonly requests: number;
}

/**
 * Sends every item exactly once from this run's side: p-queue bounds rows in flight, the Pacer
 * spaces attempt starts evenly at the rate (adapting to 429s), and each row retries by the pure
 * rules with its one Idempotency-Key. Stops cleanly on quota, auth, the account prompt, or a
 * signal; rows never started end `not_sent`.
 */
export async function sendBatch(items: readonly SendItem[], transport: Transport, options: BatchOptions): Promise<BatchOutcome> {
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const rows = new PQueue({ concurrency: options.concurrency });
  // Pacing waits in real time, so it reads the real clock: an injected `now` (a fixed date in a
  // test) must not stretch the gaps between requests.
  const pacer = new Pacer(options.rate, Date.now, realSleep, options.adaptive ?? true);

  let stop: { reason: StopReason | 'setup'; message: string; accounts?: readonly string[] } | undefined;
  let quota: QuotaInfo | undefined;
  let left = options.quotaLeft ?? Infinity;
  let started = 0; // rows whose first attempt is under way and not yet judged against the quota
  let consecutiveTransient = 0;
  let breakerOpen = false;
  let requests = 0;

  const stopWith = (reason: StopReason | 'setup', message: string, accounts?: readonly string[]): void => {
    if (!stop) stop = { reason, message, ...(accounts ? { accounts } : {}) };
  };
  const softStopped = (): boolean => stop !== undefined || options.signal?.aborted === true;

  async function sendOne(item: SendItem): Promise<SendResult> {
    const notSent = (error: string, attempts = 0): SendResult => ({ seq: item.seq, key: item.key, status: 'not_sent', error, attempts });
    if (options.signal?.aborted) return notSent('not sent: the batch was interrupted; run the same command again to resume');
    if (stop) return notSent(`not sent: the batch stopped (${stop.message})`);
    if (breakerOpen) return { seq: item.seq, key: item.key, status: 'failed', error: `not attempted: the service failed ${options.breakerThreshold} requests in a row; run again later to resume`, attempts: 0 };
    if (left - started <= 0) {
      stopWith('quota', 'the monthly quota has no room for more calls');
      return notSent('not sent: the monthly quota has no room for this row; it resumes when the quota resets or after an upgrade');
    }
    started++;
    let counted = true;
    const release = (): void => {
      if (counted) started--;
      counted = false;
    };
    try {
      await options.onSending?.(item);
      let lastError = '';
      for (let attempt = 1; ; attempt++) {
        const epoch = await pacer.acquire(options.hardSignal); // this attempt's start slot
        if (options.hardSignal?.aborted) return notSent('interrupted while in flight; the next run re-sends it with the same key', attempt - 1);
        requests++;
        const outcome = await transport.call('add_tiktok_ad', item.args as Record<string, unknown>, {
          idempotencyKey: item.key,
          ...(options.hardSignal ? { signal: options.hardSignal } : {}),
        });
        if (options.hardSignal?.aborted) return notSent('interrupted while in flight; the next run re-sends it with the same key', attempt);
        const verdict = judge(outcome, now());
        options.onAttempt?.(item, attempt, verdict);
        if (verdict.kind !== 'retry') consecutiveTransient = 0;
        if (verdict.kind === 'created' || verdict.kind === 'rejected') pacer.succeeded();
        switch (verdict.kind) {
          case 'created': {
            release();
            if (verdict.quota) {
              quota = verdict.quota;
              left = verdict.quota.limit - verdict.quota.used;
              options.onQuota?.(verdict.quota);
            } else left--;
            return { seq: item.seq, key: item.key, status: 'created', ...(verdict.adId ? { adId: verdict.adId } : {}), attempts: attempt };
          }
          case 'rejected':
            return { seq: item.seq, key: item.key, status: 'rejected', error: verdict.message, attempts: attempt };
          case 'stop':
            if (verdict.quota) {
              quota = verdict.quota;
              options.onQuota?.(verdict.quota);
            }
            if (verdict.reason === 'quota') left = 0;
            stopWith(verdict.reason, verdict.message, verdict.accounts);
            return notSent(`not created: ${verdict.message}`, attempt);
          case 'retry': {
            if (verdict.throttled) pacer.throttled(epoch);
            lastError = verdict.message;
            consecutiveTransient++;
            if (consecutiveTransient >= options.breakerThreshold) breakerOpen = true;
            const failed = (why: string): SendResult => ({ seq: item.seq, key: item.key, status: 'failed', error: why, attempts: attempt });
            if (breakerOpen) return failed(`${lastError}; gave up: the service failed ${options.breakerThreshold} requests in a row. Run again later to resume`);
            if (attempt > options.retries) return failed(`${lastError} (gave up after ${attempt} ${attempt === 1 ? 'attempt' : 'attempts'}); run again to retry with the same key`);
            if (verdict.retryAfterMs !== undefined && verdict.retryAfterMs > options.maxRetryAfterMs) {
              const when = new Date(now() + verdict.retryAfterMs).toISOString().replace(/\.\d+Z$/, 'Z');
              return failed(`${lastError}; the service asked to wait until ${when}, longer than the ${Math.round(options.maxRetryAfterMs / 1000)} s this run waits. Run again after that time`);
            }
            if (softStopped()) return notSent(`not created: ${lastError}; the batch stopped before a retry. Run again to resume`, attempt);
            // A throttle is the pacer's business: it has slowed every request down, so the row only
            // waits out Retry-After, not an exponential backoff on top.
            const delay = verdict.throttled ? (verdict.retryAfterMs ?? 0) : backoffDelay(attempt, random(), options.backoff, verdict.retryAfterMs);
            await sleep(delay, options.signal);
            if (softStopped()) return notSent(`not created: ${lastError}; the batch stopped before a retry. Run again to resume`, attempt);
            break;
          }
        }
      }
    } finally {
      release();
    }
  }

  // The result is recorded outside the concurrency slot: journaling and the report line must not
  // keep the next row from starting.
  await Promise.all(items.map((item) => rows.add(() => sendOne(item)).then((result) => options.onResult(result))));
  const interrupted = options.signal?.aborted === true;
  const reason = stop?.reason ?? (interrupted ? 'interrupted' : null);
  return {
    stopped: reason,
    ...(stop ? { stopMessage: stop.message } : {}),
    ...(stop?.accounts ? { accounts: stop.accounts } : {}),
    ...(quota ? { quota } : {}),
    requests,
  };
}
