/** JSON for people and machines: two-space indentation, but arrays of numbers (port ranges) kept on one line. */
export function toJsonText(doc: unknown): string {
  const text = JSON.stringify(doc, null, 2).replace(/\[\s+(-?\d+(?:,\s+-?\d+)*)\s+\]/g, (_m, inner: string) => `[${inner.split(/,\s+/).join(', ')}]`);
  // Ranges lists like [[80, 80], [443, 443]] also fit one line.
  return `${text.replace(/\[\s+((?:\[[-\d, ]+\],?\s*)+)\]/g, (_m, inner: string) => `[${inner.trim().split(/\],\s*\[/).join('], [')}]`)}\n`;
}
