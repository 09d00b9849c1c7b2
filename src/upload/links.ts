import type { Observation } from '../links/observation.js';
import { problemsText } from '../report/problem-text.js';
import type { PlannedSend } from '../batch/carry-over.js';
import type { JournalContents } from '../batch/journal.js';
import { checkLinkTimeout, linksSummary, runLinkStage, type LinkOptions } from '../commands/link-stage.js';
import type { AdLinkResult, LinkCheckResult } from '../links/check-links.js';
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
  return { invalid, warnings, usable: usableLinks(result, known) };
}

/** Links this run found usable (not known before), for the journal: a re-run within a day reuses them. */
function usableLinks(result: LinkCheckResult, known: ReadonlyMap<string, Observation>): { link: string; seen: Observation }[] {
  const usable: { link: string; seen: Observation }[] = [];
  for (const [link, seen] of result.observed) {
    if (known.has(link) || seen.kind !== 'answer' || result.verdicts.get(link)?.level === 'invalid') continue;
    // The first bytes were judged already; the journal keeps the facts, not the bytes.
    const { head: _head, ...facts } = seen;
    usable.push({ link, seen: facts });
  }
  return usable;
}

/** What the sender waits for before a row goes: its links' verdict. */
export interface LinkVerdictOfRow {
  /** The report error of a row that must not be sent (a bad link), with its problems. */
  readonly invalid?: string;
  /** Warnings that ride along in the row's report error. */
  readonly warning?: string;
  readonly found?: AdLinkResult;
}

/** Link checks running ahead of the sender (README, "Link checks"). */
export interface LinksAhead {
  /** Resolves once every link of the row's ad is judged. */
  verdict(seq: number): Promise<LinkVerdictOfRow>;
  /** Stops the checks not yet made (the batch ended): their rows were not sent. */
  stop(): void;
  /** Once every check is made or stopped: what to remember and say. */
  readonly finished: Promise<RunLinks>;
}

/**
 * Starts the link checks of the rows about to be sent and returns at once: the sender asks for a
 * row's verdict when the row's turn comes, so the first paid call goes as soon as the first rows'
 * links are judged, and the checks (8 at once, against 2 sends a second) stay ahead. No row is
 * sent before its links are judged; a bad link makes it invalid as before.
 */
export function checkLinksAhead(run: LinkRunInput, toSend: readonly PlannedSend[]): LinksAhead {
  const { options } = run;
  const known = new Map<string, Observation>();
  for (const [link, { at, seen }] of run.remembered) {
    if (run.now - Date.parse(at) < LINK_MEMORY_MS) known.set(link, seen);
  }
  const stopper = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stopper.signal]) : stopper.signal;
  const waiters = new Map<number, (v: LinkVerdictOfRow) => void>();
  const verdicts = new Map<number, Promise<LinkVerdictOfRow>>();
  for (const item of toSend) verdicts.set(item.seq, new Promise((resolve) => waiters.set(item.seq, resolve)));
  const settle = (seq: number, found: AdLinkResult | undefined): void => {
    // Checks cut short by Ctrl-C say nothing about the rows (none is made invalid by --strict-links
    // for it); the batch, stopping, sends none of them.
    const v: LinkVerdictOfRow =
      !found || signal.aborted
        ? {}
        : found.problems.length
          ? { invalid: problemsText([...found.problems, ...found.warnings]), found }
          : found.warnings.length
            ? { warning: problemsText(found.warnings), found }
            : { found };
    waiters.get(seq)?.(v);
    waiters.delete(seq);
  };
  const linkCount = new Set(
    toSend.flatMap((item) =>
      Object.values(item.links ?? {})
        .flat()
        .filter((v) => typeof v === 'string'),
    ),
  ).size;
  run.say(
    `Checking the links of ${toSend.length} ${toSend.length === 1 ? 'row' : 'rows'} as they go (${linkCount} distinct); no row is sent before its links are judged.\n`,
  );
  const finished = (async (): Promise<RunLinks> => {
    const { checkLinks } = await import('../links/check-links.js');
    const result: LinkCheckResult = await checkLinks(
      toSend.map((item) => ({ id: item.seq, args: item.links ?? {} })),
      {
        timeoutMs: checkLinkTimeout(options.linkTimeoutSeconds),
        strict: options.strictLinks === true,
        ...(options.linkDispatcher ? { dispatcher: options.linkDispatcher } : {}),
        known,
        signal,
        onAd: settle,
      },
    );
    // Rows never judged (none, unless the checker misses one): they are not sent unjudged.
    for (const seq of [...waiters.keys()])
      waiters.get(seq)!(signal.aborted ? {} : { invalid: 'links: not judged, so the row was not sent; run the same command again' });
    waiters.clear();
    run.say(linksSummary(result, signal.aborted));
    return { invalid: new Map(), warnings: new Map(), usable: signal.aborted ? [] : usableLinks(result, known) };
  })();
  // A checker that fails lets no row through: every waiting row is judged invalid by it.
  const failed = finished.catch((err: unknown) => {
    for (const seq of [...waiters.keys()]) waiters.get(seq)!({ invalid: `links: not checked (${err instanceof Error ? err.message : String(err)}); not sent` });
    throw err;
  });
  return {
    verdict: (seq) => verdicts.get(seq) ?? Promise.resolve({}),
    stop: () => stopper.abort(),
    finished: failed,
  };
}
