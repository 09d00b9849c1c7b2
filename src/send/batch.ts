import PQueue from 'p-queue';
import pRetry from 'p-retry';
import { afterFailure, type AfterFailure } from './after-failure.js';
import { Pacing } from './pacing.js';
import { callsLeft } from './plan-terms.js';
import { noRoomText, type QuotaInfo, type StopReason } from './quota.js';
import { judge, type Verdict } from './rules.js';
import { sleep as realSleep } from './sleep.js';
import { whenText, NO_THROTTLE, onSuccess, onThrottle, THROTTLE_DEFAULTS, type ThrottlePolicy } from './throttle.js';
import type { Transport } from './transport.js';
import type { BatchOptions, BatchOutcome, SendItem, SendResult, SendStatus } from './batch-types.js';

export type { Backoff, BatchOptions, BatchOutcome, SendItem, SendResult, SendStatus } from './batch-types.js';

/** A transient attempt, thrown so that p-retry sees a failed attempt; carries what happens next. */
class TransientAttempt extends Error {
  next: AfterFailure | undefined;
  constructor(readonly verdict: Extract<Verdict, { kind: 'retry' }>) {
    super(verdict.message);
  }
}

/** The second Ctrl-C, during a request: its answer is abandoned (the row may exist: unknown). */
class Abandoned extends Error {}

/** The batch stopped while the row waited for its next attempt to start: nothing more was sent. */
class StoppedWaiting extends Error {}

/**
 * Sends every item at most once from this run's side: p-queue bounds rows in flight, Pacing spaces
 * attempt starts at the rate (adapting to 429s), and each row's attempts run under p-retry with its
 * one Idempotency-Key, judged by the pure rules (rules.ts, after-failure.ts). Stops cleanly on
 * quota, auth, the account prompt, or a signal; rows never started end `not_sent`.
 */
