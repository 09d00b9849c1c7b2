import { problem, type AdArgs, type Problem } from '../validate/args.js';
import { sheetChecker, type CheckedAd, type ValidateOptions } from '../validate/validate-sheet.js';
import type { Sheet } from '../read/sheet.js';
import { OccurrenceCounter, type KeyedAd } from './occurrences.js';

/** One line of the batch: a valid ad with its key, or an invalid row with its problems. */
export interface PlannedAd extends CheckedAd {
  /** Position in the batch, 0-based: the report's order. */
  readonly seq: number;
  readonly args?: AdArgs;
  /** Of a valid ad: 1 for the first of identical ads, 2 for the next… (its key's second part). */
  readonly occurrence?: number;
}

/** A valid ad's key, or the problem that it repeats an earlier row. */
function keyOrDuplicate(keyed: KeyedAd, allowDuplicates: boolean): { key: string; occurrence: number } | { problem: Problem } {
  if (keyed.duplicateOf === undefined || allowDuplicates) return { key: keyed.key, occurrence: keyed.occurrence };
  return {
    problem: problem(
      'row',
      'duplicate',
      `duplicate of row ${keyed.duplicateOf}: the same ad would be created twice. Change or delete one, or pass --allow-duplicates`,
    ),
  };
}

/**
 * Streams a sheet's rows through validation (sheetChecker), then duplicate detection and key
 * derivation, the stage after it. Memory is one key per distinct ad, not the rows.
 */
export async function* validateSheet(sheet: Sheet, options: ValidateOptions = {}): AsyncGenerator<PlannedAd> {
  const checker = sheetChecker(sheet, options);
  const counter = new OccurrenceCounter();
  let seq = 0;
  for await (const record of sheet.records) {
    for (const ad of checker.check(record)) {
      const hidden = ad.hidden ? { hidden: true as const } : {};
      if (ad.args === undefined) {
        yield { seq: seq++, row: ad.row, input: ad.input, problems: ad.problems, warnings: ad.warnings, ...hidden };
        continue;
      }
      const placed = keyOrDuplicate(counter.next(ad.args, ad.row), options.allowDuplicates ?? false);
      yield {
        seq: seq++,
        row: ad.row,
        input: ad.input,
        ...('key' in placed ? { args: ad.args, key: placed.key, occurrence: placed.occurrence } : {}),
        problems: 'key' in placed ? [] : [placed.problem],
        warnings: ad.warnings,
        ...hidden,
      };
    }
  }
  checker.end();
}
