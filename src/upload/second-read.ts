import { RunError } from '../errors.js';
import { canonicalJson } from '../keys/canonical-json.js';
import { keyOfCanonical } from '../keys/idempotency-key.js';
import type { SendItem } from '../send/batch.js';
import { validateRow, type RowVerdict } from '../validate/validate-row.js';
import { rowRulesFor } from '../validate/validate-sheet.js';
import type { Recorder } from './recorder.js';
import { ProblemPrinter } from '../commands/problem-printer.js';
import type { RunPlan, UploadRun } from './types.js';

/**
 * Upload's second read of the file (README, "Performance"): the rows again, in order, matched to
 * the plan ad by ad. A settled row is recorded with its cells as it comes; a row to send is checked
 * again for its arguments, which must give the key it was planned with, and handed on. Only the
 * rows in flight and the report lines waiting for them are held, whatever the file's size.
 */
export async function* rowsToSend(run: UploadRun, plan: RunPlan, recorder: Recorder): AsyncGenerator<SendItem> {
  const sending = new Map(plan.sendable.map((item) => [item.seq, item]));
  const rules = rowRulesFor(run.sheet.file, run.sheet.header, run.validation);
  const { planned } = run;
  let seq = 0;
  const printer = plan.linksAhead ? new ProblemPrinter({ ...run.io, err: run.say }) : undefined;
  for await (const record of run.sheet.reread()) {
    if (planned[seq]?.row !== record.row) throw changed(run, record.row);
    let verdict: RowVerdict | undefined;
    // A row is one ad per ad group it lists, in order (validate-sheet.ts).
    for (let nth = 0; planned[seq]?.row === record.row; nth++, seq++) {
      const item = sending.get(seq);
      if (!item) {
        await recorder.settle(seq, record.cells);
        continue;
      }
      const ad = planned[seq]!;
      // No row is sent before its links are judged (checks running ahead of the sender).
      const links = await plan.linksAhead?.verdict(seq);
      if (links?.invalid !== undefined) {
        printer?.add({ row: record.row, input: [], problems: links.found?.problems ?? [], warnings: links.found?.warnings ?? [] });
        await recorder.linkInvalid(seq, record.cells, links.invalid);
        continue;
      }
      if (links?.warning !== undefined) recorder.linkWarning(seq, links.warning);
      verdict ??= validateRow(record, rules);
      const args = verdict.ads[nth];
      if (!args || keyOfCanonical(canonicalJson(args), ad.occurrence ?? 1) !== ad.key) throw changed(run, record.row);
      recorder.handOver(seq, record.cells);
      yield { seq, key: item.key, args, ...(item.base ? { base: item.base } : {}) };
    }
    const full = recorder.room();
    if (full) await full;
  }
  if (seq !== planned.length) throw changed(run, planned[seq]!.row);
  printer?.finish(run.report);
}

function changed(run: UploadRun, row: number): RunError {
  return new RunError(
    'FILE',
    `${run.options.file} changed while the batch was running (row ${row} no longer reads as it did when the rows were checked), so nothing more was sent. Rows already sent are in ${run.report} and the journal; save the file, then run the same command again to resume.`,
  );
}
