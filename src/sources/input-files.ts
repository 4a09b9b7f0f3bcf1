/** Reading input paths (files, directories recursed, `-` for stdin) into texts, for every source kind. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, isAbsolute } from 'node:path';
import { UserError } from '../util/errors.js';
import { lex } from '../util/compare.js';

export interface InputText {
  /** The path as shown to the user (relative to the working directory when below it). */
  readonly path: string;
  readonly text: string;
}

const EXTENSIONS = /\.(ya?ml|json)$/i;

function displayPath(p: string): string {
  if (!isAbsolute(p)) return p;
  const rel = relative(process.cwd(), p);
  return rel && !rel.startsWith('..') ? rel : p;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => lex(a.name, b.name));
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, out);
    else if (e.isFile() && EXTENSIONS.test(e.name)) out.push(p);
  }
}

/** Reads every input; directories are recursed for .yaml, .yml and .json files in sorted order. */
export async function readInputs(paths: readonly string[]): Promise<InputText[]> {
  if (paths.length === 0) throw new UserError('no input given', 'name manifest files or directories, or - for stdin');
  const out: InputText[] = [];
  for (const p of paths) {
    if (p === '-') {
      out.push({ path: '<stdin>', text: await readStdin() });
      continue;
    }
    let st;
    try {
      st = await stat(p);
    } catch {
      throw new UserError(`cannot read ${p}: no such file or directory`);
    }
    if (st.isDirectory()) {
      const files: string[] = [];
      await walk(p, files);
      if (files.length === 0) throw new UserError(`${p}: directory holds no .yaml, .yml or .json file`);
      for (const f of files) out.push({ path: displayPath(f), text: await readFile(f, 'utf8') });
    } else {
      out.push({ path: displayPath(p), text: await readFile(p, 'utf8') });
    }
  }
  return out;
}
