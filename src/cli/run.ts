import { parseArgs } from 'node:util';
import { basename, extname } from 'node:path';
import { RunError } from '../errors.js';
import { registryOptions, str } from './option-values.js';
import type { SheetOptions } from '../commands/common-options.js';
import type { LinkOptions } from '../commands/link-stage.js';
import { redact } from '../send/redact.js';
import type { RunSummary } from '../commands/summary.js';
import { validateFile } from '../commands/validate.js';
import type { TemplateFormat } from '../commands/template.js';
import { VERSION } from '../version.js';
import type { CliContext, Values } from './context.js';

export type { CliContext, Values } from './context.js';
import { nearMiss } from '../validate/nearest.js';
import { FLAGS, flagsOf, parseOptions, type Command } from './flags.js';
import { SIM_HELP, STATUS_HELP, TEMPLATE_HELP, TOOL_HELP, UI_HELP, UPLOAD_HELP, VALIDATE_HELP } from './help.js';

function parse(command: Command, args: string[]): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options: parseOptions(command), allowPositionals: true, strict: true });
    return { values: values as Values, positionals };
  } catch (err) {
    throw new RunError('USAGE', `${command}: ${usageProblem(command, args, err)} See \`tiktok-ads-bulk ${command} --help\`.`);
  }
}

/** Our own sentence for what node:util parseArgs refused, naming the flag and the nearest real one. */
function usageProblem(command: Command, args: readonly string[], err: unknown): string {
  const code = (err as { code?: string }).code;
  const names = flagsOf(command).map((f) => `--${f.name}`);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const given = args.find((a) => a.startsWith('-') && !names.includes(a.split('=')[0]!) && a !== '-h' && a !== '--');
    const flag = given?.split('=')[0] ?? 'that option';
    const guess = flag.startsWith('--') ? nearMiss(flag, names) : undefined;
    return `${flag} is not an option of ${command}${guess ? `; did you mean ${guess}?` : '.'}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = /'(--[\w-]+)/.exec(err instanceof Error ? err.message : '')?.[1];
    const spec = FLAGS.find((f) => `--${f.name}` === flag);
    if (spec?.type === 'boolean') return `${flag} takes no value.`;
    return `${flag ?? 'an option'} needs a value${spec?.value ? `: ${flag} ${spec.value}` : ''}.`;
  }
  return `${err instanceof Error ? err.message.split('\n')[0] : String(err)}.`;
}

/** A sheet command's FILE and options, as the registry (options/registry.ts) reads its flags. */
function sheetOptions(command: 'validate' | 'upload', values: Values, positionals: string[]): SheetOptions & LinkOptions & Record<string, unknown> {
  if (positionals.length === 0) throw new RunError('USAGE', `${command}: which file? e.g. tiktok-ads-bulk ${command} campaign.xlsx`);
  if (positionals.length > 1) throw new RunError('USAGE', `${command}: one file at a time; got ${positionals.length} (${positionals.join(', ')}).`);
  return { file: positionals[0]!, ...registryOptions(command, values) };
}

/** Runs the CLI with argv (without node and script) and returns the exit code. Never exits itself. */
export async function runCli(argv: readonly string[], context: CliContext): Promise<number> {
  const debug = argv.includes('--debug');
  // Whatever reaches the terminal passes through redact: an error message (even one a hostile
  // server echoed back) must never show the key.
  const key = context.env.ADSPIRER_API_KEY?.trim();
  const io = { ...context.io, out: (t: string) => context.io.out(redact(t, key)), err: (t: string) => context.io.err(redact(t, key)) };
  const ctx: CliContext = { ...context, io };
  try {
    return await dispatch([...argv], { ...ctx, argv });
  } catch (err) {
    if (err instanceof RunError) {
      ctx.io.err(`Error: ${err.message}\n`);
      if (debug && err.cause instanceof Error) ctx.io.err(`${err.cause.stack ?? err.cause.message}\n`);
      return err.exitCode;
    }
    const e = err instanceof Error ? err : new Error(String(err));
    ctx.io.err(`Unexpected error: ${e.message}. ${debug ? '' : 'Run again with --debug for details, and report it if it persists.'}\n`);
    if (debug) ctx.io.err(`${e.stack ?? ''}\n`);
    return 2;
  }
}

async function dispatch(argv: string[], ctx: CliContext): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    ctx.io.out(TOOL_HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v') {
    ctx.io.out(`${VERSION}\n`);
    return 0;
  }
  switch (command) {
    case 'validate': {
      const { values, positionals } = parse(command, rest);
      if (values.help) return help(ctx, VALIDATE_HELP);
      const summary = await validateFile({ ...sheetOptions(command, values, positionals), ...(ctx.signal ? { signal: ctx.signal } : {}) }, ctx.io);
      return finish(ctx, summary, values.json === true);
    }
    case 'upload': {
      const { values, positionals } = parse(command, rest);
      if (values.help) return help(ctx, UPLOAD_HELP);
      const { uploadFromCli } = await import('./upload-args.js');
      const summary = await uploadFromCli({ ...sheetOptions(command, values, positionals) }, values, ctx);
      return finish(ctx, summary, values.json === true);
    }
    case 'template': {
      const { values, positionals } = parse(command, rest);
      if (values.help) return help(ctx, TEMPLATE_HELP);
      if (positionals.length) throw new RunError('USAGE', `template takes no file; use --out ${positionals[0]}.`);
      const out = str(values.out);
      const format = (str(values.format) ?? (out && extname(out).toLowerCase() === '.xlsx' ? 'xlsx' : 'csv')) as TemplateFormat;
      if (out && extname(out).toLowerCase() !== `.${format}`) {
        throw new RunError('USAGE', `template: --out ${basename(out)} does not end in .${format}; the file would not open as ${format}.`);
      }
      const { writeTemplate } = await import('../commands/template.js');
      const written = await writeTemplate(format, out ?? `tiktok-ads-template.${format}`, { force: values.force === true });
      ctx.io.err(`Template written: ${written}\n`);
      return 0;
    }
    case 'sim': {
      const { values, positionals } = parse(command, rest);
      if (values.help) return help(ctx, SIM_HELP);
      if (positionals.length) throw new RunError('USAGE', `sim takes no file; got ${positionals.join(' ')}.`);
      const { simFromCli } = await import('./sim-args.js');
      return simFromCli(values, ctx);
    }
    case 'ui': {
      const { values, positionals } = parse(command, rest);
      if (values.help) return help(ctx, UI_HELP);
      if (positionals.length) throw new RunError('USAGE', `ui takes no file: choose or drop one on the page (the folder is --dir, default here).`);
      const { uiFromCli } = await import('./ui-args.js');
      return uiFromCli(values, ctx);
    }
    case 'pause':
    case 'resume':
    case 'delete': {
      const { values, positionals } = parse(command, rest);
      if (values.help) return help(ctx, STATUS_HELP[command]);
      const { statusFromCli } = await import('./status-args.js');
      const summary = await statusFromCli(command, values, positionals, ctx);
      if (values.json === true) ctx.io.out(`${JSON.stringify(summary)}\n`);
      return summary.exit_code;
    }
    default:
      throw new RunError('USAGE', `unknown command "${command}"; use validate, upload, pause, resume, delete, template, sim or ui (see --help).`);
  }
}

function help(ctx: CliContext, text: string): number {
  ctx.io.out(text);
  return 0;
}

function finish(ctx: CliContext, summary: RunSummary, json: boolean): number {
  if (json) ctx.io.out(`${JSON.stringify(summary)}\n`);
  return summary.exit_code;
}
