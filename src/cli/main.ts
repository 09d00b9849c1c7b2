#!/usr/bin/env node
/**
 * The process entry: the only module that touches argv, the environment, exit codes and signals.
 */
// Stryker disable all: this file runs only as a real process (the processIt tests run dist/), which
// no mutant reaches; everything it calls is tested in-process through runCli.
// Signal handlers go in before the (slow) imports below, so an early Ctrl-C is never lost.

const soft = new AbortController();
const hard = new AbortController();
let stopSim: (() => Promise<void>) | undefined;

function onSignal(): void {
  if (stopSim) {
    void stopSim().then(() => process.exit(0));
    return;
  }
  if (!soft.signal.aborted) {
    process.stderr.write('\nStopping: no new rows; waiting for requests in flight (Ctrl-C again to abandon them)…\n');
    soft.abort();
  } else if (!hard.signal.aborted) {
    process.stderr.write('\nAbandoning requests in flight; they will be re-sent with the same keys next run.\n');
    hard.abort();
  }
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const { runCli } = await import('./run.js');

/** One line typed at the terminal (delete's confirmation); Ctrl-C while asking is a no. */
async function ask(question: string): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question, { signal: soft.signal });
  } catch {
    return '';
  } finally {
    rl.close();
  }
}
const isTTY = process.stderr.isTTY === true;
const code = await runCli(process.argv.slice(2), {
  env: process.env,
  io: {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    isTTY,
    color: isTTY && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb',
  },
  signal: soft.signal,
  hardSignal: hard.signal,
  ...(process.stdin.isTTY && isTTY ? { ask } : {}),
  onSimStarted: (stop) => {
    stopSim = stop;
  },
});
if (!stopSim) process.exitCode = code;
