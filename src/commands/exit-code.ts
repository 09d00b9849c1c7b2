import type { UploadStatus } from '../report/status.js';
import type { StopReason } from './summary.js';

/** CONTRACT.md's exit codes, from how the batch ended and its counts. Pure. */
export function exitCode(stopped: StopReason | 'setup' | null, counts: Record<UploadStatus, number>, dryRun: boolean): number {
  if (stopped === 'quota') return 3;
  if (stopped === 'auth') return 4;
  if (stopped === 'account' || stopped === 'setup') return 2;
  if (stopped === 'interrupted') return 130;
  if (dryRun) return counts.invalid > 0 ? 1 : 0;
  return counts.invalid + counts.rejected + counts.failed + counts.not_sent > 0 ? 1 : 0;
}
