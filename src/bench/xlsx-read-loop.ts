/**
 * `npm run xlsx-loop [-- READS]`: reads LibreOffice-written workbooks (sheets stored before the
 * shared strings) over and over with a slow consumer while other processes load every core, and
 * counts reads whose rows differ from the first read's. exceljs's streaming reader lost rows here
 * about once in 400 reads; the tool's reader (read/xlsx.ts) must lose none. Not a test: it takes
 * minutes and loads the machine.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { openSheet } from '../read/open-sheet.js';

if (process.argv[2] === '--spin') {
  for (;;) Math.sqrt(Math.random());
}

const reads = Number(process.argv[2] ?? 3000);
const files = ['fixtures/cell-kinds.xlsx', 'fixtures/campaign.xlsx', 'fixtures/campaign-numeric-ids.xlsx'];
const spinners: ChildProcess[] = Array.from({ length: availableParallelism() + 1 }, () => fork(new URL(import.meta.url).pathname, ['--spin']));

async function readAll(file: string): Promise<string> {
  const sheet = await openSheet(file);
  const rows: string[] = [JSON.stringify(sheet.header)];
  for await (const r of sheet.records) {
    // A slow consumer: the condition under which the streaming reader dropped entries.
    await new Promise((resolve) => setTimeout(resolve, 1));
    rows.push(JSON.stringify(r));
  }
  return rows.join('\n');
}

try {
  const expected = new Map<string, string>();
  for (const f of files) expected.set(f, await readAll(f));
  let differ = 0;
  let failed = 0;
  const started = Date.now();
  for (let i = 0; i < reads; i++) {
    const f = files[i % files.length]!;
    try {
      if ((await readAll(f)) !== expected.get(f)) differ++;
    } catch (err) {
      failed++;
      process.stderr.write(`read ${i} of ${f}: ${(err as Error).message}\n`);
    }
  }
  process.stdout.write(
    `${reads} reads of ${files.length} LibreOffice workbooks under load (${spinners.length} busy processes), a 1 ms wait per row: ${differ} with other rows, ${failed} failed, in ${Math.round((Date.now() - started) / 1000)} s.\n`,
  );
  process.exitCode = differ + failed > 0 ? 1 : 0;
} finally {
  for (const s of spinners) s.kill();
}
