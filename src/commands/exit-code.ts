import type { UploadStatus } from '../report/status.js';
import type { StopReason } from '../send/quota.js';

/** The exit codes (README, "Exit codes") of a batch that stopped, by why it stopped. */
const STOP_EXIT_CODES: Readonly<Record<StopReason | 'setup', number | undefined>> = {
  quota: 3,
  auth: 4,
  account: 2,
  setup: 2,
  interrupted: 130,
  // --limit is the user's own stop: the counts decide, as for a finished batch.
  limit: undefined,
  // --max-wait spent on throttles: the rows left are not_sent, and the counts decide (exit 1).
  throttled: undefined,
};

/** The exit code from how the batch ended and its counts. Pure. */
export function exitCode(stopped: StopReason | 'setup' | null, counts: Record<UploadStatus, number>, dryRun: boolean): number {
  const byStop = stopped === null ? undefined : STOP_EXIT_CODES[stopped];
  if (byStop !== undefined) return byStop;
  if (dryRun) return counts.invalid > 0 ? 1 : 0;
  return counts.invalid + counts.rejected + counts.failed + counts.not_sent + counts.unknown > 0 ? 1 : 0;
}
