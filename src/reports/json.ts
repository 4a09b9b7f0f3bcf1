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
