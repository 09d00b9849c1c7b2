import { openTableWriter } from '../report/open-writer.js';
import { problemsText } from '../report/problem-text.js';
import { reportCells, reportHeader, reportStyle, type ReportLine } from '../report/report-line.js';
import type { TableWriter } from '../report/table-writer.js';
import { validateSheet, type PlannedAd } from '../keys/keyed-sheet.js';
import { type CheckedAd } from '../validate/validate-sheet.js';
import { runLinkStage, type LinkOptions } from './link-stage.js';
import { withLinkResults } from './link-results.js';
import { noticePrinter, parseAdName, parseDefaults, parseMap, type SheetOptions } from './common-options.js';
import { openInput } from './input-source.js';
import { silentIo, type Io } from './io.js';
import { ProblemPrinter } from './problem-printer.js';
import { emptyCounts, rowProblems, type RowProblem, type RunSummary } from './summary.js';
import type { Problem } from '../validate/args.js';

/** One checked line (an ad, or an invalid row), as `onRow` hears it. */
export interface ValidatedRow {
  readonly row: number;
  readonly status: 'valid' | 'invalid';
  /** The Idempotency-Key the ad will be sent with (valid lines). */
  readonly key?: string;
  readonly problems: readonly Problem[];
  readonly warnings: readonly Problem[];
}

export type ValidateFileOptions = SheetOptions &
  LinkOptions & {
    /** Called for each checked line in order, as it is checked: a library caller's per-row results. */
    readonly onRow?: (row: ValidatedRow) => void;
  };

/**
 * `validate FILE`: parse and check every row, no network. Problems go to stderr grouped by row;
 * `--report` writes the contract's report with `valid`/`invalid`.
 */
export async function validateFile(options: ValidateFileOptions, io: Io = silentIo): Promise<RunSummary> {
  const defaults = parseDefaults(options.set, options.advertiserId);
  const map = parseMap(options.map);
  const adName = parseAdName(options.adName);
  const { sheet } = await openInput(options);
  let writer: TableWriter | undefined;
  if (options.report !== undefined) writer = await openTableWriter(options.report, reportHeader(sheet.header), { sheetName: 'Validation' });
  const counts = { ...emptyCounts(), valid: 0 };
  let lines = 0;
  let warnings = 0;
  const printer = new ProblemPrinter(io);
  const problems: RowProblem[] = [];
  const checked = validateSheet(sheet, {
    defaults,
    ...(map.size ? { map } : {}),
    ...(adName ? { adName } : {}),
    allowDuplicates: options.allowDuplicates ?? false,
    trustIds: options.trustIds === true,
    onNotice: noticePrinter(io.err),
  });
  try {
    // --check-links needs every row's links before the first verdict is final; files are a few thousand rows.
    const ads = options.checkLinks ? await linkChecked(checked, options, io) : checked;
    for await (const ad of ads) {
      if (options.signal?.aborted) break;
      lines++;
      const line = toLine(ad);
      if (line.status === 'valid') counts.valid++;
      else counts.invalid++;
      warnings += ad.warnings.length;
      if (ad.problems.length || ad.warnings.length) problems.push(...rowProblems(ad.row, ad.problems, ad.warnings));
      options.onRow?.({
        row: ad.row,
        status: line.status === 'valid' ? 'valid' : 'invalid',
        ...(ad.key ? { key: ad.key } : {}),
        problems: ad.problems,
        warnings: ad.warnings,
      });
      printer.add(ad);
      await writer?.write(reportCells(line, sheet.header.length), reportStyle(line));
    }
  } finally {
    await writer?.close();
  }
  // Ctrl-C ends the run, whenever it came: while the rows were checked, or read for --check-links.
  const interrupted = options.signal?.aborted === true;
  printer.finish(writer?.path);
  const where = sheet.sheetName ? `${options.file} (sheet "${sheet.sheetName}")` : options.file;
  io.err(
    `${where}: ${lines} ${lines === 1 ? 'ad' : 'ads'} checked${interrupted ? ' before Ctrl-C' : ''}, ${counts.valid} valid, ${counts.invalid} invalid${warnings ? `, ${warnings} ${warnings === 1 ? 'warning' : 'warnings'} (values corrected or worth a look)` : ''}.\n`,
  );
  if (writer) io.err(`Report: ${writer.path}\n`);
  return {
    command: 'validate',
    file: options.file,
    report: writer?.path ?? null,
    rows: lines,
    counts,
    quota: null,
    stopped: interrupted ? 'interrupted' : null,
    exit_code: interrupted ? 130 : counts.invalid > 0 ? 1 : 0,
    problems,
  };
}

/** Every row checked, then their links: a row with a bad link becomes invalid, warnings join its own. */
async function linkChecked(checked: AsyncIterable<PlannedAd>, options: ValidateFileOptions, io: Io): Promise<PlannedAd[]> {
  const all: PlannedAd[] = [];
  for await (const ad of checked) {
    if (options.signal?.aborted) return all;
    all.push(ad);
  }
  const linked = all.flatMap((ad) => (ad.args && ad.key !== undefined ? [{ id: ad.seq, args: ad.args }] : []));
  const result = await runLinkStage(linked, options, io, options.signal ? { signal: options.signal } : {});
  return all.map((ad) => withLinkResults(ad, result.byAd.get(ad.seq)));
}

function toLine(ad: CheckedAd): ReportLine {
  const valid = ad.key !== undefined;
  return {
    row: ad.row,
    status: valid ? 'valid' : 'invalid',
    ...(ad.key ? { key: ad.key } : {}),
    ...(valid ? (ad.linkWarnings?.length ? { error: problemsText(ad.linkWarnings) } : {}) : { error: problemsText(ad.problems) }),
    input: ad.input,
  };
}
