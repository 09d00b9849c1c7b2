/**
 * JSON with object keys sorted at every level, so equal arguments always give the same text
 * whatever order they were built in. Arrays keep their order: image order is meaningful.
 * Undefined values are left out, as JSON.stringify leaves them out of objects.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const o = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const k of Object.keys(o).sort()) {
    const v = o[k];
    if (v !== undefined) parts.push(`${JSON.stringify(k)}:${typeof v === 'string' ? JSON.stringify(v) : canonicalJson(v)}`);
  }
  return `{${parts.join(',')}}`;
}
