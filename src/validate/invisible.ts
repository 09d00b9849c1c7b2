/** Characters a copy from a web page or a PDF leaves in a cell that no one can see. */
export const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00A0\u00AD]/g;
export const HAS_INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00A0\u00AD]/;
/** What each is called in a message. */
export const INVISIBLE_NAMES: Record<string, string> = {
  '\u200B': 'zero-width space',
  '\u200C': 'zero-width non-joiner',
  '\u200D': 'zero-width joiner',
  '\u2060': 'word joiner',
  '\uFEFF': 'byte-order mark',
  '\u00A0': 'non-breaking space',
  '\u00AD': 'soft hyphen',
};

/** A value for a message: clipped, with invisible characters made visible. */
export function clipValue(value: string): string {
  const shown = value.replace(INVISIBLE, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`);
  return shown.length > 60 ? `${shown.slice(0, 57)}…` : shown;
}
