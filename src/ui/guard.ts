import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A session token: 128 random bits, as hex. */
export function newToken(random: (n: number) => Buffer = randomBytes): string {
  return random(16).toString('hex');
}

/**
 * Constant-time comparison. Both sides are hashed first so that timingSafeEqual gets equal
 * lengths and the time taken says nothing about the token's length either.
 */
export function sameToken(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

export interface GuardInput {
  readonly method: string;
  readonly host: string | undefined;
  readonly origin: string | undefined;
  readonly token: string | undefined;
}

export type GuardVerdict = { readonly ok: true } | { readonly ok: false; readonly message: string };

/**
 * Whether a request may be served (all refusals are 403). Pure.
 * - Host must name this server on loopback: a page on another site that re-points its DNS name to
 *   127.0.0.1 (DNS rebinding) sends its own name as Host.
 * - A state-changing request must not come from another origin (browsers send Origin on POST);
 *   a request without Origin is not from a browser page, and the token still guards it.
 * - Every request carries the session token (header x-token, or ?t= for the page, downloads and
 *   the event stream, which cannot set headers).
 */
export function guard(req: GuardInput, port: number, token: string): GuardVerdict {
  const own = [`127.0.0.1:${port}`, `localhost:${port}`];
  if (!req.host || !own.includes(req.host.toLowerCase())) return { ok: false, message: `Host "${req.host ?? ''}" is not this page's (${own[0]}).` };
  const safe = req.method === 'GET' || req.method === 'HEAD';
  if (!safe && req.origin !== undefined && !own.some((h) => req.origin!.toLowerCase() === `http://${h}`)) {
    return { ok: false, message: `Requests from ${req.origin} are refused: only this page may change anything.` };
  }
  if (!sameToken(req.token, token)) return { ok: false, message: 'Missing or wrong session token: open the address the command printed (it ends in ?t=…).' };
  return { ok: true };
}
