import type { AdLinkResult } from '../links/check-links.js';
import type { PlannedAd } from '../keys/keyed-sheet.js';

/**
 * A checked ad with its links' verdicts: a bad link makes it invalid (it loses its key and
 * arguments, so it is never sent), a warning joins the row's own. Pure.
 */
export function withLinkResults(ad: PlannedAd, links: AdLinkResult | undefined): PlannedAd {
  if (!links || (links.problems.length === 0 && links.warnings.length === 0)) return ad;
  const warnings = [...ad.warnings, ...links.warnings];
  if (links.problems.length === 0) return { ...ad, warnings, linkWarnings: links.warnings };
  return { seq: ad.seq, row: ad.row, input: ad.input, problems: [...ad.problems, ...links.problems], warnings };
}
