/**
 * One measurement in its own process, so peak RSS is this task's alone:
 *   node dist/bench/measure.js TASK FILE [REPORT]
 * Prints {"wallMs","cpuMs","maxRssMB","rows"}.
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';

const [task, file, report] = process.argv.slice(2);
const start = performance.now();
const cpu = process.cpuUsage();
let rows = 0;

switch (task) {
  case 'bare-csv': {
    for await (const _ of createReadStream(file!).pipe(parse({ columns: true }))) rows++;
    break;
  }
  case 'bare-xlsx': {
    // The same reader as the tool's own (read/xlsx.ts), so the difference is the tool's work.
    const { default: ExcelJS } = await import('exceljs');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file!);
    workbook.worksheets[0]!.eachRow(() => rows++);
    rows--; // header
    break;
  }
  case 'validate': {
    const { validateFile } = await import('../commands/validate.js');
    const summary = await validateFile({ file: file!, ...(report ? { report } : {}) });
    rows = summary.rows;
    break;
  }
  case 'dry-run': {
    // upload's preparation (read, check, key, plan, report) without a key: no network at all.
    const { uploadFile } = await import('../commands/upload.js');
    const summary = await uploadFile({ file: file!, dryRun: true, checkLinks: false, env: {}, ...(report ? { report } : {}) });
    rows = summary.rows;
    break;
  }
  default:
    throw new Error(`unknown task ${task}`);
}
const used = process.cpuUsage(cpu);
process.stdout.write(
  JSON.stringify({
    wallMs: Math.round(performance.now() - start),
    cpuMs: Math.round((used.user + used.system) / 1000),
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    rows,
  }),
);
