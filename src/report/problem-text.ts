import { formatProblem, type Problem } from '../validate/args.js';

/**
 * The report's `error` cell for an invalid row: every problem, each naming its field and ending in
 * its stable code in brackets, so a script can match `[ad_text.too_long]` whatever the wording.
 */
export function problemsText(problems: readonly Problem[]): string {
  return problems.map((p) => `${formatProblem(p)} [${p.code}]`).join('; ');
}
