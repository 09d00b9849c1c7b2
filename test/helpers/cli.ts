import { spawn } from 'node:child_process';
import { it } from 'vitest';
import { bufferIo } from '../../src/commands/io.js';
import { runCli } from '../../src/cli/run.js';

/**
 * Tests never reach the internet: the fixtures' links (example.com, e.com) are not ours to fetch, so
 * `upload` runs with --no-check-links unless a test checks links against its own server
 * (test/links.test.ts passes `links: true`).
 */
function offline(argv: string[], links: boolean): string[] {
  return argv[0] === 'upload' && !links && !argv.includes('--help') ? [argv[0], '--no-check-links', ...argv.slice(1)] : argv;
}

/** Runs the CLI in-process with captured output. */
export async function cli(
  argv: string[],
  env: Record<string, string | undefined> = {},
  signals: { signal?: AbortSignal; hardSignal?: AbortSignal; links?: boolean } = {},
) {
  const io = bufferIo();
  const { links = false, ...rest } = signals;
  const code = await runCli(offline(argv, links), { env, io, ...rest });
  return { code, stdout: io.stdout.join(''), stderr: io.stderr.join('') };
}

export interface Spawned {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * `it` for a test that runs the built CLI (dist/) as a real process. Under mutation testing
 * (npm run mutate) such a test runs code no mutant touches, so it is left out there; it always
 * runs in npm test.
 */
export const processIt: (name: string, fn: () => Promise<void>, timeout?: number) => void = it.runIf(!process.env.STRYKER_MUTATOR_WORKER);

/** Runs the built CLI (dist/) as a real process. */
export function spawnCli(
  argv: string[],
  env: Record<string, string> = {},
  options: { killAfterMs?: number; signal?: NodeJS.Signals; alsoAfterMs?: number; onStdout?: (s: string) => void; startWhen?: RegExp; links?: boolean } = {},
): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/bin/tiktok-ads-bulk.mjs', ...offline(argv, options.links === true)], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      options.onStdout?.(d.toString());
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timers: NodeJS.Timeout[] = [];
    let armed = false;
    const arm = (): void => {
      if (armed) return;
      armed = true;
      if (options.killAfterMs !== undefined) timers.push(setTimeout(() => child.kill(options.signal ?? 'SIGKILL'), options.killAfterMs));
      // A second signal, for "Ctrl-C twice".
      if (options.alsoAfterMs !== undefined) timers.push(setTimeout(() => child.kill(options.signal ?? 'SIGKILL'), options.alsoAfterMs));
    };
    // Timers start when stderr shows startWhen (e.g. the plan line), else at once.
    if (!options.startWhen) arm();
    else child.stderr.on('data', () => options.startWhen!.test(stderr) && arm());
    child.on('error', reject);
    child.on('close', (code, signal) => {
      for (const t of timers) clearTimeout(t);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
