import type { PlannedSend } from '../batch/carry-over.js';
import { callsLeft } from '../send/plan-terms.js';
import { noRoomText, type QuotaInfo, type StopReason } from '../send/quota.js';

/** A dry run's outcome for a row it would send now (the report's error cell; the page counts these). */
export const WOULD_BE_SENT = 'dry run: would be sent';

export interface SendPlan {
  readonly sendable: readonly PlannedSend[];
  /** Why each held-back item is not sent (by seq). */
  readonly notSent: ReadonlyMap<number, string>;
  /**
   * Why the other items are not sent when none is (--dry-run): one reason for them all, rather than
   * an entry per row of a long batch.
   */
  readonly otherwise?: string;
  readonly stopped: StopReason | null;
  /** Items the quota has no room for, when there are any. */
  readonly overflow?: { readonly left: number; readonly items: readonly PlannedSend[] };
}

export interface PlanInput {
  /** A stop already decided by the free preflight (auth, account). */
  readonly stop?: { readonly reason: StopReason; readonly message: string };
  readonly limit?: number;
  readonly quota?: QuotaInfo;
  /** Paid calls allowed past the included limit (--allow-overage on a plan that has overage). */
  readonly overage?: number;
  readonly dryRun: boolean;
}

/**
 * Which items this run sends, in order: a preflight stop holds back everything, then --limit, then
 * the quota, then --dry-run. A spent quota holds back everything (no paid call). A quota with some
 * room holds back nothing: the batch counts the calls the service reports and stops when they are
 * spent, so a row refused without using a call leaves its call to the next (`overflow` is what the
 * plan expects will not fit). Pure.
 */
export function planSending(toSend: readonly PlannedSend[], input: PlanInput): SendPlan {
  const notSent = new Map<number, string>();
  let stopped: StopReason | null = input.stop?.reason ?? null;
  let sendable = toSend;
  let overflow: SendPlan['overflow'];
  if (input.stop) {
    for (const item of sendable) notSent.set(item.seq, `not sent: ${input.stop.message}`);
    sendable = [];
  }
  if (input.limit !== undefined && sendable.length > input.limit) {
    for (const item of sendable.slice(input.limit)) notSent.set(item.seq, `not sent: --limit ${input.limit} reached; run again without --limit to send it`);
    sendable = sendable.slice(0, input.limit);
    stopped ??= 'limit';
  }
  const q = input.quota;
  if (q) {
    const left = callsLeft(q, input.overage ?? 0);
    if (sendable.length > left) {
      overflow = { left, items: sendable.slice(left) };
      if (left === 0 || input.dryRun) {
        for (const item of overflow.items) notSent.set(item.seq, noRoomText(q, input.overage ?? 0));
        sendable = sendable.slice(0, left);
        stopped = 'quota';
      }
    }
  }
  const otherwise = input.dryRun && sendable.length ? { otherwise: WOULD_BE_SENT } : {};
  if (input.dryRun) sendable = [];
  return { sendable, notSent, stopped, ...otherwise, ...(overflow ? { overflow } : {}) };
}
