import { silentIo, type Io } from '../commands/io.js';
import { Recorder } from './recorder.js';
import { emptyCounts, type RunSummary } from '../commands/summary.js';
import type { UploadOptions, UploadRun, Ending } from './types.js';
import { prepare } from './prepare.js';
import { planRun } from './plan.js';
import { send, refreshQuota } from './send.js';
import { howItEnded, finish } from './finish.js';

export { UPLOAD_DEFAULTS } from './types.js';
export type { UploadOptions, UploadEvent } from './types.js';

/**
 * `upload FILE`, in order: prepare (options, key, files, every row checked) → plan (what earlier
 * runs left, the free preflight, links, --limit, the quota) → send (the second read into the batch)
 * → finish (retry file, summary). Each stage is a file of this folder and takes plain inputs
 * (types.ts), never this orchestrator's.
 */
/** `upload FILE`: validate, then create one ad per valid row, resumably. */
export async function uploadFile(options: UploadOptions, io: Io = silentIo): Promise<RunSummary> {
  const run = await prepare(options, io);
  try {
    if (run.interrupted) return interruptedWhileChecking(run);
    const plan = await planRun(run);
    const recorder = await Recorder.open(run, plan);
    let ending: Ending;
    try {
      const outcome = await send(run, plan, recorder);
      ending = howItEnded(run, plan, recorder, outcome);
      recorder.stopped = ending.stopped;
      if (outcome && outcome.requests > 0) await refreshQuota(run, recorder);
    } catch (err) {
      await recorder.discardRetryFile();
      throw err;
    } finally {
      // Checks still running ahead of a batch that ended in an error are stopped and let go.
      plan.linksAhead?.stop();
      await plan.linksAhead?.finished.catch(() => undefined);
      await recorder.close();
    }
    return await finish(run, plan, recorder, ending);
  } finally {
    await run.client?.close();
    await run.origin?.lock.release();
    await run.lock.release();
  }
}

function interruptedWhileChecking(run: UploadRun): RunSummary {
  run.say(`Interrupted while checking rows (${run.planned.length} checked): nothing was sent and no report was written. Run the same command again.\n`);
  return {
    command: 'upload',
    file: run.options.file,
    report: null,
    rows: run.planned.length,
    counts: emptyCounts(),
    quota: null,
    stopped: 'interrupted',
    exit_code: 130,
  };
}
