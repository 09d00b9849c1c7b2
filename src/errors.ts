/**
 * The one error type for what ends a whole run. A row's failure is never thrown: it is data
 * (a result with a code and a message). Each code maps to one exit code of CONTRACT.md.
 */
export type RunErrorCode =
  | 'USAGE' // bad flags or option values
  | 'SETUP' // missing key, bad endpoint, unwritable report
  | 'FILE' // the input cannot be read as a spreadsheet
  | 'COLUMNS' // unknown or repeated columns
  | 'REPORT' // an existing report/journal belongs to another file or cannot be read back
  | 'ACCOUNT' // the API asked which advertiser to use
  | 'QUOTA' // the monthly quota is spent
  | 'AUTH' // the API refused the key
  | 'INTERRUPTED'; // Ctrl-C or SIGTERM

const EXIT_CODES: Record<RunErrorCode, number> = {
  USAGE: 2,
  SETUP: 2,
  FILE: 2,
  COLUMNS: 2,
  REPORT: 2,
  ACCOUNT: 2,
  QUOTA: 3,
  AUTH: 4,
  INTERRUPTED: 130,
};

export class RunError extends Error {
  readonly code: RunErrorCode;
  readonly exitCode: number;

  constructor(code: RunErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RunError';
    this.code = code;
    this.exitCode = EXIT_CODES[code];
  }
}

