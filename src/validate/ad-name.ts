import { RunError } from '../errors.js';
import type { ArgValue } from './args.js';
import { fieldForHeader } from './columns.js';

/**
 * `--ad-name TEMPLATE`: names rows that have none, e.g. "{display_name} - {row}". Tokens are any
 * field (or its column name), {row} and {date}. Parsed once; rendering is pure.
 */
export type AdNameTemplate = readonly ({ readonly text: string } | { readonly token: string })[];

export function parseAdNameTemplate(template: string): AdNameTemplate {
  const parts: ({ text: string } | { token: string })[] = [];
  const re = /\{([^{}]*)\}/g;
  let last = 0;
  for (let m = re.exec(template); m; m = re.exec(template)) {
    if (m.index > last) parts.push({ text: template.slice(last, m.index) });
    const raw = m[1]!.trim();
    const lower = raw.toLowerCase();
    if (lower === 'row' || lower === 'date') parts.push({ token: lower });
    else {
      const field = fieldForHeader(raw);
      if (!field) throw new RunError('USAGE', `--ad-name: unknown token {${raw}}; use {row}, {date} or a column such as {display_name}.`);
      parts.push({ token: field.name });
    }
    last = m.index + m[0].length;
  }
  if (last < template.length) parts.push({ text: template.slice(last) });
  if (parts.length === 0) throw new RunError('USAGE', '--ad-name is empty; give a template such as "{display_name} - {row}".');
  return parts;
}

export function renderAdName(template: AdNameTemplate, values: Readonly<Record<string, ArgValue | undefined>>, row: number, date: string): string {
  return template
    .map((p) => {
      if ('text' in p) return p.text;
      if (p.token === 'row') return String(row);
      if (p.token === 'date') return date;
      const v = values[p.token];
      if (v === undefined) return '';
      if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : x.text)).join(' ');
      return String(v);
    })
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}
