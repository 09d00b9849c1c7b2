import { open, rm, stat } from 'node:fs/promises';
import { RunError } from '../errors.js';
import { writeError } from '../report/open-writer.js';

/** Upload's numeric options, checked with messages naming the option. */
export function checkNumbers(
  { concurrency, rate, retries, timeoutMs }: { concurrency: number; rate: number; retries: number; timeoutMs: number },
  limit: number | undefined,
  more: { readonly allowOverage?: number | undefined; readonly maxWaitSeconds?: number | undefined } = {},
): void {
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
    throw new RunError('USAGE', `--concurrency ${concurrency}: expected a whole number from 1 to 64.`);
  if (!(rate > 0) || rate > 100) throw new RunError('USAGE', `--rate ${rate}: expected a number above 0 and at most 100 (requests per second).`);
  if (!Number.isInteger(retries) || retries < 0 || retries > 20) throw new RunError('USAGE', `--retries ${retries}: expected a whole number from 0 to 20.`);
  if (!(timeoutMs >= 1) || timeoutMs > 3_600_000)
    throw new RunError('USAGE', `--timeout ${timeoutMs / 1000}: expected a number above 0 and at most 3600 (seconds).`);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw new RunError('USAGE', `--limit ${limit}: expected a whole number, 0 or more.`);
  const { allowOverage, maxWaitSeconds } = more;
  // Adspirer caps overage at $50 a month, 100 calls at $0.50: more could never be used.
  if (allowOverage !== undefined && (!Number.isInteger(allowOverage) || allowOverage < 0 || allowOverage > 100)) {
    throw new RunError(
      'USAGE',
      `--allow-overage ${allowOverage}: expected a whole number from 0 to 100 (Adspirer's overage stops at $50 a month, 100 calls at $0.50).`,
    );
  }
  if (maxWaitSeconds !== undefined && (!(maxWaitSeconds >= 0) || maxWaitSeconds > 86_400)) {
    throw new RunError('USAGE', `--max-wait ${maxWaitSeconds}: expected a number of seconds from 0 to 86400.`);
  }
}

/**
 * A report that cannot be written ends the run (exit 2) before any paid call. The check opens the
 * path for appending, as the writer will: a permission bit test (access) would pass for root even
 * where the write fails, on a read-only mount or a system folder.
 */
export async function checkWritable(report: string): Promise<void> {
  const existing = await stat(report).catch(() => undefined);
  if (existing?.isDirectory()) throw writeError(report, Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
  try {
    const handle = await open(report, 'a');
    await handle.close();
  } catch (err) {
    throw writeError(report, err);
  }
  if (!existing) await rm(report, { force: true });
}
