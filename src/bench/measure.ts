/**
 * One measurement in its own process, so peak RSS is this task's alone:
 *   node dist/bench/measure.js TASK FILE [REPORT]
 * Prints {"cpuMs","maxRssMB"} on stdout. The tool's tasks run the command a user runs (the bundled
 * bin, dist/bin/tiktok-ads-bulk.mjs) with its arguments; the bare reads load only their package.
 */
const [task, file, report] = process.argv.slice(2);
const cpu = process.cpuUsage();

/** The installed command, as `tiktok-ads-bulk ARGS`, in this process. */
async function command(args: string[]): Promise<void> {
  process.argv = [process.argv[0]!, 'tiktok-ads-bulk', ...args];
  // The command writes to stderr only (no --json), so stdout stays this script's.
  await import(new URL('../bin/tiktok-ads-bulk.mjs', import.meta.url).href);
}

switch (task) {
  case 'bare-csv': {
    const { createReadStream } = await import('node:fs');
    const { parse } = await import('csv-parse');
    let rows = 0;
    for await (const _ of createReadStream(file!).pipe(parse({ columns: true }))) rows++;
    if (rows === 0) throw new Error(`${file} has no rows`);
    break;
  }
  case 'bare-xlsx': {
    // The same reader as the tool's own (read/xlsx.ts), so the difference is the tool's work.
    const { default: ExcelJS } = await import('exceljs');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file!);
    if (workbook.worksheets[0]!.rowCount < 2) throw new Error(`${file} has no rows`);
    break;
  }
  case 'validate':
    await command(['validate', file!, ...(report ? ['--report', report] : [])]);
    break;
  case 'dry-run':
    // upload's preparation (read, check, key, plan, report) without a key: no network at all.
    delete process.env.ADSPIRER_API_KEY;
    await command(['upload', file!, '--dry-run', '--no-check-links', ...(report ? ['--report', report] : [])]);
    break;
  default:
    throw new Error(`unknown task ${task}`);
}
const used = process.cpuUsage(cpu);
process.stdout.write(JSON.stringify({ cpuMs: Math.round((used.user + used.system) / 1000), maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }));
