import { uploadFile, type UploadOptions } from '../upload/upload.js';
import type { RunSummary } from '../commands/summary.js';
import type { SheetOptions } from '../commands/common-options.js';
import type { LinkOptions } from '../commands/link-stage.js';
import type { CliContext, Values } from './context.js';

/**
 * `upload`: flags to UploadOptions, as the registry (options/registry.ts) reads them; the command
 * itself is the library's uploadFile, which checks the same ranges.
 */
export function uploadFromCli(sheet: SheetOptions & LinkOptions & Record<string, unknown>, _values: Values, ctx: CliContext): Promise<RunSummary> {
  const options = {
    ...sheet,
    env: ctx.env,
    ...(ctx.argv ? { commandLine: ['tiktok-ads-bulk', ...ctx.argv].map(shellWord).join(' ') } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(ctx.hardSignal ? { hardSignal: ctx.hardSignal } : {}),
  } as UploadOptions;
  return uploadFile(options, ctx.io);
}

/** Quotes a word the way a shell would need it, for showing the command in the report. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
