/**
 * A worker thread that checks rows for `validate`: byte ranges it reads itself, or records sent to
 * it, answered as CheckedChunks. See check-in-workers.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkJob, rulesOf } from './check-job.js';
import type { CheckedChunk } from './checked-chunk.js';
import type { CheckJob, WorkerSetup } from './check-protocol.js';

const setup = workerData as WorkerSetup;
const rules = rulesOf(setup);

// One job at a time, in the order received: a worker's memory is one chunk's.
let queue = Promise.resolve();
parentPort?.on('message', ({ id, job }: { id: number; job: CheckJob }) => {
  queue = queue.then(async () => {
    const answer = await checkJob(id, job, setup, rules);
    // The chunk's typed arrays move to the main thread rather than being copied.
    parentPort!.postMessage(answer, 'chunk' in answer ? transferables(answer.chunk) : []);
  });
});

function transferables(chunk: CheckedChunk): ArrayBuffer[] {
  return [chunk.rows.buffer, chunk.valid.buffer, chunk.keys.buffer, ...(chunk.inputCsv ? [chunk.inputCsv.bytes.buffer, chunk.inputCsv.ends.buffer] : [])];
}
