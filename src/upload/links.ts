import type { Observation } from '../links/observation.js';
import { problemsText } from '../report/problem-text.js';
import type { PlannedSend } from '../batch/carry-over.js';
import type { JournalContents } from '../batch/journal.js';
import { runLinkStage, type LinkOptions } from '../commands/link-stage.js';
import type { Io } from '../commands/io.js';
import { ProblemPrinter } from '../commands/problem-printer.js';

/** What the link stage of an upload needs from the run. */
export interface LinkRunInput {
  readonly options: LinkOptions & { readonly signal?: AbortSignal };
  readonly io: Io;
  /** stderr, with the key masked. */
  readonly say: (text: string) => void;
  readonly now: number;
  /** The row an ad is on, by seq. */
  readonly rowOf: (seq: number) => number;
  readonly report: string;
  /** Links earlier runs of the batch found usable, and when. */
  readonly remembered: JournalContents['links'];
}

/** What upload does with the link checks' findings. */
export interface RunLinks {
  /** Rows not sent: their report error, by seq. */
  readonly invalid: ReadonlyMap<number, string>;
  /** Rows that go ahead with a warning in their report error, by seq. */
  readonly warnings: ReadonlyMap<number, string>;
  /** Links found usable by this run, for the journal (so a re-run within a day does not fetch them again). */
  readonly usable: readonly { readonly link: string; readonly seen: Observation }[];
}

/** A usable link stays trusted this long: a file can be taken down, but not usually within the day of a launch. */
const LINK_MEMORY_MS = 24 * 60 * 60 * 1000;

/** Checks the links of the rows about to be sent, prints what is wrong by row, and sorts the rows. */
export async function checkRunLinks(run: LinkRunInput, toSend: readonly PlannedSend[]): Promise<RunLinks> {
  const { options } = run;
  const known = new Map<string, Observation>();
  for (const [link, { at, seen }] of run.remembered) {
    if (run.now - Date.parse(at) < LINK_MEMORY_MS) known.set(link, seen);
  }
  const result = await runLinkStage(
    toSend.map((item) => ({ id: item.seq, args: item.links ?? {} })),
    options,
    run.io,
    { known, say: run.say, ...(options.signal ? { signal: options.signal } : {}) },
  );
  const invalid = new Map<number, string>();
  const warnings = new Map<number, string>();
  // Ctrl-C during the checks: links cut short say nothing about the rows (none is made invalid by
  // --strict-links for it); the batch then stops before sending, as Ctrl-C does.
  if (options.signal?.aborted) return { invalid, warnings, usable: [] };
  const printer = new ProblemPrinter({ ...run.io, err: run.say });
  for (const item of toSend) {
    const found = result.byAd.get(item.seq);
    if (!found) continue;
    printer.add({ row: run.rowOf(item.seq), input: [], problems: found.problems, warnings: found.warnings });
    if (found.problems.length) invalid.set(item.seq, problemsText([...found.problems, ...found.warnings]));
    else if (found.warnings.length) warnings.set(item.seq, problemsText(found.warnings));
  }
  printer.finish(run.report);
  const usable: { link: string; seen: Observation }[] = [];
  for (const [link, seen] of result.observed) {
    if (known.has(link) || seen.kind !== 'answer' || result.verdicts.get(link)?.level === 'invalid') continue;
    // The first bytes were judged already; the journal keeps the facts, not the bytes.
    const { head: _head, ...facts } = seen;
    usable.push({ link, seen: facts });
  }
  return { invalid, warnings, usable };
}
