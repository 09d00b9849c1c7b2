import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { drawFault, proxyPage } from './faults.js';
import { FAULT_KINDS, type FaultKind, type SimOptions } from './options.js';
import { seededRandom } from './random.js';
import { nextPeriodEnd, SimService, WRITE_TOOLS, type Answer, type CreatedAd, type SimAccount } from './service.js';

export interface SimStats {
  requests: number;
  byStatus: Record<string, number>;
  faults: Record<string, number>;
  replays: number;
  maxInFlight: number;
  rateLimited: number;
  created: number;
}

export interface Simulator {
  readonly url: string;
  readonly port: number;
  ads(): readonly CreatedAd[];
  stats(): SimStats;
  /** Quota state, mutable for tests (e.g. a new month). */
  readonly quota: { used: number; readonly limit: number };
  /** Changes the share of add_tiktok_ad requests that meet a fault (a rehearsal's network heals). */
  setFailRate(rate: number): void;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

/** `ID`, `ID=Client A` or `ID=Client A:needs_reauth`, as --advertisers takes them. */
export function parseAccount(spec: string, index: number): SimAccount {
  const m = /^\s*(\d+)\s*(?:=\s*([^:]*?)\s*)?(?::\s*(needs_reauth|connected|inactive)\s*)?$/.exec(spec);
  if (!m) throw new Error(`not an advertiser: ${spec}`);
  const name = m[2] || `Advertiser ${index + 1}`;
  if (m[3] === 'inactive') return { id: m[1]!, name, status: 'connected', inactive: true };
  return { id: m[1]!, name, status: (m[3] as SimAccount['status'] | undefined) ?? 'connected' };
}

/**
 * The Adspirer REST simulator on loopback (README, "The simulator"). `port: 0` picks a free
 * port. Faults are drawn from a seeded sequence, so a run can be repeated.
 */
export async function createSimulator(options: SimOptions = {}): Promise<Simulator> {
  const now = options.now ?? Date.now;
  const faultRng = seededRandom(options.seed ?? 1);
  const jitterRng = seededRandom((options.seed ?? 1) ^ 0x5bd1e995);
  const idRng = seededRandom((options.seed ?? 1) ^ 0x1b873593);
  const service = new SimService(
    { used: options.used ?? 0, limit: options.quota ?? 150, overage: options.overage ?? 0, tier: options.tier ?? 'plus', periodEnd: nextPeriodEnd(now()) },
    (options.advertisers ?? ['7000000000000000001']).map(parseAccount),
    idRng,
    now,
    { accountsShape: options.accountsShape ?? 'structured', adIdIn: options.adIdIn ?? 'data', quotaInAnswers: options.quotaInAnswers ?? true },
    options.adgroups,
  );
  let failRate = options.failRate ?? 0;
  const faultKinds: readonly FaultKind[] = options.faults ?? FAULT_KINDS;
  // Counted here; replays and ads created are the service's own, read when stats are asked for.
  const stats: Omit<SimStats, 'replays' | 'created'> = { requests: 0, byStatus: {}, faults: {}, maxInFlight: 0, rateLimited: 0 };
  const snapshot = (): SimStats => ({ ...stats, replays: service.replays, created: service.ads.length });
  const recent: number[] = []; // request times within the last second, for --rate-limit
  let window: { start: number; count: number } | undefined; // --throttle's current window
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();
  let inFlight = 0;

  const server = createServer((req, res) => {
    if (req.url?.startsWith('/api/')) {
      inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
      res.on('close', () => inFlight--);
    }
    res.on('close', () => hanging.delete(res));
    const started = now();
    handle(req, res)
      .catch((err: unknown) => {
        send(res, { status: 500, body: { success: false, is_error: true, error: `simulator error: ${String(err)}` } });
      })
      .finally(() => {
        options.log?.(`${req.method ?? '?'} ${req.url ?? ''} ${res.headersSent ? res.statusCode : 'dropped'} ${now() - started}ms`);
      });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const count = (status: number | string): void => {
    stats.byStatus[String(status)] = (stats.byStatus[String(status)] ?? 0) + 1;
  };
  const send = (res: ServerResponse, answer: Answer, counted = true): void => {
    if (res.destroyed || res.headersSent) return;
    if (counted) count(answer.status);
    const isHtml = typeof answer.body === 'string';
    const body = isHtml ? (answer.body as string) : JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      'content-type': isHtml ? 'text/html' : 'application/json',
      'content-length': Buffer.byteLength(body),
      ...answer.headers,
    });
    res.end(body);
  };
  const latency = async (): Promise<void> => {
    const ms = options.latencyMs ?? 0;
    if (ms > 0) await new Promise((r) => setTimeout(r, ms * (0.5 + jitterRng())));
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    // Inspection endpoints are not part of the simulated traffic, so they are not counted.
    if (req.method === 'GET' && url.pathname === '/__sim/ads') return send(res, { status: 200, body: { ads: service.ads } }, false);
    if (req.method === 'GET' && url.pathname === '/__sim/stats') return send(res, { status: 200, body: snapshot() }, false);
    const m = /^\/api\/v1\/tools\/([A-Za-z0-9_]+)\/execute$/.exec(url.pathname);
    if (!m) return send(res, { status: 404, body: { success: false, is_error: true, error: `Not found: ${url.pathname}` } });
    if (req.method !== 'POST') return send(res, { status: 405, body: { success: false, is_error: true, error: 'Use POST' }, headers: { allow: 'POST' } });
    stats.requests++;
    const tool = m[1]!;

    const auth = req.headers.authorization ?? '';
    const bearer = /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
    if (!bearer || (options.apiKey !== undefined && bearer !== options.apiKey)) {
      await drain(req);
      return send(res, { status: 401, body: { success: false, is_error: true, error: 'Invalid or missing API key. Get one at adspirer.ai/keys.' } });
    }

    if (options.rateLimit !== undefined && options.rateLimit > 0) {
      const t = now();
      while (recent.length && recent[0]! <= t - 1000) recent.shift();
      if (recent.length >= options.rateLimit) {
        await drain(req);
        stats.rateLimited++;
        const wait = options.retryAfterSeconds ?? Math.max(1, Math.ceil((recent[0]! + 1000 - t) / 1000));
        return send(res, {
          status: 429,
          headers: { 'retry-after': String(wait) },
          body: { success: false, is_error: true, error: 'TikTok rate limit reached (40100: Too many requests). Please retry later.' },
        });
      }
      recent.push(t);
    }

    if (options.throttle && tool === 'add_tiktok_ad') {
      const t = now();
      const length = options.throttle.seconds * 1000;
      if (!window || t >= window.start + length) window = { start: t, count: 0 };
      if (window.count >= options.throttle.count) {
        await drain(req);
        stats.rateLimited++;
        // The documented 429: no Retry-After header, the wait only in the text (Adspirer's docs).
        return send(res, {
          status: 429,
          body: {
            success: false,
            is_error: true,
            error: `Upstream platform rate limit hit (TikTok ad/create: ${options.throttle.count} per ${options.throttle.seconds} s). Retry after ${secondsUntil(window.start + length - t, options.throttle.seconds)} seconds.`,
            tool,
          },
        });
      }
      window.count++;
    }

    // The network fails billed calls alike: creating an ad, and pausing, resuming or deleting one.
    const fault = WRITE_TOOLS.has(tool) ? drawFault(faultRng, failRate, faultKinds) : undefined;
    if (fault) stats.faults[fault] = (stats.faults[fault] ?? 0) + 1;
    if (fault === 'drop-before') {
      count('dropped');
      req.socket.destroy();
      return;
    }
    if (fault === 'hang') {
      count('hang');
      hanging.add(res);
      return; // never answered; the client's timeout must give up
    }

    let parsed: unknown;
    try {
      parsed = JSON.parse(await readBody(req));
    } catch (err) {
      return send(res, { status: 400, body: { success: false, is_error: true, error: `Request body is not valid JSON (${(err as Error).message}).` } });
    }
    const args = (parsed as { arguments?: unknown } | null)?.arguments;
    if (!args || typeof args !== 'object' || Array.isArray(args)) {
      return send(res, { status: 400, body: { success: false, is_error: true, error: 'Body must be {"arguments": {…}}.' } });
    }
    if (fault === '500' || fault === '502' || fault === '503') {
      await latency();
      const status = Number(fault);
      return send(
        res,
        status === 500 ? { status, body: { success: false, is_error: true, error: 'Internal server error' } } : { status, body: proxyPage(status) },
      );
    }
    const keyHeader = req.headers['idempotency-key'];
    const key = typeof keyHeader === 'string' && keyHeader !== '' ? keyHeader : undefined;
    const { answer, replayed } = await service.call(tool, args as Record<string, unknown>, key, latency);
    if (fault === 'drop-after') {
      // The work is done (the ad exists) but the answer is lost on the way back.
      count('dropped');
      req.socket.destroy();
      return;
    }
    send(res, replayed ? { ...answer, headers: { ...answer.headers, 'idempotent-replayed': 'true' } } : answer);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    ads: () => service.ads,
    stats: snapshot,
    quota: service.quota,
    setFailRate: (rate: number) => {
      failRate = rate;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Whole seconds, rounded up, as the service writes them; tenths for a window shorter than whole seconds (tests). */
function secondsUntil(ms: number, windowSeconds: number): string {
  if (Number.isInteger(windowSeconds)) return String(Math.max(1, Math.ceil(ms / 1000)));
  return String(Math.max(0.1, Math.ceil(ms / 100) / 10));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function drain(req: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    req.resume();
    req.on('end', resolve);
    req.on('error', () => resolve());
    req.on('close', () => resolve());
  });
}
