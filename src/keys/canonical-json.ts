/**
 * JSON with object keys sorted at every level, so equal arguments always give the same text
 * whatever order they were built in. Arrays keep their order: image order is meaningful.
 * Undefined values are left out, as JSON.stringify leaves them out of objects.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const o = value as Record<string, unknown>;
  const members = Object.keys(o)
    .sort()
    .filter((k) => o[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`);
  return `{${members.join(',')}}`;
}
