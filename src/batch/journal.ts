import { open, type FileHandle } from 'node:fs/promises';
import { RunError } from '../errors.js';
import type { Observation } from '../links/observation.js';

/**
 * The resume journal: one JSON object per line, appended and fsynced before a row's first request
 * and after its final answer, so `kill -9` at any instant loses nothing a re-run needs. The first
 * line names the input file and the batch's first date ({date} of --ad-name).
 */
export interface JournalHeader {
  readonly journal: 'tiktok-ads-bulk';
  readonly v: 1;
  readonly file: string;
  readonly date: string;
  /** The service the batch is sent to (the endpoint's origin, never the key); absent in journals before it was recorded. */
  readonly service?: string;
}

export type JournalEvent =
  | {
      readonly key: string;
      readonly row: number;
      readonly event: 'sending';
      readonly adgroup?: string;
      /** For a re-send of a rejected row (--retry-rejected): the row's own key and the generation. */
      readonly base?: string;
      readonly generation?: number;
      /** A fingerprint of each field sent (keys/field-digests.ts), to name what a later edit changed. */
      readonly fields?: Readonly<Record<string, string>>;
      /** When (ISO 8601): a row last tried more than a day ago is looked up before it is sent again. */
      readonly at?: string;
    }
  | {
      readonly key: string;
      readonly row: number;
      readonly event: 'result';
      readonly status: 'created' | 'rejected' | 'failed' | 'not_sent' | 'unknown';
      /** The ad group this key's ad goes to, so an edited row can be matched to its earlier version. */
      readonly adgroup?: string;
      /** The advertiser it was created for, where the row names one (an agency's batch spans several). */
      readonly advertiser?: string;
      /** Written by an upload of this batch's retry file (its name): the row's fixed version is that ad. */
      readonly from_retry?: string;
      readonly ad_id?: string;
      readonly error?: string;
      readonly attempts: number;
    }
  /**
   * A status change of an ad the batch created (pause / resume / delete): `key` is the row's key
   * (the ad's), `status` the one asked for, `outcome` how the call ended ('created' = done).
   */
  | {
      readonly event: 'ad-status';
      readonly key: string;
      readonly row: number;
      readonly ad_id: string;
      readonly status: AdStatus;
      readonly outcome: 'created' | 'rejected' | 'failed' | 'not_sent' | 'unknown';
      readonly error?: string;
      readonly attempts: number;
      readonly at: string;
    }
  /** A retry file this tool wrote, by name and content hash: an edit by the user changes the hash. */
  | { readonly event: 'retry-file'; readonly file: string; readonly sha256: string }
  /** A link checked and found usable (checkLinks' key "field url"), with when: a re-run within a day reuses it. */
  | { readonly event: 'link'; readonly link: string; readonly at: string; readonly seen: Observation };

/** The statuses pause_tiktok_ad / resume_tiktok_ad set (Adspirer's tool reference): DELETE is final. */
export type AdStatus = 'ENABLE' | 'DISABLE' | 'DELETE';

/** What earlier runs left for one key. */
export interface PriorState {
  readonly status: 'created' | 'rejected' | 'failed' | 'not_sent' | 'unknown' | 'in_flight';
  readonly adgroup?: string;
  /** The fingerprints of the fields it was sent with, where the journal has them. */
  readonly fields?: Readonly<Record<string, string>>;
  /** When its last request was made (ISO 8601), where the journal has it. */
  readonly lastAt?: string;
  readonly adId?: string;
  readonly error?: string;
  readonly row: number;
  /** The advertiser the ad was created for, where the row named one. */
  readonly advertiser?: string;
  /** The status this tool last set on the ad (pause / resume / delete), if any. */
  readonly adStatus?: AdStatus;
  /** Status changes made to the ad so far: part of the next change's Idempotency-Key. */
  readonly statusChanges?: number;
  /** Made by an upload of this batch's retry file (its name), from a fixed version of the row. */
  readonly fromRetry?: string;
}

export interface JournalContents {
  readonly header: JournalHeader;
  readonly states: ReadonlyMap<string, PriorState>;
  /** A last line cut off by a crash was ignored. */
  readonly truncatedTail: boolean;
  /** The retry files this batch wrote (file name → SHA-256 of what was written). */
  readonly retryFiles: ReadonlyMap<string, string>;
  /** Rows re-sent after a rejection: the row's own key → the latest generation sent. */
  readonly generations: ReadonlyMap<string, number>;
  /** Links found usable by earlier runs: checkLinks' key → when and what was seen. */
  readonly links: ReadonlyMap<string, { readonly at: string; readonly seen: Observation }>;
}

