/** Levenshtein distance, for "did you mean" hints on column names and enumerations. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The candidate closest to `value`. A candidate that starts with the value wins ties, so "LEARN"
 * suggests LEARN_MORE and "VISIT" suggests VISIT_STORE.
 */
export function nearest(value: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const score = editDistance(value, c) - (c.startsWith(value) ? c.length : 0);
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}