export async function sendBatch(items: Iterable<SendItem> | AsyncIterable<SendItem>, transport: Transport, options: BatchOptions): Promise<BatchOutcome> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const rows = new PQueue({ concurrency: options.concurrency });
  const pacing = new Pacing(options.rate, options.adaptive ?? true, now, sleep);
  const policy: ThrottlePolicy = { ...THROTTLE_DEFAULTS, ...options.throttle };
  let throttle = NO_THROTTLE;
  const overage = options.overage ?? 0;

  // `counted`: our own count found the quota spent (rows after it say what the plan said of them).
  let stop: { reason: StopReason | 'setup'; message: string; counted?: true } | undefined;
  // Rows the service showed cannot go: those naming no advertiser (the multi-account prompt), and
  // those of an advertiser it said is not connected. The others go on.
  let unnamed: { message: string; accounts: readonly string[] } | undefined;
  const unconnected = new Map<string, string>();
  let created = 0;
  let quota: QuotaInfo | undefined;
  let left = options.quotaLeft ?? Infinity;
  let started = 0; // rows whose first attempt is under way and not yet judged against the quota
  // Rows in flight may end without using a call (rejected, failed): a row that finds no room waits
  // for them to settle before the batch stops on the quota, so the stop uses every call there is.
  let settledWaiters: (() => void)[] = [];
  const settled = (): Promise<void> => new Promise((r) => settledWaiters.push(r));
  let lastQuota: QuotaInfo | undefined = options.quota;
  let consecutiveTransient = 0;
  // Once open, the breaker stays open for the rest of the run: the service is taken as down.
  let breakerOpen = false;
  let requests = 0;

  const stopWith = (reason: StopReason | 'setup', message: string, counted = false): void => {
    if (!stop) stop = { reason, message, ...(counted ? { counted: true as const } : {}) };
  };
  // Read through a call: TypeScript would keep `stop` narrowed across the awaits that change it.
  const currentStop = (): typeof stop => stop;
  const stopping = (): boolean => stop !== undefined || options.signal?.aborted === true;
  const seenQuota = (q: QuotaInfo | undefined): void => {
    if (!q) return;
    quota = q;
    lastQuota = q;
    options.onQuota?.(q);
  };
  const noRoom = (): string => noRoomText(lastQuota, overage);
  // Rows after our own count found the quota spent say what the plan said of them; after another
  // stop (the service's 402 included), the stop's own words.
  const notSentText = (s: NonNullable<typeof stop>): string => (s.counted ? noRoom() : `not sent: the batch stopped (${s.message})`);

  // Waiting for a turn ends on either stop; only the second (hard) abandons requests in flight.
  const signals = [options.signal, options.hardSignal].filter((x): x is AbortSignal => x !== undefined);
  const anyStop = signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals);

  /** A 429: the whole batch pauses for the wait it names (throttle.ts), slowing down after it. */
  function throttled(verdict: Extract<Verdict, { kind: 'retry' }>, epoch: number, startedAt: number): void {
    pacing.throttled(epoch);
    const t = now();
    const decision = onThrottle(throttle, { namedMs: verdict.retryAfterMs, startedAt, now: t }, policy);
    throttle = decision.state;
    if (decision.kind === 'give-up') {
      const waited = Math.round((decision.state.waitedMs - (decision.until - t)) / 1000);
      stopWith(
        'throttled',
        `TikTok's rate limit has held the batch back ${waited} s and asks for ${Math.ceil((decision.until - t) / 1000)} s more, past --max-wait ${Math.round(policy.maxTotalMs / 1000)}; run the same command again after ${whenText(decision.until, t)} to send the rest`,
      );
      return;
    }
    if (decision.waitMs <= 0) return;
    pacing.pauseUntil(decision.until);
    options.onPause?.({ until: decision.until, waitMs: decision.waitMs, named: decision.named, message: verdict.message });
  }

  async function sendOne(item: SendItem): Promise<SendResult> {
    const result = (status: SendStatus, attempts: number, extra: { error?: string; adId?: string } = {}): SendResult => ({
      seq: item.seq,
      key: item.key,
      status,
      ...extra,
      attempts,
    });
    if (options.signal?.aborted) return result('not_sent', 0, { error: 'not sent: the batch was interrupted; run the same command again to resume' });
    if (stop) return result('not_sent', 0, { error: notSentText(stop) });
    if (breakerOpen)
      return result('failed', 0, { error: `not attempted: the service failed ${options.breakerThreshold} requests in a row; run again later to resume` });
    const advertiser = item.args.advertiser_id === undefined ? undefined : String(item.args.advertiser_id);
    if (advertiser === undefined && unnamed)
      return result('not_sent', 0, { error: `not sent: ${unnamed.message}. Fill advertiser_id, or pass --advertiser-id ID (it fills only empty cells)` });
    if (advertiser !== undefined && unconnected.has(advertiser)) return result('not_sent', 0, { error: `not sent: ${unconnected.get(advertiser)!}` });
    while (left - started <= 0 && started > 0 && !currentStop()) await settled();
    const stopped = currentStop();
    if (stopped) return result('not_sent', 0, { error: notSentText(stopped) });
    if (left - started <= 0) {
      stopWith('quota', 'the monthly quota has no room for more calls', true);
      return result('not_sent', 0, { error: noRoom() });
    }
    started++;
    let counted = true;
    const release = (): void => {
      if (counted) started--;
      counted = false;
      const waiting = settledWaiters;
      settledWaiters = [];
      for (const wake of waiting) wake();
    };
    // Failures that use a retry of --retries (a 429 uses none: throttle.ts).
    let failures = 0;
    let attempts = 0;
    // An attempt whose answer was lost after the request may have reached the service: until an
    // answer settles it, the ad may exist, and the row ends `unknown`, not failed or not_sent.
    let inDoubt = false;
    const doubtful = (status: SendStatus, error: string): SendResult =>
      inDoubt && (status === 'failed' || status === 'not_sent')
        ? result('unknown', attempts, {
            error: `${error.replace(/^not (?:created|sent): /, '')}; the service may have created it (an answer was lost), so it is re-sent with its same key on the next run, which the service answers with what happened`,
          })
        : result(status, attempts, { error });
    let lastTransient = '';
    // The final verdict, kept here: p-retry checks its signal after a successful attempt and would
    // otherwise throw away an answer that says the ad was created.
    const answer: { final?: Exclude<Verdict, { kind: 'retry' }> } = {};
    try {
      await options.onSending?.(item);
      await pRetry(
        async () => {
          // A row still waiting for its turn when the batch stops (either Ctrl-C) sent nothing more: it
          // says so, and stays `unknown` only if an earlier attempt's answer was lost.
          const epoch = await pacing.slot(anyStop).catch(() => {
            throw new StoppedWaiting();
          });
          // No new request once the batch stops (Ctrl-C, quota, auth, --max-wait), even for a row
          // that was already waiting for its turn.
          if (stopping() || options.hardSignal?.aborted) throw new StoppedWaiting();
          const startedAt = now();
          attempts++;
          requests++;
          const outcome = await transport.call(item.tool ?? 'add_tiktok_ad', item.args as Record<string, unknown>, {
            idempotencyKey: item.key,
            ...(options.hardSignal ? { signal: options.hardSignal } : {}),
          });
          if (options.hardSignal?.aborted) {
            inDoubt = true;
            throw new Abandoned();
          }
          const verdict = judge(outcome, now());
          options.onAttempt?.(item, attempts, verdict);
          if (verdict.kind !== 'retry') {
            consecutiveTransient = 0;
            if (verdict.kind !== 'stop') {
              pacing.succeeded();
              throttle = onSuccess(throttle);
            }
            answer.final = verdict;
            return;
          }
          if (verdict.inDoubt) inDoubt = true;
          lastTransient = verdict.message;
          if (verdict.throttled) throttled(verdict, epoch, startedAt);
          else {
            failures++;
            if (++consecutiveTransient >= options.breakerThreshold) breakerOpen = true;
          }
          throw new TransientAttempt(verdict);
        },
        {
          // --retries is counted here (`failures`): p-retry would end a row on a 429 once its
          // retries were used, and a 429 must never end a row.
          retries: Number.POSITIVE_INFINITY,
          factor: 2,
          minTimeout: options.backoff.minTimeout,
          maxTimeout: options.backoff.maxTimeout,
          randomize: true,
          ...(options.signal ? { signal: options.signal } : {}),
          // Decides (afterFailure) and waits out Retry-After; p-retry's own backoff follows.
          onFailedAttempt: async ({ error }) => {
            if (!(error instanceof TransientAttempt)) return;
            const next = afterFailure(error.verdict, {
              attempt: attempts,
              retriesLeft: options.retries - failures + (error.verdict.throttled ? 0 : 1),
              breakerOpen,
              breakerThreshold: options.breakerThreshold,
              stopping: stopping(),
              maxRetryAfterMs: options.maxRetryAfterMs,
              now: now(),
            });
            error.next = next;
            if (next.again && next.waitMs > 0) await sleep(next.waitMs, options.signal);
          },
          // A 429 is the batch's business: the pause (pacing.ts) is its wait, with no backoff on top.
          shouldConsumeRetry: ({ error }) => !(error instanceof TransientAttempt && error.verdict.throttled === true),
          shouldRetry: ({ error }) => error instanceof TransientAttempt && error.next?.again === true && !stopping(),
        },
      );
    } catch (error) {
      if (answer.final) {
        // Created, rejected or a stop, with the batch stopping around it: the answer stands.
      } else if (error instanceof Abandoned) {
        return doubtful('not_sent', 'interrupted while in flight; the next run re-sends it with the same key');
      } else if (error instanceof StoppedWaiting) {
        const stopped = currentStop();
        const why = stopped ? `the batch stopped (${stopped.message})` : 'the batch was interrupted';
        return doubtful(
          'not_sent',
          attempts === 0
            ? `not sent: ${why}; run the same command again to resume`
            : `not created: ${lastTransient}; ${why} before a retry. Run again to resume`,
        );
      } else if (error instanceof TransientAttempt) {
        if (error.next && !error.next.again) return doubtful(error.next.status, error.next.error);
        return doubtful('not_sent', `not created: ${error.message}; the batch stopped before a retry. Run again to resume`);
      } else if (options.signal?.aborted) {
        return doubtful('not_sent', `not created: ${lastTransient || 'interrupted'}; the batch stopped before a retry. Run again to resume`);
      } else throw error;
    } finally {
      release();
    }
    const final = answer.final;
    if (!final) throw new Error('p-retry resolved without a final answer');
    switch (final.kind) {
      case 'created':
        created++;
        if (final.quota) {
          seenQuota(final.quota);
          left = callsLeft(final.quota, overage);
        } else left--;
        // A success that names no ad is still a success: never a silent blank in the report.
        return result('created', attempts, final.adId ? { adId: final.adId } : { error: 'the answer named no ad_id; find the ad in TikTok Ads Manager' });
      case 'rejected':
        if (final.unconnected && advertiser !== undefined) {
          unconnected.set(
            final.unconnected.advertiser ?? advertiser,
            `the service said advertiser ${final.unconnected.advertiser ?? advertiser} is not connected (row of key ${item.key.slice(0, 8)}…): connect it in Adspirer or fix advertiser_id`,
          );
        }
        return result('rejected', attempts, { error: final.message });
      case 'inactive': {
        const who = final.advertiser ?? advertiser;
        const why = `${final.message}; activate it in Adspirer's Manage Accounts, then run the same command`;
        if (who !== undefined) unconnected.set(who, why);
        return result('not_sent', attempts, { error: `not created: ${why}` });
      }
      case 'unnamed':
        unnamed ??= { message: final.message, accounts: final.accounts };
        return result('not_sent', attempts, {
          error: `not created: ${final.message}. Fill advertiser_id, or pass --advertiser-id ID (it fills only empty cells)`,
        });
      case 'stop':
        seenQuota(final.quota);
        if (final.reason === 'quota') left = 0;
        stopWith(final.reason, final.message);
        return result('not_sent', attempts, { error: `not created: ${final.message}` });
    }
  }

  // The first paid request goes alone (a probe): a wrong key, endpoint, account prompt or
  // unconnected advertiser then costs one call, not one per row in flight.
  let probed = false;
  let failure: { error: unknown } | undefined;
  const recording = new Set<Promise<void>>();
  try {
    for await (const item of items) {
      if (!probed) {
        probed = true;
        await options.onResult(await sendOne(item));
        continue;
      }
      // An item is taken only when the queue has room: items read from the file as they are sent
      // (upload's second read) are then held a few at a time, not all at once.
      await rows.onSizeLessThan(1);
      if (failure) break;
      // The result is recorded outside the concurrency slot: journaling and the report line must
      // not keep the next row from starting.
      const done: Promise<void> = rows
        .add(() => sendOne(item))
        .then((r) => options.onResult(r!))
        .catch((error: unknown) => {
          failure ??= { error };
        })
        .finally(() => recording.delete(done));
      recording.add(done);
    }
  } catch (error) {
    // The items ended in an error (the file could not be read again): the rows already sent are
    // answered and recorded before it ends the batch, so none is left in doubt needlessly.
    failure ??= { error };
  }
  await Promise.all(recording);
  if (failure) throw failure.error;
  // Account set-up stops the batch (exit 2) only when nothing at all could be created for it.
  const accountStop =
    created === 0 && (unnamed !== undefined || unconnected.size > 0)
      ? { reason: 'account' as const, message: unnamed?.message ?? [...unconnected.values()][0]! }
      : undefined;
  const ended = stop ?? accountStop;
  const reason = ended?.reason ?? (options.signal?.aborted ? 'interrupted' : null);
  return {
    stopped: reason,
    ...(ended ? { stopMessage: ended.message } : {}),
    ...(unnamed ? { accounts: unnamed.accounts } : {}),
    ...(quota ? { quota } : {}),
    requests,
  };
}
