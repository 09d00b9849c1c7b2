import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { Cell, RawRecord } from '../read/cell.js';
import { recordRanges, type CsvBody } from '../read/csv-ranges.js';
import { parseError } from '../read/delimited.js';
import { DEFAULT_LIMITS, tooManyRows, type ReadLimits } from '../read/limits.js';
import type { Sheet } from '../read/sheet.js';
import { OccurrenceCounter } from '../keys/occurrences.js';
import type { Problem } from './args.js';
import { CheckPool } from './check-pool.js';
import type { CheckAnswer, CheckJob, WorkerSetup } from './check-protocol.js';
import type { ChunkWants } from './checked-chunk.js';
import type { RowRules } from './validate-row.js';
import { keyOrDuplicate, noAds, rowRulesFor, validateSheet, type CheckedAd, type ValidateOptions } from './validate-sheet.js';

/**
 * How `validate` spreads its work over the machine's cores. A large UTF-8 CSV is cut into byte
 * ranges at record ends that the workers read, parse and check at the same time; an xlsx is
 * parsed here (exceljs's reader cannot be split) while a worker checks the rows. Small files,
 * UTF-16 text and single-core machines are checked here, in one thread.
 */
export interface ParallelOptions {
  /** Worker threads. Default for CSV: the cores available less one, at most 3 (this thread checks too); for xlsx, 1. */
  readonly workers?: number;
  /** Files smaller than this are checked in this thread: starting workers costs more than they save. */
  readonly minBytes?: number;
  /** Bytes of CSV per job. */
  readonly rangeBytes?: number;
  /** Rows of xlsx per job. */
  readonly batchRows?: number;
}

/** Ads handed on together. */
const RUN = 256;
const NO_PROBLEMS: readonly Problem[] = Object.freeze([]);
const NO_CELLS: readonly Cell[] = Object.freeze([]);
const DEFAULTS = { minBytes: 4 << 20, rangeBytes: 4 << 20, batchRows: 2_000 };

export interface CheckOptions extends ValidateOptions {
  readonly parallel?: ParallelOptions;
  /** What each ad carries of its input row, for a report: nothing, its cells, or its CSV text. */
  readonly wantInputs: ChunkWants['inputs'];
}

/**
 * Every ad of the sheet checked, in input order, in runs of up to RUN ads (the consumer loops over
 * a run without an await per ad): in worker threads when that pays, else here.
 */
export async function checkSheet(sheet: Sheet, options: CheckOptions): Promise<AsyncIterable<readonly CheckedAd[]>> {
  const parallel = { ...DEFAULTS, ...options.parallel };
  const cores = availableParallelism();
  const size = (await stat(sheet.file)).size;
  // Unknown columns end the run here, before any worker starts; the workers get these same rules.
  const rules = rowRulesFor(sheet.file, sheet.header, options);
  // One core gains nothing from threads, unless asked for them (the tests do, to compare).
  if (size >= parallel.minBytes && (cores >= 2 || options.parallel?.workers !== undefined)) {
    const body = sheet.delimited?.body;
    if (sheet.delimited && body) {
      await sheet.close?.();
      const jobs = rangeJobs(sheet.file, body, parallel.rangeBytes);
      const { limits } = sheet.delimited;
      const setup = setupFor(sheet, rules, options, limits, { delimiter: sheet.delimited.delimiter, lineBreak: body.lineBreak });
      // This thread checks too when the workers are busy: one isolate fewer for the same cores.
      return checkInWorkers(sheet, jobs, () => new CheckPool(setup, parallel.workers ?? Math.min(3, cores - 1), rules), options, { base: body.headerRow, limits });
    }
    if (sheet.format === 'xlsx') {
      // The xlsx reader enforces its own limits; a worker only needs the cell length, from the rules.
      const setup = setupFor(sheet, rules, options, DEFAULT_LIMITS);
      // This thread is busy parsing the xlsx; one worker checks as fast as exceljs reads.
      return checkInWorkers(sheet, recordJobs(sheet.records, parallel.batchRows), () => new CheckPool(setup, parallel.workers ?? 1, undefined, 8), options);
    }
  }
  return inRuns(validateSheet(sheet, options), RUN);
}

/** Groups ads into runs; a run cut short by an error is still handed on before the error. */
async function* inRuns(ads: AsyncIterable<CheckedAd>, size: number): AsyncGenerator<readonly CheckedAd[]> {
  let run: CheckedAd[] = [];
  try {
    for await (const ad of ads) {
      run.push(ad);
      if (run.length >= size) {
        yield run;
        run = [];
      }
    }
  } finally {
    if (run.length) yield run;
  }
}

/** The row rules as plain data for the workers, with what they read and send back. */
function setupFor(sheet: Sheet, rules: RowRules, options: CheckOptions, limits: ReadLimits, csv?: WorkerSetup['csv']): WorkerSetup {
  const wants: ChunkWants = { inputs: options.wantInputs, canonical: options.allowDuplicates ?? false, width: sheet.header.length };
  return {
    file: sheet.file,
    header: sheet.header,
    defaults: [...rules.defaults],
    ...(rules.adName ? { adName: rules.adName } : {}),
    runDate: rules.runDate,
    limits: { ...limits, maxCellChars: rules.maxCellChars },
    wants,
    ...(csv ? { csv } : {}),
  };
}

