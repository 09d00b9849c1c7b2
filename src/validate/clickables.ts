import type { Clickable, Coerced } from './args.js';

/** `disclaimer_clickable_texts`: JSON `[{"text","url"}]`, or one `text|url` pair per line. */
export function coerceClickables(text: string): Coerced {
  if (text.startsWith('[') || text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return {
        ok: false,
        kind: 'bad_json',
        message: 'starts like JSON but is not valid JSON; write [{"text": "…", "url": "https://…"}] or one text|url pair per line',
      };
    }
    const list = Array.isArray(parsed) ? parsed : [parsed];
    const items: Clickable[] = [];
    for (const item of list) {
      const o = item as Record<string, unknown> | null;
      if (!o || typeof o !== 'object' || typeof o.text !== 'string' || typeof o.url !== 'string') {
        return { ok: false, kind: 'bad_json_item', message: 'each JSON item needs a "text" and a "url", both strings' };
      }
      items.push({ text: o.text.trim(), url: o.url.trim() });
    }
    return { ok: true, value: items };
  }
  const items: Clickable[] = [];
  for (const line of text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')) {
    // Several pairs on one line, joined by ";" as lists are (Terms|https://…/t; Privacy|https://…/p).
    const joined = [...line.matchAll(PAIR_IN_LINE)];
    if (joined.length > 1 && joined.map((m) => m[0]).join('') === line) {
      for (const m of joined) items.push({ text: m[1]!.trim(), url: m[2]!.trim() });
      continue;
    }
    const bar = line.lastIndexOf('|');
    if (bar <= 0 || line.slice(0, bar).includes('|')) {
      return {
        ok: false,
        kind: 'bad_pair',
        message: `line "${line}" is not a text|url pair; write one "text|https://…" pair per line, or separate pairs with ";"`,
      };
    }
    items.push({ text: line.slice(0, bar).trim(), url: line.slice(bar + 1).trim() });
  }
  return { ok: true, value: items };
}

/** One `text|url` pair of a line holding several, with the `;` that ends it. */
const PAIR_IN_LINE = /\s*([^|;]+?)\s*\|\s*(https?:\/\/[^\s;|]+)\s*(?:;|$)/g;
