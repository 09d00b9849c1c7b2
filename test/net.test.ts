import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followRedirects } from '../src/net/follow-redirects.js';
import { describeNetworkError } from '../src/net/network-error.js';

describe('what the network did, in a few words (pure)', () => {
  const withCode = (code: string, message = 'm') => Object.assign(new Error(message), { code });
  it.each([
    ['ENOTFOUND', 'host not found (DNS)', true],
    ['EAI_AGAIN', 'host not found (DNS)', true],
    ['EAI_NONAME', 'host not found (DNS)', true],
    ['ECONNREFUSED', 'connection refused', true],
    ['ENETUNREACH', 'no route to the host (ENETUNREACH)', true],
    ['EHOSTUNREACH', 'no route to the host (EHOSTUNREACH)', true],
    ['EHOSTDOWN', 'no route to the host (EHOSTDOWN)', true],
    ['UND_ERR_CONNECT_TIMEOUT', 'no connection could be made in time', true],
    ['UND_ERR_ABORTED', 'the request was stopped before its answer arrived', false],
    ['ABORT_ERR', 'the request was stopped before its answer arrived', false],
    ['ECONNRESET', 'the connection was closed before the answer arrived', false],
    ['UND_ERR_SOCKET', 'the connection was closed before the answer arrived', false],
    ['EPIPE', 'the connection was closed before the answer arrived', false],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'its TLS certificate is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT)', true],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'its TLS certificate is not trusted (ERR_TLS_CERT_ALTNAME_INVALID)', true],
  ] as const)('%s: %s', (code, text, unreachable) => {
    expect(describeNetworkError(withCode(code))).toEqual({ code, text, unreachable });
  });

  it("takes the code from the error's cause (undici's fetch), else its name; the message likewise", () => {
    const wrapped = Object.assign(new TypeError('fetch failed'), { cause: withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1') });
    expect(describeNetworkError(wrapped)).toEqual({ code: 'ECONNREFUSED', text: 'connection refused', unreachable: true });
    const aborted = Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
    expect(describeNetworkError(aborted)).toEqual({ code: 'AbortError', text: 'the request was stopped before its answer arrived', unreachable: false });
    // An unknown code is named with the message, its whitespace folded; no code at all: the message alone.
    expect(describeNetworkError(withCode('E_ODD', '  odd\n  thing  '))).toEqual({ code: 'E_ODD', text: 'E_ODD: odd thing', unreachable: false });
    expect(describeNetworkError(new RangeError('out of range'))).toEqual({ code: 'RangeError', text: 'out of range', unreachable: false });
    expect(describeNetworkError({ cause: { message: 'from the cause' } })).toEqual({ code: 'ERROR', text: 'from the cause', unreachable: false });
    expect(describeNetworkError({ message: '', cause: { code: 'E_X', message: 'inner' } })).toEqual({ code: 'E_X', text: 'E_X: inner', unreachable: false });
    expect(describeNetworkError(undefined)).toEqual({ code: 'ERROR', text: 'undefined', unreachable: false });
    expect(describeNetworkError('plain text')).toEqual({ code: 'ERROR', text: 'plain text', unreachable: false });
  });
});

describe('redirects followed a hop at a time, each judged first', () => {
  let server: Server;
  let base: string;
  const seen: { url: string; method: string; agent?: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', method: req.method ?? '', agent: req.headers['user-agent'] });
      const url = req.url ?? '';
      if (url === '/one') return void res.writeHead(301, { location: '/two' }).end('moved');
      if (url === '/two') return void res.writeHead(302, { location: `${base}/three` }).end();
      if (url === '/three') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('here');
      if (url === '/no-location') return void res.writeHead(302).end('nowhere');
      if (url === '/not-modified') return void res.writeHead(304, { location: '/two' }).end();
      if (url === '/gone') return void res.writeHead(400, { location: '/two' }).end('bad');
      if (url === '/loop') return void res.writeHead(307, { location: '/loop' }).end();
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  const init = { method: 'GET' as const, headers: { 'user-agent': 'tab-test' } };

  it('takes each hop the judge allows, relative or absolute, with the same method and headers, and says where it ended', async () => {
    seen.length = 0;
    const hops: [string, number][] = [];
    const out = await followRedirects(`${base}/one`, init, (t, n) => void hops.push([t.pathname, n]));
    expect(await out.res.body.text()).toBe('here');
    expect(out).toMatchObject({ finalUrl: `${base}/three`, redirects: 2 });
    expect(hops).toEqual([
      ['/two', 1],
      ['/three', 2],
    ]);
    expect(seen).toEqual([
      { url: '/one', method: 'GET', agent: 'tab-test' },
      { url: '/two', method: 'GET', agent: 'tab-test' },
      { url: '/three', method: 'GET', agent: 'tab-test' },
    ]);
    // Hops counted from those taken before this call.
    const later = await followRedirects(`${base}/two`, { ...init, method: 'HEAD' }, () => {}, 5);
    expect(later.redirects).toBe(6);
    await later.res.body.dump();
  });

  it('a 3xx without a Location, a 304, or a 4xx with one is the answer itself, not a hop', async () => {
    for (const [path, status] of [
      ['/no-location', 302],
      ['/not-modified', 304],
      ['/gone', 400],
      ['/three', 200],
    ] as const) {
      const out = await followRedirects(`${base}${path}`, init, () => {
        throw new Error(`${path}: no hop expected`);
      });
      expect([out.res.statusCode, out.redirects, out.finalUrl]).toEqual([status, 0, `${base}${path}`]);
      await out.res.body.dump();
    }
  });

  it('a judge that throws refuses the hop; the timeouts given reach the request', async () => {
    await expect(
      followRedirects(`${base}/loop`, init, (_t, n) => {
        if (n > 3) throw new Error(`too many redirects (${n})`);
      }),
    ).rejects.toThrow('too many redirects (4)');
    // undici times its parser in steps of a second: what is checked is that the timeouts given,
    // and only those, reach each request of the chain (through the dispatcher given).
    const agent = new Agent();
    const asked: Record<string, unknown>[] = [];
    const dispatch = agent.dispatch.bind(agent);
    agent.dispatch = (opts, handler) => (asked.push(opts as unknown as Record<string, unknown>), dispatch(opts, handler));
    const timed = await followRedirects(`${base}/one`, { ...init, dispatcher: agent, headersTimeout: 4_000, bodyTimeout: 5_000 }, () => {});
    await timed.res.body.dump();
    expect(asked.map((o) => [o.path, o.headersTimeout, o.bodyTimeout])).toEqual([
      ['/one', 4_000, 5_000],
      ['/two', 4_000, 5_000],
      ['/three', 4_000, 5_000],
    ]);
    asked.length = 0;
    await (await followRedirects(`${base}/three`, { ...init, dispatcher: agent }, () => {})).res.body.dump();
    expect(asked.map((o) => ['headersTimeout' in o, 'bodyTimeout' in o])).toEqual([[false, false]]);
    await agent.close();
  });
});
