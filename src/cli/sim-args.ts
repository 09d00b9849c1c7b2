import { RunError } from '../errors.js';
import { FAULT_KINDS, type FaultKind } from '../sim/options.js';
import { createSimulator } from '../sim/server.js';
import { defaultOf, optionSpec, parseChoice } from '../options/registry.js';
import type { SimOptions } from '../sim/options.js';
import { given, registryOptions, str as s } from './option-values.js';
import type { CliContext, Values } from './context.js';

/** `sim`: starts the simulator and keeps it running until Ctrl-C. */
export async function simFromCli(values: Values, ctx: CliContext): Promise<number> {
  const faults = s(values.faults)
    ?.split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  for (const f of faults ?? []) {
    if (!(FAULT_KINDS as readonly string[]).includes(f)) throw new RunError('USAGE', `--faults: unknown fault "${f}"; use ${FAULT_KINDS.join(', ')}.`);
  }
  const advertisers = s(values.advertisers)
    ?.split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  for (const a of advertisers ?? []) {
    if (!/^\d+\s*(?:=[^:]*)?(?::\s*(?:needs_reauth|connected|inactive))?$/.test(a)) {
      throw new RunError('USAGE', `--advertisers: "${a}" is not a TikTok advertiser: write ID, ID=Name, ID=Name:needs_reauth or ID=Name:inactive.`);
    }
  }
  const apiKey = s(values['api-key']);
  if (apiKey === '') throw new RunError('USAGE', '--api-key is empty; give the key the simulator should accept, or leave the option out.');
  // Numbers and choices as the registry declares them (options/registry.ts); the rest is the simulator's own.
  const declared = registryOptions('sim', values);
  const quotaInAnswers =
    s(values['quota-in-answers']) === undefined ? undefined : parseChoice(optionSpec('sim', 'quota-in-answers'), s(values['quota-in-answers'])!);
  const sim = await createSimulator({
    ...(declared as Partial<SimOptions>),
    port: (declared.port as number | undefined) ?? defaultOf('sim', 'port'),
    ...(advertisers?.length ? { advertisers } : {}),
    ...(quotaInAnswers ? { quotaInAnswers: quotaInAnswers === 'yes' } : {}),
    ...given('throttle', throttleOption(s(values.throttle))),
    ...given('adgroups', adgroupsOption(s(values.adgroups))),
    ...(faults ? { faults: faults as FaultKind[] } : {}),
    ...(values.quiet ? {} : { log: (line: string) => ctx.io.err(`${new Date().toISOString()} ${line}\n`) }),
  }).catch((err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code;
    throw new RunError(
      'SETUP',
      code === 'EADDRINUSE'
        ? `Port ${s(values.port) ?? defaultOf('sim', 'port')} is in use; choose another with --port (0 picks a free one).`
        : `The simulator could not start: ${String(err)}.`,
      { cause: err },
    );
  });
  ctx.io.out(`listening on ${sim.url}\n`);
  ctx.io.err(
    `Point an upload at it: ADSPIRER_API_KEY=${apiKey === undefined ? 'any-key' : '<the --api-key above>'} tiktok-ads-bulk upload FILE --endpoint ${sim.url}\n`,
  );
  ctx.onSimStarted?.(() => sim.close());
  return 0;
}

/** `--adgroups 7000…1:1780…101|1780…102,7000…2:1780…201`: the ad groups of each advertiser. */
function adgroupsOption(raw: string | undefined): Map<string, string[]> | undefined {
  if (raw === undefined) return undefined;
  const out = new Map<string, string[]>();
  for (const part of raw
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const m = /^(\d+)\s*:\s*(\d+(?:\s*\|\s*\d+)*)$/.exec(part);
    if (!m) throw new RunError('USAGE', `--adgroups: "${part}" is not ADVERTISER:ADGROUP|ADGROUP (IDs in digits).`);
    out.set(m[1]!, [...(out.get(m[1]!) ?? []), ...m[2]!.split('|').map((id) => id.trim())]);
  }
  return out;
}

/** `--throttle 30/20`: N calls per S seconds (S may have decimals, for rehearsals). */
function throttleOption(raw: string | undefined): { count: number; seconds: number } | undefined {
  if (raw === undefined) return undefined;
  const m = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*$/.exec(raw);
  if (!m || Number(m[1]) < 1 || !(Number(m[2]) > 0)) throw new RunError('USAGE', `--throttle ${raw}: write N/S, e.g. 30/20 for 30 calls per 20 seconds.`);
  return { count: Number(m[1]), seconds: Number(m[2]) };
}
