import { hash } from 'node:crypto';
import { parse as parseUuid } from 'uuid';
import type { AdArgs } from '../validate/args.js';
import { canonicalJson } from './canonical-json.js';
import { uuidText } from './uuid-text.js';

/**
 * The namespace of every Idempotency-Key this tool derives. Changing it, or the name format below,
 * would give every row a new key and duplicate ads on re-runs: test/keys.test.ts pins both.
 */
export const KEY_NAMESPACE = 'f9dbc566-79c4-49a3-a6d2-93de62cf34fe';
const NAMESPACE_BYTES = Buffer.from(parseUuid(KEY_NAMESPACE));

/**
 * UUID v5 of the tool name, the canonical (sorted-key) JSON of the validated arguments and the
 * row's occurrence among identical rows (1 for the first). Same row, same key: on every run,
 * machine and version. Any edit: a new key.
 */
export function idempotencyKey(args: AdArgs, occurrence: number): string {
  return keyOfCanonical(canonicalJson(args), occurrence);
}

export function keyOfCanonical(canonical: string, occurrence: number): string {
  return uuidText(keyBytes(canonical, occurrence));
}

/**
 * The key's 16 bytes: RFC 9562 §5.5 (UUID v5), SHA-1 of namespace and UTF-8 name, version and
 * variant bits set. Computed with node:crypto's one-shot hash because it runs once per row of
 * million-row files (uuid.v5 builds a hash object and re-encodes the name per call, ~4 µs);
 * test/keys.test.ts checks it against uuid.v5 on arbitrary names.
 */
export function keyBytes(canonical: string, occurrence: number): Uint8Array {
  const name = `add_tiktok_ad\n${canonical}\n${occurrence}`;
  const input = Buffer.allocUnsafe(16 + Buffer.byteLength(name, 'utf8'));
  NAMESPACE_BYTES.copy(input, 0);
  input.write(name, 16, 'utf8');
  const digest = hash('sha1', input, 'buffer');
  const bytes = new Uint8Array(digest.buffer, digest.byteOffset, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return bytes;
}
