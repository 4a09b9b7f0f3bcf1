/** Where a report goes: stdout (made terminal-safe, coloured when wanted) or the --output-file. */
import { closeSync, fstatSync, ftruncate, write, writeSync } from 'node:fs';
import { promisify } from 'node:util';
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
   * escaping, which bytes (made safe by their writer, see reachBytes) always skip. `done` is called once
   * bytes are written, when their memory may be reused (never after a failed write).
   */
  write(text: string | Uint8Array, raw?: boolean, done?: () => void): Promise<void>;
  /** Waits for the writes still in flight (bytes to a file go on in the background). */
  flush(): Promise<void>;
  /** Closes the file, if any (after flush). */
  end(): void;
}

/** Writes all of `bytes` on libuv's thread pool (fs.write may write less than asked). */
async function writeAll(fd: number, bytes: Uint8Array): Promise<void> {
  for (let off = 0; off < bytes.length; ) off += (await promisify(write)(fd, bytes, off, bytes.length - off, null)).bytesWritten;
}

/** Does `--output-file FILE` make openReport write to a file (not stdout)? Known before it is opened. */
export function writesToFile(file: string | undefined): file is string {
  return file !== undefined && file !== '-';
}

/** The sink for `--output-file FILE` (`-` or none: stdout). The file is created at once, so a bad path fails before any work. */
export function openReport(file: string | undefined, what = 'report'): ReportSink {
  if (writesToFile(file)) {
    const fd = openOutputFile(file, what, true);
    const failed = (e: unknown): never => {
      if (!isFsError(e)) throw e;
      throw new UserError(`cannot write ${what} ${file}: ${fsErrorWords(e)}`);
    };
    // A file left by an earlier run is emptied on libuv's thread pool while the input loads: truncating a
    // 2.4 GB listing blocks for 0.25 to 0.75 s. Every write waits for it, and the process does not exit
    // before it is done (nothing here calls process.exit), so a failed run still leaves an empty file.
    const stat = fstatSync(fd);
    let emptied: Promise<void> | undefined = stat.isFile() && stat.size > 0 ? promisify(ftruncate)(fd, 0) : undefined;
    // Its failure is reported by the first write (not as an unhandled rejection before it).
    emptied?.catch(() => {});
    const ready = async (): Promise<void> => {
      if (!emptied) return;
      const e = emptied;
      emptied = undefined;
      await e.catch(failed);
    };
    // Bytes (a reach listing, see reachBytes) are written while the next chunk is built: one write in flight.
    let pending: Promise<void> | undefined;
    const settled = async (): Promise<void> => {
      const p = pending;
      pending = undefined;
      await p;
    };
    return {
      toFile: true,
      color: false,
      write: async (text, raw = false, done) => {
        await ready();
        await settled();
        if (typeof text !== 'string') {
          pending = writeAll(fd, text).then(done, failed);
          return;
        }
        // The same bytes as `> FILE` would get: a report read with cat must not drive the terminal either.
        try {
          writeSync(fd, raw ? text : terminalSafe(text));
        } catch (e) {
          failed(e);
        }
      },
      flush: async () => {
        await ready();
        await settled();
      },
      end: () => {
        if (pending) throw new Error('report closed with a write in flight (flush first)');
        // Nothing written (an empty report): closed once emptied, never under the truncation.
        if (emptied) void emptied.then(() => closeSync(fd), () => closeSync(fd));
        else closeSync(fd);
      },
    };
  }
  const color = colorWanted(process.stdout);
  return {
    toFile: false,
    color,
    write: async (text, raw = false, done) => {
      // A report on the terminal and a progress line on it would garble each other.
      if (process.stdout.isTTY) progress.silence();
      const written = done && ((e?: Error | null): void => void (e || done()));
      if (!process.stdout.write(raw || typeof text !== 'string' ? text : terminalSafe(text, color), written)) await once(process.stdout, 'drain');
      // A file or device on stdout is written at once, but the write's callback waits for the next tick, which a
      // chain of awaits never yields to: let it run, or no buffer of a listing goes back to its pool (`> FILE` of a
      // 2.4 GB listing held all of it).
      else if (written) await new Promise<void>((resolve) => process.nextTick(resolve));
    },
    flush: async () => {},
    end: () => {},
  };
}
