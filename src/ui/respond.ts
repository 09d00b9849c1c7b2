import type { ServerResponse } from 'node:http';
import { contentDisposition } from './names.js';

/**
 * No third-party assets, no inline script or style, nothing framed: everything the page runs is
 * served by this package from this address.
 */
export const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  // The token is in the page's address: never send it to another site.
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
} as const;

export function reply(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

export function send(res: ServerResponse, status: number, type: string, body: string | Buffer, filename?: string): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': type,
    ...(filename ? { 'content-disposition': contentDisposition(filename) } : {}),
  });
  res.end(body);
}
