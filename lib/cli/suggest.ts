/** "Did you mean" suggestions for names the user mistyped. */

/** The Levenshtein edit distance between two strings. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The candidates closest to `value`, best first (at most `limit`): those whose last `/`-separated part equals the
 * value's (the right name in another namespace, or a name given without its namespace), then those within an edit
 * distance of a third of that last part's length (at least 1), so a shared `namespace/` prefix does not make unrelated
 * names look close. Ties are broken by string order, so the result is deterministic.
 */
export function closest(value: string, candidates: readonly string[], limit = 3): string[] {
  const tail = (s: string) => s.slice(s.lastIndexOf('/') + 1).toLowerCase();
  const threshold = Math.max(1, Math.floor(tail(value).length / 3));
  return [...new Set(candidates)]
    .map(c => ({ c, d: tail(c) === tail(value) ? 0 : editDistance(value.toLowerCase(), c.toLowerCase()) }))
    .filter(x => x.d <= threshold)
    .sort((x, y) => x.d - y.d || (x.c < y.c ? -1 : x.c > y.c ? 1 : 0))
    .slice(0, limit)
    .map(x => x.c);
}

/** A list for a message: `a, b, c` or `a, b, c and 7 more`. */
export function listSome(items: readonly string[], max = 15): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
