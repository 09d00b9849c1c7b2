import type { ParseArgsConfig } from 'node:util';
import { OPTIONS, optionsOf, type Command, type OptionSpec } from '../options/registry.js';

export type { Command };

/** One flag: the registry's entry (options/registry.ts), from which parsing and help are made. */
export type Flag = OptionSpec;

export const FLAGS: readonly Flag[] = OPTIONS;

export function flagsOf(command: Command): Flag[] {
  return optionsOf(command);
}

/** node:util parseArgs options for a command. */
export function parseOptions(command: Command): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(
    flagsOf(command).map((f) => [f.name, { type: f.type, ...(f.multiple ? { multiple: true } : {}), ...(f.short ? { short: f.short } : {}) }]),
  );
}

/** A flag's help: its text, then its range and default as the registry declares them. */
function flagHelp(f: Flag): string {
  const range = f.number ? `${rangeShort(f.number)}` : '';
  const dflt = f.default !== undefined ? `default ${f.default}` : '';
  const extra = [range, dflt].filter((s) => s !== '').join('; ');
  return extra ? `${f.help} (${extra})` : f.help;
}

function rangeShort(r: NonNullable<Flag['number']>): string {
  if (r.max !== undefined) return r.minExclusive ? `above ${r.min}, at most ${r.max}` : `${r.min}–${r.max}`;
  return r.minExclusive ? `above ${r.min}` : `${r.min} or more`;
}

/** The Options block of a command's --help. */
export function optionsHelp(command: Command): string {
  const width = 26;
  return flagsOf(command)
    .filter((f) => f.name !== 'help')
    .map((f) => {
      const head = `  --${f.name}${f.value ? ` ${f.value}` : ''}`;
      const [first, ...more] = flagHelp(f).split('\n');
      const lines = [head.length < width ? `${head.padEnd(width)}${first}` : `${head}\n${' '.repeat(width)}${first}`];
      for (const line of more) lines.push(`${' '.repeat(width)}${line}`);
      return lines.join('\n');
    })
    .join('\n');
}
