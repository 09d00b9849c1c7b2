import type { UploadStatus } from '../report/status.js';
import type { QuotaInfo, StopReason } from '../send/quota.js';
import type { Problem } from '../validate/args.js';

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
  /** validate: every problem and warning, row by row, each with its stable code. */
  readonly problems?: readonly RowProblem[];
}

/** One problem or warning of one row, as `validate --json` and the library list it. */
export interface RowProblem {
  readonly row: number;
  readonly level: 'error' | 'warning';
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

/** A row's problems, then its warnings, flattened with its number. */
export function rowProblems(row: number, problems: readonly Problem[], warnings: readonly Problem[]): RowProblem[] {
  return [
    ...problems.map((p) => ({ row, level: 'error' as const, field: p.field, code: p.code, message: p.message })),
    ...warnings.map((p) => ({ row, level: 'warning' as const, field: p.field, code: p.code, message: p.message })),
  ];
}

export function emptyCounts(): Record<UploadStatus, number> {
  return { created: 0, invalid: 0, rejected: 0, failed: 0, not_sent: 0, unknown: 0 };
}
