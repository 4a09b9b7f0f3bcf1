/**
 * Whether to colour, as the FORCE_COLOR and NO_COLOR (no-color.org) conventions say, in node's order
 * (FORCE_COLOR wins, as in tty.WriteStream.hasColors), and colouring by node's util.styleText (no
 * dependency). Colour only ever goes to a terminal or where FORCE_COLOR asks, never into --output-file.
 */
import { styleText } from 'node:util';

type Env = Readonly<Record<string, string | undefined>>;

/** FORCE_COLOR decides when set (0 or false: off), then a non-empty NO_COLOR turns colour off, else the terminal's support. */
export function colorWanted(stream: { isTTY?: boolean; hasColors?: () => boolean }, env: Env = process.env): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env['NO_COLOR']) return false;
  return stream.isTTY === true && (stream.hasColors?.() ?? false);
}

export type Style = 'red' | 'green' | 'yellow' | 'cyan' | 'bold' | 'dim';

const style = styleText as unknown as (f: Style | Style[], t: string, o: { validateStream: boolean }) => string;

/** `text` in the given style when `on`, else unchanged. The decision is ours (colorWanted), not the stream's. */
export function paint(on: boolean, s: Style | Style[], text: string): string {
  return on ? style(s, text, { validateStream: false }) : text;
}

/** Explain text with its verdicts coloured: allowed green, denied red. */
export function colorVerdicts(text: string): string {
  return text
    .replace(/: (ALLOWED|DENIED)\b/, (_m, v: string) => `: ${paint(true, [v === 'ALLOWED' ? 'green' : 'red', 'bold'], v)}`)
    .replace(/^(  \S+ [\d-]+: )(allowed|denied)\b/gm, (_m, head: string, v: string) => head + paint(true, v === 'allowed' ? 'green' : 'red', v));
}

/** Diff text with its section titles coloured: opened red (new exposure), closed green, changed yellow. */
export function colorDiff(text: string): string {
  return text
    .replace(/^(Opened \(new connectivity\):)$/m, (m) => paint(true, ['red', 'bold'], m))
    .replace(/^(Closed \(connectivity removed\):)$/m, (m) => paint(true, ['green', 'bold'], m))
    .replace(/^(Changed:)$/m, (m) => paint(true, ['yellow', 'bold'], m))
    .replace(/^(.*newly violates.*)$/m, (m) => (/: 0 paths? newly/.test(m) ? m : paint(true, 'red', m)));
}
