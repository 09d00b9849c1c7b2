import { afterEach } from 'vitest';
import { uploadFile, type UploadOptions } from '../../src/upload/upload.js';
import { bufferIo } from '../../src/commands/io.js';
import { createSimulator, type Simulator } from '../../src/sim/server.js';
import type { SimOptions } from '../../src/sim/options.js';

export const KEY = 'sk_live_TESTKEY_9f8e7d6c5b4a';

const sims: Simulator[] = [];
export async function startSim(options: SimOptions = {}): Promise<Simulator> {
  const s = await createSimulator({ port: 0, ...options });
  sims.push(s);
  return s;
}
afterEach(async () => {
  while (sims.length) await sims.pop()!.close();
});

/** An upload against a simulator with short delays; returns the summary and captured output. */
export async function upload(
  sim: Simulator,
  options: Omit<UploadOptions, 'env'> & { env?: UploadOptions['env'] },
  watch: { onErr?: (text: string) => void } = {},
) {
  const buffered = bufferIo();
  const io = { ...buffered, err: (t: string) => (buffered.err(t), watch.onErr?.(t)) };
  const summary = await uploadFile(
    {
      env: { ADSPIRER_API_KEY: KEY },
      endpoint: sim.url,
      rate: 100,
      concurrency: 4,
      timeoutSeconds: 2,
      backoff: { minTimeout: 5, maxTimeout: 40 },
      maxRetryAfterMs: 5_000,
      sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 50))),
      // The fixtures' links are not ours to fetch: link checks are tested against a local server.
      checkLinks: false,
      // Listing ad groups is tested where the simulator is told which exist (--adgroups).
      checkAdgroups: false,
      ...options,
    },
    io,
  );
  return { summary, stdout: buffered.stdout.join(''), stderr: buffered.stderr.join('') };
}
