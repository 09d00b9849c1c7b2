/**
 * exceljs's streaming reader can stop making progress on a damaged zip without ever failing: no
 * error, no end, no pending I/O (Node then exits with "unsettled top-level await"). A stall watch
 * turns that into an error: every sign of progress (bytes read, a row parsed) resets it; `ms`
 * without any rejects the wait.
 */
export class StallWatch {
  private timer: NodeJS.Timeout | undefined;
  private reject: ((err: Error) => void) | undefined;

  constructor(
    private readonly ms: number,
    private readonly error: () => Error,
  ) {}

  progress(): void {
    if (!this.reject) return;
    clearTimeout(this.timer);
    this.arm();
  }

  /** Waits for `p`, failing if nothing progresses for `ms`. */
  async guard<T>(p: Promise<T>): Promise<T> {
    const stalled = new Promise<never>((_, reject) => {
      this.reject = reject;
      this.arm();
    });
    try {
      return await Promise.race([p, stalled]);
    } finally {
      clearTimeout(this.timer);
      this.reject = undefined;
    }
  }

  private arm(): void {
    this.timer = setTimeout(() => this.reject?.(this.error()), this.ms);
  }
}
