/**
 * Glob patterns where `*` matches any run of characters and every other
 * character matches itself (`released:` entries and waivers of mtc.yaml).
 *
 * Patterns come from pull requests, so they are never turned into a regular
 * expression (`*` repeated becomes `.*.*.*…`, which backtracks exponentially
 * on a near miss). The matcher splits the pattern at its stars and finds the
 * literal pieces left to right, each at its leftmost place: for a star-only
 * glob that greedy choice is always right, so nothing is ever retried, and
 * the work is bounded by the pattern length times the text length.
 */
export function globMatch(pattern: string, text: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === text;
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (first.length + last.length > text.length || !text.startsWith(first) || !text.endsWith(last)) return false;
  let at = first.length;
  const end = text.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const piece = parts[i];
    if (piece === '') continue; // `**` is `*`
    const found = text.indexOf(piece, at);
    if (found < 0 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}

/** Whether a pattern matches everything (`*`, `**`, …): a waiver written so would waive every finding of its rule. */
export function matchesEverything(pattern: string): boolean {
  return pattern.length > 0 && /^\*+$/.test(pattern);
}
