/** The report's statuses (README, "Report"). */
/**
 * `unknown`: the request reached the service but no answer confirmed the outcome (a connection
 * closed after sending, a timeout), so the ad may exist; a re-run re-sends it with its same key and
 * the service replays what happened.
 */
export const UPLOAD_STATUSES = ['created', 'invalid', 'rejected', 'failed', 'not_sent', 'unknown'] as const;
export type UploadStatus = (typeof UPLOAD_STATUSES)[number];
export type ValidateStatus = 'valid' | 'invalid';
export type Status = UploadStatus | ValidateStatus;

/** Rows that need the user's attention and go to the retry file. */
export function needsAttention(status: Status): boolean {
  return status === 'invalid' || status === 'rejected' || status === 'failed' || status === 'not_sent' || status === 'unknown';
}
