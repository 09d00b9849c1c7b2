import { FIELDS, TRACKING_URLS, type FieldSpec } from './fields.js';

/**
 * What the catalogue says of each field in words: the template's Fields sheet and the README's
 * field table are made from these (a test holds the README to `fieldTable()`). Pure.
 */

/** The kind of value a field takes, as a person reads it. */
export function typeText(f: FieldSpec): string {
  switch (f.kind) {
    case 'digits':
      return 'ID (digits, text)';
    case 'ref':
      return 'ID (text)';
    case 'url':
      return TRACKING_URLS.has(f.name) ? 'URL' : 'https URL';
    case 'uri':
      return 'app link';
    case 'enum': {
      const also = f.alsoAccepted?.length ? ` (also ${f.alsoAccepted.join(', ')}, with a warning)` : '';
      return `${(f.values ?? []).join(', ')}${also}`;
    }
    case 'bool':
      return 'TRUE/FALSE';
    case 'refList':
      return 'IDs, `|`-separated';
    case 'urlList':
      return 'https URLs, `|`-separated';
    case 'clickables':
      return 'JSON or `text|url` lines';
    default:
      return 'text';
  }
}

/** A field's limits: from its text rule where it has one, else what the catalogue says. */
export function limitText(f: FieldSpec): string {
  const t = f.text;
  if (!t) return f.limit ?? '';
  const size = t.min !== undefined ? `${t.min}–${t.max} characters` : `at most ${t.max} characters`;
  const counting = t.koreanAsTwo ? 'Chinese, Japanese and Korean count two' : 'Chinese and Japanese count two';
  return `${size} (${counting})${t.noEmoji ? ', no emoji' : ''}`;
}

// GitHub's tables split at every unescaped pipe, inside code spans too.
const cell = (text: string): string => text.replace(/\|/g, '\\|');

/** The README's field table, one row per field in the catalogue's order. */
export function fieldTable(fields: readonly FieldSpec[] = FIELDS): string {
  const rows = fields.map(
    (f) =>
      `| \`${f.name}\` | ${f.required ? 'yes' : ''} | ${cell(typeText(f))} | ${cell(limitText(f))} | ${(f.aliases ?? []).map((a) => `\`${a}\``).join(', ')} |`,
  );
  return ['| field | required | type | limits | aliases |', '|---|---|---|---|---|', ...rows].join('\n');
}
