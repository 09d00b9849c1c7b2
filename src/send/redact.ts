/**
 * The one function every output path passes text through before it is shown or written: stderr,
 * stdout, the report, the journal and the retry file. A service or proxy may echo the key back
 * whole, cut short, base64-encoded or spaced out, so masking only the exact key is not enough:
 * every run of MIN_RUN or more consecutive characters of the key's secret part is masked (also in
 * its base64 forms, and across white space), and so is any token shaped like an Adspirer key.
 */
const MIN_RUN = 6;
const KEY_SHAPED = /sk_(?:live|test)_[A-Za-z0-9_-]{4,}/g;
const MASK = '[key redacted]';

export function redact(text: string, key: string | undefined): string {
  let out = text.replace(KEY_SHAPED, MASK);
  const grams = key ? gramsOf(key) : undefined;
  if (!grams || grams.size === 0) return out;
  // The text without white space, and where each of its characters stands in `out`.
  const at: number[] = [];
  let dense = '';
  for (let i = 0; i < out.length; i++) {
    if (/\s/.test(out[i]!)) continue;
    at.push(i);
    dense += out[i];
  }
  const ranges: [number, number][] = [];
  for (let i = 0; i + MIN_RUN <= dense.length; i++) {
    if (!grams.has(dense.slice(i, i + MIN_RUN))) continue;
    const from = at[i]!;
    const to = at[i + MIN_RUN - 1]! + 1;
    const last = ranges[ranges.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else ranges.push([from, to]);
  }
  for (let r = ranges.length - 1; r >= 0; r--) out = out.slice(0, ranges[r]![0]) + MASK + out.slice(ranges[r]![1]);
  return out;
}

const CACHE = new Map<string, Set<string>>();

/** Every MIN_RUN-character piece of the secret and of its base64 forms. */
function gramsOf(key: string): Set<string> {
  let grams = CACHE.get(key);
  if (grams) return grams;
  // The secret part: what follows sk_live_ / sk_test_ (the prefix is public).
  const secret = key.replace(/^sk_(?:live|test)_/, '');
  const forms = [secret];
  // Base64 of any piece of the secret lines up with the base64 of the secret from offset 0, 1 or
  // 2 (RFC 4648 §4 encodes 3-byte groups); the last 4 characters depend on what follows, so they
  // are left out. URL-safe base64 (§5) too.
  for (let offset = 0; offset < 3; offset++) {
    const b64 = Buffer.from(secret.slice(offset), 'utf8').toString('base64').replace(/=+$/, '');
    const body = b64.slice(0, Math.max(0, b64.length - 4));
    forms.push(body, body.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  grams = new Set<string>();
  for (const form of forms) for (let i = 0; i + MIN_RUN <= form.length; i++) grams.add(form.slice(i, i + MIN_RUN));
  CACHE.set(key, grams);
  return grams;
}
