import { mdText } from './safe-text.js';

/** Escapes text for a Markdown table cell. */
export function mdCell(s: string): string {
  return mdText(s);
}

/** A Markdown table from a header and rows. */
export function mdTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map(mdCell).join(' | ')} |\n`;
  return line(header) + `|${header.map(() => '---').join('|')}|\n` + rows.map(line).join('');
}
