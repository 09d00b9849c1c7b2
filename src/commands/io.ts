/** Where a command writes: the CLI passes the process's streams, tests pass buffers. */
export interface Io {
  /** stdout: only the JSON summary with --json, else the human summary. */
  out(text: string): void;
  /** stderr: progress, problems, messages. */
  err(text: string): void;
  /** A live terminal (progress line redrawn in place). */
  readonly isTTY: boolean;
  /** Colour allowed (a terminal and no NO_COLOR). */
  readonly color: boolean;
}

export const silentIo: Io = { out() {}, err() {}, isTTY: false, color: false };

export function bufferIo(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), isTTY: false, color: false };
}
