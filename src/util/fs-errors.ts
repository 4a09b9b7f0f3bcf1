/** File-system errors in words, and writing output files so that they become user errors (exit 2). */
import { constants, openSync, writeFileSync } from 'node:fs';
import { UserError } from './errors.js';

const WORDS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ELOOP: 'too many levels of symbolic links (a symlink loop?)',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EBUSY: 'the file is busy',
  ETXTBSY: 'the file is busy',
  EIO: 'input/output error',
  ENXIO: 'no such device',
  ENODEV: 'no such device',
  EFBIG: 'the file is too large',
  EINVAL: 'invalid argument',
  EAGAIN: 'resource temporarily unavailable',
};

/** True for an error from the operating system about a file (it has an errno code such as ENOENT). */
export function isFsError(e: unknown): e is NodeJS.ErrnoException {
  const c = (e as NodeJS.ErrnoException | null)?.code;
  return typeof c === 'string' && /^E[A-Z0-9]+$/.test(c) && typeof (e as NodeJS.ErrnoException).syscall === 'string';
}

/** What went wrong, in words ("permission denied"), for an errno error. */
export function fsErrorWords(e: NodeJS.ErrnoException): string {
  return WORDS[e.code ?? ''] ?? e.code ?? e.message;
}

function writeHint(e: NodeJS.ErrnoException): string | undefined {
  switch (e.code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return 'the folder to write into must exist: create it first, or give another path';
    case 'EISDIR':
      return 'give a file name, not a directory';
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return 'write somewhere you may write, or change the file\'s permissions';
    default:
      return undefined;
  }
}

/** Writes a report, baseline or intent file; a failure is a UserError naming the file and the reason. */
export function writeOutputFile(path: string, text: string, what = 'output'): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    if (!isFsError(e)) throw e;
    throw new UserError(`cannot write ${what} ${path}: ${fsErrorWords(e)}`, writeHint(e));
  }
}

/**
 * Opens a file to write a report into piece by piece; a failure is a UserError, as in writeOutputFile.
 * `keep`: the file is not emptied on opening (the caller truncates it, see openReport).
 */
export function openOutputFile(path: string, what = 'output', keep = false): number {
  try {
    return openSync(path, keep ? constants.O_WRONLY | constants.O_CREAT : 'w');
  } catch (e) {
    if (!isFsError(e)) throw e;
    throw new UserError(`cannot write ${what} ${path}: ${fsErrorWords(e)}`, writeHint(e));
  }
}
