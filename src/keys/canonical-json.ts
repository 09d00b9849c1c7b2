/**
 * JSON with object keys sorted at every level, so equal arguments always give the same text
 * whatever order they were built in. Arrays keep their order: image order is meaningful.
 * Written as plain loops: it runs once per row of files with a million rows.
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'string') return jsonString(value);
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let s = '[';
    for (let i = 0; i < value.length; i++) s += (i ? ',' : '') + canonicalJson(value[i]);
    return `${s}]`;
  }
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o).sort();
  let s = '{';
  let first = true;
  for (const k of keys) {
    const v = o[k];
    if (v === undefined) continue;
    s += `${first ? '' : ','}${JSON.stringify(k)}:${canonicalJson(v)}`;
    first = false;
  }
  return `${s}}`;
}

/**
 * canonicalJson for one add_tiktok_ad argument set: the same text, built by walking the known
 * field names in sorted order instead of sorting each row's keys (it runs once per row).
 * Fields outside `sortedFields` fall back to the general function.
 */
export function canonicalArgs(args: Readonly<Record<string, unknown>>, sortedFields: readonly string[], quotedFields: readonly string[]): string {
  let s = '{';
  let first = true;
  let seen = 0;
  for (let i = 0; i < sortedFields.length; i++) {
    const v = args[sortedFields[i]!];
    if (v === undefined) continue;
    seen++;
    s += `${first ? '' : ','}${quotedFields[i]!}:${typeof v === 'string' ? jsonString(v) : canonicalJson(v)}`;
    first = false;
  }
  let defined = 0;
  for (const k in args) if (args[k] !== undefined) defined++;
  if (seen !== defined) return canonicalJson(args);
  return `${s}}`;
}

/** Text JSON.stringify writes as is: no quote, backslash, control character or surrogate. */
const VERBATIM = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/**
 * JSON.stringify for a string, with the common case (nothing to escape) done without it: the same
 * text, at a third of the cost, for every value of every row. test/keys.test.ts compares the two.
 */
export function jsonString(s: string): string {
  return VERBATIM.test(s) ? `"${s}"` : JSON.stringify(s);
}
