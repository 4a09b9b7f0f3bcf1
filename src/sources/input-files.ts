/**
 * Reading input paths (files, directories recursed, `-` for stdin) into texts, for every source kind.
 * Symlinks to files and directories are followed, as kubectl reads what they point to; a symlink back
 * into a directory being read is a loop, named in a warning and not followed.
 */
import { createReadStream } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { join, relative, isAbsolute, sep } from 'node:path';
import type { Diagnostic } from '../inventory/types.js';
import { UserError } from '../util/errors.js';
import { fsErrorWords, isFsError } from '../util/fs-errors.js';
import { lex } from '../util/compare.js';
import { splitHelmSources } from './helm-sources.js';
import { MAX_INPUT_BYTES, decodeText } from './text-decoding.js';

export interface InputText {
  /** The path as shown to the user (relative to the working directory when below it). */
  readonly path: string;
  readonly text: string;
  /** Problems found while reading (a file skipped, a symlink loop), to be reported with the rest. */
  readonly diagnostics?: readonly Diagnostic[];
}

const EXTENSIONS = /\.(ya?ml|json)$/i;
const MIB = 1024 * 1024;

function displayPath(p: string): string {
  if (!isAbsolute(p)) return p;
  const rel = relative(process.cwd(), p);
  return rel && !rel.startsWith('..') ? rel : p;
}

function tooLarge(shown: string, size: string): UserError {
  return new UserError(`cannot read ${shown}: it is ${size}, more than the ${MAX_INPUT_BYTES / MIB} MiB one input may hold`, 'split the manifests into several files');
}

function cannotRead(shown: string, e: unknown): UserError {
  if (e instanceof UserError) return e;
  if (isFsError(e)) return new UserError(`cannot read ${shown}: ${fsErrorWords(e)}`);
  throw e;
}

/** Reads a stream (stdin, a FIFO, a device) up to the size cap; stops early at a NUL byte (not text). */
async function readStream(shown: string, s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const c of s) {
      const b = c as Buffer;
      chunks.push(b);
      total += b.length;
      // /dev/zero and binaries: what is read so far already decides (decodeText reports the NUL).
      if (b.includes(0) && !(chunks[0]![0] === 0xff || chunks[0]![0] === 0xfe)) break;
      if (total > MAX_INPUT_BYTES) throw tooLarge(shown, `over ${MAX_INPUT_BYTES / MIB} MiB`);
    }
  } finally {
    s.destroy();
  }
  return Buffer.concat(chunks);
}

/** One file's text, or a diagnostic when it is not text kubectl would read the same way. */
async function readOne(p: string, shown: string, regular: boolean, size: number): Promise<InputText> {
  let bytes: Buffer;
  try {
    if (regular) {
      if (size > MAX_INPUT_BYTES) throw tooLarge(shown, `${Math.round(size / MIB)} MiB`);
      bytes = await readFile(p);
    } else {
      bytes = await readStream(shown, createReadStream(p));
    }
  } catch (e) {
    throw cannotRead(shown, e);
  }
  const d = decodeText(shown, bytes);
  return d.problem ? { path: shown, text: '', diagnostics: [d.problem] } : { path: shown, text: d.text };
}

interface Walk {
  readonly out: InputText[];
  /** Real paths of the directories being read, from the named one down: a symlink to one is a loop. */
  readonly ancestors: string[];
  /** Real paths of the files and directories read: one reached again through a symlink is not read twice. */
  readonly seen: Set<string>;
}

async function walk(dir: string, w: Walk): Promise<void> {
  const here = await realpath(dir);
  // A directory reached again through another symlink is not read twice.
  if (w.seen.has(here)) return;
  w.seen.add(here);
  w.ancestors.push(here);
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw cannotRead(displayPath(dir), e);
  }
  entries.sort((a, b) => lex(a.name, b.name));
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    let isDir = e.isDirectory();
    let isFile = e.isFile();
    let size = -1;
    if (e.isSymbolicLink()) {
      try {
        const st = await stat(p);
        [isDir, isFile, size] = [st.isDirectory(), st.isFile(), st.size];
      } catch (err) {
        if (!isFsError(err)) throw err;
        // A dangling link or a loop of links: kubectl would fail on it; say so and read the rest.
        if (EXTENSIONS.test(e.name) || err.code === 'ELOOP') {
          w.out.push({ path: displayPath(p), text: '', diagnostics: [{ severity: 'warning', code: 'unreadable-input', message: `symlink ${displayPath(p)} cannot be followed (${fsErrorWords(err)}): skipped`, source: { file: displayPath(p), line: 1 } }] });
        }
        continue;
      }
      if (isDir) {
        const target = await realpath(p);
        // The target is a directory being read, or holds one: following it would come back here.
        if (w.ancestors.some((a) => a === target || a.startsWith(target.endsWith(sep) ? target : target + sep))) {
          w.out.push({
            path: displayPath(p),
            text: '',
            diagnostics: [{ severity: 'warning', code: 'symlink-loop', message: `symlink loop: ${displayPath(p)} points to ${displayPath(target)}, which holds the directory being read; not followed`, source: { file: displayPath(p), line: 1 } }],
          });
          continue;
        }
      }
    }
    if (isDir) await walk(p, w);
    else if (EXTENSIONS.test(e.name)) {
      const real = await realpath(p);
      if (w.seen.has(real)) continue;
      w.seen.add(real);
      if (size < 0 && isFile) size = (await stat(p)).size;
      w.out.push(await readOne(p, displayPath(p), isFile, size));
    }
  }
  w.ancestors.pop();
}

/** Reads every input; directories are recursed for .yaml, .yml and .json files in sorted order. */
export async function readInputs(paths: readonly string[]): Promise<InputText[]> {
  if (paths.length === 0) throw new UserError('no input given', 'name manifest files or directories, or - for stdin');
  const out: InputText[] = [];
  for (const p of paths) {
    if (p === '-') {
      const d = decodeText('<stdin>', await readStream('<stdin>', process.stdin));
      if (d.problem) out.push({ path: '<stdin>', text: '', diagnostics: [d.problem] });
      else out.push(...splitHelmSources('<stdin>', d.text));
      continue;
    }
    let st;
    try {
      st = await stat(p);
    } catch (e) {
      throw cannotRead(p, e);
    }
    if (st.isDirectory()) {
      const w: Walk = { out: [], ancestors: [], seen: new Set() };
      await walk(p, w);
      if (!w.out.some((f) => !f.diagnostics?.some((d) => d.code === 'symlink-loop' || d.code === 'unreadable-input'))) {
        const notes = w.out.flatMap((f) => f.diagnostics ?? []).map((d) => d.message);
        throw new UserError(`${p}: directory holds no .yaml, .yml or .json file${notes.length ? ` (${notes.join('; ')})` : ''}`);
      }
      out.push(...w.out);
    } else {
      // A file named outright is read whatever its kind (a FIFO from <(...), /dev/stdin), as kubectl does.
      out.push(await readOne(p, displayPath(p), st.isFile(), st.size));
    }
  }
  return out;
}
