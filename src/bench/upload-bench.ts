import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { uploadFile } from '../upload/upload.js';
import { silentIo } from '../commands/io.js';
import { BENCH_HEADER, benchRow } from './generate.js';

export interface UploadScenario {
  readonly name: string;
  readonly rows: number;
  readonly latencyMs: number;
  readonly serverRate?: number;
  readonly rate: number;
  readonly concurrency: number;
}

export interface UploadFigures {
  readonly throughput: number;
  readonly expected: number;
  readonly requests: number;
  readonly throttled: number;
  readonly cpuMsPerRow: number;
  readonly created: number;
}

/** The simulator in its own process, so the client's CPU is measured alone. */
async function startSim(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [new URL('../cli/main.js', import.meta.url).pathname, 'sim', '--port', '0', '--quiet', '--quota', '1000000', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(/http:\/\/\S+/.exec(d.toString())![0]));
    child.once('error', reject);
  });
  return { url, child };
}

export interface ThrottleFigures {
  readonly seconds: number;
  readonly ideal: number;
  readonly requests: number;
  readonly throttled: number;
  readonly created: number;
  readonly exitCode: number;
  readonly pauses: number;
}

/**
 * The documented throttle (issue: "Live with the service as Adspirer documents it"): the simulator
 * answers 429 with no Retry-After and "Retry after X seconds." after `count` creations in a window
 * of `seconds`; the upload runs with its defaults. Ideal: one window per `count` rows.
 */
export async function runThrottleScenario(dir: string, rows: number, count: number, seconds: number): Promise<ThrottleFigures> {
  const file = join(dir, `throttle-${rows}.csv`);
  const lines = [BENCH_HEADER.join(',')];
  for (let i = 0; i < rows; i++)
    lines.push(
      benchRow(i)
        .map((c) => (c.includes(',') ? `"${c}"` : c))
        .join(','),
    );
  await writeFile(file, `${lines.join('\n')}\n`);
  const sim = await startSim(['--throttle', `${count}/${seconds}`]);
  try {
    let pauses = 0;
    const start = performance.now();
    const summary = await uploadFile(
      { file, endpoint: sim.url, env: { ADSPIRER_API_KEY: 'sk_bench' }, checkLinks: false, onEvent: (e) => void (e.type === 'pause' && pauses++) },
      silentIo,
    );
    const elapsed = (performance.now() - start) / 1000;
    const stats = (await (await fetch(`${sim.url}/__sim/stats`)).json()) as { requests: number; rateLimited: number };
    return {
      seconds: elapsed,
      ideal: Math.ceil(rows / count) * seconds,
      requests: stats.requests - 3, // less the two free preflight calls and the free quota check after
      throttled: stats.rateLimited,
      created: summary.counts.created,
      exitCode: summary.exit_code,
      pauses,
    };
  } finally {
    sim.child.kill('SIGINT');
  }
}

export async function runUploadScenario(dir: string, s: UploadScenario): Promise<UploadFigures> {
  const file = join(dir, `upload-${s.name.replace(/\W+/g, '-')}.csv`);
  const lines = [BENCH_HEADER.join(',')];
  for (let i = 0; i < s.rows; i++)
    lines.push(
      benchRow(i)
        .map((c) => (c.includes(',') ? `"${c}"` : c))
        .join(','),
    );
  await writeFile(file, `${lines.join('\n')}\n`);
  const sim = await startSim([...(s.latencyMs ? ['--latency', String(s.latencyMs)] : []), ...(s.serverRate ? ['--rate-limit', String(s.serverRate)] : [])]);
  try {
    const cpu = process.cpuUsage();
    let first = 0;
    let last = 0;
    const summary = await uploadFile(
      {
        file,
        endpoint: sim.url,
        env: { ADSPIRER_API_KEY: 'sk_bench' },
        rate: s.rate,
        concurrency: s.concurrency,
        retries: 10,
        // Generated rows point at example.com: the bench measures the upload, not the internet.
        checkLinks: false,
        onEvent: (e) => {
          if (e.type === 'row' && e.line.status === 'created') {
            last = performance.now();
            if (!first) first = last;
          }
        },
      },
      silentIo,
    );
    const used = process.cpuUsage(cpu);
    const stats = (await (await fetch(`${sim.url}/__sim/stats`)).json()) as { requests: number; rateLimited: number };
    const seconds = (last - first) / 1000;
    const expected = Math.min(s.rate, s.serverRate ?? Infinity, s.latencyMs > 0 ? s.concurrency / (s.latencyMs / 1000) : Infinity);
    return {
      throughput: seconds > 0 ? (summary.counts.created - 1) / seconds : 0,
      expected,
      requests: stats.requests - 2, // less the two free preflight calls
      throttled: stats.rateLimited,
      cpuMsPerRow: (used.user + used.system) / 1000 / s.rows,
      created: summary.counts.created,
    };
  } finally {
    sim.child.kill('SIGINT');
  }
}
