import { RunError } from '../errors.js';
import { basename, extname, resolve } from 'node:path';
import { decideBatchFiles, moveRehearsalAside, otherServiceError, recordedService, serviceOf, type Service } from '../batch/service.js';
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
import { noticePrinter, parseAdName, parseDefaults, parseMap } from '../commands/common-options.js';
import type { FieldSpec } from '../validate/fields.js';
import { openInput, type InputSource } from '../commands/input-source.js';
import type { Io } from '../commands/io.js';
import { ProblemPrinter } from '../commands/problem-printer.js';
import { checkNumbers, checkWritable } from './checks.js';
import { type UploadOptions, type UploadRun, UPLOAD_DEFAULTS } from './types.js';
import { inDoubt } from './doubts.js';
import { retryKey } from '../keys/idempotency-key.js';
import { openOrigin } from '../batch/origin.js';
import { retryOfColumn } from '../report/report-line.js';
import { cellText } from '../read/cell.js';
import { sha256Of } from '../report/retry-file.js';

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
  const map = parseMap(options.map);
  const adName = parseAdName(options.adName);
  const base = resolveEndpoint(options.endpoint, env);
  const apiKey = options.apiKey?.trim() ? { value: options.apiKey.trim() } : await loadApiKey(options.apiKeyFile, env);
  if (apiKey?.warning) io.err(`Warning: ${apiKey.warning}\n`);
  if (!apiKey && !options.dryRun) {
    throw new RunError('SETUP', 'No API key: set ADSPIRER_API_KEY (get one at adspirer.ai/keys), or pass --api-key-file PATH.');
  }
  const mask = (text: string): string => redact(text, apiKey?.value);
  const say = (text: string): void => io.err(mask(text));

  // Reading the input is free; a Google Sheets link must be read to know the batch's name.
  const input = await openInput(options);
  const service = serviceOf(base);
  const { report, retryPath, rehearsalAt } = await batchFiles(input, options, service, say);
  if (resolve(report) === resolve(retryPath)) {
    throw new RunError('USAGE', `--report ${report} is the retry file's path; the two would overwrite each other. Choose another --report.`);
  }
  await checkWritable(report);
  const journal = journalPath(report);
  // Before the journal is read: a second run of the batch stops here, before any paid call.
  const lock = await BatchLock.acquire(`${report}.lock`, { force: options.forceUnlock === true });
  if (lock.notice) say(`Note: ${lock.notice}\n`);
  try {
    // A rehearsal's files at this batch's place: kept apart, under the lock, before they are read.
    if (rehearsalAt !== undefined) say(`Note: ${await moveRehearsalAside({ report, journal, retry: retryPath }, rehearsalAt, service)}\n`);
    const batch = await readBatch(input, options, io, say, {
      report,
      journal,
      defaults,
      map,
      adName,
      today: new Date(now()).toISOString().slice(0, 10),
      service: service.origin,
    });
    const linked = await linkOrigin(
      input,
      batch,
      { report, retryPath, service: service.origin, force: options.forceUnlock === true, dryRun: options.dryRun === true },
      say,
    );
    try {
      const client = apiKey ? new AdspirerClient({ base, apiKey: apiKey.value, timeoutMs: settings.timeoutMs, connections: settings.concurrency }) : undefined;
      const { markers: _markers, ...rows } = batch;
      return { options, io, say, mask, now, startedAt, settings, client, endpoint: base, report, journal, lock, ...rows, ...linked };
    } catch (err) {
      await linked.origin?.lock.release();
      throw err;
    }
  } catch (err) {
    await lock.release();
    throw err;
  }
}

/**
 * Where this run's report and retry file go, by the service the files found there belong to
 * (batch/service.ts): its own batch's, or a rehearsal's to move aside (`rehearsalAt`), or, for a
 * rehearsal meeting the real batch's files at the default place, rehearsal files of its own. Files
 * of another real service are never overwritten: the run stops (exit 2).
 */
async function batchFiles(
  { place }: InputSource,
  options: UploadOptions,
  service: Service,
  say: (text: string) => void,
): Promise<{ report: string; retryPath: string; rehearsalAt?: string }> {
  let report = options.report ?? defaultReportPath(place);
  let retryPath = retryFilePath(place, options.retryFormat);
  let decision = decideBatchFiles(await recordedService(journalPath(report)), service, options.report !== undefined);
  if (decision.kind === 'rehearse-apart') {
    const real = report;
    report = defaultReportPath(place, true);
    retryPath = retryFilePath(place, options.retryFormat, true);
    say(
      `Note: ${basename(real)} belongs to the batch sent to ${decision.from}; this rehearsal against ${service.origin} writes ${basename(report)} and ${basename(retryPath)} instead, and counts none of that batch's ads.\n`,
    );
    decision = decideBatchFiles(await recordedService(journalPath(report)), service, false);
  }
  if (decision.kind === 'refuse' || decision.kind === 'rehearse-apart') throw otherServiceError(report, decision.from, service);
  return { report, retryPath, ...(decision.kind === 'move-rehearsal' ? { rehearsalAt: decision.from } : {}) };
}

