import { changeAdStatus, type StatusOptions, type StatusSummary } from '../ad-status/change-status.js';
import type { StatusAction } from '../ad-status/targets.js';
import { RunError } from '../errors.js';
import { registryOptions } from './option-values.js';
import type { CliContext, Values } from './context.js';

/** `pause|resume|delete FILE`: flags to StatusOptions, as the registry reads them. */
export function statusFromCli(action: StatusAction, values: Values, positionals: readonly string[], ctx: CliContext): Promise<StatusSummary> {
  if (positionals.length === 0) throw new RunError('USAGE', `${action}: which batch? Give the FILE you uploaded, e.g. tiktok-ads-bulk ${action} campaign.xlsx`);
  if (positionals.length > 1) throw new RunError('USAGE', `${action}: one batch at a time; got ${positionals.length} (${positionals.join(', ')}).`);
  const options = {
    file: positionals[0]!,
    ...registryOptions(action, values),
    env: ctx.env,
    ...(ctx.ask ? { confirm: async (question: string) => /^y(es)?$/i.test((await ctx.ask!(`${question} Type yes to go on: `)).trim()) } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(ctx.hardSignal ? { hardSignal: ctx.hardSignal } : {}),
  } as StatusOptions;
  return changeAdStatus(action, options, ctx.io);
}
