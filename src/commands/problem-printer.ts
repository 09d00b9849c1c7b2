import { formatProblem } from '../validate/args.js';
import type { CheckedAd } from '../validate/validate-sheet.js';
import type { Io } from './io.js';

/** How many rows' problems are printed before the rest go to the report only. */
const PRINT_ROWS = 200;

/**
 * Prints problems and warnings grouped by row on stderr, once per input row (a row that became
 * several ads is printed once). Colour only where io.color allows (NO_COLOR, non-terminals).
 */
export class ProblemPrinter {
  private lastRow = -1;
  private rows = 0;

  constructor(private readonly io: Io) {}

  add(ad: CheckedAd): void {
    if (ad.row === this.lastRow || (ad.problems.length === 0 && ad.warnings.length === 0)) return;
    this.lastRow = ad.row;
    if (++this.rows > PRINT_ROWS) return;
    const red = (s: string): string => (this.io.color ? `\x1b[31m${s}\x1b[39m` : s);
    const yellow = (s: string): string => (this.io.color ? `\x1b[33m${s}\x1b[39m` : s);
    const lines = [...ad.problems.map((p) => `  ${red('✗')} ${formatProblem(p)}`), ...ad.warnings.map((p) => `  ${yellow('!')} ${formatProblem(p)}`)];
    this.io.err(`Row ${ad.row}:\n${lines.join('\n')}\n`);
  }

  /** Says how many rows were not printed, and where to find them. */
  finish(report: string | undefined): void {
    if (this.rows <= PRINT_ROWS) return;
    this.io.err(`… and ${this.rows - PRINT_ROWS} more rows with problems${report ? `; all are in ${report}` : '; pass --report PATH to list them all'}.\n`);
  }
}
