import { RunError } from '../errors.js';
import type { Sheet } from '../read/sheet.js';
import { carryOver, orphanedInFlight, type CarryOver } from '../report/carry-over.js';
import { basename, resolve } from 'node:path';
import { BatchLock } from '../report/batch-lock.js';
import { JournalWriter } from '../report/journal.js';
import { defaultReportPath, journalPath, retryFilePath, type RetryFormat } from '../report/paths.js';
import type { ReportLine } from '../report/report-line.js';
import { loadResumeState, type ResumeState } from '../report/resume-state.js';
import { loadApiKey } from '../send/api-key.js';
import { redact } from '../send/redact.js';
import { sendBatch, type Backoff, type BatchOutcome } from '../send/batch.js';
import { describeAccount } from '../send/accounts.js';
import { quotaOf } from '../send/answer.js';
import { AdspirerClient } from '../send/client.js';
import { resolveEndpoint } from '../send/endpoint.js';
import type { QuotaInfo, StopReason } from '../send/quota.js';
import type { Transport } from '../send/transport.js';
import type { AdNameTemplate } from '../validate/ad-name.js';
import { batchAd, validateSheet, type BatchAd, type ValidateOptions } from '../validate/validate-sheet.js';
import { noticePrinter, parseAdName, parseDefaults, type SheetOptions } from './common-options.js';
import { openInput, type InputSource } from './input-source.js';
import { exitCode } from './exit-code.js';
import { silentIo, type Io } from './io.js';
import { checkAccounts, preflight, quotaUnknownWhy } from './preflight.js';
import { ProblemPrinter } from './problem-printer.js';
import { Progress } from './progress.js';
import { Recorder } from './recorder.js';
import { rowsToSend } from './second-read.js';
import { planSending, type SendPlan } from './send-plan.js';
import { emptyCounts, type RunSummary } from './summary.js';
import { checkNumbers, checkWritable } from './upload-checks.js';
import { checkRunLinks, type RunLinks } from './upload-links.js';
import type { LinkOptions } from './link-stage.js';
import { endText, planText, spentText, summariseRows } from './upload-messages.js';
import { callsLeft, planTerms, type PlanTerms } from '../send/plan-terms.js';
import { clockTime, seconds, type ThrottlePolicy } from '../send/throttle.js';

