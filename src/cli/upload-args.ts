import { uploadFile } from '../upload/upload.js';
import { RunError } from '../errors.js';
import type { RetryFormat } from '../report/paths.js';
import type { RunSummary } from '../commands/summary.js';
import type { SheetOptions } from '../commands/common-options.js';
import type { LinkOptions } from '../commands/link-stage.js';
import { given, intOption, numberOption, str as s } from './option-values.js';
import type { CliContext, Values } from './context.js';

/** `upload`: flags to UploadOptions; the command itself is the library's uploadFile. */
export function uploadFromCli(sheet: SheetOptions & LinkOptions, values: Values, ctx: CliContext): Promise<RunSummary> {
  return uploadFile(
    {
      ...sheet,
      env: ctx.env,
      ...given('endpoint', s(values.endpoint)),
      ...given('apiKeyFile', s(values['api-key-file'])),
      // Only the form is checked here; the ranges live once, in uploadFile's checkNumbers.
      ...given('concurrency', intOption('concurrency', s(values.concurrency))),
      ...given('rate', numberOption('rate', s(values.rate))),
      ...given('retries', intOption('retries', s(values.retries))),
      ...given('timeoutSeconds', numberOption('timeout', s(values.timeout))),
      ...given('limit', intOption('limit', s(values.limit))),
      ...given('allowOverage', intOption('allow-overage', s(values['allow-overage']))),
      ...given('maxWaitSeconds', numberOption('max-wait', s(values['max-wait']))),
      retryRejected: values['retry-rejected'] === true,
      dryRun: values['dry-run'] === true,
      forceUnlock: values['force-unlock'] === true,
      confirmEdits: values['confirm-edits'] === true,
      ...given('retryFormat', retryFormat(s(values['retry-format']))),
      ...(ctx.argv ? { commandLine: ['tiktok-ads-bulk', ...ctx.argv].map(shellWord).join(' ') } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      ...(ctx.hardSignal ? { hardSignal: ctx.hardSignal } : {}),
    },
    ctx.io,
  );
}

function retryFormat(raw: string | undefined): RetryFormat | undefined {
  if (raw === undefined) return undefined;
  const f = raw.trim().toLowerCase();
  if (f === 'csv' || f === 'xlsx') return f;
  throw new RunError('USAGE', `--retry-format ${raw}: use csv or xlsx.`);
}

/** Quotes a word the way a shell would need it, for showing the command in the report. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
