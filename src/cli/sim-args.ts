import { RunError } from '../errors.js';
import { FAULT_KINDS, type FaultKind } from '../sim/options.js';
import { createSimulator } from '../sim/server.js';
import { given, intOption, numberOption, str as s } from './option-values.js';
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
  const accountsShape = choice('accounts-shape', s(values['accounts-shape']), ['structured', 'text'] as const);
  const adIdIn = choice('ad-id-in', s(values['ad-id-in']), ['data', 'text', 'none'] as const);
  const quotaInAnswers = choice('quota-in-answers', s(values['quota-in-answers']), ['yes', 'no'] as const);
  const apiKey = s(values['api-key']);
  if (apiKey === '') throw new RunError('USAGE', '--api-key is empty; give the key the simulator should accept, or leave the option out.');
  const sim = await createSimulator({
    port: intOption('port', s(values.port), { max: 65535 }) ?? 8787,
    ...given('apiKey', apiKey),
    ...given('quota', intOption('quota', s(values.quota))),
    ...given('used', intOption('used', s(values.used))),
    ...given('tier', s(values.tier)),
    ...(advertisers?.length ? { advertisers } : {}),
    ...given('accountsShape', accountsShape),
    ...given('adIdIn', adIdIn),
    ...(quotaInAnswers ? { quotaInAnswers: quotaInAnswers === 'yes' } : {}),
    ...given('latencyMs', numberOption('latency', s(values.latency))),
    ...given('rateLimit', numberOption('rate-limit', s(values['rate-limit']), { min: 0, minExclusive: true })),
    ...given('failRate', numberOption('fail-rate', s(values['fail-rate']), { max: 1 })),
    ...given('throttle', throttleOption(s(values.throttle))),
    ...given('overage', intOption('overage', s(values.overage))),
    ...(faults ? { faults: faults as FaultKind[] } : {}),
    ...given('seed', intOption('seed', s(values.seed))),
    ...(values.quiet ? {} : { log: (line: string) => ctx.io.err(`${new Date().toISOString()} ${line}\n`) }),
  }).catch((err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code;
    throw new RunError(
      'SETUP',
      code === 'EADDRINUSE'
        ? `Port ${s(values.port) ?? 8787} is in use; choose another with --port (0 picks a free one).`
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

/** `--throttle 30/20`: N calls per S seconds (S may have decimals, for rehearsals). */
function throttleOption(raw: string | undefined): { count: number; seconds: number } | undefined {
  if (raw === undefined) return undefined;
  const m = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*$/.exec(raw);
  if (!m || Number(m[1]) < 1 || !(Number(m[2]) > 0)) throw new RunError('USAGE', `--throttle ${raw}: write N/S, e.g. 30/20 for 30 calls per 20 seconds.`);
  return { count: Number(m[1]), seconds: Number(m[2]) };
}

function choice<T extends string>(name: string, raw: string | undefined, allowed: readonly T[]): T | undefined {
  if (raw === undefined) return undefined;
  const v = raw.trim().toLowerCase() as T;
  if (!allowed.includes(v)) throw new RunError('USAGE', `--${name} ${raw}: use ${allowed.join(' or ')}.`);
  return v;
}
