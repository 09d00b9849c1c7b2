import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

/** A loopback server that misbehaves on purpose; `handle` decides per request. */
export interface Hostile {
  readonly url: string;
  readonly requests: { path: string; headers: IncomingMessage['headers']; body: string }[];
  close(): Promise<void>;
}

const servers: Server[] = [];
afterEach(async () => {
  while (servers.length) {
    const s = servers.pop()!;
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

const USAGE = JSON.stringify({ success: true, data: { text: 'ok', quota: { used: 0, limit: 150, tier: 'plus', period_end: '2026-12-01' } } });

/**
 * Answers the free preflight calls normally (unless `all`), and hands add_tiktok_ad requests to
 * `handle`, which may do anything to the response or the socket.
 */
export async function hostile(handle: (req: IncomingMessage, res: ServerResponse, body: string) => void, all = false, host = '127.0.0.1'): Promise<Hostile> {
  const requests: Hostile['requests'] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', headers: req.headers, body });
      if (!all && !req.url?.includes('add_tiktok_ad')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(USAGE);
        return;
      }
      handle(req, res, body);
    });
    req.on('error', () => {});
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, host, r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
