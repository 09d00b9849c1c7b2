import { RunError } from '../errors.js';
import { openSheet } from '../read/open-sheet.js';
import { carryOver, orphanedInFlight } from '../report/carry-over.js';
import { JournalWriter } from '../report/journal.js';
import { openTableWriter, writeError } from '../report/open-writer.js';
import { OrderedReport } from '../report/ordered-report.js';
import { defaultReportPath, journalPath, retryFilePath } from '../report/paths.js';
import { reportHeader, type ReportLine } from '../report/report-line.js';
import { loadResumeState } from '../report/resume-state.js';
import { writeRetryFile } from '../report/retry-file.js';
import { loadApiKey, redact } from '../send/api-key.js';
import type { BackoffOptions } from '../send/backoff.js';
import { sendBatch, type SendResult } from '../send/batch.js';
import { AdspirerClient } from '../send/client.js';
import { resolveEndpoint } from '../send/endpoint.js';
import type { Transport } from '../send/transport.js';
import { validateSheet, type PlannedAd } from '../validate/validate-sheet.js';
import { parseAdName, parseDefaults, type SheetOptions } from './common-options.js';
import { exitCode } from './exit-code.js';
import { silentIo, type Io } from './io.js';
import { preflight } from './preflight.js';
import { ProblemPrinter } from './problem-printer.js';
import { formatDuration, Progress } from './progress.js';
import { planSending } from './send-plan.js';
import { emptyCounts, type QuotaInfo, type RunSummary, type StopReason } from './summary.js';
import { checkNumbers, checkWritable } from './upload-checks.js';
import { endText, planText, summariseRows } from './upload-messages.js';

