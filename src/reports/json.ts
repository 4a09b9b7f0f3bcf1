// What a terminal or a log acts on and JSON.stringify leaves raw: DEL, C1 controls, line and paragraph
// separators, bidi overrides (C0 controls it escapes already).
const UNSAFE = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON text with those characters written as \u escapes: the same strings to a JSON reader, and text that
 * terminalSafe leaves as it is, so a JSON report needs no escaping on its way out (nor a `\x85`, which
 * is no JSON escape).
 */
export function jsonSafe(json: string): string {
  return json.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** JSON for people and machines: two-space indentation, but arrays of numbers (port ranges) kept on one line. */
export function toJsonText(doc: unknown): string {
  const text = jsonSafe(JSON.stringify(doc, null, 2)).replace(/\[\s+(-?\d+(?:,\s+-?\d+)*)\s+\]/g, (_m, inner: string) => `[${inner.split(/,\s+/).join(', ')}]`);
  // Ranges lists like [[80, 80], [443, 443]] also fit one line.
  return `${text.replace(/\[\s+((?:\[[-\d, ]+\],?\s*)+)\]/g, (_m, inner: string) => `[${inner.trim().split(/\],\s*\[/).join('], [')}]`)}\n`;
}

/**
 * One value on one line, spaced as toJsonText spaces it (`{"src": "a", "conns": {"TCP": [[80, 80]]}}`):
 * how a reach listing writes each endpoint and connection, so that a line is an element.
 */
export function jsonLine(v: unknown): string {
  // Pretty JSON has no raw line break inside a string: every one is layout, and after a comma a space.
  return jsonSafe((JSON.stringify(v, null, 2) ?? 'null').replace(/,\n\s*/g, ', ').replace(/\n\s*/g, ''));
}

/**
 * toJsonText of a top-level object, but the arrays named in `lined` written one element a line
 * (jsonLine, indented by four spaces); the other members keep toJsonText's layout.
 */
export function toJsonLines(doc: Readonly<Record<string, unknown>>, lined: readonly string[]): string {
  const members: string[] = [];
  for (const [k, v] of Object.entries(doc)) {
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue; // as JSON.stringify leaves them out
    members.push(lined.includes(k) && Array.isArray(v) ? `  ${jsonSafe(JSON.stringify(k))}: ${linedArray(v)}` : toJsonText({ [k]: v }).slice(2, -3));
  }
  return members.length ? `{\n${members.join(',\n')}\n}\n` : '{}\n';
}

/** An array of a document's top level, one element a line: `[]` when empty, as toJsonText writes it. */
export function linedArray(items: readonly unknown[]): string {
  return items.length ? `[\n${items.map((e) => `    ${jsonLine(e)}`).join(',\n')}\n  ]` : '[]';
}
