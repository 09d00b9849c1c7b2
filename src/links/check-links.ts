import PQueue from 'p-queue';
import type { Dispatcher } from 'undici';
import { problem, type AdArgs, type Problem } from '../validate/args.js';
import type { LinkField, Observation } from './observation.js';
import { observeLink } from './observe.js';
import { judgeLink, type LinkVerdict } from './verdict.js';
import { LINK_CHECK_DEFAULTS } from './defaults.js';
import { asksToSlowDown, HOST_PACE, namedWaitMs, nextPace, startPace, type HostPace } from './host-pace.js';

export interface CheckLinksOptions {
  /** undici dispatcher for every link request (tests trust their own certificate through it). */
  readonly dispatcher?: Dispatcher;
  /** Per link, redirects and ranges included. Default 10 s. */
  readonly timeoutMs?: number;
  /** Links checked at once. Default 8. */
  readonly concurrency?: number;
  /**
   * Links checked at once on one host to start with: a CDN or a client's site is not hammered. It
   * grows by one while the host answers quickly, up to `perHostMax`, and halves on a 429 or 503
   * (links/host-pace.ts). Default 4, at most 8.
   */
  readonly perHost?: number;
  readonly perHostMax?: number;
  /** Clock and wait, for tests. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** --strict-links: a link that cannot be checked makes its row invalid. */
  readonly strict?: boolean;
  /** Bytes of the first ranged GET. Default 64 KiB. */
  readonly probeBytes?: number;
  /** Observations already made (an earlier run's, from the journal): not fetched again. */
  readonly known?: ReadonlyMap<string, Observation>;
  /** Stops the checks: links not yet checked are reported as not checked. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Called for each ad as soon as every link it holds is judged (at once for an ad with none), in
   * the order that happens: a caller may act on the first ads while later links are still checked.
   */
  readonly onAd?: (id: number, result: AdLinkResult | undefined) => void;
}

export { LINK_CHECK_DEFAULTS };

/** One ad to check: any id the caller knows it by (upload uses its seq). */
export interface LinkedAd {
  readonly id: number;
  /** Its arguments, or at least their link fields. */
  readonly args: AdArgs;
}

export interface AdLinkResult {
  readonly problems: readonly Problem[];
  readonly warnings: readonly Problem[];
  /** Facts about its links worth showing ("video_url: 6 s, 540×960"). */
  readonly info: readonly Problem[];
}

export interface LinkCheckResult {
  /** Ads with something to say, by id. */
  readonly byAd: ReadonlyMap<number, AdLinkResult>;
  /** Every distinct link's observation, this run's and the known ones reused. */
  readonly observed: ReadonlyMap<string, Observation>;
  /** Links fetched by this call (known ones excluded). */
  readonly fetched: number;
  /** Every distinct link's verdict, keyed as `observed`. */
  readonly verdicts: ReadonlyMap<string, LinkVerdict>;
}

/** The links an ad's arguments hold, by field; only https:// links (the validator's rule for creatives). */
export function linksOf(args: AdArgs): { field: LinkField; label: string; url: string }[] {
  const found: { field: LinkField; label: string; url: string }[] = [];
  const add = (field: LinkField, label: string, value: unknown): void => {
    if (typeof value === 'string' && value.startsWith('https://')) found.push({ field, label, url: value });
  };
  add('video_url', 'video_url', args.video_url);
  const images = args.image_urls;
  if (Array.isArray(images)) images.forEach((u, i) => add('image_urls', images.length > 1 ? `image_urls #${i + 1}` : 'image_urls', u));
  add('landing_page_url', 'landing_page_url', args.landing_page_url);
  return found;
}

/**
 * Checks every distinct link of the ads once, at most `concurrency` at a time and `perHost` per
 * host, and judges each for the field it fills. Links are free to check; paid calls are not, so
 * this runs before the first one. Never throws for what a link does.
 */
