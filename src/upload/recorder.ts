import { JournalWriter, type JournalEvent } from '../batch/journal.js';
import type { Observation } from '../links/observation.js';
import { OriginJournal } from '../batch/origin.js';
import { openTableWriter, writeError } from '../report/open-writer.js';
import { OrderedReport } from '../report/ordered-report.js';
import { reportHeader, type ReportLine } from '../report/report-line.js';
import { RetryFileWriter, type RetryFileOutcome } from '../report/retry-file.js';
import type { TableWriter } from '../report/table-writer.js';
import type { Cell } from '../read/cell.js';
import type { SendItem, SendResult } from '../send/batch.js';
import type { QuotaInfo, StopReason } from '../send/quota.js';
import type { ProgressCounts } from './progress.js';
import { formatDuration } from './progress.js';
import { emptyCounts } from '../commands/summary.js';
import type { RunPlan, UploadRun } from './types.js';
import { callsLeft } from '../send/plan-terms.js';
import { fieldDigests } from '../keys/field-digests.js';

/**
 * The one owner of "a row's outcome" in an upload: its journal line, its report line (in input
 * order, as rows finish), the counts, the events and the retry file, written as the lines come.
 */
export class Recorder {
  readonly counts = emptyCounts();
  quota: QuotaInfo | undefined;
  stopped: StopReason | 'setup' | null = null;
  private done = 0;
  /** Rows this run sends, and how many of them have their answer: what the progress line counts. */
  private answered = 0;
  private requests = 0;
  private readonly report: OrderedReport;
  private readonly retry: RetryFileWriter;
  /** The cells of rows handed to the batch, until their outcome is recorded. */
  private readonly inFlight = new Map<number, readonly Cell[]>();

  private constructor(
    private readonly run: UploadRun,
    private readonly plan: RunPlan,
    private readonly journal: JournalWriter | undefined,
    writer: TableWriter,
    /** A retry file's batch of origin: key events are written there too (batch/origin.ts). */
    private readonly originJournal: OriginJournal | undefined,
  ) {
    this.retry = RetryFileWriter.open(run.retryPath, run.sheet.header, run.resume.retryFiles, run.report);
    this.report = new OrderedReport(writer, run.sheet.header.length, (line) => this.retry.add(line));
    this.quota = plan.quota;
  }

  /**
   * Opens the journal, then the report: only now that the run is sure to go ahead, and in this
   * order so that a crash between the two never leaves a fresh report without its journal. Rows
   * are recorded as the file is read again (`settle`, `inFlight`).
   */
  static async open(run: UploadRun, plan: RunPlan): Promise<Recorder> {
    const journal = run.options.dryRun
      ? undefined
      : await JournalWriter.open(run.journal, run.resume.newHeader).catch((err: unknown) => {
          throw writeError(run.journal, err, 'the journal beside the report');
        });
    // Assigned once the writer it summarises is open; the writer's summary reads it only later.
    // eslint-disable-next-line prefer-const
    let recorder: Recorder | undefined;
    const writer = await openTableWriter(run.report, reportHeader(run.sheet.header), { sheetName: 'Results', summary: () => recorder!.summaryPairs() }).catch(
      async (err: unknown) => {
        await journal?.close(); // the journal's file handle is not left to the garbage collector
        throw err;
      },
    );
    const origin = journal && run.origin ? await OriginJournal.open(run.origin, run.sheet.file) : undefined;
    recorder = new Recorder(run, plan, journal, writer, origin);
    const at = new Date(run.now()).toISOString();
    for (const { link, seen } of plan.links?.usable ?? []) await journal?.append({ event: 'link', link, at, seen });
    return recorder;
  }

