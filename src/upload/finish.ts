import { RunError } from '../errors.js';
import { basename } from 'node:path';
import { JournalWriter } from '../batch/journal.js';
import { OriginJournal } from '../batch/origin.js';
import type { BatchOutcome } from '../send/batch.js';
import { exitCode } from '../commands/exit-code.js';
import { Recorder } from './recorder.js';
import type { RunSummary } from '../commands/summary.js';
import { endText } from './messages.js';
import type { UploadRun, RunPlan, Ending } from './types.js';

/** Why the run stopped, if it did: the batch's own stop over the plan's, else a Ctrl-C that left rows unsent. */
export function howItEnded(run: UploadRun, plan: RunPlan, recorder: Recorder, outcome: BatchOutcome | undefined): Ending {
  if (outcome?.stopped) return { stopped: outcome.stopped, stopMessage: outcome.stopMessage, accounts: outcome.accounts };
  if (run.options.signal?.aborted && recorder.counts.not_sent > 0) return { stopped: 'interrupted', stopMessage: plan.stopMessage, accounts: plan.accounts };
  return { stopped: plan.stopped, stopMessage: plan.stopMessage, accounts: plan.accounts };
}

/** The retry file, what the run says at its end, and the summary. */
export async function finish(run: UploadRun, plan: RunPlan, recorder: Recorder, ending: Ending): Promise<RunSummary> {
  const { options } = run;
  const { stopped, stopMessage, accounts } = ending;
  const retry = await recorder.retryFile();
  if (retry.written && !options.dryRun) {
    // Recorded so that the next run can tell the user's edits to it from ours (it then writes beside it).
    const journal = await JournalWriter.open(run.journal, undefined);
    await journal.append({ event: 'retry-file', file: basename(retry.written.path), sha256: retry.written.sha256 });
    await journal.close();
    if (run.origin) {
      // The origin's next run may replace the retry file it wrote: this run has just rewritten it.
      const origin = await OriginJournal.open(run.origin, run.sheet.file);
      await origin.retryFile(basename(retry.written.path), retry.written.sha256);
      await origin.close();
    }
  }
  if (retry.note) run.say(`Note: ${retry.note}\n`);
  const retryPath = retry.written?.path ?? run.retryPath;
  if (stopped === 'setup') throw new RunError('SETUP', run.mask(stopMessage ?? 'the endpoint is not usable'));
  const quota = recorder.quota;
  const exit = exitCode(stopped, recorder.counts, options.dryRun === true);
  run.say(
    endText({
      counts: recorder.counts,
      carried: plan.carried,
      report: run.report,
      retryPath,
      elapsed: run.now() - run.startedAt,
      quota,
      quotaAsked: run.client !== undefined,
      quotaUnknown: recorder.quotaUnknownWhy ?? plan.quotaUnknown,
      stopped,
      stopMessage,
      accounts,
    }),
  );
  return {
    command: 'upload',
    file: options.file,
    report: run.report,
    rows: run.planned.length,
    counts: recorder.counts,
    quota: quota ? { used: quota.used, limit: quota.limit, tier: quota.tier, period_end: quota.period_end } : null,
    stopped,
    exit_code: exit,
  };
}
