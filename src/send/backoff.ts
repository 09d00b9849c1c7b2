/**
 * Capped exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And
 * Jitter"), never shorter than the service's Retry-After. Pure: randomness is passed in.
 */
export interface BackoffOptions {
  readonly baseMs: number;
  readonly capMs: number;
}

export function backoffDelay(retry: number, random: number, options: BackoffOptions, retryAfterMs?: number): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, retry - 1));
  const jittered = Math.floor(random * ceiling);
  return retryAfterMs === undefined ? jittered : Math.max(retryAfterMs, jittered);
}
