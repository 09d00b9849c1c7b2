import type { Io } from '../commands/io.js';

/** What the CLI needs from the outside world; main.ts passes the process's. */
export interface CliContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly io: Io;
  /** Aborted on the first Ctrl-C / SIGTERM. */
  readonly signal?: AbortSignal;
  /** Aborted on the second: abandon requests in flight. */
  readonly hardSignal?: AbortSignal;
  /** Called with a running server's (sim, ui) stop function, so main can close it on Ctrl-C. */
  readonly onSimStarted?: (stop: () => Promise<void>) => void;
  /** Asks the person at the terminal and gives the answer; absent where no one can answer (no TTY). */
  readonly ask?: (question: string) => Promise<string>;
  /** The arguments as typed, for the report's Summary sheet (runCli fills it in). */
  readonly argv?: readonly string[];
}

/** What node:util parseArgs gives for a command's flags. */
export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;
