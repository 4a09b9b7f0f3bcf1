/**
 * Input bytes to text as kubectl reads them: UTF-8, with a UTF-8 or UTF-16 byte order mark honoured
 * (cli-runtime's unicode.BOMOverride). Where kubectl would quietly turn bytes into something else
 * (invalid UTF-8 becomes U+FFFD) or refuse the file (NUL and other control bytes), the file is skipped
 * with an error naming the line.
 */
import type { Diagnostic } from '../inventory/types.js';

/**
 * The largest input file: V8 strings hold at most 2^29 - 24 UTF-16 units (about 512 MiB), so a larger
 * file cannot become one text at all; real manifests are far smaller (100k pods is about 20 MB).
 */
export const MAX_INPUT_BYTES = 512 * 1024 * 1024;

export interface DecodedText {
  readonly text: string;
  /** Set when the file cannot be read as kubectl would read it: it is then skipped (text is empty). */
  readonly problem?: Diagnostic;
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 10) n++;
  return n;
}

/** The offset of the first byte that is not valid UTF-8 (the decoder said there is one). */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let n = 0;
    let min = 0;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) [n, min] = [1, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [n, min] = [2, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [n, min] = [3, 0x10000];
    else return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return b.length;
}

/** Decodes one input file's bytes; a problem (with the file skipped) where kubectl would read something else. */
export function decodeText(file: string, bytes: Uint8Array): DecodedText {
  const skip = (line: number, message: string): DecodedText => ({ text: '', problem: { severity: 'error', code: 'encoding', message: `${message}; file skipped`, source: { file, line } } });
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    const enc = bytes[0] === 0xff ? 'utf-16le' : 'utf-16be';
    try {
      return { text: new TextDecoder(enc, { fatal: true, ignoreBOM: false }).decode(bytes) };
    } catch {
      return skip(1, `not valid ${enc.toUpperCase()} text although it starts with a ${enc.toUpperCase()} byte order mark`);
    }
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) return skip(lineAt(bytes, nul), `a NUL byte (at byte ${nul}): this is not a text file, and kubectl refuses control characters`);
  try {
    // The decoder drops a UTF-8 byte order mark, as kubectl does.
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const at = firstInvalidUtf8(bytes);
    const hex = (bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, '0');
    return skip(lineAt(bytes, at), `byte 0x${hex} is not valid UTF-8 (kubectl would silently read it as U+FFFD, changing the text): save the file as UTF-8`);
  }
}
