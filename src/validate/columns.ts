import { RunError } from '../errors.js';
import { FIELDS, IGNORED_COLUMNS, type FieldSpec } from './fields.js';
import type { Cell } from '../read/cell.js';
import { columnLetter } from '../read/sheet.js';
import { typoDistance } from './nearest.js';

/** Header matching ignores case, spaces, `-` and `_` (README, "Input"). */
export function normaliseHeader(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, '');
}

const BY_NORMALISED: ReadonlyMap<string, FieldSpec> = (() => {
  const map = new Map<string, FieldSpec>();
  for (const f of FIELDS) {
    map.set(normaliseHeader(f.name), f);
    for (const a of f.aliases ?? []) map.set(normaliseHeader(a), f);
  }
  return map;
})();

const IGNORED = new Set(IGNORED_COLUMNS.map(normaliseHeader));

/**
 * What one column of the input holds: a field; a column of the user's own (notes, client, owner),
 * carried into the report and retry file but never sent; our report's `error` column; or nothing
 * (a blank header).
 */
export type ColumnRole =
  { readonly kind: 'field'; readonly field: FieldSpec } | { readonly kind: 'extra' } | { readonly kind: 'ignored' } | { readonly kind: 'blank' };

export interface ColumnMap {
  readonly header: readonly string[];
  readonly roles: readonly ColumnRole[];
  /** Column index of each field present. */
  readonly indexOf: ReadonlyMap<string, number>;
  /** Names of the columns that are no field, in order. */
  readonly extras: readonly string[];
}

/**
 * The field a header that is no field is probably meant for: one typo away for a short name, up to
 * four edits for a long one (`Ad Txt` → ad_text, `landing_url` → landing_page_url), so that a
 * user's own column ("Notes", "Client", "Owner") is never taken for a typo.
 */
function closeField(name: string): FieldSpec | undefined {
  const norm = normaliseHeader(name);
  if (norm.length < 3) return undefined;
  let best: { field: FieldSpec; distance: number } | undefined;
  for (const [candidate, field] of BY_NORMALISED) {
    const allowed = candidate.length >= 12 ? 4 : candidate.length >= 8 ? 2 : 1;
    // A swap of two neighbouring letters is one slip, so `dispaly_nmae` is two from display_name.
    const distance = typoDistance(norm, candidate);
    if (distance <= allowed && (!best || distance < best.distance)) best = { field, distance };
  }
  return best?.field;
}

/**
 * A header row names fields: at least one cell is a field (or close to one), and no fewer than the
 * other filled cells. Title, date and note rows above a header name none.
 */
export function looksLikeHeader(cells: readonly Cell[]): boolean {
  let fields = 0;
  let others = 0;
  for (const cell of cells) {
    if (cell === null) continue;
    const text = String(cell).trim();
    if (text === '') continue;
    if (fieldForHeader(text) || IGNORED.has(normaliseHeader(text)) || closeField(text)) fields++;
    else others++;
  }
  return fields > 0 && fields >= others;
}

export function fieldForHeader(name: string): FieldSpec | undefined {
  return BY_NORMALISED.get(normaliseHeader(name));
}

/**
 * Maps header cells to fields. A column that is close to a field's name (a likely typo) and a
 * repeated field end the run (exit 2): guessing what a column means could send the wrong thing to
 * a paid API. Any other column is the user's own: carried, never sent.
 */
/**
 * `mapped`: the user's own columns read as fields (--map COLUMN=FIELD), by the column's normalised
 * name. A mapped column the sheet does not have is a usage error: the mapping meant something.
 */
export function mapColumns(file: string, header: readonly string[], mapped: ReadonlyMap<string, FieldSpec> = new Map()): ColumnMap {
  for (const [column, field] of mapped) {
    if (!header.some((h) => normaliseHeader(h) === column)) {
      throw new RunError(
        'USAGE',
        `--map: ${file} has no column "${column}" to read as ${field.name}; its columns: ${header.filter((h) => h !== '').join(', ')}.`,
      );
    }
  }
  const roles: ColumnRole[] = [];
  const indexOf = new Map<string, number>();
  const extras: string[] = [];
  const problems: string[] = [];
  header.forEach((name, i) => {
    if (name === '') {
      roles.push({ kind: 'blank' });
      return;
    }
    const norm = normaliseHeader(name);
    if (IGNORED.has(norm)) {
      roles.push({ kind: 'ignored' });
      return;
    }
    const field = mapped.get(norm) ?? BY_NORMALISED.get(norm);
    if (!field) {
      const meant = closeField(name);
      if (meant) {
        problems.push(`column ${columnLetter(i)} "${name}" is not a field of add_tiktok_ad (did you mean ${meant.name}?)`);
        roles.push({ kind: 'blank' });
      } else {
        extras.push(name);
        roles.push({ kind: 'extra' });
      }
      return;
    }
    const earlier = indexOf.get(field.name);
    if (earlier !== undefined) {
      problems.push(`columns ${columnLetter(earlier)} "${header[earlier]}" and ${columnLetter(i)} "${name}" both mean ${field.name}; keep one of them`);
    } else {
      indexOf.set(field.name, i);
    }
    roles.push({ kind: 'field', field });
  });
  if (problems.length > 0) {
    throw new RunError(
      'COLUMNS',
      `${file}: ${problems.join('; ')}. Rename ${problems.length === 1 ? 'it' : 'them'} (see \`tiktok-ads-bulk template\` for every column).`,
    );
  }
  return { header, roles, indexOf, extras };
}
