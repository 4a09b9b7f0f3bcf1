/** How every report names an outside address block: one function, so the notation is one. */
import { oneLine } from './safe-text.js';

/** An endpoint id as printed: outside blocks carry an `[External]` suffix, as in netpol-analyzer. */
export function outsideName(id: string, external: ReadonlySet<string> | boolean): string {
  const isExternal = typeof external === 'boolean' ? external : external.has(id);
  return isExternal ? `${oneLine(id)}[External]` : oneLine(id);
}
