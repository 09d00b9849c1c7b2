#!/usr/bin/env node
/**
 * `npm run demo`: the fixture campaign uploaded to an in-process simulator with a small quota and
 * a few injected faults, in a temporary folder so the repo stays clean. An entry point, like main.ts.
 */
// Stryker disable all: an entry point run by `npm run demo`, as a process; what it calls (upload,
// the simulator) is tested in-process.
import { copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uploadFile } from '../upload/upload.js';
import { createSimulator } from '../sim/server.js';

// The last demo's folder is kept so its report can be opened; earlier ones are removed now, so at
// most one is ever left behind.
const PREFIX = 'tiktok-ads-bulk-demo-';
for (const name of await readdir(tmpdir())) {
  if (name.startsWith(PREFIX)) await rm(join(tmpdir(), name), { recursive: true, force: true });
}
const dir = await mkdtemp(join(tmpdir(), PREFIX));
const file = join(dir, 'campaign.csv');
await copyFile(new URL('../../fixtures/campaign.csv', import.meta.url), file);
// The simulator holds the campaign's ad groups, so the check before paying finds them all.
const rows = parse(await readFile(file), { columns: true, bom: true }) as { adgroup_id: string }[];
const adgroups = new Map([['7000000000000000001', [...new Set(rows.flatMap((r) => r.adgroup_id.split('|')))]]]);
const sim = await createSimulator({
  port: 0,
  quota: 30,
  used: 4,
  failRate: 0.15,
  faults: ['500', '503', 'drop-after', '502'],
  seed: 2,
  latencyMs: 40,
  adgroups,
});
process.stderr.write(`Simulator listening on ${sim.url} (quota 30, 4 used, 15% injected faults)\n\n`);
const isTTY = process.stderr.isTTY === true;
try {
  const summary = await uploadFile(
    {
      file,
      env: { ADSPIRER_API_KEY: 'sk_demo_key' },
      endpoint: sim.url,
      rate: 10,
      concurrency: 4,
      backoff: { minTimeout: 200, maxTimeout: 2000 },
      checkLinks: false,
    },
    { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), isTTY, color: isTTY && !('NO_COLOR' in process.env) },
  );
  const stats = sim.stats();
  process.stdout.write(
    `\nThe simulator saw ${stats.requests} requests (${
      Object.entries(stats.faults)
        .map(([k, v]) => `${v}× ${k}`)
        .join(', ') || 'no faults'
    }), replayed ${stats.replays} lost answers, and holds ${stats.created} ads: one per row.\n`,
  );
  process.stdout.write(`Report: ${summary.report}\n(kept in a temporary folder until the next npm run demo, which removes it)\n`);
  process.exitCode = summary.exit_code;
} finally {
  await sim.close();
}
