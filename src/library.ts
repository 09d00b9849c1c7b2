import { changeAdStatus as changeStatusRun, type StatusOptions, type StatusSummary } from './ad-status/change-status.js';
import type { StatusAction } from './ad-status/targets.js';
import type { Io } from './commands/io.js';
import type { RunSummary } from './commands/summary.js';
import { validateFile as validateRun, type ValidateFileOptions } from './commands/validate.js';
import { RunError } from './errors.js';
import { libraryWords } from './options/words.js';
import { uploadFile as uploadRun, type UploadOptions } from './upload/upload.js';

/**
 * The library's face: the same runs as the CLI, in the library's own words. Results are camelCase
 * (the CLI's `--json` keeps its documented snake_case names), and an error names the option a
 * caller passed (`concurrency`, `apiKeyFile`), not the CLI's flag (`--concurrency`).
 */

/** `exit_code` → `exitCode`, as a type. */
type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

/** An object's keys in camelCase, deeply: what camelCased() makes of it. */
export type CamelCased<T> = T extends readonly (infer U)[]
  ? readonly CamelCased<U>[]
  : T extends object
    ? { readonly [K in keyof T as K extends string ? CamelCase<K> : K]: CamelCased<T[K]> }
    : T;

/** What validateFile and uploadFile return: the CLI's `--json` summary, in camelCase. */
export type Summary = CamelCased<RunSummary>;

/** What changeAdStatus returns: its `--json` summary, in camelCase. */
export type ChangeSummary = CamelCased<StatusSummary>;

/** `exit_code` → `exitCode`, deeply (arrays and plain objects). */
export function camelCased<T>(value: unknown): T {
  if (Array.isArray(value)) return value.map((v) => camelCased(v)) as T;
  if (value === null || typeof value !== 'object') return value as T;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), camelCased(v)])) as T;
}

async function inLibraryWords<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof RunError) throw new RunError(err.code, libraryWords(err.message), { cause: err.cause });
    throw err;
  }
}

/** Parses and checks every row of a file; see ValidateFileOptions. */
export async function validateFile(options: ValidateFileOptions, io?: Io): Promise<Summary> {
  return camelCased<Summary>(await inLibraryWords(() => validateRun(options, io)));
}

/** Validates, then creates one ad per valid row, resumably; see UploadOptions. */
export async function uploadFile(options: UploadOptions, io?: Io): Promise<Summary> {
  return camelCased<Summary>(await inLibraryWords(() => uploadRun(options, io)));
}

/** Pauses, resumes or deletes the ads a batch created; see StatusOptions. */
export async function changeAdStatus(action: StatusAction, options: StatusOptions, io?: Io): Promise<ChangeSummary> {
  return camelCased<ChangeSummary>(await inLibraryWords(() => changeStatusRun(action, options, io)));
}