export interface UploadOptions extends SheetOptions, LinkOptions {
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
  /**
   * --allow-overage N: up to N paid calls past the plan's included limit, on plans that have
   * overage (Plus, monthly: $0.50 a call). Without it a spent quota stops before any paid call.
   */
  readonly allowOverage?: number;
  /** --max-wait: the most the batch waits for TikTok's rate limit in one run, seconds (default 900). */
  readonly maxWaitSeconds?: number;
  /** --confirm-edits: send edited rows whose earlier version may already be an ad. */
  readonly confirmEdits?: boolean;
  /** --force-unlock: take over a batch lock held on another host. */
  readonly forceUnlock?: boolean;
  /** The retry file's format; default: that of the input (README, "Report"). */
  readonly retryFormat?: RetryFormat;
  /** First abort: no new rows, finish those in flight. */
  readonly signal?: AbortSignal;
  /** Second abort: abandon requests in flight (recorded as in doubt, re-sent with the same key next run). */
  readonly hardSignal?: AbortSignal;
  readonly onEvent?: (event: UploadEvent) => void;
  /** The command as the user typed it, for the XLSX report's Summary sheet. */
  readonly commandLine?: string;
  /** Tuning for tests and benchmarks: p-retry's backoff, the longest Retry-After waited out, clocks. */
  readonly backoff?: Backoff;
  readonly maxRetryAfterMs?: number;
  /** The throttle's waits when a 429 names none (30 s doubling to 5 min); --max-wait sets the total. */
  readonly throttle?: Partial<Omit<ThrottlePolicy, 'maxTotalMs'>>;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export type UploadEvent =
  | { readonly type: 'row'; readonly line: ReportLine }
  | { readonly type: 'quota'; readonly quota: QuotaInfo }
  | { readonly type: 'progress'; readonly done: number; readonly total: number }
  /** An attempt that will be retried; `throttled` for a 429, after which the whole batch slows down. */
  | { readonly type: 'retry'; readonly row: number; readonly attempt: number; readonly throttled: boolean; readonly message: string }
  /** TikTok's rate limit: no request starts before `until` (ms since the epoch). */
  | { readonly type: 'pause'; readonly until: number; readonly waitMs: number; readonly message: string };

/**
 * Safe defaults (README, "Rate limits"): TikTok's ad/create allows 5 requests/s and 150/min on the
 * basic tier, and Adspirer's calls share that upstream. 2/s stays under 150/min sustained; 4 in
 * flight covers the seconds a video upload takes without queueing behind one slow row.
 */
export const UPLOAD_DEFAULTS = { concurrency: 4, rate: 2, retries: 4, timeoutSeconds: 120, maxWaitSeconds: 900 } as const;

/** `upload FILE`: validate, then create one ad per valid row, resumably. */
export async function uploadFile(options: UploadOptions, io: Io = silentIo): Promise<RunSummary> {
  const run = await prepare(options, io);
  try {
    if (run.interrupted) return interruptedWhileChecking(run);
    const plan = await planRun(run);
    const recorder = await Recorder.open(run, plan);
    let ending: Ending;
    try {
      const outcome = await send(run, plan, recorder);
      ending = howItEnded(run, plan, recorder, outcome);
      recorder.stopped = ending.stopped;
      if (outcome && outcome.requests > 0) await refreshQuota(run, recorder);
    } catch (err) {
      await recorder.discardRetryFile();
      throw err;
    } finally {
      await recorder.close();
    }
    return await finish(run, plan, recorder, ending);
  } finally {
    await run.client?.close();
    await run.lock.release();
  }
}

function interruptedWhileChecking(run: UploadRun): RunSummary {
  run.say(`Interrupted while checking rows (${run.planned.length} checked): nothing was sent and no report was written. Run the same command again.\n`);
  return { command: 'upload', file: run.options.file, report: null, rows: run.planned.length, counts: emptyCounts(), quota: null, stopped: 'interrupted', exit_code: 130 };
}

/** Everything the stages share: settings, the key's client, the files, the checked rows. */
export interface UploadRun {
  readonly options: UploadOptions;
  readonly io: Io;
  /** stderr, with the key masked. */
  readonly say: (text: string) => void;
  readonly mask: (text: string) => string;
  readonly now: () => number;
  readonly startedAt: number;
  readonly settings: { readonly concurrency: number; readonly rate: number; readonly retries: number; readonly timeoutMs: number };
  readonly client: (Transport & { close(): Promise<void> }) | undefined;
  /** The service's base URL, for messages ("api.adspirer.ai: host not found"). */
  readonly endpoint: URL;
  readonly report: string;
  readonly journal: string;
  /** Held from before the journal is read until the run ends, on every path. */
  readonly lock: BatchLock;
  readonly retryPath: string;
  readonly sheet: Sheet;
  /** What the rows were checked with, to check them again on the second read. */
  readonly validation: ValidateOptions;
  readonly resume: ResumeState;
  /** Every ad of the file, valid or not, in input order (seq = index), without its cells and arguments. */
  readonly planned: readonly BatchAd[];
  /** Ctrl-C came while the rows were being checked. */
  readonly interrupted: boolean;
}

export interface RunPlan extends CarryOver, SendPlan {
  /** The quota the free preflight reported. */
  readonly quota: QuotaInfo | undefined;
  /** Why the quota is unknown, when it is. */
  readonly quotaUnknown: string | undefined;
  /** Paid calls allowed past the included limit (--allow-overage, on a plan that has overage). */
  readonly overage: number;
  /** A stop decided before sending (preflight, --limit, quota). */
  readonly stopMessage: string | undefined;
  readonly accounts: readonly string[] | undefined;
  /** What the link checks found: warnings for rows that go ahead, observations for the journal. */
  readonly links: RunLinks | undefined;
}

/** Options checked, key loaded, files located, and every row validated: no paid call before that. */
async function prepare(options: UploadOptions, io: Io): Promise<UploadRun> {
  const env = options.env ?? {};
  const now = options.now ?? Date.now;
  const startedAt = now();
  const settings = {
    concurrency: options.concurrency ?? UPLOAD_DEFAULTS.concurrency,
    rate: options.rate ?? UPLOAD_DEFAULTS.rate,
    retries: options.retries ?? UPLOAD_DEFAULTS.retries,
    timeoutMs: (options.timeoutSeconds ?? UPLOAD_DEFAULTS.timeoutSeconds) * 1000,
  };
  checkNumbers(settings, options.limit, { allowOverage: options.allowOverage, maxWaitSeconds: options.maxWaitSeconds });
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

/** What this run sends: rows carried over from earlier runs, the free preflight, --limit, the quota. */
async function planRun(run: UploadRun): Promise<RunPlan> {
  const { options, planned, say, mask } = run;
  const carried = carryOver(planned, run.resume.states, options.retryRejected === true, options.confirmEdits === true, run.resume.generations);
  warnOrphans(run);
  const pre = run.client ? await preflight(run.client, carried.toSend, run.now(), run.endpoint) : {};
  if (pre.quota) options.onEvent?.({ type: 'quota', quota: pre.quota });
  if (pre.stop?.reason === 'setup') throw new RunError('SETUP', mask(pre.stop.message));
  const preStop = pre.stop ? { reason: pre.stop.reason as StopReason, message: mask(pre.stop.message) } : undefined;
  if (pre.notice) say(`Note: ${pre.notice}\n`);

  const terms = pre.quota ? planTerms(pre.quota, run.now()) : undefined;
  const overage = overageAllowed(run, terms);
  // An agency batch: rows the connected accounts rule out are settled before any paid call.
  const accountCheck = pre.accounts ? checkAccounts(carried.toSend, pre.accounts, terms?.activeAdvertisers) : undefined;
  const lines = [...carried.lines];
  let toSend = carried.toSend;
  let invalid = carried.invalid;
  if (accountCheck && accountCheck.held.size) {
    for (const item of toSend) {
      const held = accountCheck.held.get(item.seq);
      if (!held) continue;
      if (held.status === 'invalid') invalid++;
      lines[item.seq] = { row: planned[item.seq]!.row, status: held.status, key: item.key, error: held.error, attempts: 0 };
    }
    toSend = toSend.filter((item) => !accountCheck.held.has(item.seq));
  }
  // Links are free to check and calls are not: a row whose creative cannot be downloaded never reaches the service.
  const links = options.checkLinks === false || toSend.length === 0 ? undefined : await checkRunLinks(run, toSend);
  if (links) {
    for (const [seq, error] of links.invalid) {
      lines[seq] = { row: planned[seq]!.row, status: 'invalid', error };
      invalid++;
    }
    toSend = toSend.filter((item) => !links.invalid.has(item.seq));
  }
  say(planText(options.file, planned.length, invalid, carried.carried, toSend.length, pre.quota, options.dryRun === true, { overage, ...(pre.quotaUnknown ? { unknown: pre.quotaUnknown } : {}) }));
  // Account set-up ends the run (exit 2) only when it leaves nothing at all to send, and some row
  // waits for it (a row naming none, an advertiser to reconnect or activate).
  const waiting = accountCheck ? [...accountCheck.held.values()].find((h) => h.status === 'not_sent') : undefined;
  const accountStop =
    !preStop && toSend.length === 0 && waiting && pre.accounts
      ? {
          reason: 'account' as const,
          message:
            accountCheck?.advice !== undefined
              ? `${accountCheck.held.size} ${accountCheck.held.size === 1 ? 'row names' : 'rows name'} no advertiser and ${pre.accounts.length} are connected (${pre.accounts.map(describeAccount).join(', ')}); fill advertiser_id, or pass --advertiser-id ID, which fills only empty cells`
              : waiting.error.replace(/^not sent: /, ''),
        }
      : undefined;

  const sending = planSending(toSend, {
    ...(preStop ? { stop: preStop } : {}),
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    ...(pre.quota ? { quota: pre.quota } : {}),
    overage,
    dryRun: options.dryRun === true,
  });
  if (sending.overflow && pre.quota) {
    const { left, items } = sending.overflow;
    const rows = [...new Set(items.map((i) => planned[i.seq]!.row))];
    if (left === 0) say(`${spentText(pre.quota, terms!, options.allowOverage)}\n`);
    else {
      say(
        `The quota has room for ${left} more ${left === 1 ? 'call' : 'calls'}; ${items.length} ${items.length === 1 ? 'ad' : 'ads'} will not fit (rows ${summariseRows(rows)}) and stay not_sent until ${pre.quota.period_end || 'the quota resets'}${options.dryRun ? '' : ', unless rows are refused without using a call'}.\n`,
      );
    }
  }
  return {
    ...carried,
    lines,
    toSend,
    invalid,
    ...sending,
    stopped: sending.stopped ?? accountStop?.reason ?? null,
    quota: pre.quota,
    quotaUnknown: pre.quotaUnknown,
    overage,
    links,
    stopMessage: preStop?.message ?? accountStop?.message,
    accounts: accountCheck?.advice,
  };
}

/** The overage this run may use: what --allow-overage asks for, on a plan that has overage. */
function overageAllowed(run: UploadRun, terms: PlanTerms | undefined): number {
  const asked = run.options.allowOverage ?? 0;
  if (asked === 0 || !terms) return 0;
  if (terms.overage) return asked;
  run.say(`Note: --allow-overage ${asked} is ignored: ${terms.annual ? 'annual plans' : 'this plan'} never charge overage (Adspirer's pricing); the batch stops at the limit.\n`);
  return 0;
}

function warnOrphans(run: UploadRun): void {
  const orphans = orphanedInFlight(run.planned, run.resume.states, run.resume.generations);
  if (!orphans.length) return;
  const one = orphans.length === 1;
  run.say(
    `Warning: ${orphans.length} ${one ? 'ad was' : 'ads were'} in flight when an earlier run stopped, and ${one ? 'its row is' : 'their rows are'} no longer in the file as ${one ? 'it was' : 'they were'} (rows ${orphans.map((st) => st.row).join(', ')} then). ${one ? 'It' : 'They'} may exist in TikTok Ads Manager; check before launching the edited rows.\n`,
  );
}

/**
 * Reads the file again and sends the plan's rows as they come; every outcome goes through the
 * recorder as it comes, the settled rows' too.
 */
async function send(run: UploadRun, plan: RunPlan, recorder: Recorder): Promise<BatchOutcome | undefined> {
  const { options, client, settings } = run;
  const rows = rowsToSend(run, plan, recorder);
  if (!client || plan.sendable.length === 0) {
    for await (const item of rows) throw new Error(`row of ad ${item.seq} read to send with nothing to send`);
    return undefined;
  }
  let pausedUntil = 0;
  const progress = new Progress(run.io, () => ({ ...recorder.progress(), ...(pausedUntil > run.now() ? { pausedUntil } : {}) }), run.now, run.startedAt);
  progress.start();
  try {
    return await sendBatch(rows, client, {
      concurrency: settings.concurrency,
      rate: settings.rate,
      retries: settings.retries,
      backoff: options.backoff ?? { minTimeout: 1000, maxTimeout: 30_000 },
      maxRetryAfterMs: options.maxRetryAfterMs ?? 120_000,
      breakerThreshold: Math.max(10, 3 * settings.concurrency),
      ...(plan.quota ? { quotaLeft: callsLeft(plan.quota, plan.overage), quota: plan.quota } : {}),
      overage: plan.overage,
      throttle: { maxTotalMs: (options.maxWaitSeconds ?? UPLOAD_DEFAULTS.maxWaitSeconds) * 1000, ...options.throttle },
      onPause: (pause) => {
        pausedUntil = pause.until;
        run.say(`\nPaused by TikTok's rate limit (${pause.named ? 'the service asked' : 'it named no wait, so'} ${seconds(pause.waitMs)} s); resuming at ${clockTime(pause.until)}.\n`);
        options.onEvent?.({ type: 'pause', until: pause.until, waitMs: pause.waitMs, message: run.mask(pause.message) });
      },
      now: run.now,
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.hardSignal ? { hardSignal: options.hardSignal } : {}),
      onSending: (item) => recorder.sending(item),
      onAttempt: (item, attempt, verdict) => {
        if (verdict.kind === 'retry') options.onEvent?.({ type: 'retry', row: run.planned[item.seq]!.row, attempt, throttled: verdict.throttled === true, message: run.mask(verdict.message) });
      },
      onResult: (result) => recorder.sent(result),
      onQuota: (quota) => recorder.quotaSeen(quota),
    });
  } finally {
    progress.stop();
  }
}

/**
 * After paid calls, the quota as the service counts it now (the free get_usage_status): answers
 * replayed for an Idempotency-Key carry the figure of their first time, so the last answer seen
 * can be stale. When the service reports none, the quota is unknown, not the figure from before.
 */
async function refreshQuota(run: UploadRun, recorder: Recorder): Promise<void> {
  const answer = await run.client!.call('get_usage_status', {});
  const quota = answer.kind === 'http' && answer.status === 200 ? quotaOf(answer.json) : undefined;
  if (quota) recorder.quotaSeen(quota);
  else recorder.quotaUnknown(quotaUnknownWhy(answer));
}

interface Ending {
  readonly stopped: StopReason | 'setup' | null;
  readonly stopMessage: string | undefined;
  readonly accounts: readonly string[] | undefined;
}

/** Why the run stopped, if it did: the batch's own stop over the plan's, else a Ctrl-C that left rows unsent. */
function howItEnded(run: UploadRun, plan: RunPlan, recorder: Recorder, outcome: BatchOutcome | undefined): Ending {
  if (outcome?.stopped) return { stopped: outcome.stopped, stopMessage: outcome.stopMessage, accounts: outcome.accounts };
  if (run.options.signal?.aborted && recorder.counts.not_sent > 0) return { stopped: 'interrupted', stopMessage: plan.stopMessage, accounts: plan.accounts };
  return { stopped: plan.stopped, stopMessage: plan.stopMessage, accounts: plan.accounts };
}

/** The retry file, what the run says at its end, and the summary. */
async function finish(run: UploadRun, plan: RunPlan, recorder: Recorder, ending: Ending): Promise<RunSummary> {
  const { options } = run;
  const { stopped, stopMessage, accounts } = ending;
  const retry = await recorder.retryFile();
  if (retry.written && !options.dryRun) {
    // Recorded so that the next run can tell the user's edits to it from ours (it then writes beside it).
    const journal = await JournalWriter.open(run.journal, undefined);
    await journal.append({ event: 'retry-file', file: basename(retry.written.path), sha256: retry.written.sha256 });
    await journal.close();
  }
  if (retry.note) run.say(`Note: ${retry.note}\n`);
  const retryPath = retry.written?.path ?? run.retryPath;
  if (stopped === 'setup') throw new RunError('SETUP', run.mask(stopMessage ?? 'the endpoint is not usable'));
  const quota = recorder.quota;
  const exit = exitCode(stopped, recorder.counts, options.dryRun === true);
  run.say(endText({ counts: recorder.counts, carried: plan.carried, report: run.report, retryPath, elapsed: run.now() - run.startedAt, quota, quotaAsked: run.client !== undefined, quotaUnknown: recorder.quotaUnknownWhy ?? plan.quotaUnknown, stopped, stopMessage, accounts }));
  return {
    command: 'upload',
    file: options.file,
    report: run.report,
    rows: run.planned.length,
    counts: recorder.counts,
    quota: quota ? { used: quota.used, limit: quota.limit, tier: quota.tier, period_end: quota.period_end } : null,
    stopped,
    exit_code: exit,
  };
}
