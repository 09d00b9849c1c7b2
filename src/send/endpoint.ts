import { RunError } from '../errors.js';

const DEFAULT_BASE_URL = 'https://api.adspirer.ai';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** A host name of this machine (localhost, 127.0.0.0/8, [::1]): plain http is allowed to it, and a batch sent to it is a rehearsal. */
export function isLoopback(hostname: string): boolean {
  return LOOPBACK.test(hostname);
}

/**
 * The base URL: --endpoint, else ADSPIRER_BASE_URL, else the public API. Plain http is allowed only
 * to this machine, where the key cannot be read off the network (README, `--endpoint URL`).
 */
export function resolveEndpoint(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): URL {
  const raw = flag ?? env.ADSPIRER_BASE_URL ?? DEFAULT_BASE_URL;
  const source = flag !== undefined ? '--endpoint' : env.ADSPIRER_BASE_URL !== undefined ? 'ADSPIRER_BASE_URL' : 'the default endpoint';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RunError('USAGE', `${source} "${raw}" is not a URL; write it as https://api.adspirer.ai.`);
  }
  if (url.username || url.password) throw new RunError('USAGE', `${source} must not carry a user name or password; the API key goes in ADSPIRER_API_KEY.`);
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new RunError('USAGE', `${source} ${url.origin} uses plain http to another machine, which would send the API key unencrypted; use https://.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RunError('USAGE', `${source} "${raw}" must be an https:// URL.`);
  url.pathname = url.pathname.replace(/\/+$/, '');
  url.search = '';
  url.hash = '';
  return url;
}

export function toolPath(base: URL, tool: string): string {
  return `${base.pathname.replace(/\/+$/, '')}/api/v1/tools/${tool}/execute`;
}
