import type { QuotaInfo } from './quota.js';
import {
  adIdOf,
  errorTextOf,
  envelope,
  inactiveAdvertiser,
  isAccountPrompt,
  isQuotaExhausted,
  notConnectedAdvertiser,
  oneLine,
  promptedAccounts,
  quotaOf,
} from './answer.js';
import type { Outcome } from './outcome.js';
import { parseRetryAfter } from './retry-after.js';
import { waitNamedIn } from './throttle.js';

/** What an attempt's outcome means for the row and the batch. */
export type Verdict =
  | { readonly kind: 'created'; readonly adId?: string; readonly quota?: QuotaInfo }
  | { readonly kind: 'rejected'; readonly message: string; readonly unconnected?: { readonly advertiser?: string } }
  /** The advertiser is connected but not active on the plan: its rows wait until it is activated. */
  | { readonly kind: 'inactive'; readonly message: string; readonly advertiser?: string }
  /** The multi-account prompt: rows that name no advertiser cannot be sent; the others can. */
  | { readonly kind: 'unnamed'; readonly message: string; readonly accounts: readonly string[] }
  | {
      readonly kind: 'retry';
      readonly message: string;
      readonly retryAfterMs?: number;
      readonly throttled?: boolean;
      /** The request may have reached the service and created the ad: the answer was lost. */
      readonly inDoubt?: boolean;
    }
  | { readonly kind: 'stop'; readonly reason: 'auth' | 'quota' | 'setup'; readonly message: string; readonly quota?: QuotaInfo };

interface Rule {
  readonly name: string;
  readonly when: (o: Outcome) => boolean;
  readonly then: (o: Outcome, now: number) => Verdict;
}

type Http = Extract<Outcome, { kind: 'http' }>;
const http = (o: Outcome): o is Http => o.kind === 'http';
const status =
  (...codes: number[]) =>
  (o: Outcome): boolean =>
    http(o) && codes.includes(o.status);
const message = (o: Http, fallback: string): string => oneLine(errorTextOf(o.json) ?? fallback);
const describeBody = (o: Http): string =>
  o.json === undefined
    ? `HTTP ${o.status} with a non-JSON answer${/<title>([^<]*)<\/title>/i.exec(o.text) ? ` ("${/<title>([^<]*)<\/title>/i.exec(o.text)![1]!.trim()}")` : ''}`
    : `HTTP ${o.status}`;

/**
 * The ordered rules, first match wins (status meanings: Adspirer's REST API reference, "Errors";
 * README, `upload`, retry rules). An unknown outcome is retried with the same Idempotency-Key,
 * which is safe: the service replays.
 */
