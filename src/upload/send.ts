import { sendBatch, type BatchOutcome } from '../send/batch.js';
import { quotaOf } from '../send/answer.js';
import { quotaUnknownWhy } from './preflight.js';
import { Progress } from './progress.js';
import { Recorder } from './recorder.js';
import { rowsToSend } from './second-read.js';
import { callsLeft } from '../send/plan-terms.js';
import { clockTime, seconds } from '../send/throttle.js';
import { type UploadRun, type RunPlan, UPLOAD_DEFAULTS } from './types.js';

/**
 * Reads the file again and sends the plan's rows as they come; every outcome goes through the
 * recorder as it comes, the settled rows' too.
 */
export async function send(run: UploadRun, plan: RunPlan, recorder: Recorder): Promise<BatchOutcome | undefined> {
  const { options, client, settings } = run;
  const rows = rowsToSend(run, plan, recorder);
  if (!client || plan.sendable.length === 0) {
    for await (const item of rows) throw new Error(`row of ad ${item.seq} read to send with nothing to send`);
    return undefined;
  }
  let pausedUntil = 0;
  const progress = new Progress(run.io, () => ({ ...recorder.progress(), ...(pausedUntil > run.now() ? { pausedUntil } : {}) }), run.now, run.startedAt);
  progress.start();
  try {
    const outcome = await sendBatch(rows, client, {
      concurrency: settings.concurrency,
      rate: settings.rate,
      retries: settings.retries,
      backoff: options.backoff ?? { minTimeout: 1000, maxTimeout: 30_000 },
      maxRetryAfterMs: options.maxRetryAfterMs ?? 120_000,
      breakerThreshold: Math.max(10, 3 * settings.concurrency),
      ...(plan.quota ? { quotaLeft: callsLeft(plan.quota, plan.overage), quota: plan.quota } : {}),
      overage: plan.overage,
      throttle: { maxTotalMs: (options.maxWaitSeconds ?? UPLOAD_DEFAULTS.maxWaitSeconds) * 1000, ...options.throttle },
      onPause: (pause) => {
        pausedUntil = pause.until;
        run.say(
          `\nPaused by TikTok's rate limit (${pause.named ? 'the service asked' : 'it named no wait, so'} ${seconds(pause.waitMs)} s); resuming at ${clockTime(pause.until)}.\n`,
        );
        options.onEvent?.({ type: 'pause', until: pause.until, waitMs: pause.waitMs, message: run.mask(pause.message) });
      },
      now: run.now,
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.hardSignal ? { hardSignal: options.hardSignal } : {}),
      onSending: (item) => recorder.sending(item),
      onAttempt: (item, attempt, verdict) => {
        if (verdict.kind === 'retry')
          options.onEvent?.({
            type: 'retry',
            row: run.planned[item.seq]!.row,
            attempt,
            throttled: verdict.throttled === true,
            message: run.mask(verdict.message),
          });
      },
      onResult: (result) => recorder.sent(result),
      onQuota: (quota) => recorder.quotaSeen(quota),
    });
    if (plan.linksAhead) {
      // Checks of rows the batch will not send now (it stopped) are not made.
      plan.linksAhead.stop();
      progress.stop();
      await recorder.rememberLinks((await plan.linksAhead.finished).usable);
    }
    return outcome;
  } finally {
    progress.stop();
  }
}

/**
 * After paid calls, the quota as the service counts it now (the free get_usage_status): answers
 * replayed for an Idempotency-Key carry the figure of their first time, so the last answer seen
 * can be stale. When the service reports none, the quota is unknown, not the figure from before.
 */
export async function refreshQuota(run: UploadRun, recorder: Recorder): Promise<void> {
  const answer = await run.client!.call('get_usage_status', {});
  const quota = answer.kind === 'http' && answer.status === 200 ? quotaOf(answer.json) : undefined;
  if (quota) recorder.quotaSeen(quota);
  else recorder.quotaUnknown(quotaUnknownWhy(answer));
}
