import { cellText, type Cell } from '../read/cell.js';
import type { Coerced, Finding } from './args.js';
import { coerceClickables } from './clickables.js';
import { CTA_SYNONYMS, TRACKING_URLS, type FieldSpec } from './fields.js';
import { tiktokLength } from './text-length.js';
import { clipValue, HAS_INVISIBLE, INVISIBLE, INVISIBLE_NAMES } from './invisible.js';

/** A cell turned into its argument's type, or why it cannot be. Pure. */
export type { Coerced } from './args.js';

const TEXT_ID_HINT = 'format the column as Text and re-enter the IDs (a spreadsheet that stores a long ID as a number has already changed its last digits)';
const SCIENTIFIC = /^[+-]?\d+(?:[.,]\d+)?e[+-]?\d+$/i;
const LIST_SEPARATOR = /\s*(?:\||\r?\n)\s*/;
/**
 * TikTok's bulk import template writes IDs as `id:1667930209559606` so that Excel cannot round
 * them (TikTok Ads Manager help, "Troubleshoot bulk import issues": ✅ id:1667930209559606). The
 * prefix is the user's way of keeping the ID, not part of it.
 */
const TIKTOK_ID_PREFIX = /^\s*id\s*:\s*/i;
/** A comma or semicolon typed between list items instead of | or a new line. */
const LOOSE_SEPARATOR = /\s*[,;]\s*/;
/** A part that was meant as a link, typo or not (https//…, http:/…, www.…). */
const LINK_LIKE = /^(?:https?:?\/*|www\.)/i;
/** What Excel, LibreOffice and Google Sheets show in a cell whose formula failed. */
const SPREADSHEET_ERROR = /^#(?:DIV\/0!|N\/A|NAME\?|NULL!|NUM!|REF!|VALUE!|SPILL!|CALC!|GETTING_DATA|ERROR!?)$/i;

export function coerceCell(field: FieldSpec, cell: Cell, trustIds = false): Coerced {
  if (cell === null) return { ok: true, value: undefined };
  if (typeof cell === 'string' && SPREADSHEET_ERROR.test(cell.trim())) {
    return {
      ok: false,
      kind: 'spreadsheet_error',
      message: `is the spreadsheet error ${cell.trim()}: the formula in this cell failed. Fix the formula, or type the value`,
    };
  }
  if (typeof cell === 'string' && isMachineField(field) && HAS_INVISIBLE.test(cell)) {
    const found = [...new Set(cell.match(INVISIBLE) ?? [])].map((c) => INVISIBLE_NAMES[c] ?? `U+${c.charCodeAt(0).toString(16).toUpperCase()}`);
    const result = coerceCell(field, cell.replace(INVISIBLE, ''), trustIds);
    if (!result.ok) return result;
    const note: Finding = { kind: 'invisible_removed', message: `held invisible characters (${found.join(', ')}), which were removed` };
    return { ...result, warnings: [note, ...(result.warnings ?? [])] };
  }
  if (typeof cell === 'string' && cell.includes('\uFFFD')) {
    return { ok: false, kind: 'not_utf8', message: 'holds bytes that are not valid UTF-8 text; save the file as "CSV UTF-8" and try again' };
  }
  if (typeof cell === 'string' && cell.includes('\u0000')) {
    return { ok: false, kind: 'nul_byte', message: 'holds a NUL byte, so this part of the file is damaged; retype the cell' };
  }
  switch (field.kind) {
    case 'digits':
    case 'ref':
      return coerceId(field, cell, trustIds);
    case 'refList':
    case 'urlList':
      return coerceList(field, cell, trustIds);
    case 'url':
      return coerceUrl(field, textOf(cell));
    case 'bool':
      return coerceBool(cell);
    case 'enum':
      return coerceEnum(field, cell);
    case 'clickables':
      return coerceClickables(textOf(cell));
    default:
      return coerceText(field, textOf(cell));
  }
}

/** A text that would be too long only if TikTok counted Korean as two: sent, with a warning. */
function coerceText(field: FieldSpec, text: string): Coerced {
  const rule = field.text;
  if (rule && !rule.koreanAsTwo && /\p{Script=Hangul}/u.test(text) && tiktokLength(text, false) <= rule.max && tiktokLength(text, true) > rule.max) {
    return {
      ok: true,
      value: text,
      warnings: [
        {
          kind: 'korean_count',
          message: `is ${tiktokLength(text, false)} characters, or ${tiktokLength(text, true)} if TikTok counts Korean characters as two (no source says whether it does; the limit is ${rule.max}); it is sent as it is`,
        },
      ],
    };
  }
  return { ok: true, value: text };
}

/**
 * A URL as a link Adspirer can fetch: a Google Drive `/file/d/ID/view` page becomes its direct
 * download (Adspirer's create_tiktok_video_campaign page asks for
 * https://drive.google.com/uc?export=download&id=ID), a Dropbox `?dl=0` page becomes `?dl=1`, each
 * with a warning; nothing else is rewritten. A tracking URL over http warns (only the landing page
 * must be https, by the tool page).
 */
function coerceUrl(field: FieldSpec, text: string): Coerced {
  const url = lowerSchemeAndHost(text);
  const direct = directDownload(url);
  if (direct && (field.name === 'video_url' || field.name === 'image_urls')) {
    return {
      ok: true,
      value: direct,
      warnings: [
        {
          kind: 'direct_link',
          message: `was a ${/dropbox/.test(url) ? 'Dropbox' : 'Google Drive'} page, which Adspirer cannot download; its direct link ${direct} is used`,
        },
      ],
    };
  }
  if (TRACKING_URLS.has(field.name) && /^http:\/\//.test(url)) {
    return {
      ok: true,
      value: url,
      warnings: [{ kind: 'http_tracking', message: 'uses http, not https; it is sent as written (an https link is safer for a tracking pixel)' }],
    };
  }
  return { ok: true, value: url };
}

function directDownload(url: string): string | undefined {
  if (!url.includes('drive.google.com') && !url.includes('dropbox.com')) return undefined;
  const drive = /^https:\/\/drive\.google\.com\/file\/d\/([\w-]+)(?:\/(?:view|edit)?)?(?:\?[^#]*)?$/.exec(url);
  if (drive) return `https://drive.google.com/uc?export=download&id=${drive[1]}`;
  if (/^https:\/\/(?:www\.)?dropbox\.com\/.*[?&]dl=0(?:&|$)/.test(url)) return url.replace(/([?&])dl=0(?=&|$)/, '$1dl=1');
  return undefined;
}

function textOf(cell: Cell): string {
  // U+2028 and U+2029 (line and paragraph separators, as text pasted from Word or Google Docs
  // brings them) are line breaks a person meant; sent as they are, they are invisible characters.
  return cellText(cell)
    .replace(/[\u2028\u2029]/g, '\n')
    .trim();
}

/** IDs, URLs and lists: values a machine reads, where an invisible character is never meant. */
function isMachineField(field: FieldSpec): boolean {
  return field.kind !== 'text' && field.kind !== 'clickables';
}

/**
 * IDs are text. A number cell is only an ID when it still holds every digit (below 2^53), and a
 * 16–19 digit ID whose digits after the 15th are all zeros is what Excel leaves of an ID typed as
 * a number (it keeps 15 significant digits; Microsoft, "Excel specifications and limits": number
 * precision), unless the user vouches for it (--trust-ids).
 */
function idFromCell(cell: Cell, trustIds: boolean): { id?: string; problem?: Finding } {
  if (typeof cell === 'number') {
    if (!Number.isSafeInteger(cell) || cell < 0) {
      return {
        problem: { kind: 'unsafe_number', message: `was stored as the number ${formatNumber(cell)}, which cannot hold the ID exactly: ${TEXT_ID_HINT}` },
      };
    }
    return roundedCheck(String(cell), trustIds);
  }
  const text = textOf(cell).replace(TIKTOK_ID_PREFIX, '');
  if (SCIENTIFIC.test(text)) {
    return { problem: { kind: 'scientific', message: `is "${text}", an ID shown in scientific notation whose digits are lost: ${TEXT_ID_HINT}` } };
  }
  return roundedCheck(text, trustIds);
}

function roundedCheck(id: string, trustIds: boolean): { id?: string; problem?: Finding } {
  if (trustIds || !/^\d{16,19}$/.test(id) || !/^0+$/.test(id.slice(15))) return { id };
  const zeros = id.length - 15;
  const lost = zeros === 1 ? 'its last digit to a zero' : `its last ${zeros} digits to zeros`;
  return {
    problem: {
      kind: 'rounded',
      message: `is ${id}, which looks rounded by a spreadsheet: Excel keeps 15 significant digits, so an ID typed as a number loses ${lost}. ${TEXT_ID_HINT[0]!.toUpperCase()}${TEXT_ID_HINT.slice(1)}. If the ID really ends in ${zeros === 1 ? 'a zero' : `${zeros} zeros`}, pass --trust-ids`,
    },
  };
}

/**
 * An ID typed with thousands separators (1,798,765,432,109,876,545; 1.798.765… in German; spaces or
 * apostrophes elsewhere): digit groups of three, 10 digits or more in all. It is one ID, not a
 * list, and it is not sent: the user removes the separators (a comma list is a list only when every
 * part is a well-formed ID).
 */
const THOUSANDS = /^\d{1,3}(?:([,.\u00a0\u202f '’])\d{3})(?:\1\d{3})+$/;

/** Excel's text marker typed into a cell ('1780…): not part of the ID. */
const TEXT_MARKER = /^['’](?=\s*\d)/;

function coerceId(field: FieldSpec, cell: Cell, trustIds: boolean): Coerced {
  if (typeof cell === 'string') {
    const text = cell.trim();
    if (field.kind === 'digits' && THOUSANDS.test(text) && text.replace(/\D/g, '').length >= 10) {
      return {
        ok: false,
        kind: 'thousands_separators',
        message: `is ${text}, one ID typed with thousands separators; remove them (format the column as Text) so that it reads ${text.replace(/\D/g, '')}`,
      };
    }
    if (TEXT_MARKER.test(text)) {
      const rest = coerceId(field, text.replace(TEXT_MARKER, ''), trustIds);
      if (!rest.ok) return rest;
      const note: Finding = { kind: 'text_marker_removed', message: `the leading ' (Excel's mark for text) was removed` };
      return { ...rest, warnings: [note, ...(rest.warnings ?? [])] };
    }
  }
  // The ID read: the cell, or the one ad group it lists with a stray separator ("…101|", a list cut
  // down to one), not a second, empty one.
  let source: Cell = cell;
  if (field.name === 'adgroup_id' && typeof cell === 'string' && /[|\n,;]/.test(cell)) {
    const list = splitList(field, cell.trim());
    if ('problem' in list) return { ok: false, ...list.problem };
    if (list.items.length > 1) {
      // Several ad groups in one cell: one ad per ad group (README, "Report"). Kept as text here;
      // the row validator splits it.
      for (const item of list.items) {
        const { problem } = roundedCheck(item, trustIds);
        if (problem !== undefined) return { ok: false, kind: problem.kind, message: `lists ad group ${item}: ${problem.message.replace(/^is \d+, /, '')}` };
      }
      return { ok: true, value: list.items.join('|'), ...(list.warning ? { warnings: [list.warning] } : {}) };
    }
    // Separators and nothing else: an empty cell, missing as one is.
    if (list.items.length === 0) return { ok: true, value: undefined };
    source = list.items[0]!;
  }
  const { id, problem } = idFromCell(source, trustIds);
  if (problem !== undefined) return { ok: false, ...problem };
  return { ok: true, value: id };
}

/** RFC 3986 §3.1 and §3.2.2: scheme and host are case-insensitive; lower-case is their canonical form. */
function lowerSchemeAndHost(url: string): string {
  // The common case, an all-lower-case scheme and host, is returned as it is.
  if (!/^[^/]*\/\/[^/?#]*[A-Z]/.test(url) && !/^[^:]*[A-Z][^:]*:/.test(url)) return url;
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i, (_, scheme: string, host: string) => scheme.toLowerCase() + host.toLowerCase());
}

/**
 * A list cell's items: separated by | or new lines, or by commas or semicolons when every part is
 * a well-formed item (then with a warning); two or more links run together otherwise are refused
 * rather than sent as one item.
 */
function splitList(field: FieldSpec, text: string): { items: string[]; warning?: Finding } | { problem: Finding } {
  const items: string[] = [];
  let loose = false;
  const wellFormed = (part: string): boolean =>
    field.kind === 'urlList' ? /^https?:\/\/[^\s,;]+$/i.test(part) : field.kind === 'digits' ? /^\d+$/.test(part) : /^[\w.:-]+$/.test(part);
  const isIds = field.kind !== 'urlList';
  for (const raw of text.split(LIST_SEPARATOR).filter((s) => s !== '')) {
    const item = isIds ? raw.replace(TIKTOK_ID_PREFIX, '') : raw;
    const parts = item
      .split(LOOSE_SEPARATOR)
      .filter((s) => s !== '')
      .map((p) => (isIds ? p.replace(TIKTOK_ID_PREFIX, '') : p));
    if (parts.length > 1 && parts.every(wellFormed)) {
      items.push(...parts);
      loose = true;
    } else if (parts.length > 1 && (field.kind !== 'urlList' || parts.filter((p) => LINK_LIKE.test(p)).length > 1)) {
      return {
        problem: {
          kind: 'run_together',
          message: `holds "${clipValue(item)}", which looks like several items run together; separate items with | or new lines`,
        },
      };
    } else items.push(item);
  }
  return loose
    ? { items, warning: { kind: 'loose_separators', message: 'was split at commas or semicolons; | or new lines are the separators to use' } }
    : { items };
}

function formatNumber(n: number): string {
  return Math.abs(n) >= 1e15 ? n.toExponential(2).replace('e+', 'E+') : String(n);
}

function coerceList(field: FieldSpec, cell: Cell, trustIds: boolean): Coerced {
  if (typeof cell === 'number' && field.kind === 'refList') {
    const { id, problem } = idFromCell(cell, trustIds);
    return problem !== undefined ? { ok: false, ...problem } : { ok: true, value: [id!] };
  }
  const list = splitList(field, textOf(cell));
  if ('problem' in list) return { ok: false, ...list.problem };
  let items = list.items;
  if (field.kind === 'refList') {
    const bad = items.find((s) => SCIENTIFIC.test(s));
    if (bad !== undefined) return { ok: false, kind: 'scientific', message: `holds "${bad}", an ID in scientific notation: ${TEXT_ID_HINT}` };
    for (const item of items) {
      const { problem } = roundedCheck(item, trustIds);
      if (problem !== undefined) return { ok: false, kind: problem.kind, message: `holds ${item}: ${problem.message.replace(/^is \d+, /, '')}` };
    }
    return { ok: true, value: items.length ? items : undefined, ...(list.warning ? { warnings: [list.warning] } : {}) };
  }
  const warnings: Finding[] = list.warning ? [list.warning] : [];
  items = items.map((item) => {
    const url = coerceUrl(field, item);
    if (url.ok && url.warnings) warnings.push(...url.warnings);
    return url.ok && typeof url.value === 'string' ? url.value : item;
  });
  return { ok: true, value: items.length ? items : undefined, ...(warnings.length ? { warnings } : {}) };
}

const TRUE = new Set(['true', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'no', 'n', '0']);

function coerceBool(cell: Cell): Coerced {
  if (typeof cell === 'boolean') return { ok: true, value: cell };
  if (cell === 1 || cell === 0) return { ok: true, value: cell === 1 };
  const t = textOf(cell).toLowerCase();
  if (TRUE.has(t)) return { ok: true, value: true };
  if (FALSE.has(t)) return { ok: true, value: false };
  return { ok: false, kind: 'not_boolean', message: `is "${textOf(cell)}"; use TRUE or FALSE (yes/no and 1/0 also work)` };
}

/** Enumerations are accepted in any case, with spaces or hyphens for underscores, and stored upper-case. */
function coerceEnum(field: FieldSpec, cell: Cell): Coerced {
  const value = textOf(cell)
    .toUpperCase()
    .replace(/[\s-]+/g, '_');
  if (field.alsoAccepted?.includes(value)) {
    return {
      ok: true,
      value,
      warnings: [
        {
          kind: 'other_spelling',
          message: `${value} is TikTok's own spelling, not on Adspirer's tool page (${(field.values ?? []).join(', ')}); it is sent as written`,
        },
      ],
    };
  }
  const discouraged = field.discouraged?.[value];
  if (discouraged !== undefined) return { ok: true, value, warnings: [{ kind: 'discouraged', message: discouraged }] };
  if (field.name === 'call_to_action') {
    const corrected = CTA_SYNONYMS[value];
    if (corrected !== undefined) {
      return {
        ok: true,
        value: corrected,
        warnings: [{ kind: 'corrected', message: `"${textOf(cell)}" was corrected to ${corrected}, the value TikTok knows` }],
      };
    }
  }
  return { ok: true, value };
}
