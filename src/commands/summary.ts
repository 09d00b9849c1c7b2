import type { UploadStatus } from '../report/status.js';
import type { QuotaInfo, StopReason } from '../send/quota.js';

/** The `--json` summary object (README, `--json`). `valid` is added for validate, which has no uploads. */
export interface RunSummary {
  readonly command: 'validate' | 'upload';
  readonly file: string;
  readonly report: string | null;
  readonly rows: number;
  readonly counts: Record<UploadStatus, number> & { valid?: number };
  readonly quota: QuotaInfo | null;
  readonly stopped: StopReason | null;
  readonly exit_code: number;
}

export function emptyCounts(): Record<UploadStatus, number> {
  return { created: 0, invalid: 0, rejected: 0, failed: 0, not_sent: 0, unknown: 0 };
}
