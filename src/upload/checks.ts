import { open, rm, stat } from 'node:fs/promises';
import { checkNumberOption } from '../options/registry.js';
import type { UploadOptions } from './types.js';
import { refuseNonFile, writeError } from '../report/open-writer.js';

/**
 * Upload's numeric options, checked as the registry declares their ranges (options/registry.ts),
 * with the CLI's messages: a library caller and a flag meet the same rule.
 */
export function checkNumbers(options: Omit<UploadOptions, 'file'>, command: 'upload' | 'pause' | 'resume' | 'delete' = 'upload'): void {
  const numbers: [string, number | undefined][] = [
    ['concurrency', options.concurrency],
    ['rate', options.rate],
    ['retries', options.retries],
    ['timeout', options.timeoutSeconds],
    ['limit', options.limit],
    ['allow-overage', options.allowOverage],
    ['max-wait', options.maxWaitSeconds],
  ];
  for (const [flag, value] of numbers) if (value !== undefined) checkNumberOption(command, flag, value);
}

/**
 * A report that cannot be written ends the run (exit 2) before any paid call. The check opens the
 * path for appending, as the writer will: a permission bit test (access) would pass for root even
 * where the write fails, on a read-only mount or a system folder.
 */
export async function checkWritable(report: string): Promise<void> {
  const existing = await stat(report).catch(() => undefined);
  if (existing?.isDirectory()) throw writeError(report, Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
  await refuseNonFile(report);
  try {
    const handle = await open(report, 'a');
    await handle.close();
  } catch (err) {
    throw writeError(report, err);
  }
  if (!existing) await rm(report, { force: true });
}
