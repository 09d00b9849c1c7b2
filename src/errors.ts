/**
 * The one error type for what ends a whole run before or outside the batch. A row's failure is
 * never thrown: it is data (a result with a code and a message). A batch that stops (quota, auth,
 * the account prompt, Ctrl-C) is a result too, mapped to its exit code by commands/exit-code.ts.
 * Every code here is a usage or set-up problem: exit 2 (README, "Exit codes").
 */
export type RunErrorCode =
  | 'USAGE' // bad flags or option values
  | 'SETUP' // missing key, bad endpoint, unwritable report
  | 'FILE' // the input cannot be read as a spreadsheet
  | 'COLUMNS' // unknown or repeated columns
  | 'REPORT'; // an existing report/journal belongs to another file or cannot be read back

export class RunError extends Error {
  readonly code: RunErrorCode;
  readonly exitCode = 2;

  constructor(code: RunErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RunError';
    this.code = code;
  }
}
