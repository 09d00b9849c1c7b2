import type { Cell } from './cell.js';

/**
 * exceljs's cell value (shared/inline strings, rich text, hyperlinks, formulas with their cached
 * result, errors, numbers, booleans, dates) to the Cell the rest of the tool knows. Pure.
 */
export function fromExcelValue(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.trim() === '' ? null : value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) return fromExcelValue(v.richText.map((r: { text?: unknown }) => String(r.text ?? '')).join(''));
    if ('formula' in v || 'sharedFormula' in v) return fromExcelValue(v.result);
    if ('hyperlink' in v || 'text' in v) return fromExcelValue(v.text);
    // An error cell (#N/A, #REF!) is shown to the user as its text, so validation names it.
    if (typeof v.error === 'string') return v.error;
  }
  return null;
}
