import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { BENCH_HEADER, benchRow } from './generate.js';

/**
 * Link checks at the size users have (issue: "Link checks at the sizes users have"): 3,000 rows,
 * 100 landing pages with a UTM tag per ad, 300 videos on one CDN, a local HTTPS host that answers
 * every request in 100 ms. The tool runs as the user runs it, a fresh process trusting the host's
 * certificate through NODE_EXTRA_CA_CERTS.
 */
export interface LinkFigures {
  /** `validate --check-links`, wall time from start to exit. */
  readonly validateSeconds: number;
  /** `upload`: from start to the simulator's first created ad. */
  readonly firstPaidCallSeconds: number;
  readonly requests: number;
}

const MP4 = readFileSync(new URL('../../fixtures/links/vertical-6s.mp4', import.meta.url));

/** A CDN and a client's site in one: pages, and MP4s served by byte range, each answer 100 ms late. */
async function startLinkHost(
  tls: { cert: string; key: string },
  latencyMs: number,
  address: string,
): Promise<{ server: Server; port: number; requests: () => number }> {
  let requests = 0;
  const server = createServer(tls, (req, res) => {
    requests++;
    setTimeout(() => {
      if (!req.url?.startsWith('/v/')) {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(req.method === 'HEAD' ? undefined : '<html><title>Coffee</title></html>');
        return;
      }
      const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
      if (!range) {
        res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': MP4.length, 'accept-ranges': 'bytes' });
        res.end(req.method === 'HEAD' ? undefined : MP4);
        return;
      }
      const start = Number(range[1]);
      const end = Math.min(range[2] ? Number(range[2]) : MP4.length - 1, MP4.length - 1);
      const part = MP4.subarray(start, end + 1);
      res.writeHead(206, { 'content-type': 'video/mp4', 'content-length': part.length, 'content-range': `bytes ${start}-${end}/${MP4.length}` });
      res.end(req.method === 'HEAD' ? undefined : part);
    }, latencyMs);
  });
  await new Promise<void>((r) => server.listen(0, address, r));
  return { server, port: (server.address() as AddressInfo).port, requests: () => requests };
}

function runCli(args: string[], env: Record<string, string>, onLine?: (line: string) => void): Promise<number> {
  const cli = new URL('../cli/main.js', import.meta.url).pathname;
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  child.stderr.on('data', (d: Buffer) => onLine?.(d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

/**
 * A self-signed certificate for loopback hosts (the benchmark's link hosts, the tests' link
 * server). selfsigned is a development dependency: this runs from a clone, never from the package.
 */
export async function loopbackCertificate(ips: readonly string[], names: readonly string[] = []): Promise<{ cert: string; private: string }> {
  const { generate } = await import('selfsigned');
  return generate([{ name: 'commonName', value: names[0] ?? ips[0] ?? 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    extensions: [
      { name: 'subjectAltName', altNames: [...names.map((value) => ({ type: 2 as const, value })), ...ips.map((ip) => ({ type: 7 as const, ip }))] },
    ],
  });
}

export async function runLinkScenario(dir: string, rows: number, latencyMs: number): Promise<LinkFigures> {
  const pems = await loopbackCertificate(['127.0.0.1', '127.0.0.2']);
  // Two hosts, as a client's site and a CDN are: 127.0.0.2 is loopback too (127.0.0.0/8).
  const cdn = await startLinkHost({ cert: pems.cert, key: pems.private }, latencyMs, '127.0.0.1');
  const site = await startLinkHost({ cert: pems.cert, key: pems.private }, latencyMs, '127.0.0.2');
  const ca = join(dir, 'link-ca.pem');
  await writeFile(ca, pems.cert);
  const file = join(dir, `links-${rows}.csv`);
  const landing = (i: number): string => `https://127.0.0.2:${site.port}/p/${i % 100}?utm_source=tiktok&utm_content=ad${i}`;
  const video = (i: number): string => `https://127.0.0.1:${cdn.port}/v/${i % 300}.mp4`;
  const lines = [BENCH_HEADER.join(',')];
  for (let i = 0; i < rows; i++) {
    const r = benchRow(i);
    r[1] = `"${r[1]}"`;
    r[BENCH_HEADER.indexOf('landing_page_url')] = landing(i);
    r[BENCH_HEADER.indexOf('video_url')] = video(i);
    lines.push(r.join(','));
  }
  await writeFile(file, `${lines.join('\n')}\n`);
  const env = { NODE_EXTRA_CA_CERTS: ca, ADSPIRER_API_KEY: 'sk_test_bench' };
  try {
    const started = performance.now();
    let said = '';
    const code = await runCli(['validate', file, '--check-links', '--report', join(dir, 'links.validate.csv')], env, (t) => (said += t));
    if (code !== 0) throw new Error(`validate --check-links exited ${code}: ${said.slice(-2000)}`);
    const validateSeconds = (performance.now() - started) / 1000;

    const sim = spawn(
      process.execPath,
      [new URL('../cli/main.js', import.meta.url).pathname, 'sim', '--port', '0', '--quiet', '--quota', '1000000', '--advertisers', '7000000000000000001'],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    const url = await new Promise<string>((resolve) => sim.stdout!.once('data', (d: Buffer) => resolve(/http:\/\/\S+/.exec(d.toString())![0])));
    try {
      const begin = Date.now();
      await runCli(['upload', file, '--endpoint', url, '--limit', '3', '--no-check-adgroups'], env);
      const ads = (await (await fetch(`${url}/__sim/ads`)).json()) as { ads: { created_at: string }[] };
      const first = Math.min(...ads.ads.map((a) => Date.parse(a.created_at)));
      return { validateSeconds, firstPaidCallSeconds: (first - begin) / 1000, requests: cdn.requests() + site.requests() };
    } finally {
      sim.kill();
    }
  } finally {
    cdn.server.close();
    site.server.close();
  }
}
