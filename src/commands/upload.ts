import { access, constants, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { RunError } from '../errors.js';
import { openSheet } from '../read/open-sheet.js';
import { JournalWriter } from '../report/journal.js';
import { openTableWriter, writeError } from '../report/open-writer.js';
import { OrderedReport } from '../report/ordered-report.js';
import { defaultReportPath, journalPath, retryFilePath } from '../report/paths.js';
import { problemsText } from '../report/problem-text.js';
import { reportHeader, retryCells, retryHeader, type ReportLine } from '../report/report-line.js';
import { loadResumeState } from '../report/resume-state.js';
import { retryLines } from '../report/retry-lines.js';
import { needsAttention, type UploadStatus } from '../report/status.js';
import { connectedAdvertisers } from '../send/accounts.js';
import { quotaOf } from '../send/answer.js';
import { loadApiKey, redact } from '../send/api-key.js';
import type { BackoffOptions } from '../send/backoff.js';
import { sendBatch, type SendItem, type SendResult } from '../send/batch.js';
import { AdspirerClient } from '../send/client.js';
import { resolveEndpoint } from '../send/endpoint.js';
import { judge } from '../send/rules.js';
import type { Transport } from '../send/transport.js';
import { validateSheet, type PlannedAd } from '../validate/validate-sheet.js';
import { parseAdName, parseDefaults, type SheetOptions } from './common-options.js';
import { silentIo, type Io } from './io.js';
import { ProblemPrinter } from './problem-printer.js';
import { formatDuration, Progress } from './progress.js';
import { emptyCounts, type QuotaInfo, type RunSummary, type StopReason } from './summary.js';

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
  const adgroupColumn = headerIndex(sheet.header, 'adgroup_id');

  const lines: (ReportLine | undefined)[] = new Array(planned.length);
  const toSend: SendItem[] = [];
  const carried = { created: 0, rejected: 0 };
  for (const ad of planned) {
    if (!ad.args || !ad.key) {
      lines[ad.seq] = { row: ad.row, status: 'invalid', error: problemsText(ad.problems), input: ad.input };
      continue;
    }
    const prior = resume.states.get(ad.key);
    if (prior?.status === 'created') {
      carried.created++;
      lines[ad.seq] = { row: ad.row, status: 'created', key: ad.key, ...(prior.adId ? { adId: prior.adId } : {}), attempts: 0, input: ad.input };
    } else if (prior?.status === 'rejected' && !options.retryRejected) {
      carried.rejected++;
      lines[ad.seq] = { row: ad.row, status: 'rejected', key: ad.key, error: `${prior.error ?? 'rejected by the API'} (from an earlier run; edit the row or pass --retry-rejected to send it again)`, attempts: 0, input: ad.input };
    } else {
      toSend.push({ seq: ad.seq, key: ad.key, args: ad.args });
    }
  }
  const invalid = planned.filter((a) => !a.args).length;
  const planKeys = new Set(planned.map((a) => a.key));
  const orphans = [...resume.states.entries()].filter(([key, st]) => st.status === 'in_flight' && !planKeys.has(key));
  if (orphans.length) {
    say(`Warning: ${orphans.length} ${orphans.length === 1 ? 'ad was' : 'ads were'} in flight when an earlier run stopped, and ${orphans.length === 1 ? 'its row is' : 'their rows are'} no longer in the file as ${orphans.length === 1 ? 'it was' : 'they were'} (rows ${orphans.map(([, st]) => st.row).join(', ')} then). ${orphans.length === 1 ? 'It' : 'They'} may exist in TikTok Ads Manager; check before launching the edited rows.\n`);
  }

  // Plan: --limit, then the quota.
  const client: Transport & { close?: () => Promise<void> } | undefined = apiKey
    ? new AdspirerClient({ base, apiKey: apiKey.value, timeoutMs, connections: concurrency })
    : undefined;
  let quota: QuotaInfo | undefined;
  let stopped: StopReason | 'setup' | null = null;
  let stopMessage: string | undefined;
  let accounts: readonly string[] | undefined;
  const notSent = new Map<number, string>();
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

    let sendable = toSend;
    if (stopped) {
      for (const item of sendable) notSent.set(item.seq, `not sent: ${stopMessage}`);
      sendable = [];
    }
    if (options.limit !== undefined && sendable.length > options.limit) {
      for (const item of sendable.slice(options.limit)) notSent.set(item.seq, `not sent: --limit ${options.limit} reached; run again to send it`);
      sendable = sendable.slice(0, options.limit);
      if (!stopped) stopped = 'limit';
    }
    if (quota) {
      const left = Math.max(0, quota.limit - quota.used);
      if (sendable.length > left) {
        const over = sendable.slice(left);
        const rows = [...new Set(over.map((i) => planned[i.seq]!.row))];
        say(`The quota has room for ${left} more ${left === 1 ? 'call' : 'calls'}; ${over.length} ${over.length === 1 ? 'ad' : 'ads'} will not fit (rows ${summariseRows(rows)}) and stay not_sent until ${quota.period_end || 'the quota resets'}.\n`);
        for (const item of over) notSent.set(item.seq, `not sent: the monthly quota (${quota.limit} calls on ${quota.tier}) has no room for it; it resumes after ${quota.period_end || 'the reset'} or an upgrade`);
        sendable = sendable.slice(0, left);
        stopped = 'quota';
      }
    }
    if (options.dryRun) {
      for (const item of sendable) notSent.set(item.seq, 'dry run: would be sent');
      sendable = [];
    }

    // The report and journal: opened only now that the run is sure to go ahead.
    const writer = await openTableWriter(report, reportHeader(sheet.header), {
      sheetName: 'Results',
      summary: () => summaryPairs(),
    });
    const ordered = new OrderedReport(writer, sheet.header.length);
    const journalWriter = options.dryRun ? undefined : await JournalWriter.open(journal, resume.newHeader).catch((err: unknown) => {
      throw writeError(journal, err, 'the journal beside the report');
    });
    const counts = emptyCounts();
    const allLines: ReportLine[] = [];
    let done = 0;
    const finish = async (seq: number, line: ReportLine): Promise<void> => {
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
    const progress = new Progress(
      io,
      () => ({ done: counts.created + counts.failed + counts.rejected + counts.not_sent + counts.invalid, total: planned.length, created: counts.created, failed: counts.failed, requests, ...(quota ? { quotaLeft: quota.limit - quota.used } : {}) }),
      now,
      startedAt,
    );
    let summaryQuota = quota;
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
              await journalWriter?.append({ key: r.key, row: ad.row, event: 'result', status: r.status, ...(r.adId ? { ad_id: r.adId } : {}), ...(r.error ? { error: redact(r.error, apiKey?.value) } : {}), attempts: r.attempts });
              await finish(r.seq, { row: ad.row, status: r.status, key: r.key, ...(r.adId ? { adId: r.adId } : {}), ...(r.error ? { error: redact(r.error, apiKey?.value) } : {}), attempts: r.attempts, input: ad.input });
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

    await writeRetryFile(retryPath, sheet.header, allLines, adgroupColumn, planned);
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

function checkNumbers(concurrency: number, rate: number, retries: number, timeoutMs: number, limit: number | undefined): void {
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new RunError('USAGE', `--concurrency ${concurrency}: use a whole number from 1 to 64.`);
  if (!(rate > 0) || rate > 100) throw new RunError('USAGE', `--rate ${rate}: use a number above 0 and at most 100 requests per second.`);
  if (!Number.isInteger(retries) || retries < 0 || retries > 20) throw new RunError('USAGE', `--retries ${retries}: use a whole number from 0 to 20.`);
  if (!(timeoutMs >= 1) || timeoutMs > 3_600_000) throw new RunError('USAGE', `--timeout ${timeoutMs / 1000}: use a number of seconds above 0 and at most 3600.`);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw new RunError('USAGE', `--limit ${limit}: use a whole number of rows, 0 or more.`);
}

/** A report that cannot be written ends the run (exit 2) before any paid call. */
async function checkWritable(report: string): Promise<void> {
  const s = await stat(report).catch(() => undefined);
  if (s?.isDirectory()) throw writeError(report, Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
  try {
    await access(s ? report : dirname(report), constants.W_OK);
  } catch (err) {
    throw writeError(report, err);
  }
}

interface Preflight {
  readonly quota?: QuotaInfo;
  readonly stop?: { readonly reason: 'auth' | 'account' | 'setup' | 'quota'; readonly message: string; readonly accounts?: readonly string[] };
}

/** The free calls before any paid one: quota (get_usage_status) and accounts (list_connected_accounts). */
async function preflight(client: Transport, items: readonly SendItem[], now: number): Promise<Preflight> {
  const usage = await client.call('get_usage_status', {});
  const usageVerdict = judge(usage, now);
  if (usageVerdict.kind === 'stop' && (usageVerdict.reason === 'auth' || usageVerdict.reason === 'setup')) return { stop: { reason: usageVerdict.reason, message: usageVerdict.message } };
  const quota = usage.kind === 'http' ? quotaOf(usage.json) : undefined;
  if (items.length === 0) return quota ? { quota } : {};
  const accounts = await client.call('list_connected_accounts', {});
  const ids = accounts.kind === 'http' && accounts.status === 200 ? connectedAdvertisers(accounts.json) : undefined;
  if (ids && ids.length > 0) {
    const unnamed = items.filter((i) => i.args.advertiser_id === undefined);
    if (unnamed.length > 0 && ids.length > 1) {
      return { ...(quota ? { quota } : {}), stop: { reason: 'account', accounts: ids, message: `${ids.length} TikTok advertisers are connected and ${unnamed.length} ${unnamed.length === 1 ? 'ad names' : 'ads name'} none. Pass one with --advertiser-id ID (or an advertiser_id column): ${ids.join(', ')}` } };
    }
    const unknown = [...new Set(items.map((i) => i.args.advertiser_id).filter((a): a is string => typeof a === 'string' && !ids.includes(a)))];
    if (unknown.length) {
      return { ...(quota ? { quota } : {}), stop: { reason: 'account', accounts: ids, message: `advertiser ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not connected to this Adspirer account. Connected: ${ids.join(', ')}` } };
    }
  }
  return quota ? { quota } : {};
}

function planText(file: string, lines: number, invalid: number, carried: { created: number; rejected: number }, toSend: number, quota: QuotaInfo | undefined, dryRun: boolean): string {
  const parts = [`${file}: ${lines} ${lines === 1 ? 'ad' : 'ads'}`];
  if (invalid) parts.push(`${invalid} invalid (never sent)`);
  if (carried.created) parts.push(`${carried.created} already created in an earlier run`);
  if (carried.rejected) parts.push(`${carried.rejected} rejected earlier`);
  parts.push(`${toSend} to send${dryRun ? ' (dry run: nothing will be created)' : ''}`);
  const q = quota
    ? `\nQuota: ${quota.used}/${quota.limit} calls used on ${quota.tier}, ${Math.max(0, quota.limit - quota.used)} left, resets ${quota.period_end || 'at the period end'}; this batch needs ${toSend}.`
    : '';
  return `${parts.join(', ')}.${q}\n`;
}

function summariseRows(rows: readonly number[]): string {
  if (rows.length <= 8) return rows.join(', ');
  return `${rows.slice(0, 6).join(', ')}, … ${rows[rows.length - 1]}`;
}

interface EndInfo {
  counts: Record<UploadStatus, number>;
  carried: { created: number; rejected: number };
  report: string;
  retryPath: string;
  elapsed: number;
  quota: QuotaInfo | undefined;
  stopped: StopReason | 'setup' | null;
  stopMessage: string | undefined;
  accounts: readonly string[] | undefined;
}

function endText(e: EndInfo): string {
  const c = e.counts;
  const out: string[] = [];
  out.push(`Done in ${formatDuration(e.elapsed)}: ${c.created} created${e.carried.created ? ` (${e.carried.created} carried over from earlier runs, ${c.created - e.carried.created} this run)` : ''}, ${c.invalid} invalid, ${c.rejected} rejected${e.carried.rejected ? ` (${e.carried.rejected} from earlier runs)` : ''}, ${c.failed} failed, ${c.not_sent} not sent.`);
  if (e.stopped === 'quota') out.push(`Stopped: the monthly quota is spent${e.quota ? ` (${e.quota.used}/${e.quota.limit} on ${e.quota.tier}); it resets ${e.quota.period_end}` : ''}. Upgrade at ${e.quota?.upgrade_url ?? 'https://adspirer.ai'} or run the same command after the reset to send the rest.`);
  if (e.stopped === 'auth') out.push(`Stopped: ${e.stopMessage}. Check ADSPIRER_API_KEY (adspirer.ai/keys); nothing else was sent.`);
  if (e.stopped === 'account') {
    out.push(`Stopped: ${e.stopMessage ?? 'several advertisers are connected'}.`);
    if (e.accounts?.length) out.push(`Run again with one of:\n${e.accounts.map((a) => `  --advertiser-id ${a}`).join('\n')}`);
  }
  if (e.stopped === 'interrupted') out.push('Interrupted: run the same command again to resume; created ads are never sent twice.');
  if (e.stopped === 'limit') out.push('Stopped at --limit: run the same command again to send the rest.');
  else if (e.quota && e.stopped !== 'quota') out.push(`Quota: ${e.quota.used}/${e.quota.limit} used on ${e.quota.tier}, resets ${e.quota.period_end}.`);
  out.push(`Report: ${e.report}`);
  if (c.invalid + c.rejected + c.failed + c.not_sent > 0) out.push(`Rows to fix or resend: ${e.retryPath}`);
  return `${out.join('\n')}\n`;
}

function exitCode(stopped: StopReason | 'setup' | null, counts: Record<UploadStatus, number>, dryRun: boolean): number {
  if (stopped === 'quota') return 3;
  if (stopped === 'auth') return 4;
  if (stopped === 'account' || stopped === 'setup') return 2;
  if (stopped === 'interrupted') return 130;
  if (dryRun) return counts.invalid > 0 ? 1 : 0;
  return counts.invalid + counts.rejected + counts.failed + counts.not_sent > 0 ? 1 : 0;
}

function headerIndex(header: readonly string[], field: string): number | undefined {
  const norm = (s: string): string => s.toLowerCase().replace(/[\s_\-]+/g, '');
  const i = header.findIndex((h) => norm(h) === norm(field) || ['adgroup', 'adgroupid'].includes(norm(h)));
  return i >= 0 ? i : undefined;
}

async function writeRetryFile(path: string, header: readonly string[], lines: readonly ReportLine[], adgroupColumn: number | undefined, planned: readonly PlannedAd[]): Promise<void> {
  const attention = lines.filter((l) => l && needsAttention(l.status));
  if (attention.length === 0) {
    await rm(path, { force: true }); // a stale retry file would invite re-sending finished rows
    return;
  }
  const adgroupBySeq = new Map<ReportLine, string | undefined>();
  lines.forEach((l, seq) => {
    const a = planned[seq]?.args?.adgroup_id;
    adgroupBySeq.set(l, typeof a === 'string' ? a : undefined);
  });
  const rows = retryLines(lines.filter(Boolean), adgroupColumn, (l) => adgroupBySeq.get(l));
  const writer = await openTableWriter(path, retryHeader(header), { sheetName: 'Retry' });
  try {
    for (const l of rows) await writer.write(retryCells(l, header.length), { status: l.status });
  } finally {
    await writer.close();
  }
}
