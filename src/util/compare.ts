/** Code-point order for strings: deterministic whatever the locale, as sorted output must be. */
export function lex(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True when every string is before the next in lex order (so none repeats). */
function increasing(xs: readonly string[]): boolean {
  for (let i = 1; i < xs.length; i++) if (!(xs[i - 1]! < xs[i]!)) return false;
  return true;
}

/**
 * The strings of both lists, each once, in lex order: `[...new Set([...a, ...b])].sort(lex)`, merged in one
 * pass when both lists are increasing already (an inventory's ids are), sorted otherwise.
 */
export function sortedUnion(a: Iterable<string>, b: Iterable<string>): string[] {
  const x = [...a];
  const y = [...b];
  if (!increasing(x) || !increasing(y)) return [...new Set([...x, ...y])].sort(lex);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const p = x[i]!;
    const q = y[j]!;
    if (p === q) (out.push(p), i++, j++);
    else if (p < q) (out.push(p), i++);
    else (out.push(q), j++);
  }
  while (i < x.length) out.push(x[i++]!);
  while (j < y.length) out.push(y[j++]!);
  return out;
}
