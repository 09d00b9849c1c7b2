/** Object keys as JSON text: the same few field names on every row, so each is written once. */
const KEY_TEXT = new Map<string, string>();

/**
 * JSON with object keys sorted at every level, so equal arguments always give the same text
 * whatever order they were built in. Arrays keep their order: image order is meaningful.
 * Undefined values are left out, as JSON.stringify leaves them out of objects.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const o = value as Record<string, unknown>;
  // Built by concatenation, not an array of parts: this runs for every row's key.
  let out = '{';
  const keys = Object.keys(o);
  // Arguments come from the schema with their keys in order already: checking is cheaper than sorting.
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) {
      keys.sort();
      break;
    }
  }
  for (const k of keys) {
    const v = o[k];
    if (v === undefined) continue;
    let key = KEY_TEXT.get(k);
    if (key === undefined) KEY_TEXT.set(k, (key = JSON.stringify(k)));
    out += `${out.length > 1 ? ',' : ''}${key}:${typeof v === 'string' ? JSON.stringify(v) : canonicalJson(v)}`;
  }
  return `${out}}`;
}
