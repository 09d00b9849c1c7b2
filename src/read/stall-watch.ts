/**
 * exceljs's streaming reader can stop making progress on a damaged zip without ever failing: no
 * error, no end, no pending I/O (Node then exits with "unsettled top-level await"). A stall watch
 * turns that into an error: a wait that sees no sign of progress (bytes read, a row parsed) for
 * `ms` is rejected.
 *
 * One timer serves every wait, and progress is a counter the timer compares when it fires, so a
 * stalled wait fails within `ms` to 2×`ms`. Arming a timer for each of a sheet's rows cost more
 * than a bare exceljs read of the row (issue 6).
 */
export class StallWatch {
  private ticks = 0;
  private seen = 0;
  private timer: NodeJS.Timeout | undefined;
  /** How to fail each pending wait. */
  private readonly waiting = new Set<(err: Error) => void>();

  constructor(
    private readonly ms: number,
    private readonly error: () => Error,
  ) {}

  progress(): void {
    this.ticks++;
  }

  /** Waits for `p`, failing if nothing progresses for `ms`. */
  guard<T>(p: Promise<T>): Promise<T> {
    this.ticks++;
    // While a wait is pending the timer keeps the process alive, so a stall is reported rather
    // than the process exiting; between waits it does not hold the process open.
    if (this.timer) this.timer.ref();
    else this.arm();
    return new Promise<T>((resolve, reject) => {
      this.waiting.add(reject);
      const done = (): void => {
        this.waiting.delete(reject);
        if (this.waiting.size === 0) this.timer?.unref();
      };
      p.then(
        (value) => {
          done();
          resolve(value);
        },
        (err: unknown) => {
          done();
          reject(err);
        },
      );
    });
  }

  private check(): void {
    if (this.ticks === this.seen) {
      this.timer = undefined;
      // Idle since the last check: stalled if someone waits, else done watching for now.
      for (const fail of this.waiting) fail(this.error());
      this.waiting.clear();
      return;
    }
    this.seen = this.ticks;
    this.arm();
    if (this.waiting.size === 0) this.timer!.unref();
  }

  /** Its own function, so the timer's closure holds nothing of a wait (a row, a whole reader). */
  private arm(): void {
    this.timer = setTimeout(() => this.check(), this.ms);
  }
}
