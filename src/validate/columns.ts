import { RunError } from '../errors.js';
import { FIELDS, IGNORED_COLUMNS, type FieldSpec } from './fields.js';
import { nearest } from './nearest.js';

/** Header matching ignores case, spaces, `-` and `_` (README, "Input"). */
export function normaliseHeader(name: string): string {
  return name.toLowerCase().replace(/[\s_\-]+/g, '');
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

/** What one column of the input holds. */
export type ColumnRole = { readonly kind: 'field'; readonly field: FieldSpec } | { readonly kind: 'ignored' } | { readonly kind: 'blank' };

export interface ColumnMap {
  readonly header: readonly string[];
  readonly roles: readonly ColumnRole[];
  /** Column index of each field present. */
  readonly indexOf: ReadonlyMap<string, number>;
}

export function fieldForHeader(name: string): FieldSpec | undefined {
  return BY_NORMALISED.get(normaliseHeader(name));
}

/** Spreadsheet column letters (0 → A, 26 → AA) for messages. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/**
 * Maps header cells to fields. Unknown and repeated columns end the run (exit 2): guessing what a
 * column means could send the wrong thing to a paid API.
 */
export function mapColumns(file: string, header: readonly string[]): ColumnMap {
  const roles: ColumnRole[] = [];
  const indexOf = new Map<string, number>();
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
    const field = BY_NORMALISED.get(norm);
    if (!field) {
      const guess = nearest(norm, [...BY_NORMALISED.keys()]);
      const guessField = guess === undefined ? undefined : BY_NORMALISED.get(guess);
      problems.push(`column ${columnLetter(i)} "${name}" is not a field of add_tiktok_ad${guessField ? `; did you mean "${guessField.name}"?` : '.'}`);
      roles.push({ kind: 'blank' });
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
    throw new RunError('COLUMNS', `${file}: ${problems.join('; ')}. Rename or remove ${problems.length === 1 ? 'it' : 'them'} (see \`tiktok-ads-bulk template\` for every column).`);
  }
  return { header, roles, indexOf };
}
