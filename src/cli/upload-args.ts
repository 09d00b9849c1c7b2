import { uploadFile } from '../commands/upload.js';
import type { RunSummary } from '../commands/summary.js';
import type { SheetOptions } from '../commands/common-options.js';
import { intOption, numberOption } from './numbers.js';
import type { CliContext, Values } from './run.js';

const s = (v: Values[string]): string | undefined => (typeof v === 'string' ? v : undefined);

/** `upload`: flags to UploadOptions; the command itself is the library's uploadFile. */
export function uploadFromCli(sheet: SheetOptions, values: Values, ctx: CliContext): Promise<RunSummary> {
  const num = <K extends string>(key: K, v: number | undefined): { [P in K]?: number } => (v === undefined ? {} : { [key]: v }) as { [P in K]?: number };
  return uploadFile(
    {
      ...sheet,
      env: ctx.env,
      ...(s(values.endpoint) !== undefined ? { endpoint: s(values.endpoint)! } : {}),
      ...(s(values['api-key-file']) !== undefined ? { apiKeyFile: s(values['api-key-file'])! } : {}),
      // Only the form is checked here; the ranges live once, in uploadFile's checkNumbers.
      ...num('concurrency', intOption('concurrency', s(values.concurrency))),
      ...num('rate', numberOption('rate', s(values.rate))),
      ...num('retries', intOption('retries', s(values.retries))),
      ...num('timeoutSeconds', numberOption('timeout', s(values.timeout))),
      ...num('limit', intOption('limit', s(values.limit))),
      retryRejected: values['retry-rejected'] === true,
      dryRun: values['dry-run'] === true,
      ...(ctx.argv ? { commandLine: ['tiktok-ads-bulk', ...ctx.argv].map(shellWord).join(' ') } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      ...(ctx.hardSignal ? { hardSignal: ctx.hardSignal } : {}),
    },
    ctx.io,
  );
}

/** Quotes a word the way a shell would need it, for showing the command in the report. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
