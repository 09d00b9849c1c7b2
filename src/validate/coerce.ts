import { cellText, type Cell } from '../read/cell.js';
import type { ArgValue, Clickable } from './args.js';
import { CTA_SYNONYMS, type FieldSpec } from './fields.js';

/** A cell turned into its argument's type, or why it cannot be. Pure. */
export type Coerced =
  | { readonly ok: true; readonly value: ArgValue | undefined; readonly warning?: string }
  | { readonly ok: false; readonly message: string };

const TEXT_ID_HINT = 'format the column as Text and re-enter the IDs (a spreadsheet that stores a long ID as a number has already changed its last digits)';
const SCIENTIFIC = /^[+-]?\d+(?:[.,]\d+)?e[+-]?\d+$/i;
const LIST_SEPARATOR = /\s*(?:\||\r?\n)\s*/;

export function coerceCell(field: FieldSpec, cell: Cell): Coerced {
  if (cell === null) return { ok: true, value: undefined };
  if (typeof cell === 'string' && cell.includes('\uFFFD')) {
    return { ok: false, message: 'holds bytes that are not valid UTF-8 text; save the file as "CSV UTF-8" and try again' };
  }
  if (typeof cell === 'string' && cell.includes('\u0000')) {
    return { ok: false, message: 'holds a NUL byte, so this part of the file is damaged; retype the cell' };
  }
  switch (field.kind) {
    case 'digits':
    case 'ref':
      return coerceId(field, cell);
    case 'refList':
    case 'urlList':
      return coerceList(field, cell);
    case 'bool':
      return coerceBool(cell);
    case 'enum':
      return coerceEnum(field, cell);
    case 'clickables':
      return coerceClickables(cell);
    default:
      return { ok: true, value: textOf(cell) };
  }
}

function textOf(cell: Cell): string {
  return cellText(cell).trim();
}

/** IDs are text. A number cell is only an ID when it still holds every digit (below 2^53). */
function idFromCell(cell: Cell): { id?: string; message?: string } {
  if (typeof cell === 'number') {
    if (!Number.isSafeInteger(cell) || cell < 0) {
      return { message: `was stored as the number ${formatNumber(cell)}, which cannot hold the ID exactly: ${TEXT_ID_HINT}` };
    }
    return { id: String(cell) };
  }
  const text = textOf(cell);
  if (SCIENTIFIC.test(text)) {
    return { message: `is "${text}", an ID shown in scientific notation whose digits are lost: ${TEXT_ID_HINT}` };
  }
  return { id: text };
}

function coerceId(field: FieldSpec, cell: Cell): Coerced {
  if (field.name === 'adgroup_id' && typeof cell === 'string' && LIST_SEPARATOR.test(cell.trim())) {
    // Several ad groups in one cell: one ad per ad group (README, "Report"). Kept as text here;
    // the row validator splits it.
    return { ok: true, value: cell.trim().split(LIST_SEPARATOR).filter((s) => s !== '').join('|') };
  }
  const { id, message } = idFromCell(cell);
  if (message !== undefined) return { ok: false, message };
  return { ok: true, value: id };
}

function formatNumber(n: number): string {
  return Math.abs(n) >= 1e15 ? n.toExponential(2).replace('e+', 'E+') : String(n);
}

function coerceList(field: FieldSpec, cell: Cell): Coerced {
  if (typeof cell === 'number' && field.kind === 'refList') {
    const { id, message } = idFromCell(cell);
    return message !== undefined ? { ok: false, message } : { ok: true, value: [id!] };
  }
  const items = textOf(cell).split(LIST_SEPARATOR).filter((s) => s !== '');
  if (field.kind === 'refList') {
    const bad = items.find((s) => SCIENTIFIC.test(s));
    if (bad !== undefined) return { ok: false, message: `holds "${bad}", an ID in scientific notation: ${TEXT_ID_HINT}` };
  }
  return { ok: true, value: items.length ? items : undefined };
}

const TRUE = new Set(['true', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'no', 'n', '0']);

function coerceBool(cell: Cell): Coerced {
  if (typeof cell === 'boolean') return { ok: true, value: cell };
  if (cell === 1 || cell === 0) return { ok: true, value: cell === 1 };
  const t = textOf(cell).toLowerCase();
  if (TRUE.has(t)) return { ok: true, value: true };
  if (FALSE.has(t)) return { ok: true, value: false };
  return { ok: false, message: `is "${textOf(cell)}"; use TRUE or FALSE (yes/no and 1/0 also work)` };
}

/** Enumerations are accepted in any case, with spaces or hyphens for underscores, and stored upper-case. */
function coerceEnum(field: FieldSpec, cell: Cell): Coerced {
  const value = textOf(cell).toUpperCase().replace(/[\s\-]+/g, '_');
  if (field.name === 'call_to_action') {
    const corrected = CTA_SYNONYMS[value];
    if (corrected !== undefined) {
      return { ok: true, value: corrected, warning: `"${textOf(cell)}" was corrected to ${corrected}, the value TikTok knows` };
    }
  }
  return { ok: true, value };
}

/** `disclaimer_clickable_texts`: JSON `[{"text","url"}]`, or one `text|url` pair per line. */
function coerceClickables(cell: Cell): Coerced {
  const text = textOf(cell);
  if (text.startsWith('[') || text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { ok: false, message: 'starts like JSON but is not valid JSON; write [{"text": "…", "url": "https://…"}] or one text|url pair per line' };
    }
    const list = Array.isArray(parsed) ? parsed : [parsed];
    const items: Clickable[] = [];
    for (const item of list) {
      const o = item as Record<string, unknown> | null;
      if (!o || typeof o !== 'object' || typeof o.text !== 'string' || typeof o.url !== 'string') {
        return { ok: false, message: 'each JSON item needs a "text" and a "url", both strings' };
      }
      items.push({ text: o.text.trim(), url: o.url.trim() });
    }
    return { ok: true, value: items };
  }
  const items: Clickable[] = [];
  for (const line of text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '')) {
    const bar = line.lastIndexOf('|');
    if (bar <= 0) return { ok: false, message: `line "${line}" is not a text|url pair; write one "text|https://…" pair per line` };
    items.push({ text: line.slice(0, bar).trim(), url: line.slice(bar + 1).trim() });
  }
  return { ok: true, value: items };
}
