/**
 * `helm template` output names the template of each document in a `# Source: chart/templates/x.yaml`
 * comment after its `---`. Read from stdin, each document is attributed to that template, so every
 * report points at the file a person edits, not at line 2,317 of a pipe.
 */

const SOURCE = /^# Source: (\S.*?)\s*$/;
const SEPARATOR = /^---\s*$/;

/**
 * Splits a stream at its `# Source:` comments: one text per template, its documents in order, each
 * starting with its `---` line, so lines count as in `helm template --show-only <template>`. Documents
 * before the first comment stay in `fallback`. Returns one text (fallback) when there is no comment.
 */
export function splitHelmSources(fallback: string, text: string): { path: string; text: string }[] {
  const lines = text.split('\n');
  const parts = new Map<string, string[]>();
  let current = fallback;
  const push = (l: string): void => {
    let p = parts.get(current);
    if (!p) parts.set(current, (p = []));
    p.push(l);
  };
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const at = i === 0 && SOURCE.exec(l) ? SOURCE.exec(l) : SEPARATOR.test(l) ? SOURCE.exec(lines[i + 1] ?? '') : null;
    if (at) current = at[1]!;
    push(l);
  }
  if (parts.size <= 1 && parts.has(fallback)) return [{ path: fallback, text }];
  return [...parts].filter(([p, ls]) => p !== fallback || ls.some((l) => l.trim() && !SEPARATOR.test(l) && !l.startsWith('#'))).map(([path, ls]) => ({ path, text: ls.join('\n') }));
}
