import { readFile, writeFile } from 'node:fs/promises';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { createServer as createHttpsServer } from 'node:https';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkLinks, linksOf, type LinkCheckResult } from '../src/links/check-links.js';
import { LINK_CHECK_DEFAULTS } from '../src/links/defaults.js';
import { checkLinkTimeout, linksSummary, runLinkStage } from '../src/commands/link-stage.js';
import { withLinkResults } from '../src/commands/link-results.js';
import { validateFile } from '../src/commands/validate.js';
import { bufferIo } from '../src/commands/io.js';
import { asksToSlowDown, HOST_PACE, namedWaitMs, nextPace, startPace } from '../src/links/host-pace.js';
import { readMediaInfo } from '../src/links/media-info.js';
import { observeLink } from '../src/links/observe.js';
import { MockAgent } from 'undici';
import { imageKind, judgeLink, looksLikeMp4, videoAdvice } from '../src/links/verdict.js';
import type { AdArgs } from '../src/validate/args.js';
import { processIt, spawnCli } from './helpers/cli.js';
import { certificate, MP4, startLinkServer, type LinkServer } from './helpers/link-server.js';
import { reportRows } from './helpers/report.js';
import { tempDir } from './helpers/tmp.js';
import { KEY, startSim, upload } from './helpers/upload.js';

let tls: { cert: string; key: string };
let server: LinkServer;
beforeAll(async () => {
  tls = await certificate();
  server = await startLinkServer(tls);
});
afterAll(async () => server.close());

const ad = (args: Record<string, unknown>): AdArgs => ({ adgroup_id: '1780000000000000101', ad_text: 'Coffee', ...args }) as AdArgs;
/** What a link answered, for the verdict rules: a 200 unless told otherwise. */
const answer = (o: Record<string, unknown>) => ({ kind: 'answer' as const, finalUrl: 'https://x/y', redirects: 0, status: 200, ...o });