export async function checkLinks(ads: readonly LinkedAd[], options: CheckLinksOptions = {}): Promise<LinkCheckResult> {
  const timeoutMs = options.timeoutMs ?? LINK_CHECK_DEFAULTS.timeoutMs;
  const probeBytes = options.probeBytes ?? LINK_CHECK_DEFAULTS.probeBytes;
  const perHost = options.perHost ?? LINK_CHECK_DEFAULTS.perHost;
  const perHostMax = Math.max(perHost, options.perHostMax ?? LINK_CHECK_DEFAULTS.perHostMax);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const all = new PQueue({ concurrency: options.concurrency ?? LINK_CHECK_DEFAULTS.concurrency });
  const hosts = new Map<string, { queue: PQueue; pace: HostPace }>();

  // One fetch per distinct URL and field (a landing page per origin and path: UTM tags do not make
  // another page); the first link met is the one fetched.
  const jobs = new Map<string, { url: string; field: LinkField }>();
  for (const ad of ads) {
    for (const link of linksOf(ad.args)) {
      const k = jobKey(link.field, link.url);
      if (!jobs.has(k)) jobs.set(k, { url: link.url, field: link.field });
    }
  }
  // A host that cannot be reached at all is judged once: its other links are not fetched.
  const down = new Map<string, Observation>();
  const observed = new Map<string, Observation>();
  const toFetch = [...jobs].filter(([k]) => {
    const known = options.known?.get(k);
    if (known) observed.set(k, known);
    return !known;
  });
  // Ads waiting for their links, by link: told (onAd) when the last of theirs is judged.
  const waiting = new Map<string, LinkedAd[]>();
  const pending = new Map<number, number>();
  if (options.onAd) {
    for (const ad of ads) {
      const keys = new Set(linksOf(ad.args).map((l) => jobKey(l.field, l.url)));
      const open = [...keys].filter((k) => !observed.has(k));
      if (open.length === 0) {
        options.onAd(ad.id, adResult(ad, jobs, observed, options.strict === true));
        continue;
      }
      pending.set(ad.id, open.length);
      for (const k of open) waiting.set(k, [...(waiting.get(k) ?? []), ad]);
    }
  }
  const judged = (k: string): void => {
    for (const ad of waiting.get(k) ?? []) {
      const left = pending.get(ad.id)! - 1;
      pending.set(ad.id, left);
      if (left === 0) options.onAd!(ad.id, adResult(ad, jobs, observed, options.strict === true));
    }
    waiting.delete(k);
  };
  let done = 0;
  options.onProgress?.(0, toFetch.length);
  const hostOf = (url: string): { queue: PQueue; pace: HostPace } => {
    const host = new URL(url).host;
    let h = hosts.get(host);
    if (!h) hosts.set(host, (h = { queue: new PQueue({ concurrency: perHost }), pace: startPace(perHost) }));
    return h;
  };
  /** A host asked to slow down: fewer at once, and none started until its wait is over. */
  const slowDown = (h: { queue: PQueue; pace: HostPace }, waitMs: number): void => {
    h.pace = nextPace(h.pace, { kind: 'slow-down', now: now(), waitMs }, perHostMax);
    h.queue.concurrency = h.pace.limit;
    if (h.queue.isPaused) return;
    h.queue.pause();
    const resume = (): void => {
      const left = h.pace.pausedUntil - now();
      if (left > 0) void sleep(left).then(resume);
      else h.queue.start();
    };
    resume();
  };
  const check = async (k: string, job: { url: string; field: LinkField }, retries: number): Promise<void> => {
    const host = new URL(job.url).host;
    const h = hostOf(job.url);
    // The host slot is taken first and held while waiting for a global slot: global slots are
    // then only ever held by a request in progress.
    const again = await h.queue.add(() =>
      all.add(async () => {
        const started = now();
        const seen = options.signal?.aborted
          ? ({ kind: 'unchecked', reason: 'the check was stopped' } as const)
          : (down.get(host) ??
            (await observeLink(job.url, job.field, {
              ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
              signal: linkSignal(timeoutMs, options.signal),
              timeoutMs,
              probeBytes,
            })));
        if (seen.kind === 'answer' && asksToSlowDown(seen.status)) {
          const waitMs = namedWaitMs(seen.retryAfter, now());
          slowDown(h, waitMs);
          // Asked again after the wait, twice at most; a wait too long to sit out leaves the answer as it is.
          if (retries > 0 && waitMs <= HOST_PACE.maxWaitMs && !options.signal?.aborted) return true;
        } else if (seen.kind === 'answer') {
          h.pace = nextPace(h.pace, { kind: 'answer', ms: now() - started }, perHostMax);
          h.queue.concurrency = h.pace.limit;
        }
        if (seen.kind === 'unchecked' && seen.unreachable) down.set(host, seen);
        observed.set(k, seen);
        options.onProgress?.(++done, toFetch.length);
        judged(k);
        return false;
      }),
    );
    if (again) await check(k, job, retries - 1);
  };
  await Promise.all(toFetch.map(([k, job]) => check(k, job, 2)));

  const verdicts = new Map<string, LinkVerdict>();
  for (const [k, job] of jobs) verdicts.set(k, judgeLink(job.field, observed.get(k)!, options.strict === true));
  const byAd = new Map<number, AdLinkResult>();
  for (const ad of ads) {
    const result = adResult(ad, jobs, observed, options.strict === true);
    if (result) byAd.set(ad.id, result);
  }
  return { byAd, observed, fetched: toFetch.length, verdicts };
}

/** One ad's findings from its links' observations; undefined when there is nothing to say. */
function adResult(
  ad: LinkedAd,
  jobs: ReadonlyMap<string, { url: string; field: LinkField }>,
  observed: ReadonlyMap<string, Observation>,
  strict: boolean,
): AdLinkResult | undefined {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const info: Problem[] = [];
  for (const link of linksOf(ad.args)) {
    const k = jobKey(link.field, link.url);
    const verdict = judgeLink(jobs.get(k)!.field, observed.get(k)!, strict);
    if (verdict.level === 'invalid') problems.push(problem(link.label, verdict.kind!, verdict.message!));
    else if (verdict.level === 'warning') warnings.push(problem(link.label, verdict.kind!, verdict.message!));
    else if (verdict.info) info.push(problem(link.label, 'media_info', verdict.info));
  }
  return problems.length || warnings.length || info.length ? { problems, warnings, info } : undefined;
}

/** How observations are keyed (the journal keeps the same keys). */
function jobKey(field: LinkField, url: string): string {
  return `${field} ${field === 'landing_page_url' ? pageOf(url) : url}`;
}

/** A landing page is a page: its origin and path, whatever query (UTM tags) or fragment a link adds. */
function pageOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return url;
  }
}

function linkSignal(timeoutMs: number, outer: AbortSignal | undefined): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return outer ? AbortSignal.any([timeout, outer]) : timeout;
}
