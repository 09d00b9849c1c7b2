import { RunError } from '../errors.js';
import { SERVER_OPTIONS } from './server-options.js';
import { SHEET_OPTIONS } from './sheet-options.js';
import type { Command, NumberRange, OptionSpec } from './spec.js';
import { UPLOAD_OPTIONS } from './upload-options.js';

export type { Command, NumberRange, OptionSpec } from './spec.js';

/**
 * Every option of every command, declared once: its flag, how it is parsed, its range and default,
 * the library option it sets and the web page's control for it. The CLI's parsing and --help, the
 * library's range checks, the page's mapping and (by a test) the README's options all come from here.
 */
export const OPTIONS: readonly OptionSpec[] = [...SHEET_OPTIONS, ...UPLOAD_OPTIONS, ...SERVER_OPTIONS];

export function optionsOf(command: Command): OptionSpec[] {
  return OPTIONS.filter((o) => o.commands.includes(command));
}

/** The option of a command by its flag; a missing one is a mistake in the code, not the user's. */
export function optionSpec(command: Command, name: string): OptionSpec {
  const spec = OPTIONS.find((o) => o.name === name && o.commands.includes(command));
  if (!spec) throw new Error(`no option --${name} for ${command}`);
  return spec;
}

/** An option's default as the registry declares it (a number where the option is one). */
export function defaultOf(command: Command, name: string): number {
  const value = optionSpec(command, name).default;
  if (typeof value !== 'number') throw new Error(`--${name} of ${command} has no numeric default`);
  return value;
}

/** "a whole number from 1 to 64", "a number above 0 and at most 100 (requests per second)". */
function rangeText(r: NumberRange): string {
  const kind = r.integer ? 'a whole number' : 'a number';
  const unit = r.unit ? ` (${r.unit})` : '';
  if (r.integer && !r.minExclusive) return r.max !== undefined ? `${kind} from ${r.min} to ${r.max}${unit}` : `${kind}, ${r.min} or more${unit}`;
  return `${kind} ${r.minExclusive ? 'above' : 'at least'} ${r.min}${r.max !== undefined ? ` and at most ${r.max}` : ''}${unit}`;
}

/** Whether a number is of the kind and in the range. */
function inRange(n: number, r: NumberRange): boolean {
  if (!Number.isFinite(n) || (r.integer && !Number.isSafeInteger(n))) return false;
  if (n < r.min || (r.minExclusive && n === r.min)) return false;
  return r.max === undefined || n <= r.max;
}

/**
 * A number given to the library (uploadFile's options) checked against the flag's range, with the
 * message the CLI gives for the same value: the range is declared once, above.
 */
export function checkNumberOption(command: Command, name: string, value: number | undefined): void {
  const r = optionSpec(command, name).number;
  if (value === undefined || !r) return;
  if (!inRange(value, r)) throw new RunError('USAGE', `--${name} ${value}: expected ${rangeText(r)}.`);
}

/** A flag's text as a number of its kind and range, or a usage error naming the flag. */
export function parseNumberOption(spec: OptionSpec, raw: string): number {
  const r = spec.number!;
  const text = raw.trim();
  const n = Number(text);
  const form = r.integer ? /^\d+$/.test(text) : text !== '' && Number.isFinite(n);
  if (!form || !inRange(n, r)) throw new RunError('USAGE', `--${spec.name} ${raw}: expected ${rangeText(r)}.`);
  return n;
}

/** A flag's text as one of its choices (any case), or a usage error naming the flag. */
export function parseChoice(spec: OptionSpec, raw: string): string {
  const v = raw.trim().toLowerCase();
  if (!spec.choices!.includes(v)) throw new RunError('USAGE', `--${spec.name} ${raw}: use ${spec.choices!.join(' or ')}.`);
  return v;
}

/**
 * The library options the web page's controls set, read from its request body by the registry's
 * `page` keys: the page sends each option's own value (checkLinks true or false), so a switch is
 * taken as it comes, text trimmed, lists of text kept. What the page does not send is left out.
 */
export function pageOptions(command: Command, body: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const spec of optionsOf(command)) {
    if (!spec.page || !spec.option) continue;
    const value = body[spec.page];
    if (spec.type === 'boolean') {
      if (typeof value === 'boolean') out[spec.option] = value;
    } else if (spec.multiple) {
      const list = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '') : [];
      if (list.length) out[spec.option] = list;
    } else if (typeof value === 'string' && value.trim() !== '') out[spec.option] = value.trim();
  }
  return out;
}
