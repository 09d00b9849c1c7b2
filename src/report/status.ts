/** The report's statuses (README, "Report"). */
export const UPLOAD_STATUSES = ['created', 'invalid', 'rejected', 'failed', 'not_sent'] as const;
export type UploadStatus = (typeof UPLOAD_STATUSES)[number];
export type ValidateStatus = 'valid' | 'invalid';
export type Status = UploadStatus | ValidateStatus;

/** Rows that need the user's attention and go to the retry file. */
export function needsAttention(status: Status): boolean {
  return status === 'invalid' || status === 'rejected' || status === 'failed' || status === 'not_sent';
}