describe('verdict rules (pure)', () => {
  it('a video must answer 2xx; a 4xx is invalid, a 5xx only a warning (the file may be fine a minute later)', () => {
    expect(judgeLink('video_url', answer({ status: 404 }), false)).toEqual({
      level: 'invalid',
      kind: 'error_status',
      message: 'answered 404 Not Found: Adspirer could not download it',
    });
    expect(judgeLink('video_url', answer({ status: 403 }), false).level).toBe('invalid');
    expect(judgeLink('video_url', answer({ status: 503 }), false).level).toBe('warning');
    expect(judgeLink('video_url', answer({ status: 199 }), false).level).toBe('invalid');
    expect(judgeLink('video_url', answer({ status: 300 }), false).level).toBe('invalid');
  });

  it('a video over 500 MB is invalid; exactly 500 MB is not', () => {
    const head = MP4.vertical.subarray(0, 64);
    expect(judgeLink('video_url', answer({ type: 'video/mp4', size: 500 * 1024 * 1024 + 1, head }), false)).toMatchObject({
      level: 'invalid',
      message: expect.stringMatching(/500\.0 MB, over TikTok's 500 MB limit/),
    });
    expect(judgeLink('video_url', answer({ type: 'video/mp4', size: 500 * 1024 * 1024, head }), false).level).toBe('ok');
  });

  it('types: video/* and octet-stream pass, anything else is invalid naming what was seen', () => {
    const head = MP4.vertical.subarray(0, 64);
    expect(judgeLink('video_url', answer({ type: 'binary/octet-stream', head }), false).level).toBe('ok');
    expect(judgeLink('video_url', answer({ type: 'image/gif', size: 2048, head }), false)).toMatchObject({
      level: 'invalid',
      message: 'answered image/gif, 2 KB, not a video: expected an MP4 or MOV file',
    });
    expect(judgeLink('video_url', answer({ type: 'text/html', size: 300 }), false).message).toMatch(
      /^answered an HTML page \(text\/html, 300 bytes\), not a video: a share or preview link\?/,
    );
  });

  it('images: 10 MB limit, JPG/PNG/WEBP by type and by their first bytes', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(judgeLink('image_urls', answer({ type: 'image/png', size: 10 * 1024 * 1024, head: png }), false).level).toBe('ok');
    expect(judgeLink('image_urls', answer({ type: 'image/png', size: 10 * 1024 * 1024 + 1, head: png }), false).message).toMatch(
      /over the 10 MB limit for an image/,
    );
    expect(judgeLink('image_urls', answer({ type: 'image/gif', head: Buffer.from('GIF89a......') }), false).message).toBe(
      'answered image/gif, not a JPG, PNG or WEBP image',
    );
    expect(judgeLink('image_urls', answer({ type: 'application/octet-stream', head: png }), false).level).toBe('ok');
    expect(imageKind(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('webp');
    expect(imageKind(Buffer.from('RIFF\0\0\0\0WAVEfmt '))).toBeUndefined();
    expect(imageKind(Buffer.from([0xff, 0xd8, 0xff]))).toBe('jpg');
    expect(imageKind(Buffer.from([0xff, 0xd8]))).toBeUndefined();
  });

  it('MP4 and MOV signatures', () => {
    expect(looksLikeMp4(MP4.vertical)).toBe(true);
    expect(looksLikeMp4(Buffer.from('\0\0\0\x08wide\0\0\0\x10mdat'))).toBe(true);
    expect(looksLikeMp4(Buffer.from('\0\0\0\x08ftyp'.slice(0, 7)))).toBe(false);
    expect(looksLikeMp4(Buffer.from('GIF89a not a video'))).toBe(false);
  });

  it("a landing page's 4xx/5xx is a warning, never invalid; 2xx and 3xx are fine", () => {
    expect(judgeLink('landing_page_url', answer({ status: 403 }), true)).toEqual({
      level: 'warning',
      kind: 'error_status',
      message: 'answered 403 Forbidden; check that the page opens in a browser',
    });
    expect(judgeLink('landing_page_url', answer({ status: 500 }), false).level).toBe('warning');
    expect(judgeLink('landing_page_url', answer({ status: 399 }), false).level).toBe('ok');
  });

  it('a link that could not be checked is a warning, invalid with --strict-links', () => {
    const unchecked = { kind: 'unchecked' as const, reason: 'host not found (DNS)' };
    expect(judgeLink('landing_page_url', unchecked, false)).toEqual({
      level: 'warning',
      kind: 'unchecked',
      message: 'could not be checked: host not found (DNS)',
    });
    expect(judgeLink('video_url', unchecked, true)).toEqual({
      level: 'invalid',
      kind: 'unchecked',
      message: 'could not be checked: host not found (DNS) (--strict-links)',
    });
  });

  it("TikTok's recommended in-feed specs: 9:16, 1:1, 16:9 at their minimum sizes, 5–60 s", () => {
    expect(videoAdvice({ seconds: 15, width: 1080, height: 1920 })).toBeUndefined();
    expect(videoAdvice({ seconds: 5, width: 540, height: 960 })).toBeUndefined();
    expect(videoAdvice({ seconds: 60, width: 640, height: 640 })).toBeUndefined();
    expect(videoAdvice({ seconds: 10, width: 1080, height: 1918 })).toBeUndefined();
    expect(videoAdvice({ seconds: 10, width: 538, height: 956 })).toBe('TikTok recommends at least 540×960 for 9:16');
    expect(videoAdvice({ seconds: 10, width: 959, height: 540 })).toBe('TikTok recommends at least 960×540 for 16:9');
    expect(videoAdvice({ seconds: 10, width: 639, height: 639 })).toBe('TikTok recommends at least 640×640 for 1:1');
    expect(videoAdvice({ seconds: 10, width: 1440, height: 1080 })).toBe('TikTok recommends 9:16, 1:1 or 16:9 for in-feed ads');
    expect(videoAdvice({ seconds: 4.9, width: 540, height: 960 })).toBe('TikTok recommends 5–60 s for in-feed ads');
    expect(videoAdvice({ seconds: 60.5, width: 540, height: 960 })).toBe('TikTok recommends 5–60 s for in-feed ads');
  });

  it('which links an ad has: https only, each image numbered when there are several', () => {
    expect(linksOf(ad({ video_url: 'https://a/v.mp4', landing_page_url: 'http://plain/', image_urls: ['https://a/1.jpg', 'https://a/2.jpg'] }))).toEqual([
      { field: 'video_url', label: 'video_url', url: 'https://a/v.mp4' },
      { field: 'image_urls', label: 'image_urls #1', url: 'https://a/1.jpg' },
      { field: 'image_urls', label: 'image_urls #2', url: 'https://a/2.jpg' },
    ]);
    expect(linksOf(ad({ image_urls: ['https://a/1.jpg'] }))[0]!.label).toBe('image_urls');
  });
});

describe('mp4 header through byte ranges (mp4box)', () => {
  it('reads duration and size, fetching only the range where moov sits', async () => {
    const asked: [number, number][] = [];
    const media = await readMediaInfo(
      MP4.late.subarray(0, 4096),
      MP4.late.length,
      async (start, length) => {
        asked.push([start, length]);
        return MP4.late.subarray(start, start + length);
      },
      { chunk: 1 << 20, ranges: 4 },
    );
    expect(media).toEqual({ seconds: 3, width: 640, height: 360 });
    // ftyp (32) + free (8) + mdat (28,633 bytes) end at 28,673: the one range asked for starts there.
    expect(asked).toEqual([[28673, 1 << 20]]);
  });

  it("a phone video's rotation matrix swaps width and height", async () => {
    expect(await readMediaInfo(MP4.rotated, MP4.rotated.length, async () => undefined, { chunk: 1024, ranges: 1 })).toEqual({
      seconds: 8,
      width: 540,
      height: 960,
    });
  });

  it('gives up within its range budget', async () => {
    let calls = 0;
    const media = await readMediaInfo(
      MP4.late.subarray(0, 64),
      MP4.late.length,
      async () => {
        calls++;
        return undefined;
      },
      { chunk: 1024, ranges: 3 },
    );
    expect(media).toBeUndefined();
    expect(calls).toBe(1);
  });

  it('reads range after range while the header grows, up to the budget exactly; stops at the end of the file or an empty answer', async () => {
    const asked: number[] = [];
    const read = (file: Buffer) => async (start: number, length: number) => (asked.push(start), file.subarray(start, start + length));
    // moov starts at 28,673 and is about 900 bytes: with 256-byte ranges it takes four after the jump.
    const need = async (ranges: number) => {
      asked.length = 0;
      return readMediaInfo(MP4.late.subarray(0, 4096), MP4.late.length, read(MP4.late), { chunk: 256, ranges });
    };
    let enough = 1;
    while (!(await need(enough)) && enough < 20) enough++;
    expect(enough).toBeGreaterThan(1);
    expect(await need(enough)).toEqual({ seconds: 3, width: 640, height: 360 });
    expect(asked).toHaveLength(enough);
    expect(asked[0]).toBe(28673);
    for (let i = 1; i < asked.length; i++) expect(asked[i]! - asked[i - 1]!).toBeGreaterThan(0);
    expect(await need(enough - 1)).toBeUndefined();
    expect(asked).toHaveLength(enough - 1);
    // A file said to end where the header would start: nothing more is asked.
    asked.length = 0;
    expect(await readMediaInfo(MP4.late.subarray(0, 4096), 28673, read(MP4.late), { chunk: 1 << 20, ranges: 4 })).toBeUndefined();
    expect(asked).toEqual([]);
    // The size unknown: the range is asked for all the same.
    asked.length = 0;
    expect(await readMediaInfo(MP4.late.subarray(0, 4096), undefined, read(MP4.late), { chunk: 1 << 20, ranges: 4 })).toEqual({
      seconds: 3,
      width: 640,
      height: 360,
    });
    expect(asked).toEqual([28673]);
    // An empty answer ends the reading.
    let calls = 0;
    expect(
      await readMediaInfo(MP4.late.subarray(0, 4096), MP4.late.length, async () => (calls++, new Uint8Array(0)), { chunk: 256, ranges: 4 }),
    ).toBeUndefined();
    expect(calls).toBe(1);
  });

  it('bytes that are not an MP4 give no figures; a whole MP4 in the first bytes needs no range', async () => {
    expect(await readMediaInfo(Buffer.from('GIF89a' + 'x'.repeat(100)), 106, async () => undefined, { chunk: 1024, ranges: 2 })).toBeUndefined();
    let asked = 0;
    expect(await readMediaInfo(MP4.vertical, MP4.vertical.length, async () => (asked++, undefined), { chunk: 1024, ranges: 1 })).toEqual({
      seconds: 6,
      width: 540,
      height: 960,
    });
    expect(asked).toBe(0);
  });
});

describe('checkLinks against a local HTTPS server', () => {
  it('judges each kind of link the way a user needs to hear it', async () => {
    const u = (p: string) => `${server.url}${p}`;
    const cases: [string, Record<string, unknown>, 'ok' | 'warning' | 'invalid', RegExp | undefined][] = [
      ['ok', { video_url: u('/ok.mp4') }, 'ok', undefined],
      ['rotated', { video_url: u('/rotated.mov') }, 'ok', undefined],
      ['no type', { video_url: u('/no-type.mp4') }, 'ok', undefined],
      ['no HEAD', { video_url: u('/no-head.mp4') }, 'ok', undefined],
      ['redirects', { video_url: u('/hop/3') }, 'ok', undefined],
      [
        'late',
        { video_url: u('/late.mp4') },
        'warning',
        /^video_url: 3 s, 640×360: TikTok recommends at least 960×540 for 16:9; TikTok recommends 5–60 s for in-feed ads$/,
      ],
      ['404', { video_url: u('/missing.mp4') }, 'invalid', /^video_url: answered 404 Not Found: Adspirer could not download it$/],
      [
        'html',
        { video_url: u('/share.mp4') },
        'invalid',
        /^video_url: answered an HTML page \(text\/html\), not a video: a share or preview link\? Use the file's direct download link$/,
      ],
      [
        'renamed',
        { video_url: u('/renamed.mp4') },
        'invalid',
        /^video_url: answered video\/mp4, 58 bytes that does not start like an MP4 or MOV file \(no ftyp box\)/,
      ],
      ['huge', { video_url: u('/huge.mp4') }, 'invalid', /^video_url: is 600\.0 MB, over TikTok's 500 MB limit for a video$/],
      [
        'to http',
        { video_url: u('/to-http.mp4') },
        'warning',
        /^video_url: could not be checked: redirects to http:\/\/127\.0\.0\.1:9, and only https:\/\/ redirects are followed$/,
      ],
      ['loop', { video_url: u('/loop') }, 'warning', /^video_url: could not be checked: more than 5 redirects$/],
      ['hang', { video_url: u('/hang.mp4') }, 'warning', /^video_url: could not be checked: no answer within 0\.3 s$/],
      ['big image', { image_urls: [u('/photo.jpg'), u('/big.png')] }, 'invalid', /^image_urls #2: is 30\.0 MB, over the 10 MB limit for an image$/],
      ['fake image', { image_urls: [u('/fake.jpg')] }, 'invalid', /^image_urls: answered image\/jpeg, 36 bytes that is not a JPG, PNG or WEBP image$/],
      ['landing 403', { landing_page_url: u('/bot-wall') }, 'warning', /^landing_page_url: answered 403 Forbidden; check that the page opens in a browser$/],
      ['landing ok', { landing_page_url: u('/page') }, 'ok', undefined],
      ['no host', { landing_page_url: 'https://no-such-host.invalid/' }, 'warning', /^landing_page_url: could not be checked: host not found \(DNS\)$/],
    ];
    const result = await checkLinks(
      cases.map(([, args], id) => ({ id, args: ad(args) })),
      { dispatcher: server.dispatcher, timeoutMs: 300 },
    );
    for (const [id, [name, , level, message]] of cases.entries()) {
      const r = result.byAd.get(id);
      const got = r?.problems.length ? 'invalid' : r?.warnings.length ? 'warning' : 'ok';
      expect(`${name}: ${got}`).toBe(`${name}: ${level}`);
      if (message) expect([...(r?.problems ?? []), ...(r?.warnings ?? [])].map((p) => `${p.field}: ${p.message}`).join('; ')).toMatch(message);
    }
    expect(result.byAd.get(0)!.info).toEqual([{ field: 'video_url', code: 'video_url.media_info', message: '6 s, 540×960' }]);
    expect(result.byAd.get(1)!.info).toEqual([{ field: 'video_url', code: 'video_url.media_info', message: '8 s, 540×960' }]);
  });

  it('a server that ignores Range: the file is judged from its first bytes and not downloaded further', async () => {
    const result = await checkLinks([{ id: 1, args: ad({ video_url: `${server.url}/ignores-range.mp4` }) }], {
      dispatcher: server.dispatcher,
      probeBytes: 4096,
    });
    expect(result.byAd.get(1)!.info).toEqual([
      { field: 'video_url', code: 'video_url.media_info', message: 'duration and size not read: the server does not serve byte ranges' },
    ]);
  });

  it('each distinct link is fetched once, whatever the number of rows naming it', async () => {
    const before = server.seen.length;
    const ads = Array.from({ length: 30 }, (_, id) => ({ id, args: ad({ video_url: `${server.url}/ok.mp4`, landing_page_url: `${server.url}/page` }) }));
    const result = await checkLinks(ads, { dispatcher: server.dispatcher });
    const requests = server.seen.slice(before);
    expect(requests.filter((r) => r.path === '/ok.mp4').length).toBe(2); // HEAD, then the ranged GET
    expect(requests.filter((r) => r.path === '/page').map((r) => r.method)).toEqual(['HEAD']);
    expect(result.fetched).toBe(2);
  });

  it('a landing page is a page: links that differ only in their query (UTM tags) are one check; creatives stay per URL', async () => {
    const before = server.seen.length;
    const ads = Array.from({ length: 50 }, (_, id) => ({ id, args: ad({ landing_page_url: `${server.url}/page?utm_source=tiktok&utm_content=ad${id}#x` }) }));
    const result = await checkLinks(ads, { dispatcher: server.dispatcher });
    const requests = server.seen.slice(before);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.path).toBe('/page?utm_source=tiktok&utm_content=ad0');
    expect(result.fetched).toBe(1);
    expect(result.byAd.size).toBe(0); // every ad's landing page is fine
    const videos = await checkLinks(
      [0, 1].map((id) => ({ id, args: ad({ video_url: `${server.url}/ok.mp4?v=${id}` }) })),
      { dispatcher: server.dispatcher },
    );
    expect(videos.fetched).toBe(2);
  });

  it('a host that cannot be reached is judged once: its other links are not fetched', async () => {
    // A plain TCP server where https is expected: every TLS handshake fails (an unreachable host).
    let connections = 0;
    const plain = createNetServer((socket) => {
      connections++;
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    });
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
    try {
      const base = `https://127.0.0.1:${(plain.address() as AddressInfo).port}`;
      const ads = Array.from({ length: 20 }, (_, id) => ({ id, args: ad({ landing_page_url: `${base}/p${id}` }) }));
      const result = await checkLinks(ads, { dispatcher: server.dispatcher, perHost: 1 });
      expect(connections).toBe(1);
      expect(result.byAd.size).toBe(20);
      expect(result.byAd.get(19)!.warnings[0]!.message).toMatch(/^could not be checked: its TLS certificate is not trusted \(/);
    } finally {
      plain.close();
    }
  });

  it('known observations are not fetched again', async () => {
    const first = await checkLinks([{ id: 1, args: ad({ video_url: `${server.url}/ok.mp4` }) }], { dispatcher: server.dispatcher });
    const before = server.seen.length;
    const again = await checkLinks([{ id: 1, args: ad({ video_url: `${server.url}/ok.mp4` }) }], { dispatcher: server.dispatcher, known: first.observed });
    expect(server.seen.length).toBe(before);
    expect(again.fetched).toBe(0);
    expect(again.byAd.get(1)!.info).toEqual([{ field: 'video_url', code: 'video_url.media_info', message: '6 s, 540×960' }]);
  });

  it('4 checks at once on one host to start, more while it answers quickly but never over 8; no header but a plain User-Agent (and Range)', async () => {
    const slow = await startLinkServer(tls, { slowMs: 40 });
    try {
      // Distinct pages (a query alone would make them one page, one check).
      const ads = Array.from({ length: 60 }, (_, id) => ({ id, args: ad({ landing_page_url: `${slow.url}/page/${id}` }) }));
      const progress: [number, number][] = [];
      // A clock that never moves: every answer is quick however loaded the machine is, so the pace
      // grows as the rules say (their timing is pinned by the pure tests below).
      await checkLinks(ads, { dispatcher: slow.dispatcher, concurrency: 16, now: () => 0, onProgress: (d, t) => progress.push([d, t]) });
      expect(slow.maxInFlight).toBe(8);
      expect(progress[0]).toEqual([0, 60]);
      expect(progress.at(-1)).toEqual([60, 60]);
      // The growth is bounded by perHostMax (the pure rules below pin the start and each step).
      const capped = await startLinkServer(tls, { slowMs: 40 });
      const pages = ads.map((a) => ({ id: a.id, args: ad({ landing_page_url: `${capped.url}/page/${a.id}` }) }));
      await checkLinks(pages, { dispatcher: capped.dispatcher, concurrency: 16, perHostMax: 5, now: () => 0 });
      expect(capped.maxInFlight).toBe(5);
      await capped.close();
      await checkLinks([{ id: 0, args: ad({ video_url: `${slow.url}/ok.mp4` }) }], { dispatcher: slow.dispatcher });
      for (const r of slow.seen) {
        const names = Object.keys(r.headers).filter((h) => !['host', 'connection', 'range'].includes(h));
        expect(names).toEqual(['user-agent']);
        expect(r.headers['user-agent']).toMatch(/^tiktok-ads-bulk\/\d+\.\d+\.\d+ \(link check\)$/);
      }
    } finally {
      await slow.close();
    }
  });

  it('the overall limit holds across hosts (3 here, 8 by default), under the 4 per host', async () => {
    const slow = await startLinkServer(tls, { slowMs: 40 });
    try {
      const local = slow.url.replace('127.0.0.1', 'localhost');
      const ads = Array.from({ length: 12 }, (_, id) => ({ id, args: ad({ landing_page_url: `${id % 2 ? slow.url : local}/page/${id}` }) }));
      await checkLinks(ads, { dispatcher: slow.dispatcher, concurrency: 3 });
      // Two hosts at 4 each would allow 8 at once; the overall limit allows 3.
      expect(slow.maxInFlight).toBe(3);
    } finally {
      await slow.close();
    }
  });

  it('a host that answers 429 is given fewer checks at once, nothing until its Retry-After, and asked again', async () => {
    let served = 0;
    let inFlight = 0;
    let most = 0;
    const throttling = createHttpsServer(tls, (req, res) => {
      inFlight++;
      most = Math.max(most, inFlight);
      const n = ++served;
      setTimeout(() => {
        inFlight--;
        if (n <= 2) {
          res.writeHead(429, { 'retry-after': '3' });
          res.end();
          return;
        }
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end();
      }, 5);
    });
    await new Promise<void>((r) => throttling.listen(0, '127.0.0.1', r));
    const base = `https://127.0.0.1:${(throttling.address() as AddressInfo).port}`;
    let clock = 1_000_000;
    const waits: number[] = [];
    try {
      const ads = Array.from({ length: 6 }, (_, id) => ({ id, args: ad({ landing_page_url: `${base}/p${id}` }) }));
      const result = await checkLinks(ads, {
        dispatcher: server.dispatcher,
        perHost: 4,
        now: () => clock,
        sleep: async (ms) => {
          waits.push(ms);
          clock += ms;
        },
      });
      // Every page was asked again after the wait and found fine: no warning rides on a 429.
      expect(result.byAd.size).toBe(0);
      expect(waits[0]).toBe(3000);
      expect(served).toBe(8);
      expect(most).toBeLessThanOrEqual(4);
    } finally {
      throttling.close();
    }
  });

  it('a certificate nobody trusts is a link that could not be checked', async () => {
    const result = await checkLinks([{ id: 0, args: ad({ video_url: `${server.url}/ok.mp4` }) }], {});
    expect(result.byAd.get(0)!.warnings[0]!.message).toMatch(/^could not be checked: its TLS certificate is not trusted \(/);
  });
});

describe('upload checks links before the first paid call', () => {
  async function batch(dir: string): Promise<string> {
    const file = join(dir, 'links.csv');
    const rows = [
      ['1780000000000000101', 'Good video', `${server.url}/page`, `${server.url}/ok.mp4`],
      ['1780000000000000101', 'Missing video', `${server.url}/page`, `${server.url}/missing.mp4`],
      ['1780000000000000101', 'Share page', `${server.url}/page`, `${server.url}/share.mp4`],
      ['1780000000000000101', 'Bot wall', `${server.url}/bot-wall`, `${server.url}/ok.mp4`],
    ];
    await writeFile(file, ['adgroup_id,ad_text,landing_page_url,video_url', ...rows.map((r) => r.join(','))].join('\n'));
    return file;
  }

  it('bad links are invalid and never reach the service; warnings ride along in the report; the key never reaches a link', async () => {
    const dir = await tempDir();
    const file = await batch(dir);
    const sim = await startSim();
    const before = server.seen.length;
    const { summary, stderr } = await upload(sim, { file, checkLinks: true, linkDispatcher: server.dispatcher });
    expect(summary.counts).toMatchObject({ created: 2, invalid: 2 });
    expect(summary.exit_code).toBe(1);
    expect(sim.stats().created).toBe(2);
    expect(sim.stats().requests).toBeLessThanOrEqual(2 + 3); // two paid calls, plus the free preflight calls
    const rows = await reportRows(join(dir, 'links.results.csv'));
    expect(rows.map((r) => [r.row, r.status, r.error])).toEqual([
      ['2', 'created', ''],
      ['3', 'invalid', 'video_url: answered 404 Not Found: Adspirer could not download it [video_url.error_status]'],
      [
        '4',
        'invalid',
        "video_url: answered an HTML page (text/html), not a video: a share or preview link? Use the file's direct download link [video_url.html_page]",
      ],
      ['5', 'created', 'landing_page_url: answered 403 Forbidden; check that the page opens in a browser [landing_page_url.error_status]'],
    ]);
    expect(stderr).toMatch(/Row 3:\n {2}✗ video_url: answered 404 Not Found/);
    expect(stderr).toMatch(/Links: 5 checked; 2 ads have a bad link, 1 has a warning\./);
    const retry = await readFile(join(dir, 'links.retry.csv'), 'utf8');
    expect(retry).toMatch(/Missing video/);
    expect(retry).toMatch(/Share page/);
    for (const r of server.seen.slice(before)) {
      expect(JSON.stringify(r)).not.toContain(KEY.slice(8, 14));
      expect(r.headers.authorization).toBeUndefined();
    }
  });

  it('a re-run within the day does not fetch the links it found usable, and re-checks the bad ones', async () => {
    const dir = await tempDir();
    const file = await batch(dir);
    const sim = await startSim();
    await upload(sim, { file, checkLinks: true, linkDispatcher: server.dispatcher });
    const journal = await readFile(join(dir, 'links.results.csv.journal'), 'utf8');
    expect(journal.split('\n').filter((l) => l.includes('"event":"link"'))).toHaveLength(3); // ok.mp4, page, bot-wall
    const before = server.seen.length;
    const again = await upload(sim, { file, checkLinks: true, linkDispatcher: server.dispatcher });
    expect(again.summary.counts).toMatchObject({ created: 2, invalid: 2 });
    expect([...new Set(server.seen.slice(before).map((r) => r.path))].sort()).toEqual(['/missing.mp4', '/share.mp4']);
  });

  it('a usable link is trusted for a day: a re-run (or a dry run) 23 h later does not fetch it, 25 h later it does', async () => {
    const dir = await tempDir();
    const file = await batch(dir);
    const sim = await startSim();
    const t0 = Date.now();
    await upload(sim, { file, checkLinks: true, linkDispatcher: server.dispatcher, now: () => t0 });
    const fetchedAt = async (hours: number, dryRun: boolean) => {
      const before = server.seen.length;
      await upload(sim, { file, checkLinks: true, dryRun, linkDispatcher: server.dispatcher, now: () => t0 + hours * 3600_000 });
      return [...new Set(server.seen.slice(before).map((r) => r.path))].sort();
    };
    const bad = ['/missing.mp4', '/share.mp4'];
    expect(await fetchedAt(23, true)).toEqual(bad);
    expect(await fetchedAt(23, false)).toEqual(bad);
    // The rows left to send are the two with bad links; their landing page is fetched again once a day has passed.
    expect(await fetchedAt(25, true)).toEqual([...bad, '/page'].sort());
    expect(await fetchedAt(25, false)).toEqual([...bad, '/page'].sort());
  });

  it('Ctrl-C while links are checked: nothing is sent, no row is made invalid by the cut-short checks', async () => {
    const dir = await tempDir();
    const file = join(dir, 'hang.csv');
    await writeFile(file, `adgroup_id,ad_text,landing_page_url,video_url\n1780000000000000101,Coffee,${server.url}/page,${server.url}/hang.mp4\n`);
    const sim = await startSim();
    const controller = new AbortController();
    const { summary } = await upload(
      sim,
      {
        file,
        checkLinks: true,
        strictLinks: true,
        linkTimeoutSeconds: 30,
        linkDispatcher: server.dispatcher,
        signal: controller.signal,
      },
      { onErr: (t) => void (/Checking the links of 1 row/.test(t) && setTimeout(() => controller.abort(), 50)) },
    ); // Ctrl-C while the hanging link holds the checks up
    expect(summary).toMatchObject({ stopped: 'interrupted', exit_code: 130 });
    expect(summary.counts).toMatchObject({ invalid: 0, created: 0, not_sent: 1 });
    expect(sim.stats().requests).toBeLessThanOrEqual(2); // the free preflight calls only
  });

  it('the checks run ahead of the sender: the first ad goes before the last link is checked, and no ad before its own links', async () => {
    const slow = await startLinkServer(tls, { slowMs: 60 });
    try {
      const dir = await tempDir();
      const file = join(dir, 'many.csv');
      const rows = Array.from({ length: 24 }, (_, i) => `1780000000000000101,Coffee ${i},${slow.url}/page/${i},${slow.url}/ok.mp4?v=${i}`);
      await writeFile(file, ['adgroup_id,ad_text,landing_page_url,video_url', ...rows].join('\n'));
      const sim = await startSim();
      const { summary, stderr } = await upload(sim, { file, checkLinks: true, linkDispatcher: slow.dispatcher, rate: 20, concurrency: 2 });
      expect(summary.counts.created).toBe(24);
      expect(stderr).toMatch(/Checking the links of 24 rows as they go \(48 distinct\); no row is sent before its links are judged/);
      const lastCheck = Math.max(...slow.seen.map((s) => s.answeredAt ?? 0));
      const created = sim.ads().map((a) => ({ text: String(a.arguments.ad_text), at: Date.parse(a.created_at) }));
      expect(Math.min(...created.map((c) => c.at))).toBeLessThan(lastCheck);
      for (const ad of created) {
        const i = ad.text.replace('Coffee ', '');
        const own = slow.seen.filter((s) => s.path === `/page/${i}` || s.path === `/ok.mp4?v=${i}`);
        expect(own.length).toBeGreaterThan(0);
        expect(Math.max(...own.map((s) => s.answeredAt ?? Infinity))).toBeLessThanOrEqual(ad.at);
      }
    } finally {
      await slow.close();
    }
  });

  it('--no-check-links (checkLinks: false) fetches nothing', async () => {
    const dir = await tempDir();
    const file = await batch(dir);
    const sim = await startSim();
    const before = server.seen.length;
    const { summary } = await upload(sim, { file, checkLinks: false });
    expect(server.seen.length).toBe(before);
    expect(summary.counts.created).toBe(4);
  });

  processIt('the CLI trusts a certificate through NODE_EXTRA_CA_CERTS: validate --check-links and upload', async () => {
    const dir = await tempDir();
    const file = await batch(dir);
    const ca = join(dir, 'ca.pem');
    await writeFile(ca, tls.cert);
    const checked = await spawnCli(['validate', file, '--check-links', '--json'], { NODE_EXTRA_CA_CERTS: ca });
    expect(checked.code).toBe(1);
    expect(JSON.parse(checked.stdout).counts).toMatchObject({ valid: 2, invalid: 2 });
    expect(checked.stderr).toMatch(/Row 4:\n {2}✗ video_url: answered an HTML page/);
    const offline = await spawnCli(['validate', file, '--json'], { NODE_EXTRA_CA_CERTS: ca });
    expect(JSON.parse(offline.stdout).counts).toMatchObject({ valid: 4, invalid: 0 });
    const sim = await startSim();
    const up = await spawnCli(
      ['upload', file, '--endpoint', sim.url, '--json', '--rate', '50'],
      { NODE_EXTRA_CA_CERTS: ca, ADSPIRER_API_KEY: KEY },
      { links: true },
    );
    expect(JSON.parse(up.stdout).counts).toMatchObject({ created: 2, invalid: 2 });
    expect(sim.stats().created).toBe(2);
  });
});

describe('reading a video header says nothing on the terminal', () => {
  it("a box mp4box cannot parse leaves no '[BoxParser] Invalid box type' on stderr; the console works again after", async () => {
    const spy = vi.spyOn(console, 'error');
    try {
      const ftyp = [0, 0, 0, 16, ...Buffer.from('ftypisom'), 0, 0, 2, 0];
      const junk = [0, 0, 0, 12, 0x01, 0x02, 0x03, 0x04, 0, 0, 0, 0];
      const info = await readMediaInfo(new Uint8Array([...ftyp, ...junk]), 28, async () => undefined, { chunk: 1024, ranges: 1 });
      expect(info).toBeUndefined();
      expect(spy).not.toHaveBeenCalled();
      console.error('after');
      expect(spy).toHaveBeenCalledWith('after');
    } finally {
      spy.mockRestore();
    }
  });
});

describe('the pace of one host (pure)', () => {
  it('starts where it is told, grows by one after as many quick answers as run at once, up to the maximum', () => {
    let pace = startPace(4);
    expect(pace).toEqual({ limit: 4, quick: 0, pausedUntil: 0 });
    for (let i = 0; i < 3; i++) pace = nextPace(pace, { kind: 'answer', ms: 100 }, 8);
    expect(pace.limit).toBe(4);
    pace = nextPace(pace, { kind: 'answer', ms: 100 }, 8);
    expect(pace).toMatchObject({ limit: 5, quick: 0 });
    for (let i = 0; i < 100; i++) pace = nextPace(pace, { kind: 'answer', ms: 100 }, 8);
    expect(pace.limit).toBe(8);
  });
  it('a slow answer resets the streak; a 429/503 halves the limit (never below 1) and pauses the host', () => {
    let pace = nextPace(startPace(4), { kind: 'answer', ms: 100 }, 8);
    pace = nextPace(pace, { kind: 'answer', ms: HOST_PACE.quickMs }, 8);
    expect(pace).toMatchObject({ limit: 4, quick: 0 });
    pace = nextPace(pace, { kind: 'slow-down', now: 1000, waitMs: 2000 }, 8);
    expect(pace).toEqual({ limit: 2, quick: 0, pausedUntil: 3000 });
    pace = nextPace(pace, { kind: 'slow-down', now: 1500, waitMs: 100 }, 8);
    expect(pace).toEqual({ limit: 1, quick: 0, pausedUntil: 3000 });
    expect(nextPace(pace, { kind: 'slow-down', now: 1500, waitMs: 0 }, 8).limit).toBe(1);
  });
  it("the wait is the host's Retry-After, seconds or a date, else 2 s; 429 and 503 ask to slow down", () => {
    expect(namedWaitMs('7', 0)).toBe(7000);
    expect(namedWaitMs(new Date(60_000).toUTCString(), 0)).toBe(60_000);
    expect(namedWaitMs(undefined, 0)).toBe(HOST_PACE.defaultWaitMs);
    expect([429, 503, 500, 404, 200].map(asksToSlowDown)).toEqual([true, true, false, false, false]);
  });
});

describe('link verdicts at their edges: kinds, bytes and words (pure)', () => {
  const answer = (extra: Record<string, unknown> = {}) => ({
    kind: 'answer' as const,
    finalUrl: 'https://cdn.example.com/a',
    redirects: 0,
    status: 200,
    ...extra,
  });
  const bytes = (...b: number[]) => Uint8Array.from(b);
  const ascii = (s: string) => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));
  const box = (name: string) => Uint8Array.from([0, 0, 0, 24, ...ascii(name)]);

  it('each problem has its kind, for the codes scripts match on', () => {
    const kinds = [
      judgeLink('video_url', answer({ size: 600 * 1024 * 1024 }), false),
      judgeLink('video_url', answer({ type: 'image/gif' }), false),
      judgeLink('video_url', answer({ type: 'video/mp4', head: ascii('GIF89a-not-a-video') }), false),
      judgeLink('image_urls', answer({ size: 11 * 1024 * 1024 }), false),
      judgeLink('image_urls', answer({ type: 'image/gif' }), false),
      judgeLink('image_urls', answer({ type: 'image/jpeg', head: ascii('GIF89a-not-jpeg') }), false),
      judgeLink('image_urls', answer({ status: 503 }), false),
      judgeLink('image_urls', answer({ status: 404 }), false),
      judgeLink('image_urls', answer({ type: 'text/html', size: 900 }), false),
      judgeLink('landing_page_url', answer({ status: 400 }), false),
    ].map((v) => [v.level, v.kind]);
    expect(kinds).toEqual([
      ['invalid', 'too_large'],
      ['invalid', 'wrong_type'],
      ['invalid', 'not_media'],
      ['invalid', 'too_large'],
      ['invalid', 'wrong_type'],
      ['invalid', 'not_media'],
      ['warning', 'server_error'],
      ['invalid', 'error_status'],
      ['invalid', 'html_page'],
      ['warning', 'error_status'],
    ]);
    // Statuses at the edges: 399 is no error for a landing page, 500 is the server's failure, 499 the link's.
    expect(judgeLink('landing_page_url', answer({ status: 399 }), false)).toEqual({ level: 'ok' });
    expect(judgeLink('video_url', answer({ status: 500 }), false).kind).toBe('server_error');
    expect(judgeLink('video_url', answer({ status: 499 }), false).kind).toBe('error_status');
  });

  it('says where a redirected link ended, in the singular and the plural; and "a file with no type" when none was sent', () => {
    const one = judgeLink('video_url', answer({ status: 404, redirects: 1, finalUrl: 'https://x.example/v' }), false);
    expect(one.message).toBe('answered 404 Not Found (after 1 redirect, at https://x.example/v): Adspirer could not download it');
    const two = judgeLink('video_url', answer({ status: 404, redirects: 2, finalUrl: 'https://x.example/v' }), false);
    expect(two.message).toContain('(after 2 redirects, at https://x.example/v)');
    expect(judgeLink('video_url', answer({ head: ascii('<html><body>') }), false).message).toBe(
      'answered a file with no type that does not start like an MP4 or MOV file (no ftyp box): TikTok takes MP4 and MOV',
    );
    expect(judgeLink('image_urls', answer({ head: ascii('<html><body>'), size: 2048 }), false).message).toBe(
      'answered a file with no type, 2 KB that is not a JPG, PNG or WEBP image',
    );
    // Sizes as people read them, at the unit edges.
    expect(judgeLink('image_urls', answer({ type: 'image/gif', size: 1023 }), false).message).toContain(', 1023 bytes');
    expect(judgeLink('image_urls', answer({ type: 'image/gif', size: 1024 }), false).message).toContain(', 1 KB');
    expect(judgeLink('image_urls', answer({ type: 'image/gif', size: 1024 * 1024 }), false).message).toContain(', 1.0 MB');
  });

  it('knows MP4 and QuickTime by their first box, and JPEG, PNG and WEBP by their magic numbers, whole', () => {
    for (const name of ['ftyp', 'moov', 'mdat', 'wide', 'free', 'skip']) expect(looksLikeMp4(box(name)), name).toBe(true);
    expect(looksLikeMp4(box('junk'))).toBe(false);
    expect(looksLikeMp4(box('ftyp').subarray(0, 7))).toBe(false);
    expect(imageKind(bytes(0xff, 0xd8, 0xff))).toBe('jpg');
    for (const wrong of [bytes(0xff, 0xd8), bytes(0x00, 0xd8, 0xff), bytes(0xff, 0x00, 0xff), bytes(0xff, 0xd8, 0x00)])
      expect(imageKind(wrong)).toBeUndefined();
    const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
    expect(imageKind(bytes(...png))).toBe('png');
    expect(imageKind(bytes(...png.slice(0, 7)))).toBeUndefined();
    for (let i = 0; i < 4; i++) expect(imageKind(bytes(...png.map((b, j) => (j === i ? 0 : b)))), `byte ${i}`).toBeUndefined();
    expect(imageKind(ascii('RIFF\0\0\0\0WEBP'))).toBe('webp');
    expect(imageKind(ascii('RIFF\0\0\0\0WEB'))).toBeUndefined();
    expect(imageKind(ascii('RIFX\0\0\0\0WEBP'))).toBeUndefined();
    expect(imageKind(ascii('RIFF\0\0\0\0WAVE'))).toBeUndefined();
    // A PNG or WEBP sent as bytes is judged by its bytes.
    expect(judgeLink('image_urls', answer({ type: 'application/octet-stream', head: bytes(...png) }), false)).toEqual({ level: 'ok' });
    expect(judgeLink('image_urls', answer({ type: 'image/png', head: bytes(...png) }), false)).toEqual({ level: 'ok' });
    expect(judgeLink('image_urls', answer({ type: 'image/webp', head: ascii('RIFF\0\0\0\0WEBP') }), false)).toEqual({ level: 'ok' });
  });

  it('advises on a video by shape, size and length, at the edges', () => {
    expect(videoAdvice({ width: 1080, height: 1920, seconds: 5 })).toBeUndefined();
    expect(videoAdvice({ width: 1080, height: 1918, seconds: 60 })).toBeUndefined(); // within 2 % of 9:16
    expect(videoAdvice({ width: 1080, height: 1800, seconds: 20 })).toBe('TikTok recommends 9:16, 1:1 or 16:9 for in-feed ads');
    expect(videoAdvice({ width: 540, height: 959, seconds: 20 })).toBe('TikTok recommends at least 540×960 for 9:16');
    expect(videoAdvice({ width: 539, height: 960, seconds: 20 })).toBe('TikTok recommends at least 540×960 for 9:16');
    expect(videoAdvice({ width: 640, height: 640, seconds: 4.9 })).toBe('TikTok recommends 5–60 s for in-feed ads');
    expect(videoAdvice({ width: 960, height: 540, seconds: 60.5 })).toBe('TikTok recommends 5–60 s for in-feed ads');
    // The length as a person reads it: tenths under 10 s, whole seconds from there.
    const info = (seconds: number) => judgeLink('video_url', answer({ type: 'video/mp4', media: { width: 1080, height: 1920, seconds } }), false).info;
    expect([info(9.94), info(10), info(10.4)]).toEqual(['9.9 s, 1080×1920', '10 s, 1080×1920', '10 s, 1080×1920']);
  });
});

describe('the link stage of validate --check-links and of a dry run (in-process)', () => {
  const rows = () => [
    ['1780000000000000101', 'Good video', `${server.url}/page`, `${server.url}/ok.mp4`],
    ['1780000000000000101', 'Missing video', `${server.url}/page`, `${server.url}/missing.mp4`],
    ['1780000000000000101', 'Share page', `${server.url}/page`, `${server.url}/share.mp4`],
    ['1780000000000000101', 'Bot wall', `${server.url}/bot-wall`, `${server.url}/ok.mp4`],
  ];
  async function sheet(lines: string[][]): Promise<string> {
    const file = join(await tempDir(), 'links.csv');
    await writeFile(file, ['adgroup_id,ad_text,landing_page_url,video_url', ...lines.map((r) => r.join(','))].join('\n'));
    return file;
  }

  it('validate: a bad link makes its row invalid, a warning rides along; one line says what was found', async () => {
    const file = await sheet(rows());
    const io = bufferIo();
    const heard: [number, string][] = [];
    const summary = await validateFile(
      { file, checkLinks: true, linkDispatcher: server.dispatcher, report: join(dirname(file), 'v.csv'), onRow: (r) => heard.push([r.row, r.status]) },
      io,
    );
    expect(summary.counts).toMatchObject({ valid: 2, invalid: 2 });
    expect(heard).toEqual([
      [2, 'valid'],
      [3, 'invalid'],
      [4, 'invalid'],
      [5, 'valid'],
    ]);
    const err = io.stderr.join('');
    // Not a terminal: a first line, no redraws, and the closing count.
    expect(io.stderr[0]).toBe('Checking 5 links before any paid call…\n');
    expect(err).not.toContain('\r');
    expect(err).toContain('Links: 5 checked; 2 ads have a bad link, 1 has a warning.\n');
    const report = await reportRows(join(dirname(file), 'v.csv'));
    expect(report.map((r) => [r.row, r.status, (r.error ?? '').split(':')[0]])).toEqual([
      ['2', 'valid', ''],
      ['3', 'invalid', 'video_url'],
      ['4', 'invalid', 'video_url'],
      ['5', 'valid', 'landing_page_url'],
    ]);
  });

  it('on a terminal the progress line is redrawn in place and wiped before the closing line', async () => {
    const file = await sheet(rows().slice(0, 1));
    const io = { ...bufferIo(), isTTY: true };
    const stderr: string[] = [];
    await validateFile({ file, checkLinks: true, linkDispatcher: server.dispatcher }, { ...io, err: (t) => stderr.push(t) });
    expect(stderr[0]).toBe('\r\x1b[KChecking links: 0/2');
    expect(stderr).toContain('\r\x1b[KChecking links: 2/2');
    const wipe = stderr.indexOf('\r\x1b[K');
    expect(wipe).toBeGreaterThan(0);
    expect(stderr[wipe + 1]).toBe('Links: 2 checked; 0 ads have a bad link.\n');
  });

  it('a log gets a line every 5 s of checking, not one per link (clock injected)', async () => {
    const ads = ['ok.mp4', 'missing.mp4', 'share.mp4', 'photo.jpg'].map((p, id) => ({ id, args: ad({ video_url: `${server.url}/${p}` }) }));
    const said = async (step: number, isTTY = false) => {
      let t = 1_000_000;
      const lines: string[] = [];
      await runLinkStage(ads, { linkDispatcher: server.dispatcher }, { ...bufferIo(), isTTY }, { say: (s) => lines.push(s), now: () => (t += step) });
      return lines.filter((l) => !l.startsWith('Links:'));
    };
    // Time stands still: the first line only (the last link needs no line: the summary follows).
    expect(await said(0)).toEqual(['Checking 4 links before any paid call…\n']);
    // 5 s between two links: every one gets its line, the last excepted.
    expect(await said(5000)).toEqual(['Checking 4 links before any paid call…\n', 'Checking links: 1/4\n', 'Checking links: 2/4\n', 'Checking links: 3/4\n']);
    // 4.999 s between two links: the second is the first past 5 s.
    expect(await said(4999)).toEqual(['Checking 4 links before any paid call…\n', 'Checking links: 2/4\n']);
    // A terminal redraws every 200 ms, and always draws the end.
    expect(await said(199, true)).toEqual(['\r\x1b[KChecking links: 0/4', '\r\x1b[KChecking links: 2/4', '\r\x1b[KChecking links: 4/4', '\r\x1b[K']);
    expect((await said(200, true)).length).toBe(6);
    // One link is named in the singular; no links, no lines at all.
    const one = await runLinkStage(ads.slice(0, 1), { linkDispatcher: server.dispatcher }, bufferIo(), {});
    expect(one.observed.size).toBe(1);
    const lines: string[] = [];
    await runLinkStage(ads.slice(0, 1), { linkDispatcher: server.dispatcher }, bufferIo(), { say: (s) => lines.push(s) });
    expect(lines).toEqual(['Checking 1 link before any paid call…\n', 'Links: 1 checked; 0 ads have a bad link.\n']);
    const none: string[] = [];
    const empty = await runLinkStage([{ id: 0, args: ad({}) }], {}, bufferIo(), { say: (s) => none.push(s) });
    expect([none, empty.observed.size]).toEqual([[], 0]);
  });

  it('--strict-links and --link-timeout: a link that does not answer in time is a warning, or makes the row invalid', async () => {
    const file = await sheet([['1780000000000000101', 'Hangs', `${server.url}/page`, `${server.url}/hang.mp4`]]);
    const lenient = await validateFile({ file, checkLinks: true, linkDispatcher: server.dispatcher, linkTimeoutSeconds: 0.2 });
    expect(lenient.counts).toMatchObject({ valid: 1, invalid: 0 });
    expect(lenient.problems!.map((p) => [p.level, p.field])).toEqual([['warning', 'video_url']]);
    const strict = await validateFile({ file, checkLinks: true, strictLinks: true, linkDispatcher: server.dispatcher, linkTimeoutSeconds: 0.2 });
    expect(strict.counts).toMatchObject({ valid: 0, invalid: 1 });
    expect(() => checkLinkTimeout(0)).toThrow(/--link-timeout/);
    expect(checkLinkTimeout(undefined)).toBe(LINK_CHECK_DEFAULTS.timeoutMs);
    expect(checkLinkTimeout(2.5)).toBe(2500);
  });

  it('links an earlier run found usable are counted as reused, and a cut-short stage says so', () => {
    const observed = new Map([
      ['a', { kind: 'unchecked' as const, reason: 'x' }],
      ['b', { kind: 'unchecked' as const, reason: 'x' }],
    ]) as unknown as LinkCheckResult['observed'];
    const byAd = (problems: number, warnings: number) => ({ problems: Array(problems).fill({}), warnings: Array(warnings).fill({}), info: [] });
    const result = (fetched: number, ads: ReturnType<typeof byAd>[]): LinkCheckResult => ({
      observed,
      fetched,
      verdicts: new Map(),
      byAd: new Map(ads.map((a, i) => [i, a])),
    });
    expect(linksSummary(result(2, []), false)).toBe('Links: 2 checked; 0 ads have a bad link.\n');
    expect(linksSummary(result(1, [byAd(1, 1), byAd(0, 1)]), true)).toBe(
      'Links: 2 checked (1 from an earlier run) before the batch stopped; 1 ad has a bad link, 1 has a warning.\n',
    );
    expect(linksSummary(result(0, [byAd(1, 0), byAd(2, 0), byAd(0, 1), byAd(0, 2), byAd(0, 0)]), false)).toBe(
      'Links: 2 checked (2 from an earlier run); 2 ads have a bad link, 2 have a warning.\n',
    );
  });

  it('a dry run checks every link before it plans: bad rows are counted invalid, and nothing is sent', async () => {
    const file = await sheet(rows());
    const sim = await startSim();
    const { summary, stderr } = await upload(sim, { file, dryRun: true, checkLinks: true, linkDispatcher: server.dispatcher });
    expect(summary.counts).toMatchObject({ invalid: 2 });
    expect(sim.stats().created).toBe(0);
    expect(stderr).toContain('Checking 5 links before any paid call…\n');
    expect(stderr).toMatch(/Row 3:\n {2}✗ video_url: answered 404 Not Found/);
    expect(stderr).toContain('Links: 5 checked; 2 ads have a bad link, 1 has a warning.\n');
  });
});

describe('observeLink over a mock transport (undici MockAgent): what one link shows, request by request', () => {
  const ORIGIN = 'https://cdn.example.com';
  type Seen = { method: string; path: string; range?: string };
  type Answer = { status: number; headers?: Record<string, string>; body?: Buffer | string };
  /** A host whose every path answers through `route`; each request is written down. */
  function host(route: (req: Seen) => Answer) {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const seen: Seen[] = [];
    agent
      .get(ORIGIN)
      .intercept({ path: () => true, method: () => true })
      .reply((opts) => {
        const headers = opts.headers as Record<string, string>;
        const req = { method: opts.method, path: opts.path, ...(headers.range ? { range: headers.range } : {}) };
        seen.push(req);
        expect(Object.keys(headers).sort()).toEqual(headers.range ? ['range', 'user-agent'] : ['user-agent']);
        const r = route(req);
        return { statusCode: r.status, data: r.body ?? '', responseOptions: { headers: r.headers ?? {} } };
      })
      .persist();
    return { agent, seen };
  }
  const look = (
    url: string,
    field: 'video_url' | 'landing_page_url' | 'image_urls',
    agent: MockAgent,
    extra: { signal?: AbortSignal; probeBytes?: number } = {},
  ) =>
    observeLink(url, field, { dispatcher: agent, signal: extra.signal ?? new AbortController().signal, timeoutMs: 2500, probeBytes: extra.probeBytes ?? 16 });
  /** Serves `file` for ranges as a CDN does. */
  const ranged =
    (file: Buffer, type = 'video/mp4') =>
    (req: Seen): Answer => {
      if (req.method === 'HEAD') return { status: 200, headers: { 'content-type': type, 'content-length': String(file.length) } };
      const m = /^bytes=(\d+)-(\d+)$/.exec(req.range ?? '')!;
      const start = Number(m[1]);
      const end = Math.min(Number(m[2]), file.length - 1);
      return { status: 206, headers: { 'content-type': type, 'content-range': `bytes ${start}-${end}/${file.length}` }, body: file.subarray(start, end + 1) };
    };

  it('a landing page that answers HEAD 2xx needs no GET; a 404, 410 or 429 is the answer for any field', async () => {
    const { agent, seen } = host(() => ({ status: 200, headers: { 'content-type': 'Text/HTML; charset=UTF-8', 'content-length': '1234' } }));
    expect(await look(`${ORIGIN}/p`, 'landing_page_url', agent)).toStrictEqual({
      kind: 'answer',
      finalUrl: `${ORIGIN}/p`,
      redirects: 0,
      status: 200,
      type: 'text/html',
      size: 1234,
    });
    expect(seen).toEqual([{ method: 'HEAD', path: '/p' }]);
    for (const status of [404, 410, 429]) {
      const h = host(() => ({ status, headers: { 'retry-after': '7' } }));
      const o = await look(`${ORIGIN}/v.mp4`, 'video_url', h.agent);
      expect(o, String(status)).toMatchObject({ kind: 'answer', status });
      expect(h.seen.map((s) => s.method)).toEqual(['HEAD']);
      // Retry-After is kept where it asks to slow down (429, 503) only.
      expect('retryAfter' in o, String(status)).toBe(status === 429);
    }
    // A landing page whose HEAD is refused (405): asked again with GET.
    const refused = host((req) => (req.method === 'HEAD' ? { status: 405 } : { status: 200, body: '<!doctype html>' }));
    expect(await look(`${ORIGIN}/p`, 'landing_page_url', refused.agent)).toMatchObject({ status: 200 });
    expect(refused.seen.map((s) => [s.method, s.range])).toEqual([
      ['HEAD', undefined],
      ['GET', 'bytes=0-15'],
    ]);
  });

  it('a creative gets a ranged GET for its first bytes; its size from Content-Range, else Content-Length when whole', async () => {
    const bytes = Buffer.from('GIF89a0123456789abcdef');
    const r = host(ranged(bytes, 'image/gif'));
    const o = await look(`${ORIGIN}/i.gif`, 'image_urls', r.agent);
    expect(o).toStrictEqual({
      kind: 'answer',
      finalUrl: `${ORIGIN}/i.gif`,
      redirects: 0,
      status: 206,
      type: 'image/gif',
      size: bytes.length,
      head: bytes.subarray(0, 16),
    });
    // A server that ignores Range sends the whole file: the first bytes are kept, the rest let go.
    const whole = host((req) => (req.method === 'HEAD' ? { status: 200 } : { status: 200, headers: { 'content-length': String(bytes.length) }, body: bytes }));
    expect(await look(`${ORIGIN}/i.gif`, 'image_urls', whole.agent)).toMatchObject({ status: 200, size: bytes.length, head: bytes.subarray(0, 16) });
    // A 206 without Content-Range says nothing of the whole size; a Content-Length that is not digits neither.
    const partial = host((req) =>
      req.method === 'HEAD' ? { status: 200 } : { status: 206, headers: { 'content-length': '16' }, body: bytes.subarray(0, 16) },
    );
    expect(await look(`${ORIGIN}/i.gif`, 'image_urls', partial.agent)).not.toHaveProperty('size');
    const odd = host((req) => (req.method === 'HEAD' ? { status: 200 } : { status: 200, headers: { 'content-length': '16 bytes' }, body: bytes }));
    expect(await look(`${ORIGIN}/i.gif`, 'image_urls', odd.agent)).not.toHaveProperty('size');
    // A GET that is not 2xx has no bytes; a 503's Retry-After is kept.
    const busy = host((req) => (req.method === 'HEAD' ? { status: 405 } : { status: 503, headers: { 'retry-after': '30' }, body: 'busy' }));
    expect(await look(`${ORIGIN}/i.gif`, 'image_urls', busy.agent)).toStrictEqual({
      kind: 'answer',
      finalUrl: `${ORIGIN}/i.gif`,
      redirects: 0,
      status: 503,
      retryAfter: '30',
    });
    const low = host((req) => (req.method === 'HEAD' ? { status: 405 } : { status: 199 }));
    expect(await look(`${ORIGIN}/i.gif`, 'image_urls', low.agent)).not.toHaveProperty('head');
  });

  it("a video's header is read through more ranges when it sits at the end; without ranges, or without a header, a note says why", async () => {
    const late = host(ranged(MP4.late));
    const o = await look(`${ORIGIN}/late.mp4`, 'video_url', late.agent, { probeBytes: 1024 });
    expect(o).toMatchObject({ kind: 'answer', status: 206, media: { width: expect.any(Number), height: expect.any(Number), seconds: expect.any(Number) } });
    const parts = late.seen.filter((s) => s.method === 'GET').map((s) => s.range);
    expect(parts[0]).toBe('bytes=0-1023');
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts.slice(1)) {
      const [, a, b] = /^bytes=(\d+)-(\d+)$/.exec(p!)!;
      expect(Number(b) - Number(a) + 1, p).toBeLessThanOrEqual(1024 * 1024);
      expect(Number(a)).toBeGreaterThan(0);
    }
    // The later ranges refused (a 200 instead of a 206): no header, said so.
    let gets = 0;
    const stubborn = host((req) => (req.method === 'GET' && ++gets > 1 ? { status: 200, body: MP4.late } : ranged(MP4.late)(req)));
    expect(await look(`${ORIGIN}/late.mp4`, 'video_url', stubborn.agent, { probeBytes: 1024 })).toMatchObject({
      mediaNote: 'duration and size not read: no video header found in the first bytes',
    });
    // No ranges at all: the first answer is the whole file, and nothing more is asked.
    const whole = host((req) => (req.method === 'HEAD' ? { status: 200 } : { status: 200, headers: { 'content-type': 'video/mp4' }, body: MP4.late }));
    expect(await look(`${ORIGIN}/late.mp4`, 'video_url', whole.agent, { probeBytes: 1024 })).toMatchObject({
      mediaNote: 'duration and size not read: the server does not serve byte ranges',
    });
    expect(whole.seen).toHaveLength(2);
    // An HTML page at a video's address is judged as a page: no header is looked for.
    const page = host(ranged(Buffer.from('<!doctype html><title>Drive</title>'), 'text/html'));
    const html = await look(`${ORIGIN}/share.mp4`, 'video_url', page.agent);
    expect(html).not.toHaveProperty('mediaNote');
    expect(page.seen).toHaveLength(2);
    // Other fields never have their header read.
    const image = host(ranged(MP4.late));
    expect(await look(`${ORIGIN}/late.mp4`, 'image_urls', image.agent)).not.toHaveProperty('mediaNote');
  });

  it('redirects: followed to https only, at most 5; each counted; the ranged GET starts where HEAD ended', async () => {
    const hops = (n: number, to = `${ORIGIN}/end`) =>
      host((req): Answer => {
        const m = /^\/hop\/(\d+)$/.exec(req.path);
        if (m) return { status: 302, headers: { location: Number(m[1]) > 1 ? `/hop/${Number(m[1]) - 1}` : to } };
        return { status: 200, headers: { 'content-type': 'text/html' } };
      });
    const five = hops(5);
    expect(await look(`${ORIGIN}/hop/4`, 'landing_page_url', five.agent)).toMatchObject({ status: 200, finalUrl: `${ORIGIN}/end`, redirects: 4 });
    expect(await look(`${ORIGIN}/hop/5`, 'landing_page_url', five.agent)).toMatchObject({ status: 200, redirects: 5 });
    expect(await look(`${ORIGIN}/hop/6`, 'landing_page_url', five.agent)).toStrictEqual({ kind: 'unchecked', reason: 'more than 5 redirects' });
    const http = hops(1, 'http://cdn.example.com/end');
    expect(await look(`${ORIGIN}/hop/1`, 'landing_page_url', http.agent)).toStrictEqual({
      kind: 'unchecked',
      reason: 'redirects to http://cdn.example.com, and only https:// redirects are followed',
    });
    // HEAD used 3 redirects; the GET starts at the end and may use the 2 left.
    const video = hops(3);
    await look(`${ORIGIN}/hop/3`, 'video_url', video.agent);
    expect(video.seen.filter((s) => s.method === 'GET').map((s) => s.path)).toEqual(['/end']);
  });

  it('what stops a check is its reason: a timeout, Ctrl-C, a host that cannot be reached', async () => {
    const hang = new MockAgent();
    hang.disableNetConnect();
    hang.get(ORIGIN).intercept({ path: '/v.mp4', method: 'HEAD' }).reply(200, '').delay(5_000);
    const timeout = AbortSignal.timeout(20);
    expect(await look(`${ORIGIN}/v.mp4`, 'video_url', hang, { signal: timeout })).toStrictEqual({ kind: 'unchecked', reason: 'no answer within 2.5 s' });
    const stop = new AbortController();
    const hang2 = new MockAgent();
    hang2.disableNetConnect();
    hang2.get(ORIGIN).intercept({ path: '/v.mp4', method: 'HEAD' }).reply(200, '').delay(5_000);
    setTimeout(() => stop.abort(), 20);
    expect(await look(`${ORIGIN}/v.mp4`, 'video_url', hang2, { signal: stop.signal })).toStrictEqual({ kind: 'unchecked', reason: 'the check was stopped' });
    const refused = new MockAgent();
    refused.disableNetConnect();
    refused
      .get(ORIGIN)
      .intercept({ path: '/v.mp4', method: 'HEAD' })
      .replyWithError(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' }));
    expect(await look(`${ORIGIN}/v.mp4`, 'video_url', refused)).toMatchObject({ kind: 'unchecked', unreachable: true });
  });
});

describe('checkLinks over a mock transport: known links, --strict-links, hosts that ask to slow down', () => {
  const ORIGIN = 'https://media.example.com';
  function agentWith(setup: (pool: ReturnType<MockAgent['get']>) => void): MockAgent {
    const agent = new MockAgent();
    agent.disableNetConnect();
    setup(agent.get(ORIGIN));
    return agent;
  }
  const clock = () => {
    let t = 1_000_000;
    const slept: number[] = [];
    return { now: () => t, sleep: async (ms: number) => void (slept.push(ms), (t += ms)), slept };
  };

  it('a link that cannot be checked is a warning, or a problem with strict; the same for a known one; onAd hears each ad as its links are judged', async () => {
    const video = `${ORIGIN}/v.mp4`;
    const agent = () =>
      agentWith((pool) =>
        pool
          .intercept({ path: '/v.mp4', method: 'HEAD' })
          .replyWithError(Object.assign(new Error('socket hang up'), { code: 'UND_ERR_SOCKET' }))
          .persist(),
      );
    const known = new Map([[`landing_page_url ${ORIGIN}/p`, { kind: 'unchecked' as const, reason: 'no answer within 10 s' }]]);
    const ads = [
      { id: 1, args: ad({ video_url: video }) },
      { id: 2, args: ad({ landing_page_url: `${ORIGIN}/p` }) },
    ];
    for (const strict of [false, true]) {
      const heard: [number, number, number][] = [];
      const r = await checkLinks(ads, {
        dispatcher: agent(),
        known,
        strict,
        onAd: (id, found) => heard.push([id, found?.problems.length ?? 0, found?.warnings.length ?? 0]),
      });
      const level = strict ? [1, 0] : [0, 1];
      // The known link's ad is told at once, before any fetch; the other when its link is judged.
      expect(heard).toEqual([
        [2, ...level],
        [1, ...level],
      ]);
      expect(r.fetched).toBe(1);
      expect([...r.verdicts.values()].map((v) => v.level)).toEqual(strict ? ['invalid', 'invalid'] : ['warning', 'warning']);
      expect(r.byAd.get(1)![strict ? 'problems' : 'warnings'][0]!.message).toMatch(/^could not be checked: /);
    }
  });

  it('an ad with a known link and one to fetch is told once, when the one fetched is judged; an ad with no link at once', async () => {
    const agent = agentWith((pool) => pool.intercept({ path: '/v.mp4', method: 'HEAD' }).reply(404, '').persist());
    const known = new Map([[`landing_page_url ${ORIGIN}/p`, { kind: 'answer' as const, finalUrl: `${ORIGIN}/p`, redirects: 0, status: 200 }]]);
    const heard: [number, number][] = [];
    const r = await checkLinks(
      [
        { id: 1, args: ad({ landing_page_url: `${ORIGIN}/p`, video_url: `${ORIGIN}/v.mp4` }) },
        { id: 2, args: ad({}) },
      ],
      { dispatcher: agent, known, onAd: (id, found) => heard.push([id, found?.problems.length ?? 0]) },
    );
    expect(heard).toEqual([
      [2, 0],
      [1, 1],
    ]);
    expect(r.fetched).toBe(1);
  });

  it('a 429 is asked again after its Retry-After, twice at most; a wait over 30 s is not sat out', async () => {
    const times = (n: number) => {
      const c = clock();
      let asked = 0;
      const agent = agentWith((pool) =>
        pool
          .intercept({ path: '/p', method: 'HEAD' })
          .reply(() => (asked++, { statusCode: 429, data: '', responseOptions: { headers: { 'retry-after': String(n) } } }))
          .persist(),
      );
      return checkLinks([{ id: 0, args: ad({ landing_page_url: `${ORIGIN}/p` }) }], { dispatcher: agent, now: c.now, sleep: c.sleep }).then((r) => ({
        r,
        asked,
        slept: c.slept,
      }));
    };
    const patient = await times(30);
    expect(patient.asked).toBe(3);
    expect(patient.slept).toEqual([30_000, 30_000, 30_000]);
    expect(patient.r.observed.get(`landing_page_url ${ORIGIN}/p`)).toMatchObject({ status: 429, retryAfter: '30' });
    const impatient = await times(31);
    expect(impatient.asked).toBe(1);
  });
});

describe("withLinkResults: a row's own findings and its links' (pure)", () => {
  const own = { field: 'ad_text', code: 'ad_text.invisible_removed', message: 'held invisible characters' };
  const bad = { field: 'video_url', code: 'video_url.error_status', message: 'answered 404' };
  const slow = { field: 'landing_page_url', code: 'landing_page_url.unchecked', message: 'could not be checked' };
  const ad = { seq: 3, row: 5, input: ['x'], key: 'k', args: { ad_text: 'a' } as AdArgs, problems: [], warnings: [own] };
  it('nothing to say leaves the row as it is; a warning joins its own, after them; a problem makes it invalid, losing its key and arguments', () => {
    expect(withLinkResults(ad, undefined)).toBe(ad);
    expect(withLinkResults(ad, { problems: [], warnings: [], info: [] })).toBe(ad);
    expect(withLinkResults(ad, { problems: [], warnings: [slow], info: [] })).toStrictEqual({ ...ad, warnings: [own, slow], linkWarnings: [slow] });
    expect(withLinkResults(ad, { problems: [bad], warnings: [slow], info: [] })).toStrictEqual({
      seq: 3,
      row: 5,
      input: ['x'],
      problems: [bad],
      warnings: [own, slow],
    });
    const invalid = { seq: 4, row: 6, input: [], problems: [own], warnings: [] };
    expect(withLinkResults(invalid, { problems: [bad], warnings: [], info: [] })).toStrictEqual({
      seq: 4,
      row: 6,
      input: [],
      problems: [own, bad],
      warnings: [],
    });
  });
});

describe('verdicts word for word: a server failing, sizes, the edges of the 2 % and 10 s rules (pure)', () => {
  it('a 5xx on a creative is a warning in words; a 4xx is invalid; a size limit at its edge', () => {
    expect(judgeLink('video_url', answer({ status: 503 }), false)).toEqual({
      level: 'warning',
      kind: 'server_error',
      message: 'answered 503 Service Unavailable: the server failed, so the file could not be checked; make sure it is reachable before the ad goes live',
    });
    expect(judgeLink('image_urls', answer({ status: 500 }), false)).toMatchObject({ level: 'warning', kind: 'server_error' });
    expect(judgeLink('image_urls', answer({ status: 404 }), false)).toEqual({
      level: 'invalid',
      kind: 'error_status',
      message: 'answered 404 Not Found: Adspirer could not download it',
    });
    expect(judgeLink('image_urls', answer({ status: 299, type: 'image/png' }), false)).toEqual({ level: 'ok' });
    expect(judgeLink('image_urls', answer({ type: 'text/html', size: 1234 }), false)).toEqual({
      level: 'invalid',
      kind: 'html_page',
      message: "answered an HTML page (text/html, 1 KB), not an image: a share or preview link? Use the file's direct download link",
    });
    expect(judgeLink('image_urls', answer({ type: 'image/png', size: 10 * 1024 * 1024 }), false)).toEqual({ level: 'ok' });
    expect(judgeLink('image_urls', answer({ type: 'image/png', size: 10 * 1024 * 1024 + 1 }), false)).toMatchObject({ level: 'invalid', kind: 'too_large' });
    expect(judgeLink('video_url', answer({ type: 'video/mp4', size: 500 * 1024 * 1024 }), false)).toEqual({ level: 'ok' });
    expect(judgeLink('video_url', answer({ type: 'video/mp4', size: 500 * 1024 * 1024 + 1 }), false)).toMatchObject({ level: 'invalid', kind: 'too_large' });
    // A PNG or WEBP sent under its own type, judged by its bytes too.
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(judgeLink('image_urls', answer({ type: 'image/webp', head: png }), false)).toEqual({ level: 'ok' });
    expect(judgeLink('image_urls', answer({ type: 'image/gif', head: png }), false)).toEqual({ level: 'ok' });
  });
  it('the shape within 2 % of 9:16 and no further; the length shown in tenths under 10 s', () => {
    // 9:16 is 0.5625; 2 % of it either way.
    expect(videoAdvice({ width: 1000, height: 1744, seconds: 20 })).toBeUndefined(); // 1.9 % off
    expect(videoAdvice({ width: 1000, height: 1734, seconds: 20 })).toBe(
      // 2.5 % off
      'TikTok recommends 9:16, 1:1 or 16:9 for in-feed ads',
    );
    expect(videoAdvice({ width: 100, height: 100, seconds: 30 })).toBe('TikTok recommends at least 640×640 for 1:1');
    expect(videoAdvice({ width: 100, height: 100, seconds: 3 })).toBe('TikTok recommends at least 640×640 for 1:1; TikTok recommends 5–60 s for in-feed ads');
    const info = (seconds: number) => judgeLink('video_url', answer({ type: 'video/mp4', media: { width: 1080, height: 1920, seconds } }), false).info;
    expect([info(9.96), info(10), info(59.5)]).toEqual(['10 s, 1080×1920', '10 s, 1080×1920', '60 s, 1080×1920']);
  });
});
