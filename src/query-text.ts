// Query text shown to people: literals masked (they may hold customer data), whitespace
// collapsed, shortened.

/** Replaces string, dollar-quoted and numeric literals with `?`. */
export function maskLiterals(query: string): string {
  return query
    .replace(/\$([A-Za-z_]*)\$[\s\S]*?\$\1\$/g, '?')
    .replace(/'(?:[^']|'')*'/g, '?')
    .replace(/(?<![\w$.])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?\b/gi, '?')
    .replace(/\s+/g, ' ')
    .trim();
}
