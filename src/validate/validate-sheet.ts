import { RunError } from '../errors.js';
import { OccurrenceCounter } from '../keys/occurrences.js';
import type { Cell } from '../read/cell.js';
import { DEFAULT_LIMITS } from '../read/limits.js';
import type { Sheet } from '../read/sheet.js';
import type { AdNameTemplate } from './ad-name.js';
import type { AdArgs, Problem } from './args.js';
import { mapColumns } from './columns.js';
import { validateRow } from './validate-row.js';

export interface ValidateOptions {
  readonly defaults?: ReadonlyMap<string, string>;
  readonly adName?: AdNameTemplate;
  readonly allowDuplicates?: boolean;
  /** YYYY-MM-DD that {date} in --ad-name renders as. */
  readonly runDate?: string;
  readonly maxCellChars?: number;
}

/** One line of the batch: a valid ad with its key, or an invalid row with its problems. */
export interface PlannedAd {
  /** Position in the batch, 0-based: the report's order. */
  readonly seq: number;
  readonly row: number;
  readonly input: readonly Cell[];
  readonly args?: AdArgs;
  readonly key?: string;
  readonly problems: readonly Problem[];
  readonly warnings: readonly Problem[];
}

/**
 * Streams a sheet's rows through validation, duplicate detection and key derivation. Memory is one
 * key per distinct ad, not the rows.
 */
export async function* validateSheet(sheet: Sheet, options: ValidateOptions = {}): AsyncGenerator<PlannedAd> {
  const columns = mapColumns(sheet.file, sheet.header);
  const rules = {
    columns,
    defaults: options.defaults ?? new Map<string, string>(),
    ...(options.adName ? { adName: options.adName } : {}),
    runDate: options.runDate ?? new Date().toISOString().slice(0, 10),
    maxCellChars: options.maxCellChars ?? DEFAULT_LIMITS.maxCellChars,
  };
  const counter = new OccurrenceCounter();
  let seq = 0;
  let rows = 0;
  for await (const record of sheet.records) {
    rows++;
    const verdict = validateRow(record, rules);
    if (verdict.ads.length === 0) {
      yield { seq: seq++, row: record.row, input: record.cells, problems: verdict.problems, warnings: verdict.warnings };
      continue;
    }
    for (const args of verdict.ads) {
      const keyed = counter.next(args, record.row);
      const duplicate: Problem[] =
        keyed.duplicateOf !== undefined && !options.allowDuplicates
          ? [{ field: 'row', message: `duplicate of row ${keyed.duplicateOf}: the same ad would be created twice. Change or delete one, or pass --allow-duplicates` }]
          : [];
      yield {
        seq: seq++,
        row: record.row,
        input: record.cells,
        ...(duplicate.length ? {} : { args, key: keyed.key }),
        problems: duplicate,
        warnings: verdict.warnings,
      };
    }
  }
  if (rows === 0) {
    throw new RunError('FILE', `${sheet.file} has a header row (row ${sheet.headerRow}) but no ads below it. Add one ad per row under the header.`);
  }
}