  /** A row the plan settled (invalid, carried over, held back), with its cells read again. */
  async settle(seq: number, input: readonly Cell[]): Promise<void> {
    const line = this.plan.lines[seq];
    const found = this.plan.found.get(seq);
    if (found) {
      // The service showed the ad exists: the journal says so, so no later run asks again.
      const { row, adgroup } = this.run.planned[seq]!;
      await this.journaled({
        key: found.key,
        row,
        event: 'result',
        status: 'created',
        ad_id: found.adId,
        attempts: 0,
        ...(adgroup !== undefined ? { adgroup } : {}),
      });
    }
    if (line) return this.record(seq, { ...line, input });
    const ad = this.run.planned[seq]!;
    const held = this.plan.notSent.get(seq) ?? this.plan.otherwise;
    // The plan settles every row it does not send (send-plan.ts); anything else is a bug here.
    if (held === undefined) throw new Error(`row ${ad.row} (ad ${seq}) has no outcome in the plan`);
    await this.record(seq, { row: ad.row, status: 'not_sent', key: ad.key!, error: held, attempts: 0, input });
  }

  /** Warnings of links judged ahead of the sender (checkLinksAhead), until their row's outcome. */
  private readonly linkWarnings = new Map<number, string>();
  /** Rows the checks ahead of the sender found a bad link in: planned to send, never sent. */
  private dropped = 0;

  /** A row whose links were judged as it came to be sent: a warning rides along in its report error. */
  linkWarning(seq: number, text: string): void {
    this.linkWarnings.set(seq, text);
  }

  /** A row the checks ahead of the sender found a bad link in: invalid, never sent. */
  async linkInvalid(seq: number, input: readonly Cell[], error: string): Promise<void> {
    this.dropped++;
    const ad = this.run.planned[seq]!;
    await this.record(seq, { row: ad.row, status: 'invalid', error, input });
  }

  /** Links found usable by checks that ran ahead of the sender: a re-run within a day reuses them. */
  async rememberLinks(usable: readonly { readonly link: string; readonly seen: Observation }[]): Promise<void> {
    const at = new Date(this.run.now()).toISOString();
    for (const { link, seen } of usable) await this.journaled({ event: 'link', link, at, seen });
  }

  /** A row handed to the batch: its cells wait for its outcome. */
  handOver(seq: number, input: readonly Cell[]): void {
    this.inFlight.set(seq, input);
  }

  /** Undefined when the report can take more rows, else a promise of when it can (OrderedReport.room). */
  room(): Promise<void> | undefined {
    return this.report.room();
  }

  /** Before a row's first request: the journal says its key may be in flight. */
  async sending(item: SendItem): Promise<void> {
    const { row, adgroup } = this.run.planned[item.seq]!;
    await this.journaled({
      key: item.key,
      row,
      event: 'sending',
      ...(adgroup !== undefined ? { adgroup } : {}),
      ...(item.base ? { base: item.base.key, generation: item.base.generation } : {}),
      fields: fieldDigests(item.args),
      at: new Date(this.run.now()).toISOString(),
    });
  }

  /** A row's final outcome from the batch: journal first, then the report. */
  async sent(r: SendResult): Promise<void> {
    const ad = this.run.planned[r.seq]!;
    const warning = this.plan.links?.warnings.get(r.seq) ?? this.linkWarnings.get(r.seq);
    const text = [r.error ? this.run.mask(r.error) : undefined, warning].filter((t) => t !== undefined).join('; ');
    this.linkWarnings.delete(r.seq);
    const error = text ? { error: text } : {};
    const adgroup = ad.adgroup;
    await this.journaled({
      key: r.key,
      row: ad.row,
      event: 'result',
      status: r.status,
      ...(r.adId ? { ad_id: r.adId } : {}),
      ...error,
      attempts: r.attempts,
      ...(adgroup !== undefined ? { adgroup } : {}),
      ...(ad.advertiser !== undefined ? { advertiser: ad.advertiser } : {}),
    });
    this.requests += r.attempts;
    this.answered++;
    const input = this.inFlight.get(r.seq) ?? [];
    this.inFlight.delete(r.seq);
    await this.record(
      r.seq,
      { row: ad.row, status: r.status, key: r.key, ...(r.adId ? { adId: r.adId } : {}), ...error, attempts: r.attempts, input },
      warning,
    );
  }

