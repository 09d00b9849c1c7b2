import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loopbackCertificate } from '../../src/bench/link-bench.js';
import { Agent } from 'undici';

/** A self-signed certificate for 127.0.0.1 and localhost, made once per test file. */
export async function certificate(): Promise<{ cert: string; key: string }> {
  const pems = await loopbackCertificate(['127.0.0.1'], ['localhost']);
  return { cert: pems.cert, key: pems.private };
}

export const MP4 = {
  vertical: readFileSync('fixtures/links/vertical-6s.mp4'),
  late: readFileSync('fixtures/links/landscape-moov-at-end.mp4'),
  rotated: readFileSync('fixtures/links/phone-rotated.mp4'),
};
const PNG_START = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const JPEG_START = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]);

/** Serves `file` honouring a Range header as a CDN does (206 with Content-Range), or ignoring it. */
function serveFile(req: IncomingMessage, res: ServerResponse, file: Buffer, type: string, ranges = true, declaredSize = file.length): void {
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  if (!range || !ranges) {
    res.writeHead(200, { 'content-type': type, 'content-length': declaredSize, 'accept-ranges': ranges ? 'bytes' : 'none' });
    res.end(req.method === 'HEAD' ? undefined : file);
    return;
  }
  const start = Number(range[1]);
  const end = Math.min(range[2] ? Number(range[2]) : declaredSize - 1, file.length - 1);
  const part = file.subarray(start, end + 1);
  res.writeHead(206, { 'content-type': type, 'content-length': part.length, 'content-range': `bytes ${start}-${end}/${declaredSize}` });
  res.end(req.method === 'HEAD' ? undefined : part);
}

export interface LinkServer {
  readonly url: string;
  /** Every request seen: method, path and headers, and when it was answered (ms). */
  readonly seen: { method: string; path: string; headers: IncomingMessage['headers']; answeredAt?: number }[];
  /** Most requests in progress at once. */
  maxInFlight: number;
  /** A dispatcher that trusts this server's certificate. */
  readonly dispatcher: Agent;
  readonly cert: string;
  close(): Promise<void>;
}

/**
 * The links a batch meets, served over HTTPS with a self-signed certificate: a good MP4, one with
 * its header at the end, a rotated phone video, a 404, an HTML page at a .mp4 path, a 30 MB image,
 * a redirect chain and loop, a redirect to http, a server that never answers, one that refuses
 * HEAD, one that ignores Range, landing pages that answer 200 and 403.
 */
export async function startLinkServer(tls: { cert: string; key: string }, options: { slowMs?: number } = {}): Promise<LinkServer> {
  const seen: LinkServer['seen'] = [];
  let inFlight = 0;
  const hanging = new Set<ServerResponse>();
  const state = { maxInFlight: 0 };
  const server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    const path = req.url ?? '/';
    const entry: LinkServer['seen'][number] = { method: req.method ?? '', path, headers: req.headers };
    seen.push(entry);
    res.once('finish', () => (entry.answeredAt = Date.now()));
    state.maxInFlight = Math.max(state.maxInFlight, ++inFlight);
    res.on('close', () => inFlight--);
    // Routed by path, as real servers are: a query (UTM tags) does not change the page.
    const go = (): void => route(req, res, path.split('?')[0]!);
    if (options.slowMs) setTimeout(go, options.slowMs);
    else go();
  });
  const route = (req: IncomingMessage, res: ServerResponse, path: string): void => {
    const redirect = /^\/hop\/(\d+)$/.exec(path);
    if (redirect) {
      const n = Number(redirect[1]);
      res.writeHead(302, { location: n > 1 ? `/hop/${n - 1}` : '/ok.mp4' });
      res.end();
      return;
    }
    switch (path) {
      case '/ok.mp4':
        return serveFile(req, res, MP4.vertical, 'video/mp4');
      case '/late.mp4':
        return serveFile(req, res, MP4.late, 'video/mp4');
      case '/rotated.mov':
        return serveFile(req, res, MP4.rotated, 'video/quicktime');
      case '/no-type.mp4':
        return serveFile(req, res, MP4.vertical, 'application/octet-stream');
      case '/ignores-range.mp4':
        return serveFile(req, res, MP4.late, 'video/mp4', false);
      case '/missing.mp4':
        res.writeHead(404, { 'content-type': 'text/html' });
        return void res.end('<h1>Not found</h1>');
      case '/share.mp4':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return void res.end('<!doctype html><title>Drive</title><p>Sign in to view this file</p>');
      case '/renamed.mp4':
        return serveFile(req, res, Buffer.from('GIF89a not a video at all, just bytes that are long enough'), 'video/mp4');
      case '/huge.mp4':
        return serveFile(req, res, MP4.vertical, 'video/mp4', true, 600 * 1024 * 1024);
      case '/no-head.mp4':
        if (req.method === 'HEAD') {
          res.writeHead(405, { allow: 'GET' });
          return void res.end();
        }
        return serveFile(req, res, MP4.vertical, 'video/mp4');
      case '/hang.mp4':
        hanging.add(res);
        return;
      case '/to-http.mp4':
        res.writeHead(301, { location: 'http://127.0.0.1:9/ok.mp4' });
        return void res.end();
      case '/loop':
        res.writeHead(302, { location: '/loop' });
        return void res.end();
      case '/big.png':
        return serveFile(req, res, Buffer.concat([PNG_START, Buffer.alloc(1000)]), 'image/png', true, 30 * 1024 * 1024);
      case '/photo.jpg':
        return serveFile(req, res, Buffer.concat([JPEG_START, Buffer.alloc(2000)]), 'image/jpeg');
      case '/fake.jpg':
        return serveFile(req, res, Buffer.from('hello, this is text and not an image'), 'image/jpeg');
      case '/page':
        res.writeHead(200, { 'content-type': 'text/html' });
        return void res.end(req.method === 'HEAD' ? undefined : '<h1>Coffee</h1>');
      case '/bot-wall':
        res.writeHead(403, { 'content-type': 'text/html' });
        return void res.end(req.method === 'HEAD' ? undefined : 'Forbidden');
      default:
        res.writeHead(404);
        res.end();
    }
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const dispatcher = new Agent({ connect: { ca: tls.cert } });
  return {
    url: `https://127.0.0.1:${port}`,
    seen,
    get maxInFlight() {
      return state.maxInFlight;
    },
    set maxInFlight(v: number) {
      state.maxInFlight = v;
    },
    dispatcher,
    cert: tls.cert,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dispatcher.close();
    },
  };
}