export interface UploadOptions extends SheetOptions {
  readonly endpoint?: string;
  readonly apiKeyFile?: string;
  /** Where ADSPIRER_API_KEY and ADSPIRER_BASE_URL are read; the CLI passes process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly concurrency?: number;
  readonly rate?: number;
  readonly retries?: number;
  readonly timeoutSeconds?: number;
  readonly limit?: number;
  readonly retryRejected?: boolean;
  readonly dryRun?: boolean;
  /** First abort: no new rows, finish those in flight. */
  readonly signal?: AbortSignal;
  /** Second abort: abandon requests in flight (recorded as in doubt, re-sent with the same key next run). */
  readonly hardSignal?: AbortSignal;
  readonly onEvent?: (event: UploadEvent) => void;
  /** The command as the user typed it, for the XLSX report's Summary sheet. */
  readonly commandLine?: string;
  /** Tuning for tests and benchmarks. */
  readonly backoff?: BackoffOptions;
  readonly maxRetryAfterMs?: number;
  readonly random?: () => number;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export type UploadEvent =
  | { readonly type: 'row'; readonly line: ReportLine }
  | { readonly type: 'quota'; readonly quota: QuotaInfo }
  | { readonly type: 'progress'; readonly done: number; readonly total: number };

/**
 * Safe defaults (adspirer-api-notes.md): TikTok's ad/create allows 5 requests/s and 150/min on
 * the basic tier, and Adspirer's calls share that upstream. 2/s stays under 150/min sustained;
 * 4 in flight covers the seconds a video upload takes without queueing behind one slow row.
 */
export const UPLOAD_DEFAULTS = { concurrency: 4, rate: 2, retries: 4, timeoutSeconds: 120 } as const;

/** `upload FILE`: validate, then create one ad per valid row, resumably. */
export async function uploadFile(options: UploadOptions, io: Io = silentIo): Promise<RunSummary> {
  const env = options.env ?? {};
  const now = options.now ?? Date.now;
  const startedAt = now();
  const concurrency = options.concurrency ?? UPLOAD_DEFAULTS.concurrency;
  const rate = options.rate ?? UPLOAD_DEFAULTS.rate;
  const retries = options.retries ?? UPLOAD_DEFAULTS.retries;
  const timeoutMs = (options.timeoutSeconds ?? UPLOAD_DEFAULTS.timeoutSeconds) * 1000;
  checkNumbers(concurrency, rate, retries, timeoutMs, options.limit);

  const defaults = parseDefaults(options.set, options.advertiserId);
  const adName = parseAdName(options.adName);
  const base = resolveEndpoint(options.endpoint, env);
  const apiKey = await loadApiKey(options.apiKeyFile, env);
  if (apiKey?.warning) io.err(`Warning: ${apiKey.warning}\n`);
  if (!apiKey && !options.dryRun) {
    throw new RunError('SETUP', 'No API key: set ADSPIRER_API_KEY (get one at adspirer.ai/keys), or pass --api-key-file PATH.');
  }
  const say = (text: string): void => io.err(redact(text, apiKey?.value));

  const report = options.report ?? defaultReportPath(options.file);
  const journal = journalPath(report);
  const retryPath = retryFilePath(options.file);
  await checkWritable(report);

  const sheet = await openSheet(options.file, options.sheet !== undefined ? { sheet: options.sheet } : {});
  const today = new Date(now()).toISOString().slice(0, 10);
  const resume = await loadResumeState(options.file, report, journal, sheet.header, today);
  for (const note of resume.notes) say(`${note}\n`);

  // Validation first, whole file: not one paid call before every row is checked.
  const planned: PlannedAd[] = [];
  const printer = new ProblemPrinter(io);
  for await (const ad of validateSheet(sheet, { defaults, ...(adName ? { adName } : {}), allowDuplicates: options.allowDuplicates ?? false, runDate: resume.date })) {
    planned.push(ad);
    printer.add(ad);
  }
  printer.finish(report);

  const { lines, toSend, carried, invalid } = carryOver(planned, resume.states, options.retryRejected === true);
  const orphans = orphanedInFlight(planned, resume.states);
  if (orphans.length) {
    const one = orphans.length === 1;
    say(`Warning: ${orphans.length} ${one ? 'ad was' : 'ads were'} in flight when an earlier run stopped, and ${one ? 'its row is' : 'their rows are'} no longer in the file as ${one ? 'it was' : 'they were'} (rows ${orphans.map((st) => st.row).join(', ')} then). ${one ? 'It' : 'They'} may exist in TikTok Ads Manager; check before launching the edited rows.\n`);
  }

  // The free preflight (quota, accounts), then the plan: a preflight stop, --limit, the quota.
  const client: Transport & { close?: () => Promise<void> } | undefined = apiKey
    ? new AdspirerClient({ base, apiKey: apiKey.value, timeoutMs, connections: concurrency })
    : undefined;
  let quota: QuotaInfo | undefined;
  let stopped: StopReason | 'setup' | null = null;
  let stopMessage: string | undefined;
  let accounts: readonly string[] | undefined;
  try {
    if (client) {
      const pre = await preflight(client, toSend, now());
      if (pre.quota) {
        quota = pre.quota;
        options.onEvent?.({ type: 'quota', quota: pre.quota });
      }
      if (pre.stop) {
        if (pre.stop.reason === 'setup') throw new RunError('SETUP', redact(pre.stop.message, apiKey?.value));
        stopped = pre.stop.reason;
        stopMessage = redact(pre.stop.message, apiKey?.value);
        accounts = pre.stop.accounts;
      }
    }
    say(planText(options.file, planned.length, invalid, carried, toSend.length, quota, options.dryRun === true));

    const plan = planSending(toSend, {
      ...(stopped && stopMessage ? { stop: { reason: stopped, message: stopMessage } } : {}),
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
      ...(quota ? { quota } : {}),
      dryRun: options.dryRun === true,
    });
    const { sendable, notSent } = plan;
    stopped = plan.stopped;
    if (plan.overflow && quota) {
      const { left, items } = plan.overflow;
      const rows = [...new Set(items.map((i) => planned[i.seq]!.row))];
      say(`The quota has room for ${left} more ${left === 1 ? 'call' : 'calls'}; ${items.length} ${items.length === 1 ? 'ad' : 'ads'} will not fit (rows ${summariseRows(rows)}) and stay not_sent until ${quota.period_end || 'the quota resets'}.\n`);
    }

    // The journal, then the report: opened only now that the run is sure to go ahead, and in this
    // order so that a crash between the two never leaves a fresh report without its journal.
    const journalWriter = options.dryRun ? undefined : await JournalWriter.open(journal, resume.newHeader).catch((err: unknown) => {
      throw writeError(journal, err, 'the journal beside the report');
    });
    const writer = await openTableWriter(report, reportHeader(sheet.header), {
      sheetName: 'Results',
      summary: () => summaryPairs(),
    });
    const ordered = new OrderedReport(writer, sheet.header.length);
    const counts = emptyCounts();
    const allLines: ReportLine[] = [];
    let done = 0;
    const finish = async (seq: number, settled: ReportLine): Promise<void> => {
      const adgroup = planned[seq]!.args?.adgroup_id;
      const line = typeof adgroup === 'string' ? { ...settled, adgroup } : settled;
      counts[line.status as keyof typeof counts]++;
      allLines[seq] = line;
      options.onEvent?.({ type: 'row', line });
      done++;
      options.onEvent?.({ type: 'progress', done, total: planned.length });
      await ordered.add(seq, line);
    };
    for (const ad of planned) {
      const line = lines[ad.seq];
      if (line) await finish(ad.seq, line);
      else if (notSent.has(ad.seq)) {
        await finish(ad.seq, { row: ad.row, status: 'not_sent', key: ad.key!, error: notSent.get(ad.seq)!, attempts: 0, input: ad.input });
      }
    }

    let requests = 0;
    let summaryQuota = quota;
    const progress = new Progress(
      io,
      () => ({ done, total: planned.length, created: counts.created, failed: counts.failed, requests, ...(summaryQuota ? { quotaLeft: summaryQuota.limit - summaryQuota.used } : {}) }),
      now,
      startedAt,
    );
    function summaryPairs(): [string, string][] {
      return [
        ['command', options.commandLine ?? `tiktok-ads-bulk upload ${options.file}`],
        ['file', options.file],
        ['started', new Date(startedAt).toISOString()],
        ['duration', formatDuration(now() - startedAt)],
        ...(['created', 'invalid', 'rejected', 'failed', 'not_sent'] as const).map((s): [string, string] => [s, String(counts[s])]),
        ['quota before', quota ? `${quota.used}/${quota.limit} (${quota.tier})` : 'unknown'],
        ['quota after', summaryQuota ? `${summaryQuota.used}/${summaryQuota.limit} (${summaryQuota.tier}), resets ${summaryQuota.period_end}` : 'unknown'],
        ['stopped', stopped ?? ''],
      ];
    }

    let outcome;
    try {
      if (client && sendable.length) progress.start();
      outcome = client && sendable.length
        ? await sendBatch(sendable, client, {
            concurrency,
            rate,
            retries,
            backoff: options.backoff ?? { baseMs: 1000, capMs: 30_000 },
            maxRetryAfterMs: options.maxRetryAfterMs ?? 120_000,
            breakerThreshold: Math.max(10, 3 * concurrency),
            ...(quota ? { quotaLeft: quota.limit - quota.used } : {}),
            ...(options.random ? { random: options.random } : {}),
            ...(options.sleep ? { sleep: options.sleep } : {}),
            now,
            ...(options.signal ? { signal: options.signal } : {}),
            ...(options.hardSignal ? { hardSignal: options.hardSignal } : {}),
            onSending: async (item) => {
              await journalWriter?.append({ key: item.key, row: planned[item.seq]!.row, event: 'sending' });
            },
            onResult: async (r: SendResult) => {
              const ad = planned[r.seq]!;
              const error = r.error ? { error: redact(r.error, apiKey?.value) } : {};
              await journalWriter?.append({ key: r.key, row: ad.row, event: 'result', status: r.status, ...(r.adId ? { ad_id: r.adId } : {}), ...error, attempts: r.attempts });
              await finish(r.seq, { row: ad.row, status: r.status, key: r.key, ...(r.adId ? { adId: r.adId } : {}), ...error, attempts: r.attempts, input: ad.input });
              requests = requests + r.attempts;
            },
            onQuota: (q) => {
              summaryQuota = q;
              options.onEvent?.({ type: 'quota', quota: q });
            },
          })
        : undefined;
    } finally {
      progress.stop();
      await journalWriter?.close();
      await ordered.close();
    }
    if (outcome?.quota) summaryQuota = outcome.quota;
    if (outcome?.stopped) {
      stopped = outcome.stopped;
      stopMessage = outcome.stopMessage;
      accounts = outcome.accounts;
    } else if (options.signal?.aborted && counts.not_sent > 0) stopped = 'interrupted';

    await writeRetryFile(retryPath, sheet.header, allLines);
    if (stopped === 'setup') throw new RunError('SETUP', redact(stopMessage ?? 'the endpoint is not usable', apiKey?.value));
    const exit = exitCode(stopped, counts, options.dryRun === true);
    say(endText({ counts, carried, report, retryPath, elapsed: now() - startedAt, quota: summaryQuota, stopped, stopMessage, accounts }));
    return {
      command: 'upload',
      file: options.file,
      report,
      rows: planned.length,
      counts,
      quota: summaryQuota ? { used: summaryQuota.used, limit: summaryQuota.limit, tier: summaryQuota.tier, period_end: summaryQuota.period_end } : null,
      stopped,
      exit_code: exit,
    };
  } finally {
    await client?.close?.();
  }
}
