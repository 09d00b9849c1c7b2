import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { RunError } from '../errors.js';
import { BatchLock } from '../batch/batch-lock.js';
import { JournalWriter, parseJournal, type AdStatus } from '../batch/journal.js';
import { recordedService, serviceOf, type Service } from '../batch/service.js';
import { silentIo, type Io } from '../commands/io.js';
import { localPlace, openInput } from '../commands/input-source.js';
import { defaultOf } from '../options/registry.js';
import { checkNumbers } from '../upload/checks.js';
import { parseSheetsLink } from '../read/sheets-link.js';
import { defaultReportPath, journalPath, type BatchPlace } from '../report/paths.js';
import { loadApiKey } from '../send/api-key.js';
import { sendBatch, type BatchOutcome, type SendResult } from '../send/batch.js';
import { AdspirerClient } from '../send/client.js';
import { resolveEndpoint } from '../send/endpoint.js';
import { callsLeft, planTerms } from '../send/plan-terms.js';
import type { QuotaInfo, StopReason } from '../send/quota.js';
import { redact } from '../send/redact.js';
import { preflight } from '../upload/preflight.js';
import { exitCode } from '../commands/exit-code.js';
import { spentText, summariseRows } from '../upload/messages.js';
import { writeAdStatuses } from './report-status.js';
import { ACTIONS, parseRows, statusTargets, type StatusAction, type StatusTarget } from './targets.js';

