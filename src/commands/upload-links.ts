import type { Observation } from '../links/observation.js';
import { problemsText } from '../report/problem-text.js';
import type { PlannedSend } from '../report/carry-over.js';
import { runLinkStage } from './link-stage.js';
import { ProblemPrinter } from './problem-printer.js';
import type { UploadRun } from './upload.js';

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
export const LINK_MEMORY_MS = 24 * 60 * 60 * 1000;

/** Checks the links of the rows about to be sent, prints what is wrong by row, and sorts the rows. */
export async function checkRunLinks(run: UploadRun, toSend: readonly PlannedSend[]): Promise<RunLinks> {
  const { options, planned } = run;
  const known = new Map<string, Observation>();
  for (const [link, { at, seen }] of run.resume.links) {
    if (run.now() - Date.parse(at) < LINK_MEMORY_MS) known.set(link, seen);
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
    printer.add({ row: planned[item.seq]!.row, input: [], problems: found.problems, warnings: found.warnings });
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
