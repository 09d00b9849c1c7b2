import type { Dispatcher } from 'undici';
import type { LinkCheckResult, LinkedAd } from '../links/check-links.js';
import { LINK_CHECK_DEFAULTS } from '../links/defaults.js';
import type { Observation } from '../links/observation.js';
import type { Io } from './io.js';
import { checkNumberOption } from '../options/registry.js';

/** Link-check options shared by validate (--check-links) and upload (on unless --no-check-links). */
export interface LinkOptions {
  /** Check links: upload's default is true, validate's false. */
  readonly checkLinks?: boolean;
  /** --strict-links: a link that cannot be checked makes its row invalid. */
  readonly strictLinks?: boolean;
  /** --link-timeout SECONDS per link (default 10). */
  readonly linkTimeoutSeconds?: number;
  /** undici dispatcher of the link requests (tests trust their certificate through it; proxies). */
  readonly linkDispatcher?: Dispatcher;
}

export function checkLinkTimeout(seconds: number | undefined): number {
  if (seconds === undefined) return LINK_CHECK_DEFAULTS.timeoutMs;
  checkNumberOption('validate', 'link-timeout', seconds);
  return seconds * 1000;
}

/**
 * Runs the link checks with a progress line on stderr ("Checking links: 12/40"), redrawn on a
 * terminal and printed every few seconds elsewhere, and a closing line with what was found.
 */
export async function runLinkStage(
  ads: readonly LinkedAd[],
  options: LinkOptions,
  io: Io,
  extra: { known?: ReadonlyMap<string, Observation>; signal?: AbortSignal; say?: (text: string) => void; now?: () => number } = {},
): Promise<LinkCheckResult> {
  const say = extra.say ?? ((t: string) => io.err(t));
  const now = extra.now ?? Date.now;
  const timeoutMs = checkLinkTimeout(options.linkTimeoutSeconds);
  let last = 0;
  let drawn = false;
  // The HTTP client and the MP4 reader load only when links are checked: `validate` does not pay for them.
  const { checkLinks } = await import('../links/check-links.js');
  const result = await checkLinks(ads, {
    timeoutMs,
    strict: options.strictLinks === true,
    ...(options.linkDispatcher ? { dispatcher: options.linkDispatcher } : {}),
    ...(extra.known ? { known: extra.known } : {}),
    ...(extra.signal ? { signal: extra.signal } : {}),
    onProgress: (done, total) => {
      if (total === 0) return;
      const at = now();
      // A terminal's line is redrawn 5 times a second; a log gets a line every 5 s, not one per link.
      const every = io.isTTY ? 200 : 5000;
      if (done !== 0 && done !== total && at - last < every) return;
      last = at;
      if (io.isTTY) {
        say(`\r\x1b[KChecking links: ${done}/${total}`);
        drawn = true;
      } else if (done === 0) say(`Checking ${total} ${total === 1 ? 'link' : 'links'} before any paid call…\n`);
      else if (done !== total) say(`Checking links: ${done}/${total}\n`);
    },
  });
  if (drawn) say('\r\x1b[K');
  if (result.observed.size > 0) say(linksSummary(result, false));
  return result;
}

/** "Links: 400 checked (12 from an earlier run); 3 ads have a bad link, 5 have a warning." */
export function linksSummary(result: LinkCheckResult, cutShort: boolean): string {
  let invalid = 0;
  let warned = 0;
  for (const r of result.byAd.values()) {
    if (r.problems.length) invalid++;
    else if (r.warnings.length) warned++;
  }
  const reused = result.observed.size - result.fetched;
  return `Links: ${result.observed.size} checked${reused > 0 ? ` (${reused} from an earlier run)` : ''}${cutShort ? ' before the batch stopped' : ''}; ${invalid} ${invalid === 1 ? 'ad has' : 'ads have'} a bad link${warned ? `, ${warned} ${warned === 1 ? 'has' : 'have'} a warning` : ''}.\n`;
}
