/**
 * A text cell that a spreadsheet would run as a formula (OWASP "CSV injection": a leading =, +, -,
 * @, tab or carriage return) gets a leading apostrophe in CSV output. The CSV reader removes it
 * again (read/delimited.ts), so our reports and retry files read back to the same values.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function safeCsvCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}
