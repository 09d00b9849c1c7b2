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
 * Edit distance where swapping two neighbouring letters is one edit, as a typist makes it
 * (optimal string alignment): `dispaly_nmae` is two edits from `display_name`, not four.
 */
export function typoDistance(a: string, b: string): number {
  if (a === b) return 0;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate closest to `value`. A candidate that starts with the value wins ties, so "LEARN"
 * suggests LEARN_MORE and "VISIT" suggests VISIT_STORE.
 */
/** Edits a guess may be from what was typed before it is another word, not a typo of this one. */
const NEAR_MISS_EDITS = 3;

/**
 * The candidate `value` is a near miss of, for "did you mean": the nearest, when it is at most three
 * edits away (or, with `prefix`, when it starts with the value: "LEARN" → LEARN_MORE). Never the
 * nearest of unrelated words ("CAROUSEL" is no "PRODUCT").
 */
export function nearMiss(value: string, candidates: readonly string[], options: { readonly prefix?: boolean } = {}): string | undefined {
  const near = nearest(value, candidates);
  if (near === undefined) return undefined;
  return editDistance(value, near) <= NEAR_MISS_EDITS || (options.prefix === true && near.startsWith(value)) ? near : undefined;
}

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