/** The sheet, what earlier runs of the batch left, and every row checked. */
async function readBatch(
  { sheet, batchName }: InputSource,
  options: UploadOptions,
  io: Io,
  say: (text: string) => void,
  at: {
    report: string;
    journal: string;
    defaults: Map<string, string>;
    map: Map<string, FieldSpec>;
    adName: AdNameTemplate | undefined;
    today: string;
    service: string;
  },
): Promise<Pick<UploadRun, 'sheet' | 'validation' | 'resume' | 'planned' | 'interrupted'> & { markers: ReadonlyMap<number, string> }> {
  const resume = await loadResumeState(batchName, at.report, at.journal, sheet.header, at.today, at.service);
  for (const note of resume.notes) say(`${note}\n`);
  const planned: BatchAd[] = [];
  const printer = new ProblemPrinter(io);
  const validation: ValidateOptions = {
    defaults: at.defaults,
    ...(at.map.size ? { map: at.map } : {}),
    ...(at.adName ? { adName: at.adName } : {}),
    allowDuplicates: options.allowDuplicates ?? false,
    trustIds: options.trustIds === true,
    runDate: resume.date,
  };
  const links = options.checkLinks !== false;
  const advertisers = new Map<string, string>();
  const same = (id: string): string => advertisers.get(id) ?? (advertisers.set(id, id), id);
  // A new key in a batch that has ads already may be an edit of one: its fields' fingerprints let
  // the plan tell, and name what changed (batch/carry-over.ts). Only those rows keep them.
  const readAt = (options.now ?? Date.now)();
  // A retry file's rows name their batch of origin (retry_of): its states are known only after
  // the rows are read, so every row keeps what an edit or a doubt would need (retry files are small).
  const retryOf = retryOfColumn(sheet.header);
  const markers = new Map<number, string>();
  const hasAds = !options.confirmEdits && (retryOf >= 0 || [...resume.states.values()].some((st) => st.status === 'created'));
  for await (const ad of validateSheet(sheet, { ...validation, onNotice: noticePrinter(say) })) {
    // Ctrl-C while the rows are checked: nothing has been sent, nothing is written.
    if (options.signal?.aborted) return { sheet, validation, resume, planned, interrupted: true, markers };
    if (retryOf >= 0 && !markers.has(ad.row)) markers.set(ad.row, cellText(ad.input[retryOf] ?? null));
    // A first run (no journal) asks nothing of the earlier states per row.
    const known = ad.key === undefined || resume.states.size === 0 ? undefined : resume.states.get(retryKey(ad.key, resume.generations.get(ad.key) ?? 0));
    planned.push(
      batchAd(ad, links, same, hasAds && ad.key !== undefined && !resume.states.has(ad.key), retryOf >= 0 || (known !== undefined && inDoubt(known, readAt))),
    );
    printer.add(ad);
  }
  printer.finish(at.report);
  return { sheet, validation, resume, planned, interrupted: false, markers };
}

/**
 * A retry file's batch of origin (batch/origin.ts): its states for the file's rows join this run's,
 * so a row the origin has made since is not made again, and the retry file is rewritten in place
 * with what still needs attention (its content was all read: it is this run's to replace).
 */
async function linkOrigin(
  { sheet }: InputSource,
  batch: Pick<UploadRun, 'resume' | 'interrupted'> & { markers: ReadonlyMap<number, string> },
  at: { report: string; retryPath: string; service: string; force: boolean; dryRun: boolean },
  say: (text: string) => void,
): Promise<Pick<UploadRun, 'resume' | 'retryPath' | 'origin'>> {
  const plain = { resume: batch.resume, retryPath: at.retryPath };
  if (batch.markers.size === 0 || batch.interrupted) return plain;
  const { origin, note } = await openOrigin(sheet.file, at.report, batch.markers, at.service, at.force);
  if (note) say(`Note: ${note}\n`);
  if (!origin) return plain;
  // Only the retry file the origin wrote is rewritten: a copy under a name of the user's is theirs.
  const own = origin.retryFiles.has(basename(sheet.file)) && extname(sheet.file).toLowerCase() === extname(at.retryPath).toLowerCase();
  const hash = own && !at.dryRun ? await sha256Of(sheet.file) : undefined;
  say(
    `This is a retry file of ${basename(origin.report)}: rows that batch has created are not sent again, what this run creates counts there too${hash ? `, and ${basename(sheet.file)} is rewritten with the rows that still need attention` : ''}.\n`,
  );
  return {
    resume: {
      ...batch.resume,
      states: new Map([...origin.states, ...batch.resume.states]),
      retryFiles: hash ? new Map([...batch.resume.retryFiles, [basename(sheet.file), hash]]) : batch.resume.retryFiles,
    },
    retryPath: hash ? sheet.file : at.retryPath,
    origin,
  };
}
