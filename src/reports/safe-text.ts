/**
 * Names and messages come from the input: a name with an ANSI escape or a line break would forge lines
 * on a terminal or in a log. Everything a reporter takes from the input goes through one of these.
 */

// C0 and C1 controls and DEL, line and paragraph separators, bidi overrides (Trojan Source).
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const CONTROL_BUT_NEWLINE_TAB = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The colour sequences our own text reporters write (SGR only). */
const OWN_SGR = /\u001b\[[0-9;]*m/g;

function visible(c: string): string {
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line of text: every control character, line breaks included, made visible (`\n`, `\x1b`). */
export function oneLine(s: string): string {
  return s.replace(CONTROL, visible);
}

/**
 * A whole report for a terminal or a log: line breaks and tabs stay, other controls are made visible.
 * With `color`, the SGR colour sequences (ESC [ ... m) stay too, since our reporters wrote them.
 */
export function terminalSafe(text: string, color = false): string {
  if (!color) return text.replace(CONTROL_BUT_NEWLINE_TAB, visible);
  const parts = text.split(OWN_SGR);
  const sgr = text.match(OWN_SGR) ?? [];
  return parts.map((p, i) => p.replace(CONTROL_BUT_NEWLINE_TAB, visible) + (sgr[i] ?? '')).join('');
}

/** XML 1.0 text: characters XML forbids even escaped (most C0 controls, U+FFFE, U+FFFF, lone surrogates) dropped. */
export function xmlText(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Markdown text from the input: HTML is shown, not rendered; emphasis and links are not forged. */
export function mdText(s: string): string {
  return oneLine(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    // The connection arrow `=>` stays as written: with every `<` escaped no `>` can close a tag, and a
    // line starting with `=` is no blockquote.
    .replace(/(?<!=)>/g, '&gt;')
    .replace(/([\\`*_|])/g, '\\$1')
    // A link needs "](": break it, so input text never becomes a link.
    .replace(/\]\(/g, ']\\(');
}

/** Inline code in Markdown: the text as is, in a code span long enough not to be closed by its backticks. */
export function mdCode(s: string): string {
  const t = oneLine(s);
  const longest = Math.max(0, ...(t.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  return t.startsWith('`') || t.endsWith('`') ? `${fence} ${t} ${fence}` : `${fence}${t}${fence}`;
}
