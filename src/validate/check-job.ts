import { eachRangeRecord } from '../read/delimited.js';
import type { CheckAnswer, CheckJob, WorkerSetup } from './check-protocol.js';
import { ChunkBuilder } from './checked-chunk.js';
import type { RowRules } from './validate-row.js';
import { rowRulesFor } from './validate-sheet.js';

/** The row rules a setup describes (it travels to worker threads as plain data). */
export function rulesOf(setup: WorkerSetup): RowRules {
  return rowRulesFor(setup.file, setup.header, {
    defaults: new Map(setup.defaults),
    ...(setup.adName ? { adName: setup.adName } : {}),
    runDate: setup.runDate,
    maxCellChars: setup.limits.maxCellChars,
  });
}

/**
 * Does one job: reads a byte range and checks its records, or checks the records given. A parse
 * failure is an answer too (the merging side turns it into the run's error at the right row).
 */
export async function checkJob(id: number, job: CheckJob, setup: WorkerSetup, rules: RowRules): Promise<CheckAnswer> {
  const builder = new ChunkBuilder(rules, setup.wants);
  try {
    if (job.kind === 'records') {
      for (const record of job.records) builder.add(record);
      return { id, chunk: builder.finish(job.records.length) };
    }
    if (!setup.csv) throw new Error('a byte-range job needs the csv setup');
    const { records, failure } = await eachRangeRecord(setup.file, job.range, setup.csv, setup.limits, (record) => builder.add(record));
    const chunk = builder.finish(records);
    return failure ? { id, chunk, stopped: { row: failure.row, failure: failure.failure } } : { id, chunk };
  } catch (err) {
    return { id, crashed: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
}