export const RULES: readonly Rule[] = [
  {
    name: 'network error or timeout: the ad may exist; retry with the same key',
    when: (o) => o.kind === 'network',
    then: (o) => ({
      kind: 'retry',
      message: o.kind === 'network' ? o.message : '',
      ...(o.kind === 'network' && o.unreachable !== true && !NEVER_SENT.has(o.code) ? { inDoubt: true } : {}),
    }),
  },
  {
    name: '200 success: created',
    when: (o) => http(o) && o.status >= 200 && o.status < 300 && succeeded(o.json) === true,
    then: (o) => {
      const adId = adIdOf((o as Http).json);
      const quota = quotaOf((o as Http).json);
      return { kind: 'created', ...(adId ? { adId } : {}), ...(quota ? { quota } : {}) };
    },
  },
  {
    // The request may have reached the service behind the page: until an answer settles it, the
    // ad may exist, so a row that ends here is `unknown` (re-sent with its key, looked up), not failed.
    name: '2xx that is not JSON (a proxy page): outcome unknown, retry',
    when: (o) => http(o) && o.status >= 200 && o.status < 300 && envelope(o.json) === undefined,
    then: (o) => ({ kind: 'retry', message: `${describeBody(o as Http)}: the answer could not be read`, inDoubt: true }),
  },
  {
    name: '2xx with success false saying the quota is spent: as its 402 twin',
    when: (o) => http(o) && o.status >= 200 && o.status < 300 && isQuotaExhausted(errorTextOf(o.json) ?? ''),
    then: (o) => {
      const quota = quotaOf((o as Http).json);
      return { kind: 'stop', reason: 'quota', message: message(o as Http, 'the monthly quota is spent'), ...(quota ? { quota } : {}) };
    },
  },
  {
    name: '2xx or 400 with the multi-account prompt: rows naming no advertiser are set aside',
    when: (o) => http(o) && ((o.status >= 200 && o.status < 300) || o.status === 400) && isAccountPrompt(errorTextOf(o.json) ?? ''),
    then: (o) => {
      const text = errorTextOf((o as Http).json) ?? '';
      return { kind: 'unnamed', message: oneLine(text), accounts: promptedAccounts(text) };
    },
  },
  {
    name: '2xx or 400 saying the advertiser is not connected: rejected; its other rows are set aside',
    when: (o) => http(o) && ((o.status >= 200 && o.status < 300) || o.status === 400) && notConnectedAdvertiser(errorTextOf(o.json) ?? '') !== undefined,
    then: (o) => ({
      kind: 'rejected',
      message: message(o as Http, 'the advertiser is not connected'),
      unconnected: notConnectedAdvertiser(errorTextOf((o as Http).json) ?? '')!,
    }),
  },
  {
    name: '2xx or 400 saying the advertiser is not active on the plan: its rows wait',
    when: (o) => http(o) && ((o.status >= 200 && o.status < 300) || o.status === 400) && inactiveAdvertiser(errorTextOf(o.json) ?? '') !== undefined,
    then: (o) => ({
      kind: 'inactive',
      message: message(o as Http, 'the advertiser is not active'),
      ...inactiveAdvertiser(errorTextOf((o as Http).json) ?? '')!,
    }),
  },
  {
    name: '2xx with success false or an error: the tool refused',
    when: (o) => http(o) && o.status >= 200 && o.status < 300 && (succeeded(o.json) === false || errorTextOf(o.json) !== undefined),
    then: (o) => ({ kind: 'rejected', message: message(o as Http, 'the API answered success: false without a reason') }),
  },
  {
    name: '2xx with neither a clear success nor an error: the ad may exist; retry with the same key',
    when: (o) => http(o) && o.status >= 200 && o.status < 300,
    then: () => ({ kind: 'retry', message: 'the service answered 200 without saying whether the ad was created', inDoubt: true }),
  },
  {
    name: '401: the key is refused; stop the batch',
    when: status(401, 403),
    then: (o) => ({
      kind: 'stop',
      reason: 'auth',
      message: `the API refused the key (HTTP ${(o as Http).status}): ${message(o as Http, 'invalid or missing API key')}`,
    }),
  },
  {
    name: '402: quota exhausted; stop the batch',
    when: status(402),
    then: (o) => {
      const quota = quotaOf((o as Http).json);
      return { kind: 'stop', reason: 'quota', message: message(o as Http, 'the monthly quota is spent'), ...(quota ? { quota } : {}) };
    },
  },
  {
    name: '404: this endpoint has no add_tiktok_ad; setup error',
    when: status(404),
    then: (o) => ({
      kind: 'stop',
      reason: 'setup',
      message: `the endpoint does not serve this tool (HTTP 404: ${message(o as Http, 'not found')}); check --endpoint`,
    }),
  },
  {
    name: '400 and 409 (and other 4xx but 408/429): final, rejected',
    when: (o) => http(o) && o.status >= 400 && o.status < 500 && o.status !== 408 && o.status !== 429,
    then: (o) => {
      const h = o as Http;
      // 409: "Idempotency key reused with different arguments" (Adspirer's REST reference). The
      // service holds another request under this row's key and did not create this one.
      if (h.status === 409) {
        return {
          kind: 'rejected',
          message: `conflict (HTTP 409: ${message(h, 'the Idempotency-Key was used with other arguments')}): the service already holds a different request under this row's Idempotency-Key, so it did not create this ad. Look in TikTok Ads Manager for an ad from this row; if there is none, run again with --retry-rejected, which sends it under a new key`,
        };
      }
      return { kind: 'rejected', message: h.json === undefined ? describeBody(h) : message(h, `HTTP ${h.status}`) };
    },
  },
  {
    name: '408, 429, 5xx: transient; retry after Retry-After or backoff',
    when: (o) => http(o) && (o.status === 408 || o.status === 429 || o.status >= 500),
    then: (o, now) => {
      const h = o as Http;
      // A 429 names its wait in Retry-After or, as Adspirer documents it, only in its text
      // ("Upstream platform rate limit hit (...). Retry after 60 seconds.", no header).
      const said = h.status === 429 ? errorTextOf(h.json) : undefined;
      const retryAfterMs = parseRetryAfter(h.retryAfter, now) ?? (h.status === 429 ? waitNamedIn(said) : undefined);
      const text =
        h.status === 429
          ? `rate limited (HTTP 429)${said ? `: ${oneLine(said)}` : ''}`
          : h.json === undefined
            ? describeBody(h)
            : `HTTP ${h.status}: ${message(h, 'server error')}`;
      // RFC 9110 §15.6.3 and §15.6.5: a 502 or 504 comes from a gateway whose upstream may have done the work.
      const inDoubt = h.status === 502 || h.status === 504;
      return {
        kind: 'retry',
        message: text,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        ...(h.status === 429 ? { throttled: true } : {}),
        ...(inDoubt ? { inDoubt: true } : {}),
      };
    },
  },
  {
    name: '3xx: a redirect is never followed with the key attached; setup error',
    when: (o) => http(o) && o.status >= 300 && o.status < 400,
    then: (o) => ({
      kind: 'stop',
      reason: 'setup',
      message: `the endpoint answered with a redirect (HTTP ${(o as Http).status}${(o as Http).location ? ` to ${redirectTarget((o as Http).location!)}` : ''}), which is not followed so the API key stays with the host you named; check --endpoint`,
    }),
  },
  {
    name: 'anything else (1xx): not an answer we can trust; retry',
    when: () => true,
    then: (o) => ({ kind: 'retry', message: http(o) ? `unexpected HTTP ${o.status}` : 'unexpected outcome' }),
  },
];

/** Network failures before a request could leave this machine: nothing reached the service. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'ENETUNREACH', 'EHOSTUNREACH']);

/** `success` as a boolean, also when a proxy or SDK wrote it as the string "true" or "false". */
function succeeded(json: unknown): boolean | undefined {
  const s = envelope(json)?.success;
  if (s === true || s === 'true') return true;
  if (s === false || s === 'false') return false;
  return undefined;
}

function redirectTarget(location: string): string {
  try {
    return new URL(location).origin;
  } catch {
    return location.slice(0, 80);
  }
}

export function judge(outcome: Outcome, now: number): Verdict {
  for (const rule of RULES) if (rule.when(outcome)) return rule.then(outcome, now);
  /* c8 ignore next */
  throw new Error('unreachable: the last rule matches everything');
}
