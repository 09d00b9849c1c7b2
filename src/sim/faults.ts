import { FAULT_KINDS, type FaultKind } from './options.js';
import type { Random } from './random.js';

/**
 * The fault, if any, for the next request. Draws two numbers per request whatever the outcome, so
 * the sequence depends only on the seed and the request's position.
 */
export function drawFault(rng: Random, failRate: number, kinds: readonly FaultKind[] = FAULT_KINDS): FaultKind | undefined {
  const hit = rng();
  const pick = rng();
  if (kinds.length === 0 || hit >= failRate) return undefined;
  return kinds[Math.min(kinds.length - 1, Math.floor(pick * kinds.length))];
}

/** A proxy's HTML error page, as 502/503 really arrive. */
export function proxyPage(status: number): string {
  const title = status === 502 ? '502 Bad Gateway' : status === 503 ? '503 Service Temporarily Unavailable' : `${status} Error`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}