/** Parses a journal's text. Pure. A cut-off last line is tolerated; any other damage is refused. */
export function parseJournal(path: string, text: string): JournalContents {
  const lines = text.split('\n');
  const endsClean = text.endsWith('\n');
  let truncatedTail = false;
  const states = new Map<string, PriorState>();
  const retryFiles = new Map<string, string>();
  const generations = new Map<string, number>();
  const links = new Map<string, { at: string; seen: Observation }>();
  let header: JournalHeader | undefined;
  lines.forEach((line, i) => {
    if (line.trim() === '') return; // a blank line carries nothing
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (i === lines.length - 1 && !endsClean) {
        truncatedTail = true;
        return;
      }
      if (!header) throw new RunError('REPORT', `${path} is not a tiktok-ads-bulk journal. Move it away or choose another --report.`);
      throw new RunError(
        'REPORT',
        `${path} is damaged at line ${i + 1} and cannot be read back. Move it away (and the report beside it) to start the batch afresh.`,
      );
    }
    if (!header) {
      const h = value as Partial<JournalHeader>;
      if (h.journal !== 'tiktok-ads-bulk' || h.v !== 1 || typeof h.file !== 'string') {
        throw new RunError('REPORT', `${path} is not a tiktok-ads-bulk journal. Move it away or choose another --report.`);
      }
      header = h as JournalHeader;
      return;
    }
    const e = value as JournalEvent;
    if (e.event === 'retry-file') {
      if (typeof e.file === 'string' && typeof e.sha256 === 'string') retryFiles.set(e.file, e.sha256);
      return;
    }
    if (e.event === 'ad-status') {
      const prior = typeof e.key === 'string' ? states.get(e.key) : undefined;
      if (prior && e.outcome === 'created' && (e.status === 'ENABLE' || e.status === 'DISABLE' || e.status === 'DELETE'))
        states.set(e.key, { ...prior, adStatus: e.status, statusChanges: (prior.statusChanges ?? 0) + 1 });
      return;
    }
    if (e.event === 'link') {
      if (typeof e.link === 'string' && typeof e.at === 'string' && typeof e.seen === 'object' && e.seen !== null)
        links.set(e.link, { at: e.at, seen: e.seen });
      return;
    }
    if (typeof e.key !== 'string') return;
    if (e.event === 'sending') {
      if (typeof e.base === 'string' && typeof e.generation === 'number') generations.set(e.base, Math.max(generations.get(e.base) ?? 0, e.generation));
      const prior = states.get(e.key);
      const fields = e.fields && typeof e.fields === 'object' ? { fields: e.fields } : prior?.fields ? { fields: prior.fields } : {};
      const at = typeof e.at === 'string' ? { lastAt: e.at } : prior?.lastAt ? { lastAt: prior.lastAt } : {};
      // A line that does not name the ad group keeps the one an earlier line named, as a result line does.
      const adgroup = (e.adgroup ?? prior?.adgroup) ? { adgroup: e.adgroup ?? prior?.adgroup } : {};
      if (prior?.status !== 'created') states.set(e.key, { status: 'in_flight', row: e.row, ...adgroup, ...fields, ...at });
    } else if (e.event === 'result') {
      const prior = states.get(e.key);
      // A created ad stays created: a later not_sent for the same key cannot undo it.
      if (prior?.status === 'created' && e.status !== 'created') return;
      states.set(e.key, {
        status: e.status,
        row: e.row,
        ...(e.ad_id ? { adId: e.ad_id } : {}),
        ...(e.error ? { error: e.error } : {}),
        ...((e.adgroup ?? prior?.adgroup) ? { adgroup: e.adgroup ?? prior?.adgroup } : {}),
        ...(prior?.fields ? { fields: prior.fields } : {}),
        ...(prior?.lastAt ? { lastAt: prior.lastAt } : {}),
        ...((e.advertiser ?? prior?.advertiser) ? { advertiser: e.advertiser ?? prior?.advertiser } : {}),
        ...(typeof e.from_retry === 'string' ? { fromRetry: e.from_retry } : {}),
      });
    }
  });
  if (!header) {
    if (truncatedTail || text.trim() === '')
      return { header: { journal: 'tiktok-ads-bulk', v: 1, file: '', date: '' }, states, truncatedTail: true, retryFiles, generations, links };
    throw new RunError('REPORT', `${path} is not a tiktok-ads-bulk journal. Move it away or choose another --report.`);
  }
  return { header, states, truncatedTail, retryFiles, generations, links };
}

/** Appends events durably. Writes are serialised; each is fsynced before its promise resolves. */
export class JournalWriter {
  private chain: Promise<void> = Promise.resolve();

  private constructor(private readonly handle: FileHandle) {}

  static async open(path: string, header: JournalHeader | undefined): Promise<JournalWriter> {
    const handle = await open(path, 'a', 0o600);
    const writer = new JournalWriter(handle);
    try {
      if (header) await writer.append(header);
    } catch (err) {
      await handle.close();
      throw err;
    }
    return writer;
  }

  append(entry: JournalHeader | JournalEvent): Promise<void> {
    const line = `${JSON.stringify(entry)}\n`;
    this.chain = this.chain.then(async () => {
      await this.handle.appendFile(line);
      await this.handle.datasync();
    });
    return this.chain;
  }

  async close(): Promise<void> {
    await this.chain;
    await this.handle.close();
  }
}
