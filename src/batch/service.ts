import { open, rename, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { RunError } from '../errors.js';
import { isLoopback } from '../send/endpoint.js';

/**
 * A batch belongs to one service: its journal records the endpoint's origin (never the key), and a
 * run against another service never counts that journal's ads as created. The simulator and every
 * loopback endpoint are rehearsals. What to do when the files at the report's path belong to
 * another service is decided here (pure), before the batch's lock is taken; the moves happen after.
 */
export interface Service {
  /** The endpoint's origin, e.g. https://api.adspirer.ai: what the journal records. */
  readonly origin: string;
  /** A loopback endpoint: the simulator or a test server, never the real account. */
  readonly rehearsal: boolean;
}

export function serviceOf(endpoint: URL): Service {
  return { origin: endpoint.origin, rehearsal: isLoopback(endpoint.hostname) };
}

export type BatchFilesDecision =
  /** The files belong to this service, or to none yet (or to a journal older than this rule): go on. */
  | { readonly kind: 'same' }
  /** A rehearsal's files at the real batch's place: they are moved aside, and this run starts afresh. */
  | { readonly kind: 'move-rehearsal'; readonly from: string }
  /** The real batch's files at the default place, and this run is a rehearsal: it writes its own. */
  | { readonly kind: 'rehearse-apart'; readonly from: string }
  /** Another real service's batch, or a rehearsal told to write over the real batch's report. */
  | { readonly kind: 'refuse'; readonly from: string };

/** Pure: what a run against `current` does with a journal recorded against `recorded`. */
export function decideBatchFiles(recorded: string | undefined, current: Service, reportGiven: boolean): BatchFilesDecision {
  if (recorded === undefined || recorded === current.origin) return { kind: 'same' };
  if (isLoopback(hostOf(recorded))) return { kind: 'move-rehearsal', from: recorded };
  if (current.rehearsal && !reportGiven) return { kind: 'rehearse-apart', from: recorded };
  return { kind: 'refuse', from: recorded };
}

function hostOf(origin: string): string {
  try {
    return new URL(origin).hostname;
  } catch {
    return '';
  }
}

/** The service a journal's first line names, or undefined (no journal, none named, unreadable). */
export async function recordedService(journal: string): Promise<string | undefined> {
  const handle = await open(journal, 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const first = buf.subarray(0, bytesRead).toString('utf8').split('\n')[0] ?? '';
    const header = JSON.parse(first) as { journal?: unknown; service?: unknown };
    return header.journal === 'tiktok-ads-bulk' && typeof header.service === 'string' ? header.service : undefined;
  } catch {
    return undefined; // not a journal of ours: the resume stage says so
  } finally {
    await handle.close();
  }
}

/** `campaign.results.csv` → `campaign.rehearsal.results.csv` (the first name not taken: -2, -3, …). */
export async function rehearsalName(path: string): Promise<string> {
  const dir = dirname(path);
  const name = basename(path);
  const dot = name.indexOf('.');
  const stem = dot < 0 ? name : name.slice(0, dot);
  // A rehearsal's own files moved aside again keep one "rehearsal" in their name: -2, -3, …
  const rest = (dot < 0 ? '' : name.slice(dot)).replace(/^\.rehearsal(?:-\d+)?(?=\.)/, '');
  for (let n = 1; ; n++) {
    const candidate = join(dir, `${stem}.rehearsal${n === 1 ? '' : `-${n}`}${rest}`);
    if (!(await exists(candidate)) && !(await exists(`${candidate}.journal`))) return candidate;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Moves a rehearsal's report, journal and retry file aside, under rehearsal names, so that the
 * real batch starts afresh at its own paths and the rehearsal stays readable. Returns the note.
 */
export async function moveRehearsalAside(
  files: { readonly report: string; readonly journal: string; readonly retry?: string },
  from: string,
  to: Service,
): Promise<string> {
  const report = await rehearsalName(files.report);
  const moved: string[] = [];
  if (await exists(files.report)) {
    await rename(files.report, report);
    moved.push(basename(report));
  }
  await rename(files.journal, `${report}.journal`);
  moved.push(basename(`${report}.journal`));
  if (files.retry && (await exists(files.retry))) {
    const retry = await rehearsalName(files.retry);
    await rename(files.retry, retry);
    moved.push(basename(retry));
  }
  return `The files at ${basename(files.report)} were a rehearsal against ${from}; they are kept apart as ${moved.join(', ')}, and this run against ${to.origin} starts afresh: none of the rehearsal's ads counts as created here.`;
}

/** The refusal when the report's place holds another service's batch. */
export function otherServiceError(report: string, from: string, to: Service): RunError {
  return new RunError(
    'REPORT',
    `${report} belongs to the batch sent to ${from}, and this run goes to ${to.origin}: its ads are not this service's, and its files are not overwritten. Choose another --report for this run${to.rehearsal ? ' (a rehearsal)' : ''}, or move the old report and ${basename(report)}.journal away.`,
  );
}
