import PQueue from 'p-queue';
import type { Dispatcher } from 'undici';
import { problem, type AdArgs, type Problem } from '../validate/args.js';
import type { LinkField, Observation } from './observation.js';
import { observeLink } from './observe.js';
import { judgeLink, type LinkVerdict } from './verdict.js';
import { LINK_CHECK_DEFAULTS } from './defaults.js';

export interface CheckLinksOptions {
  /** undici dispatcher for every link request (tests trust their own certificate through it). */
  readonly dispatcher?: Dispatcher;
  /** Per link, redirects and ranges included. Default 10 s. */
  readonly timeoutMs?: number;
  /** Links checked at once. Default 8. */
  readonly concurrency?: number;
  /** Links checked at once on one host: a CDN or a client's site is not hammered. Default 2. */
  readonly perHost?: number;
  /** --strict-links: a link that cannot be checked makes its row invalid. */
  readonly strict?: boolean;
  /** Bytes of the first ranged GET. Default 64 KiB. */
  readonly probeBytes?: number;
  /** Observations already made (an earlier run's, from the journal): not fetched again. */
  readonly known?: ReadonlyMap<string, Observation>;
  /** Stops the checks: links not yet checked are reported as not checked. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
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
  const all = new PQueue({ concurrency: options.concurrency ?? LINK_CHECK_DEFAULTS.concurrency });
  const hosts = new Map<string, PQueue>();

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
  let done = 0;
  options.onProgress?.(0, toFetch.length);
  await Promise.all(
    toFetch.map(([k, job]) => {
      const host = new URL(job.url).host;
      let queue = hosts.get(host);
      if (!queue) hosts.set(host, (queue = new PQueue({ concurrency: perHost })));
      // The host slot is taken first and held while waiting for a global slot: global slots are
      // then only ever held by a request in progress.
      return queue.add(() =>
        all.add(async () => {
          const seen = options.signal?.aborted
            ? ({ kind: 'unchecked', reason: 'the check was stopped' } as const)
            : (down.get(host) ??
              (await observeLink(job.url, job.field, {
                ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
                signal: linkSignal(timeoutMs, options.signal),
                timeoutMs,
                probeBytes,
              })));
          if (seen.kind === 'unchecked' && seen.unreachable) down.set(host, seen);
          observed.set(k, seen);
          options.onProgress?.(++done, toFetch.length);
        }),
      );
    }),
  );

  const verdicts = new Map<string, LinkVerdict>();
  for (const [k, job] of jobs) verdicts.set(k, judgeLink(job.field, observed.get(k)!, options.strict === true));
  const byAd = new Map<number, AdLinkResult>();
  for (const ad of ads) {
    const problems: Problem[] = [];
    const warnings: Problem[] = [];
    const info: Problem[] = [];
    for (const link of linksOf(ad.args)) {
      const verdict = verdicts.get(jobKey(link.field, link.url))!;
      if (verdict.level === 'invalid') problems.push(problem(link.label, verdict.kind!, verdict.message!));
      else if (verdict.level === 'warning') warnings.push(problem(link.label, verdict.kind!, verdict.message!));
      else if (verdict.info) info.push(problem(link.label, 'media_info', verdict.info));
    }
    if (problems.length || warnings.length || info.length) byAd.set(ad.id, { problems, warnings, info });
  }
  return { byAd, observed, fetched: toFetch.length, verdicts };
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
