/**
 * JSON with object keys sorted at every level, so equal arguments always give the same text
 * whatever order they were built in. Arrays keep their order: image order is meaningful.
 * Undefined values are left out, as JSON.stringify leaves them out of objects.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const o = value as Record<string, unknown>;
  out = '{';
  for (const k of Object.keys(o).sort()) {
    if (o[k] === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(k)}:${canonicalJson(o[k])}`;
  }
  return `${out}}`;
}
