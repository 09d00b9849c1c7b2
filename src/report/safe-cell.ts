/**
 * A text cell that a spreadsheet would run as a formula (OWASP "CSV injection": a leading =, +, -,
 * @, tab or carriage return) gets a leading apostrophe in CSV output. The CSV reader removes it
 * again from the tool's own files (read/delimited.ts), so its reports and retry files read back to
 * the same values. A value that itself starts with an apostrophe before such a character gets one
 * more, so that removing one gives it back exactly.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;

export function safeCsvCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}
