/**
 * Shell-style globs where `*` matches any run of characters (including `/`) and every other character
 * matches itself. Matched by two pointers, never compiled to a regular expression: a backtracking regex
 * takes exponential time on patterns like `a/*a*a*a*a*z`, while this takes O(pattern · text) at worst.
 */

/** Does `text` match the whole `pattern`? */
export function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  // Where the last `*` was, and the text position it is currently stretched to. Only the last star ever
  // needs to grow: whatever an earlier star could absorb, the later one can absorb as well.
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.length && pattern[p] === text[t]) {
      p++;
      t++;
    } else if (star >= 0) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** A predicate for one glob; a pattern without `*` is a plain comparison. */
export function compileGlob(pattern: string): (text: string) => boolean {
  if (!pattern.includes('*')) return (text) => text === pattern;
  return (text) => globMatch(pattern, text);
}