async function* rangeJobs(file: string, body: CsvBody, rangeBytes: number): AsyncGenerator<CheckJob> {
  for await (const range of recordRanges(file, body, rangeBytes)) yield { kind: 'range', range };
}

/** Batches of records; when the reader fails part-way, the records read before it still go out. */
async function* recordJobs(records: AsyncIterable<RawRecord>, batchRows: number): AsyncGenerator<CheckJob> {
  let batch: RawRecord[] = [];
  try {
    for await (const record of records) {
      batch.push(record);
      if (batch.length >= batchRows) {
        yield { kind: 'records', records: batch };
        batch = [];
      }
    }
  } finally {
    if (batch.length) yield { kind: 'records', records: batch };
  }
}

/**
 * Sends the jobs to the workers, a few ahead, and merges their answers in job order: row numbers
 * of byte ranges continue from one range to the next (from the header's row, `ranges.base`, and up
 * to the reader's row limit; records sent from here carry their own, and the reader that read
 * them enforced it), and duplicates are decided here, where every earlier row is known.
 */
async function* checkInWorkers(
  sheet: Sheet,
  jobs: AsyncIterable<CheckJob>,
  startPool: () => CheckPool,
  options: CheckOptions,
  ranges?: { readonly base: number; readonly limits: ReadLimits },
): AsyncGenerator<readonly CheckedAd[]> {
  // Started on the first row asked for, so a caller that never iterates starts no thread.
  const pool = startPool();
  const counter = new OccurrenceCounter();
  const allowDuplicates = options.allowDuplicates ?? false;
  // Jobs given out, oldest first, each with its answer once it has come.
  const ahead: { readonly promise: Promise<CheckAnswer>; answer?: CheckAnswer }[] = [];
  let base = ranges?.base ?? 0;
  let ads = 0;

  // One answer's ads in runs of RUN; the ads before a row that ends the run are handed on first.
  // Short runs keep each ad short-lived (a whole chunk at once would outlive the young generation).
  function* merge(answer: CheckAnswer): Generator<readonly CheckedAd[]> {
    let out: CheckedAd[] = [];
    try {
      for (const ad of collect(answer)) {
        out.push(ad);
        if (out.length >= RUN) {
          yield out;
          out = [];
        }
      }
    } finally {
      if (out.length) yield out;
    }
  }

  function* collect(answer: CheckAnswer): Generator<CheckedAd> {
    if ('crashed' in answer) throw new Error(`checking rows failed: ${answer.crashed}`);
    const { chunk } = answer;
    let note = 0;
    for (let i = 0; i < chunk.rows.length; i++) {
      const row = base + chunk.rows[i]!;
      if (ranges && row > ranges.limits.maxRows + 1) throw tooManyRows(sheet.file, ranges.limits);
      const notes = chunk.notes[note]?.ad === i ? chunk.notes[note++]! : undefined;
      const warnings: readonly Problem[] = notes?.warnings ?? NO_PROBLEMS;
      const input = chunk.inputs?.[i] ?? NO_CELLS;
      const inputCsv = chunk.inputCsv ? { inputCsv: chunk.inputCsv.bytes.subarray(i === 0 ? 0 : chunk.inputCsv.ends[i - 1], chunk.inputCsv.ends[i]) } : {};
      ads++;
      if (chunk.valid[i] === 0) {
        yield { row, input, ...inputCsv, problems: notes?.problems ?? NO_PROBLEMS, warnings };
        continue;
      }
      const keyed = counter.place(chunk.keys.subarray(16 * i, 16 * i + 16), row, chunk.canonical?.[i] ?? undefined);
      const placed = keyOrDuplicate(keyed, allowDuplicates);
      yield 'key' in placed ? { row, input, ...inputCsv, key: placed.key, problems: NO_PROBLEMS, warnings } : { row, input, ...inputCsv, problems: [placed.problem], warnings };
    }
    if (answer.stopped) throw parseError(sheet.file, base + answer.stopped.row, answer.stopped.failure);
    if (ranges) {
      base += chunk.records;
      if (base > ranges.limits.maxRows + 1) throw tooManyRows(sheet.file, ranges.limits);
    }
  }

  const give = (job: CheckJob): void => {
    const entry: (typeof ahead)[number] = { promise: pool.check(job) };
    entry.promise.then((answer) => (entry.answer = answer), () => {});
    ahead.push(entry);
  };

  try {
    const source = jobs[Symbol.asyncIterator]();
    // What ended the reading early: thrown only after the rows read before it are handed on.
    let readFailure: { error: unknown } | undefined;
    for (;;) {
      let next: IteratorResult<CheckJob>;
      try {
        next = await source.next();
      } catch (error) {
        readFailure = { error };
        break;
      }
      if (next.done) break;
      // Until a checker can take the job, merge answers as they come (in order). This thread never
      // waits on a worker while it could be checking rows itself. Answers waiting to be merged are
      // bounded: each holds a chunk.
      while (!pool.hasRoom || ahead.length >= pool.capacity + 2) {
        await Promise.race([ahead[0]!.promise, pool.roomFreed()]);
        while (ahead[0]?.answer) yield* merge(ahead.shift()!.answer!);
      }
      give(next.value);
      while (ahead[0]?.answer) yield* merge(ahead.shift()!.answer!);
    }
    while (ahead.length) yield* merge(await ahead.shift()!.promise);
    if (readFailure) throw readFailure.error;
    if (ads === 0) throw noAds(sheet);
  } finally {
    await pool.close();
  }
}
