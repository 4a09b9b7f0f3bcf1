/** Code-point order for strings: deterministic whatever the locale, as sorted output must be. */
export function lex(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
