import { formatProblem, type Problem } from '../validate/args.js';

/** The report's `error` cell for an invalid row: every problem, each naming its field. */
export function problemsText(problems: readonly Problem[]): string {
  return problems.map(formatProblem).join('; ');
}
