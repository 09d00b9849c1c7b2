import { request, type Dispatcher } from 'undici';

/**
 * Follows redirects by hand, one request at a time, so that each hop is judged before it is taken:
 * undici's request() follows none, and a link check or a download must never be led off to a
 * host or a scheme it does not trust. `judge` throws to refuse a hop; every refused or taken hop's
 * body is drained first, so the connection is reused.
 */
export interface Followed {
  readonly res: Dispatcher.ResponseData;
  /** The URL that answered. */
  readonly finalUrl: string;
  /** Redirects taken, those before this call included. */
  readonly redirects: number;
}

export interface FollowInit {
  readonly method: 'GET' | 'HEAD';
  readonly headers: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  readonly dispatcher?: Dispatcher;
  readonly headersTimeout?: number;
  readonly bodyTimeout?: number;
}

/**
 * The statuses that send a client on (RFC 9110 §15.4): 300's Location is only a preference, and 304
 * Not Modified answers a conditional request; neither is a hop.
 */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export async function followRedirects(
  url: string,
  init: FollowInit,
  /** Throws to refuse the hop to `target`, the `redirects`-th one. */
  judge: (target: URL, redirects: number) => void,
  already = 0,
): Promise<Followed> {
  let current = url;
  for (let redirects = already; ; redirects++) {
    const res = await request(current, {
      method: init.method,
      headers: { ...init.headers },
      ...(init.signal ? { signal: init.signal } : {}),
      ...(init.dispatcher ? { dispatcher: init.dispatcher } : {}),
      ...(init.headersTimeout !== undefined ? { headersTimeout: init.headersTimeout } : {}),
      ...(init.bodyTimeout !== undefined ? { bodyTimeout: init.bodyTimeout } : {}),
    });
    const location = res.headers.location;
    if (!REDIRECTS.has(res.statusCode) || typeof location !== 'string') return { res, finalUrl: current, redirects };
    await res.body.dump();
    const target = new URL(location, current);
    judge(target, redirects + 1);
    current = target.href;
  }
}