export interface StatusOptions {
  /** The batch's FILE, as given to upload: it names the batch (its report and journal beside it). */
  readonly file: string;
  readonly report?: string;
  /** `--rows 3-10,14`: only the ads of these rows (the report's row numbers). */
  readonly rows?: string;
  readonly endpoint?: string;
  readonly apiKeyFile?: string;
  /** Where ADSPIRER_API_KEY (and ADSPIRER_BASE_URL) are read; the CLI passes process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Give the key itself (a library caller); it wins over apiKeyFile and the environment. */
  readonly apiKey?: string;
  readonly concurrency?: number;
  readonly rate?: number;
  readonly retries?: number;
  readonly timeoutSeconds?: number;
  readonly maxWaitSeconds?: number;
  readonly allowOverage?: number;
  readonly forceUnlock?: boolean;
  /** delete: go ahead without asking (`--yes`). */
  readonly yes?: boolean;
  /** delete without `yes`: asks the person; false, or no way to ask, deletes nothing. */
  readonly confirm?: (question: string) => Promise<boolean>;
  readonly signal?: AbortSignal;
  readonly hardSignal?: AbortSignal;
  /** Each ad's outcome as it comes. */
  readonly onAd?: (ad: { readonly row: number; readonly adId: string; readonly status: SendResult['status']; readonly error?: string }) => void;
  /** Tuning for tests: p-retry's backoff, clocks. */
  readonly backoff?: { readonly minTimeout: number; readonly maxTimeout: number };
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** What pause / resume / delete did (`--json`). `done` counts ads whose status was set. */
export interface StatusSummary {
  readonly command: StatusAction;
  readonly file: string;
  readonly report: string;
  readonly ads: number;
  readonly counts: {
    readonly done: number;
    readonly skipped: number;
    readonly rejected: number;
    readonly failed: number;
    readonly not_sent: number;
    readonly unknown: number;
  };
  readonly quota: { readonly used: number; readonly limit: number; readonly tier: string; readonly period_end: string } | null;
  readonly stopped: StopReason | null;
  readonly exit_code: number;
}

/**
 * `pause FILE`, `resume FILE`, `delete FILE`: set the status of every ad the batch created (or
 * those of --rows) through pause_tiktok_ad / resume_tiktok_ad, with upload's pacing, retries,
 * lock and journal. Each change has its own Idempotency-Key (ad_id, status and how many changes
 * came before), so a lost answer re-sent by the next run changes nothing twice.
 */
export async function changeAdStatus(action: StatusAction, options: StatusOptions, io: Io = silentIo): Promise<StatusSummary> {
  const now = options.now ?? Date.now;
  checkNumbers(options, action);
  const rows = options.rows !== undefined ? parseRows(options.rows) : undefined;
  const env = options.env ?? {};
  const base = resolveEndpoint(options.endpoint, env);
  const key = options.apiKey?.trim() ? { value: options.apiKey.trim() } : await loadApiKey(options.apiKeyFile, env);
  if (!key) throw new RunError('SETUP', 'No API key: set ADSPIRER_API_KEY (get one at adspirer.ai/keys), or pass --api-key-file PATH.');
  const say = (text: string): void => io.err(redact(text, key.value));
  const service = serviceOf(base);
  const report = await batchReport(options, service);
  const journal = journalPath(report);
  const lock = await BatchLock.acquire(`${report}.lock`, { force: options.forceUnlock === true });
  if (lock.notice) say(`Note: ${lock.notice}\n`);
  const client = new AdspirerClient({
    base,
    apiKey: key.value,
    timeoutMs: (options.timeoutSeconds ?? defaultOf(action, 'timeout')) * 1000,
    connections: options.concurrency ?? defaultOf(action, 'concurrency'),
  });
  try {
    const contents = parseJournal(journal, await readFile(journal, 'utf8'));
    const { done: verb, status, tool } = ACTIONS[action];
    const found = statusTargets(contents.states, action, rows);
    const targets = found.targets;
    const summary = (counts: Partial<StatusSummary['counts']>, stopped: StopReason | null, quota: QuotaInfo | undefined, exit: number): StatusSummary => ({
      command: action,
      file: options.file,
      report,
      ads: targets.length,
      counts: { done: 0, skipped: found.already + found.deleted, rejected: 0, failed: 0, not_sent: 0, unknown: 0, ...counts },
      quota: quota ? { used: quota.used, limit: quota.limit, tier: quota.tier, period_end: quota.period_end } : null,
      stopped,
      exit_code: exit,
    });

    const scope = rows ? ` in rows ${options.rows}` : '';
    const left = [
      found.already ? `${found.already} ${ACTIONS[action].already}` : '',
      // A deleted ad is final: for delete it is done already, for the others it cannot change.
      found.deleted ? `${found.deleted} ${action === 'delete' ? ACTIONS.delete.already : 'deleted earlier (a deleted ad cannot change)'}` : '',
      found.noAdId.length
        ? `${found.noAdId.length} created without an ad_id in the answer (rows ${summariseRows(found.noAdId)}; find them in TikTok Ads Manager)`
        : '',
    ].filter((s) => s !== '');
    say(
      `${action}: ${targets.length} ${targets.length === 1 ? 'ad' : 'ads'} of ${basename(options.file)}${scope} to be ${verb}, ${targets.length} ${targets.length === 1 ? 'call' : 'calls'} to ${tool} (billed)${left.length ? `; left alone: ${left.join('; ')}` : ''}.\n`,
    );
    if (targets.length === 0) {
      say(`Nothing to do${contents.states.size === 0 ? `: ${report} records no ads` : ''}.\n`);
      return summary({}, null, undefined, 0);
    }

    const pre = await preflight(client, [], now(), base);
    if (pre.stop) {
      say(`Error: ${pre.stop.message}\n`);
      return summary({ not_sent: targets.length }, pre.stop.reason === 'auth' ? 'auth' : null, undefined, pre.stop.reason === 'auth' ? 4 : 2);
    }
    const overage = pre.quota && planTerms(pre.quota, now()).overage ? (options.allowOverage ?? 0) : 0;
    if (pre.quota) {
      const room = callsLeft(pre.quota, overage);
      say(`Quota: ${pre.quota.used}/${pre.quota.limit} calls used on ${pre.quota.tier}; ${room >= targets.length ? 'room for all' : `room for ${room}`}.\n`);
      if (room === 0) {
        say(`${spentText(pre.quota, planTerms(pre.quota, now()), options.allowOverage)}\n`);
        return summary({ not_sent: targets.length }, 'quota', pre.quota, 3);
      }
    } else if (pre.quotaUnknown) say(`Quota: unknown (${pre.quotaUnknown}).\n`);

    if (action === 'delete' && options.yes !== true) {
      const question = `Delete ${targets.length} ${targets.length === 1 ? 'ad' : 'ads'} of ${basename(options.file)}${scope} from TikTok? This cannot be undone.`;
      if (!options.confirm) {
        throw new RunError('USAGE', `delete: ${question.replace(/\?.*/, '')} needs a yes: run it on a terminal to be asked, or pass --yes.`);
      }
      if (!(await options.confirm(question))) {
        say('Not confirmed: nothing was deleted.\n');
        return summary({ not_sent: targets.length }, 'interrupted', pre.quota, 130);
      }
    }

    const outcome = await send(action, targets, client, options, pre.quota, overage, journal, say, now);
    const counts = { done: 0, rejected: 0, failed: 0, not_sent: 0, unknown: 0 };
    const changed = new Map<string, AdStatus>();
    for (const { target, result } of outcome.results) {
      if (result.status === 'created') {
        counts.done++;
        changed.set(target.adKey, status);
      } else counts[result.status]++;
    }
    const quota = outcome.batch.quota ?? pre.quota;
    const written = await writeAdStatuses(report, changed, [
      ['Last change', `${action}: ${counts.done} of ${targets.length} ${targets.length === 1 ? 'ad' : 'ads'} ${verb}`],
      ['When', new Date(now()).toISOString()],
      ['Batch', basename(options.file)],
    ]);
    const failedRows = outcome.results.filter((r) => r.result.status !== 'created');
    // The error names the outcome itself ("not sent: the quota …"); the status alone only when it does not.
    for (const { target, result } of failedRows.slice(0, 20))
      say(`Row ${target.row} (ad ${target.adId}): ${result.error ?? result.status.replace('_', ' ')}\n`);
    if (failedRows.length > 20) say(`… and ${failedRows.length - 20} more; run the same command again to retry them.\n`);
    say(
      `Done: ${counts.done} ${verb}${counts.rejected ? `, ${counts.rejected} refused` : ''}${counts.failed ? `, ${counts.failed} failed` : ''}${counts.not_sent ? `, ${counts.not_sent} not sent` : ''}${counts.unknown ? `, ${counts.unknown} unknown (re-run to settle: the same keys change nothing twice)` : ''}.${written ? ` ${report}: ad_status updated on ${written} ${written === 1 ? 'line' : 'lines'}.` : ''}\n`,
    );
    const stopped = outcome.batch.stopped;
    if (stopped === 'setup') throw new RunError('SETUP', redact(outcome.batch.stopMessage ?? 'the endpoint is not usable', key.value));
    const exit = exitCode(stopped, { ...counts, created: counts.done, invalid: 0 }, false);
    return summary(counts, stopped, quota, exit);
  } finally {
    await client.close();
    await lock.release();
  }
}

/** Sends the changes as upload sends rows, journaling each outcome as it comes. */
async function send(
  action: StatusAction,
  targets: readonly StatusTarget[],
  client: AdspirerClient,
  options: StatusOptions,
  quota: QuotaInfo | undefined,
  overage: number,
  journal: string,
  say: (text: string) => void,
  now: () => number,
): Promise<{ batch: BatchOutcome; results: { target: StatusTarget; result: SendResult }[] }> {
  const { tool, status } = ACTIONS[action];
  const writer = await JournalWriter.open(journal, undefined);
  const results: { target: StatusTarget; result: SendResult }[] = [];
  try {
    const concurrency = options.concurrency ?? defaultOf(action, 'concurrency');
    const batch = await sendBatch(
      targets.map((t, seq) => ({
        seq,
        key: t.key,
        tool,
        args: { ad_id: t.adId, status, ...(t.advertiser !== undefined ? { advertiser_id: t.advertiser } : {}) },
      })),
      client,
      {
        concurrency,
        rate: options.rate ?? defaultOf(action, 'rate'),
        retries: options.retries ?? defaultOf(action, 'retries'),
        backoff: options.backoff ?? { minTimeout: 1000, maxTimeout: 30_000 },
        maxRetryAfterMs: 120_000,
        breakerThreshold: Math.max(10, 3 * concurrency),
        ...(quota ? { quotaLeft: callsLeft(quota, overage), quota } : {}),
        overage,
        throttle: { maxTotalMs: (options.maxWaitSeconds ?? defaultOf(action, 'max-wait')) * 1000 },
        now,
        ...(options.sleep ? { sleep: options.sleep } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.hardSignal ? { hardSignal: options.hardSignal } : {}),
        onPause: (pause) => say(`Paused by TikTok's rate limit for ${Math.ceil(pause.waitMs / 1000)} s.\n`),
        onResult: async (sent) => {
          const target = targets[sent.seq]!;
          // The batch's words are add_tiktok_ad's ("not created"); here nothing is created.
          const result = sent.error ? { ...sent, error: sent.error.replace(/\bnot created\b/g, 'not changed') } : sent;
          results.push({ target, result });
          await writer.append({
            event: 'ad-status',
            key: target.adKey,
            row: target.row,
            ad_id: target.adId,
            status,
            outcome: result.status,
            ...(result.error ? { error: result.error } : {}),
            attempts: result.attempts,
            at: new Date(now()).toISOString(),
          });
          options.onAd?.({ row: target.row, adId: target.adId, status: result.status, ...(result.error ? { error: result.error } : {}) });
        },
      },
    );
    return { batch, results };
  } finally {
    await writer.close();
  }
}

/**
 * The batch's report, as upload placed it: --report, else beside FILE (or, for a Google Sheets
 * link, in the current folder under the sheet's title). A rehearsal finds the rehearsal's files
 * when the real batch's are there. A batch of another service is refused: its ads are not there.
 */
async function batchReport(options: StatusOptions, service: Service): Promise<string> {
  const place = await placeOf(options.file);
  const candidates = options.report !== undefined ? [options.report] : [defaultReportPath(place), defaultReportPath(place, true)];
  let other: string | undefined;
  for (const report of candidates) {
    if (!(await stat(journalPath(report)).catch(() => undefined))) continue;
    const recorded = await recordedService(journalPath(report));
    if (recorded === undefined || recorded === service.origin) return report;
    other ??= recorded;
  }
  const first = candidates[0]!;
  if (other !== undefined) {
    throw new RunError(
      'REPORT',
      `${basename(first)}'s ads were created on ${other}, not on ${service.origin}: that service holds them. Pass --endpoint ${other}${service.rehearsal ? '' : ', or check --endpoint'}.`,
    );
  }
  throw new RunError(
    'REPORT',
    `No batch of ${basename(options.file)} at ${first} (no ${basename(journalPath(first))}): upload it first, or pass --report with the report its upload wrote.`,
  );
}

async function placeOf(file: string): Promise<BatchPlace> {
  return parseSheetsLink(file) ? (await openInput({ file })).place : localPlace(file);
}
