/** Where a report goes: stdout (made terminal-safe, coloured when wanted) or the --output-file. */
import { closeSync, writeSync } from 'node:fs';
import { once } from 'node:events';
import { terminalSafe } from '../reports/safe-text.js';
import { fsErrorWords, isFsError, openOutputFile } from '../util/fs-errors.js';
import { UserError } from '../util/errors.js';
import { colorWanted } from './color.js';
import { progress } from './progress.js';

export interface ReportSink {
  /** True when the report goes to a file (then it carries no colour and the caveats are not printed twice). */
  readonly toFile: boolean;
  /** Whether the report may be coloured. */
  readonly color: boolean;
  /**
   * Writes a piece, waiting for the pipe to drain when it is full; `raw` (an HTML page) skips the terminal
   * escaping, which bytes (made safe by their writer, see reachBytes) always skip.
   */
  write(text: string | Uint8Array, raw?: boolean): Promise<void>;
  /** Closes the file, if any. */
  end(): void;
}

/** Writes all of `bytes` (writeSync may write less than asked). */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
}

/** The sink for `--output-file FILE` (`-` or none: stdout). The file is created at once, so a bad path fails before any work. */
export function openReport(file: string | undefined, what = 'report'): ReportSink {
  if (file !== undefined && file !== '-') {
    const fd = openOutputFile(file, what);
    return {
      toFile: true,
      color: false,
      write: async (text, raw = false) => {
        // The same bytes as `> FILE` would get: a report read with cat must not drive the terminal either.
        try {
          if (typeof text !== 'string') writeAll(fd, text);
          else writeSync(fd, raw ? text : terminalSafe(text));
        } catch (e) {
          if (!isFsError(e)) throw e;
          throw new UserError(`cannot write ${what} ${file}: ${fsErrorWords(e)}`);
        }
      },
      end: () => closeSync(fd),
    };
  }
  const color = colorWanted(process.stdout);
  return {
    toFile: false,
    color,
    write: async (text, raw = false) => {
      // A report on the terminal and a progress line on it would garble each other.
      if (process.stdout.isTTY) progress.silence();
      if (!process.stdout.write(raw || typeof text !== 'string' ? text : terminalSafe(text, color))) await once(process.stdout, 'drain');
    },
    end: () => {},
  };
}
