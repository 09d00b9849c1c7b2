import { Pool, errors as undiciErrors } from 'undici';
import { describeNetworkError } from '../net/network-error.js';
import { VERSION } from '../version.js';
import { toolPath } from './endpoint.js';
import type { Outcome } from './outcome.js';

export interface ClientOptions {
  readonly base: URL;
  readonly apiKey: string;
  /** Per request, headers and body together. */
  readonly timeoutMs: number;
  readonly connections: number;
}

export interface CallOptions {
  readonly idempotencyKey?: string;
  /** Abandons the request (second Ctrl-C). */
  readonly signal?: AbortSignal;
}

const MAX_BODY = 1024 * 1024;

/**
 * The Adspirer transport: one keep-alive undici Pool per run. It never throws for what the network
 * or the service does: every attempt ends in an Outcome for the retry rules to judge. undici's
 * request() does not follow redirects, so the key is never sent to another host.
 */
export class AdspirerClient {
  private readonly pool: Pool;

  constructor(private readonly options: ClientOptions) {
    this.pool = new Pool(options.base.origin, {
      connections: options.connections,
      keepAliveTimeout: 30_000,
      // A host that takes longer than 10 s to accept a connection is unreachable, and an upload
      // against it ends before any paid call within that time (preflight.ts).
      connectTimeout: Math.min(options.timeoutMs, 10_000),
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  async call(tool: string, args: Record<string, unknown>, call: CallOptions = {}): Promise<Outcome> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = call.signal ? AbortSignal.any([timeout, call.signal]) : timeout;
    try {
      const res = await this.pool.request({
        path: toolPath(this.options.base, tool),
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.options.apiKey}`,
          'content-type': 'application/json',
          accept: 'application/json',
          'user-agent': `tiktok-ads-bulk/${VERSION}`,
          ...(call.idempotencyKey ? { 'idempotency-key': call.idempotencyKey } : {}),
        },
        body: JSON.stringify({ arguments: args }),
        signal,
      });
      const text = await readCapped(res.body);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      const retryAfter = res.headers['retry-after'];
      const location = res.headers.location;
      return {
        kind: 'http',
        status: res.statusCode,
        json,
        text: text.slice(0, 1024),
        ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
        ...(typeof location === 'string' ? { location } : {}),
      };
    } catch (err) {
      return networkOutcome(err, timeout.aborted);
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy?: () => void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_BODY) {
      body.destroy?.();
      break;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function networkOutcome(err: unknown, timedOut: boolean): Outcome {
  const timeout =
    timedOut ||
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    err instanceof undiciErrors.ConnectTimeoutError;
  const failure = describeNetworkError(err);
  return {
    kind: 'network',
    code: failure.code,
    message: timeout && !failure.unreachable ? 'the request timed out' : failure.text,
    timeout,
    unreachable: failure.unreachable,
  };
}
