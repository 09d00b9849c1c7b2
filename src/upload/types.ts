import type { Sheet } from '../read/sheet.js';
import type { CarryOver } from '../batch/carry-over.js';
import { BatchLock } from '../batch/batch-lock.js';
import type { RetryFormat } from '../report/paths.js';
import type { ReportLine } from '../report/report-line.js';
import type { ResumeState } from '../batch/resume-state.js';
import type { OriginBatch } from '../batch/origin.js';
import type { Backoff } from '../send/batch.js';
import type { QuotaInfo, StopReason } from '../send/quota.js';
import type { Transport } from '../send/transport.js';
import type { BatchAd } from '../batch/batch-ad.js';
import type { ValidateOptions } from '../validate/validate-sheet.js';
import type { SheetOptions } from '../commands/common-options.js';
import type { Io } from '../commands/io.js';
import type { SendPlan } from './send-plan.js';
import type { LinksAhead, RunLinks } from './links.js';
import type { LinkOptions } from '../commands/link-stage.js';
import type { ThrottlePolicy } from '../send/throttle.js';
import { defaultOf } from '../options/registry.js';

export interface UploadOptions extends SheetOptions, LinkOptions {
  readonly endpoint?: string;
  readonly apiKeyFile?: string;
  /** The key itself, for a library caller; it wins over apiKeyFile and the environment. Never written anywhere. */
  readonly apiKey?: string;
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
  /**
   * List each advertiser's ad groups before the first paid call and set aside rows naming one that
   * is not there (default true; --no-check-adgroups). Not in a dry run: the lists may be billed.
   */
  readonly checkAdgroups?: boolean;
  /** --include-hidden: send rows hidden or filtered out in the sheet (usually drafts; default false). */
  readonly includeHidden?: boolean;
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
  /** A row's outcome; `linkWarning` is what the link checks warned of (also in the line's error). */
  | { readonly type: 'row'; readonly line: ReportLine; readonly linkWarning?: string }
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
export const UPLOAD_DEFAULTS = {
  concurrency: defaultOf('upload', 'concurrency'),
  rate: defaultOf('upload', 'rate'),
  retries: defaultOf('upload', 'retries'),
  timeoutSeconds: defaultOf('upload', 'timeout'),
  maxWaitSeconds: defaultOf('upload', 'max-wait'),
} as const;

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
  /** A retry file's batch of origin, locked for the run: what this run does is written there too. */
  readonly origin?: OriginBatch;
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
  /** Rows in doubt found to be ads already (list_tiktok_ads), with their key and ad: journaled as created. */
  readonly found: ReadonlyMap<number, { readonly key: string; readonly adId: string }>;
  /** A stop decided before sending (preflight, --limit, quota). */
  readonly stopMessage: string | undefined;
  readonly accounts: readonly string[] | undefined;
  /** What the link checks found: warnings for rows that go ahead, observations for the journal. */
  readonly links: RunLinks | undefined;
  /** Link checks running ahead of the sender, when the rows go out as their links are judged. */
  readonly linksAhead?: LinksAhead;
}

export interface Ending {
  readonly stopped: StopReason | 'setup' | null;
  readonly stopMessage: string | undefined;
  readonly accounts: readonly string[] | undefined;
}
