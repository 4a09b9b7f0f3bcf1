/** Where a report goes: stdout (made terminal-safe, coloured when wanted) or the --output-file. */
import { closeSync, fstatSync, write, writeSync } from 'node:fs';
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

/** Writes all of `bytes` at `pos` (null: the file's offset) on libuv's thread pool (fs.write may write less than asked). */
async function writeAll(fd: number, bytes: Uint8Array, pos: number | null): Promise<void> {
  for (let off = 0; off < bytes.length; ) off += (await promisify(write)(fd, bytes, off, bytes.length - off, pos === null ? null : pos + off)).bytesWritten;
}

// Byte chunks written at once to a regular file: the kernel's copy into the page cache costs about as
// much CPU as building a chunk (1 GB of reach JSON at 100k pods), so one write at a time kept the builder waiting.
const IN_FLIGHT = 2;

/** The sink for `--output-file FILE` (`-` or none: stdout). The file is created at once, so a bad path fails before any work. */
export function openReport(file: string | undefined, what = 'report'): ReportSink {
  if (file !== undefined && file !== '-') {
    const fd = openOutputFile(file, what);
    const failed = (e: unknown): never => {
      if (!isFsError(e)) throw e;
      throw new UserError(`cannot write ${what} ${file}: ${fsErrorWords(e)}`);
    };
    // In a regular file every piece has its own position, so chunks are written side by side while the
    // next ones are built; a pipe or device (/dev/stdout) has no positions: one write at a time, in order.
    let pos: number | null = fstatSync(fd).isFile() ? 0 : null;
    const inFlight = pos === null ? 1 : IN_FLIGHT;
    const pending = new Set<Promise<void>>();
    // A background write's failure, reported by the next write or flush (a rejection nobody awaits would crash).
    let error: unknown;
    const check = (): void => {
      const e = error;
      error = undefined;
      if (e !== undefined) failed(e);
    };
    const settled = async (): Promise<void> => {
      await Promise.all(pending);
      check();
    };
    return {
      toFile: true,
      color: false,
      write: async (text, raw = false, done) => {
        check();
        if (typeof text !== 'string') {
          if (pending.size >= inFlight) await Promise.race(pending);
          check();
          const p: Promise<void> = writeAll(fd, text, pos).then(done, (e: unknown) => void (error ??= e)).finally(() => pending.delete(p));
          pending.add(p);
          if (pos !== null) pos += text.length;
          return;
        }
        // Strings are written at once, but after the bytes before them when the file has no positions.
        if (pos === null) await settled();
        // The same bytes as `> FILE` would get: a report read with cat must not drive the terminal either.
        const bytes = Buffer.from(raw ? text : terminalSafe(text));
        try {
          for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off, pos === null ? null : pos + off);
        } catch (e) {
          failed(e);
        }
        if (pos !== null) pos += bytes.length;
      },
      flush: settled,
      end: () => {
        if (pending.size) throw new Error('report closed with a write in flight (flush first)');
        closeSync(fd);
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
    },
    flush: async () => {},
    end: () => {},
  };
}