  /** A quota figure from an answer: the newest wins (the highest `used` within a period; a new period). */
  quotaSeen(quota: QuotaInfo): void {
    const current = this.quota;
    if (current && current.period_end === quota.period_end && quota.used < current.used) return;
    this.quota = quota;
    this.run.options.onEvent?.({ type: 'quota', quota });
  }

  /** Paid calls were made and the service reported no quota afterwards: no figure is trustworthy. */
  quotaUnknown(why: string): void {
    this.quota = undefined;
    this.quotaUnknownWhy = why;
  }

  /** Why the quota is unknown at the end, when the last ask had no figures. */
  quotaUnknownWhy: string | undefined;

  progress(): ProgressCounts {
    const q = this.quota;
    return {
      done: this.answered,
      total: this.plan.sendable.length - this.dropped,
      created: this.counts.created,
      failed: this.counts.failed,
      requests: this.requests,
      ...(q ? { quotaLeft: callsLeft(q, this.plan.overage) } : {}),
    };
  }

  /** Flushes the journal and the report (its Summary sheet reads `stopped`); both are complete after this. */
  async close(): Promise<void> {
    try {
      await this.journal?.close();
      await this.originJournal?.close();
    } finally {
      await this.report.close();
    }
  }

  /** A line in the journal, and in the origin's when this is a retry file of another batch. */
  private async journaled(event: JournalEvent): Promise<void> {
    if (!this.journal) return;
    await this.journal.append(event).catch((err: unknown) => {
      throw writeError(this.run.journal, err, 'the journal beside the report');
    });
    await this.originJournal?.append(event).catch((err: unknown) => {
      throw writeError(this.run.origin!.journal, err, 'the journal of the batch this retry file comes from');
    });
  }

  /** Puts the retry file in place, once the report is closed. */
  retryFile(): Promise<RetryFileOutcome> {
    return this.retry.finish();
  }

  /** A run that ended in an error: no half-written retry file stays. */
  discardRetryFile(): Promise<void> {
    return this.retry.discard();
  }

  /** `linkWarning`: what the link checks warned of, also in the line's error (the page marks the row). */
  private async record(seq: number, settled: ReportLine, linkWarning?: string): Promise<void> {
    const adgroup = this.run.planned[seq]!.adgroup;
    const line = adgroup !== undefined ? { ...settled, adgroup } : settled;
    this.counts[line.status as keyof typeof this.counts]++;
    this.done++;
    this.run.options.onEvent?.({ type: 'row', line, ...(linkWarning !== undefined ? { linkWarning } : {}) });
    this.run.options.onEvent?.({ type: 'progress', done: this.done, total: this.run.planned.length });
    await this.report.add(seq, line).catch((err: unknown) => {
      throw writeError(this.run.report, err);
    });
  }

  /** The XLSX report's Summary sheet, read when the report is closed. */
  private summaryPairs(): [string, string][] {
    const { run, quota } = this;
    // The quota the preflight reported.
    const before = this.plan.quota;
    return [
      ['command', run.options.commandLine ?? `tiktok-ads-bulk upload ${run.options.file}`],
      ['file', run.options.file],
      ['started', new Date(run.startedAt).toISOString()],
      ['duration', formatDuration(run.now() - run.startedAt)],
      ...(['created', 'invalid', 'rejected', 'failed', 'not_sent', 'unknown'] as const).map((s): [string, string] => [s, String(this.counts[s])]),
      ['quota before', before ? `${before.used}/${before.limit} (${before.tier})` : 'unknown'],
      ['quota after', quota ? `${quota.used}/${quota.limit} (${quota.tier}), resets ${quota.period_end}` : 'unknown'],
      ['stopped', this.stopped ?? ''],
    ];
  }
}
