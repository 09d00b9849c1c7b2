import { optionsOf, parseChoice, parseNumberOption, type Command } from '../options/registry.js';

/** One parsed flag's value, as node:util parseArgs gives it. */
type FlagValue = string | boolean | (string | boolean)[] | undefined;

/** A flag's string value, or undefined when absent (or given as a boolean). */
export function str(value: FlagValue): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** `{ [key]: value }` when the value is given, else nothing: options objects omit absent keys. */
export function given<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * The library options a command's flags set, each read as the registry declares it (a number in
 * its range, one of its choices, a list, a switch): flags without a library option are left to
 * their command. Absent flags are absent, so the library's own defaults apply.
 */
export function registryOptions(command: Command, values: Readonly<Record<string, FlagValue>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const spec of optionsOf(command)) {
    const value = values[spec.name];
    if (!spec.option || value === undefined) continue;
    if (spec.type === 'boolean') {
      if (value === true) out[spec.option] = spec.negates !== true;
      continue;
    }
    if (spec.multiple) {
      out[spec.option] = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
      continue;
    }
    const raw = str(value);
    if (raw === undefined) continue;
    out[spec.option] = spec.number ? parseNumberOption(spec, raw) : spec.choices ? parseChoice(spec, raw) : raw;
  }
  return out;
}
