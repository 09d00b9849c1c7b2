import { RunError } from '../errors.js';
import { resolve } from 'node:path';
import { BatchLock } from '../batch/batch-lock.js';
import { defaultReportPath, journalPath, retryFilePath } from '../report/paths.js';
import { loadResumeState } from '../batch/resume-state.js';
import { loadApiKey } from '../send/api-key.js';
import { redact } from '../send/redact.js';
import { AdspirerClient } from '../send/client.js';
import { resolveEndpoint } from '../send/endpoint.js';
import type { AdNameTemplate } from '../validate/ad-name.js';
import { batchAd, type BatchAd } from '../batch/batch-ad.js';
import { validateSheet } from '../keys/keyed-sheet.js';
import { type ValidateOptions } from '../validate/validate-sheet.js';
import { noticePrinter, parseAdName, parseDefaults } from '../commands/common-options.js';
import { openInput, type InputSource } from '../commands/input-source.js';
import type { Io } from '../commands/io.js';
import { ProblemPrinter } from '../commands/problem-printer.js';
import { checkNumbers, checkWritable } from './checks.js';
import { type UploadOptions, type UploadRun, UPLOAD_DEFAULTS } from './types.js';

/** Options checked, key loaded, files located, and every row validated: no paid call before that. */
export async function prepare(options: UploadOptions, io: Io): Promise<UploadRun> {
  const env = options.env ?? {};
  const now = options.now ?? Date.now;
  const startedAt = now();
  checkNumbers(options);
  const settings = {
    concurrency: options.concurrency ?? UPLOAD_DEFAULTS.concurrency,
    rate: options.rate ?? UPLOAD_DEFAULTS.rate,
    retries: options.retries ?? UPLOAD_DEFAULTS.retries,
    timeoutMs: (options.timeoutSeconds ?? UPLOAD_DEFAULTS.timeoutSeconds) * 1000,
  };

  const defaults = parseDefaults(options.set, options.advertiserId);
  const adName = parseAdName(options.adName);
  const base = resolveEndpoint(options.endpoint, env);
  const apiKey = await loadApiKey(options.apiKeyFile, env);
  if (apiKey?.warning) io.err(`Warning: ${apiKey.warning}\n`);
  if (!apiKey && !options.dryRun) {
    throw new RunError('SETUP', 'No API key: set ADSPIRER_API_KEY (get one at adspirer.ai/keys), or pass --api-key-file PATH.');
  }
  const mask = (text: string): string => redact(text, apiKey?.value);
  const say = (text: string): void => io.err(mask(text));

  // Reading the input is free; a Google Sheets link must be read to know the batch's name.
  const input = await openInput(options);
  const report = options.report ?? defaultReportPath(input.place);
  const retryPath = retryFilePath(input.place, options.retryFormat);
  if (resolve(report) === resolve(retryPath)) {
    throw new RunError('USAGE', `--report ${report} is the retry file's path; the two would overwrite each other. Choose another --report.`);
  }
  await checkWritable(report);
  const journal = journalPath(report);
  // Before the journal is read: a second run of the batch stops here, before any paid call.
  const lock = await BatchLock.acquire(`${report}.lock`, { force: options.forceUnlock === true });
  if (lock.notice) say(`Note: ${lock.notice}\n`);
  try {
    const batch = await readBatch(input, options, io, say, { report, journal, defaults, adName, today: new Date(now()).toISOString().slice(0, 10) });
    const client = apiKey ? new AdspirerClient({ base, apiKey: apiKey.value, timeoutMs: settings.timeoutMs, connections: settings.concurrency }) : undefined;
    return { options, io, say, mask, now, startedAt, settings, client, endpoint: base, report, journal, lock, retryPath, ...batch };
  } catch (err) {
    await lock.release();
    throw err;
  }
}

/** The sheet, what earlier runs of the batch left, and every row checked. */
async function readBatch(
  { sheet, batchName }: InputSource,
  options: UploadOptions,
  io: Io,
  say: (text: string) => void,
  at: { report: string; journal: string; defaults: Map<string, string>; adName: AdNameTemplate | undefined; today: string },
): Promise<Pick<UploadRun, 'sheet' | 'validation' | 'resume' | 'planned' | 'interrupted'>> {
  const resume = await loadResumeState(batchName, at.report, at.journal, sheet.header, at.today);
  for (const note of resume.notes) say(`${note}\n`);
  const planned: BatchAd[] = [];
  const printer = new ProblemPrinter(io);
  const validation: ValidateOptions = {
    defaults: at.defaults,
    ...(at.adName ? { adName: at.adName } : {}),
    allowDuplicates: options.allowDuplicates ?? false,
    trustIds: options.trustIds === true,
    runDate: resume.date,
  };
  const links = options.checkLinks !== false;
  const advertisers = new Map<string, string>();
  const same = (id: string): string => advertisers.get(id) ?? (advertisers.set(id, id), id);
  for await (const ad of validateSheet(sheet, { ...validation, onNotice: noticePrinter(say) })) {
    // Ctrl-C while the rows are checked: nothing has been sent, nothing is written.
    if (options.signal?.aborted) return { sheet, validation, resume, planned, interrupted: true };
    planned.push(batchAd(ad, links, same));
    printer.add(ad);
  }
  printer.finish(at.report);
  return { sheet, validation, resume, planned, interrupted: false };
}
