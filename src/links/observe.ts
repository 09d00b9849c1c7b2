import type { Dispatcher } from 'undici';
import { followRedirects } from '../net/follow-redirects.js';
import { VERSION } from '../version.js';
import { readMediaInfo } from './media-info.js';
import type { LinkField, Observation } from './observation.js';
import { describeNetworkError } from '../net/network-error.js';

export interface ObserveOptions {
  readonly dispatcher?: Dispatcher;
  /** Ends the whole check of this link (redirects and ranges included). */
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  /** Bytes of the first ranged GET: enough for a file's signature and, usually, an MP4 header. */
  readonly probeBytes: number;
}

/** Redirects followed before a link is called unverifiable. */
const MAX_REDIRECTS = 5;

/**
 * The only header sent: no API key, no cookie, nothing that identifies the user. The links belong
 * to third parties (CDNs, Drive, clients' sites).
 */
const HEADERS = { 'user-agent': `tiktok-ads-bulk/${VERSION} (link check)` };

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Dispatcher.ResponseData['body'];
  readonly finalUrl: string;
  readonly redirects: number;
}

/**
 * Looks at one link: HEAD first, then a ranged GET (`Range: bytes=0-N`) when HEAD is refused or
 * cannot show what the field needs (a creative's first bytes). Never throws: whatever stops the
 * check becomes an `unchecked` observation with the reason.
 */
export async function observeLink(url: string, field: LinkField, options: ObserveOptions): Promise<Observation> {
  try {
    const head = await follow(url, 'HEAD', {}, options);
    await head.body.dump();
    const status = head.status;
    // A landing page that answers HEAD with 2xx needs nothing more; a 404/410 is final for any field.
    // A host that asks to slow down is answered as it is: the checker waits and asks again (host-pace.ts).
    if ((field === 'landing_page_url' && status >= 200 && status < 300) || status === 404 || status === 410 || status === 429) return answer(head);
    const got = await follow(head.finalUrl, 'GET', { range: `bytes=0-${options.probeBytes - 1}` }, options, head.redirects);
    const bytes = got.status >= 200 && got.status < 300 ? await readAtMost(got.body, options.probeBytes) : (await got.body.dump(), undefined);
    const seen = answer(got, bytes);
    if (field !== 'video_url' || !bytes || seen.kind !== 'answer' || seen.type?.startsWith('text/')) return seen;
    return await withMedia(seen, bytes, got.status === 206, options);
  } catch (err) {
    const unreachable = !(err instanceof LinkStop) && !options.signal.aborted && describeNetworkError(err).unreachable;
    return { kind: 'unchecked', reason: reasonOf(err, options), ...(unreachable ? { unreachable: true as const } : {}) };
  }
}

/** Adds the video's duration and size when its header can be read through byte ranges. */
async function withMedia(seen: Extract<Observation, { kind: 'answer' }>, bytes: Uint8Array, ranged: boolean, options: ObserveOptions): Promise<Observation> {
  const readRange = async (start: number, length: number): Promise<Uint8Array | undefined> => {
    if (!ranged) return undefined;
    const part = await follow(seen.finalUrl, 'GET', { range: `bytes=${start}-${start + length - 1}` }, options, seen.redirects);
    if (part.status !== 206) {
      await part.body.dump();
      return undefined;
    }
    return readAtMost(part.body, length);
  };
  try {
    const media = await readMediaInfo(bytes, seen.size, readRange, { chunk: 1024 * 1024, ranges: 4 });
    if (media) return { ...seen, media };
    return {
      ...seen,
      mediaNote: ranged
        ? 'duration and size not read: no video header found in the first bytes'
        : 'duration and size not read: the server does not serve byte ranges',
    };
  } catch (err) {
    if (options.signal.aborted) throw err;
    return { ...seen, mediaNote: 'duration and size not read: the video header could not be parsed' };
  }
}

/** One request, following redirects itself: at most MAX_REDIRECTS, and only to https:// addresses. */
async function follow(url: string, method: 'HEAD' | 'GET', extra: Record<string, string>, options: ObserveOptions, already = 0): Promise<Reply> {
  const { res, finalUrl, redirects } = await followRedirects(
    url,
    { method, headers: { ...HEADERS, ...extra }, signal: options.signal, ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}) },
    (target, n) => {
      if (target.protocol !== 'https:') throw new LinkStop(`redirects to ${target.protocol}//${target.host}, and only https:// redirects are followed`);
      if (n > MAX_REDIRECTS) throw new LinkStop(`more than ${MAX_REDIRECTS} redirects`);
    },
    already,
  );
  return { status: res.statusCode, headers: res.headers, body: res.body, finalUrl, redirects };
}

function answer(reply: Reply, head?: Uint8Array): Observation {
  const type = header(reply.headers['content-type'])?.split(';')[0]!.trim().toLowerCase();
  const size = sizeOf(reply);
  const retryAfter = header(reply.headers['retry-after']);
  return {
    kind: 'answer',
    finalUrl: reply.finalUrl,
    redirects: reply.redirects,
    status: reply.status,
    ...(type ? { type } : {}),
    ...(size !== undefined ? { size } : {}),
    ...(head ? { head } : {}),
    ...(retryAfter !== undefined && (reply.status === 429 || reply.status === 503) ? { retryAfter } : {}),
  };
}

/** A 206's Content-Range carries the whole size ("bytes 0-65535/31457280"); else Content-Length. */
function sizeOf(reply: Reply): number | undefined {
  const range = header(reply.headers['content-range']);
  const total = range ? /\/(\d+)\s*$/.exec(range)?.[1] : undefined;
  if (total !== undefined) return Number(total);
  if (reply.status === 206) return undefined;
  const length = header(reply.headers['content-length']);
  return length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Reads up to `limit` bytes and lets the rest go: a server that ignores Range sends the whole file. */
async function readAtMost(body: Reply['body'], limit: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    length += chunk.length;
    if (length >= limit) break;
  }
  // Leaving the loop early destroys the body, which closes that connection instead of downloading the rest.
  body.destroy();
  return Buffer.concat(chunks, Math.min(length, limit)).subarray(0, limit);
}

class LinkStop extends Error {}

function reasonOf(err: unknown, options: ObserveOptions): string {
  if (err instanceof LinkStop) return err.message;
  if (options.signal.aborted) {
    const why = options.signal.reason as { name?: string } | undefined;
    return why?.name === 'TimeoutError' ? `no answer within ${options.timeoutMs / 1000} s` : 'the check was stopped';
  }
  return describeNetworkError(err).text;
}
