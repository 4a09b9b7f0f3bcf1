/**
 * Reading manifests from a git revision (`git:REF:path`) without touching the work tree or the index:
 * `git ls-tree` lists the blobs under the path at that commit and `git cat-file` reads them.
 * Runs git directly (execFile, no shell), so refs and paths are never interpreted by a shell.
 */
import { execFile } from 'node:child_process';
import { UserError } from '../util/errors.js';
import type { InputText } from './input-files.js';
import { decodeText } from './text-decoding.js';

export interface GitSpec {
  readonly ref: string;
  /** Path inside the repository as given (relative to the working directory's place in the repo). */
  readonly path: string;
}

const EXTENSIONS = /\.(ya?ml|json)$/i;

/** True when an input names a git revision (`git:REF:path`). */
export function isGitSpec(s: string): boolean {
  return s.startsWith('git:');
}

/** Parses `git:REF:path` (path may be empty or `.` for the whole tree); refs cannot contain ':'. */
export function parseGitSpec(s: string): GitSpec {
  const rest = s.slice('git:'.length);
  const colon = rest.indexOf(':');
  const ref = colon < 0 ? rest : rest.slice(0, colon);
  const path = colon < 0 ? '' : rest.slice(colon + 1);
  if (!ref) throw new UserError(`bad git input "${s}": no revision`, 'write git:REF:path, e.g. git:main:k8s/ or git:HEAD~1:manifests/prod');
  return { ref, path: path === '' ? '.' : path };
}

interface RunResult {
  readonly stdout: Buffer;
}

function git(args: readonly string[], cwd: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile('git', [...args], { cwd, encoding: 'buffer', maxBuffer: 1 << 30, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } }, (err, stdout, stderr) => {
      if (err) {
        const e = err as NodeJS.ErrnoException & { stderr?: string };
        if (e.code === 'ENOENT') reject(new UserError('git is not installed or not on PATH', 'install git to read git:REF:path inputs'));
        else reject(Object.assign(new Error(stderr.toString('utf8').trim() || e.message), { gitFailed: true }));
        return;
      }
      resolve({ stdout });
    });
  });
}

function firstLine(e: unknown): string {
  return ((e as Error).message ?? String(e)).split('\n')[0]!;
}

/** Reads every .yaml, .yml and .json file under the path at the revision, in sorted order. */
export async function readGitInputs(spec: string, cwd: string = process.cwd()): Promise<InputText[]> {
  const { ref, path } = parseGitSpec(spec);
  try {
    await git(['rev-parse', '--is-inside-work-tree'], cwd);
  } catch (e) {
    if (e instanceof UserError) throw e;
    // git says why (not a repository, or "dubious ownership" in CI containers): pass its words on.
    throw new UserError(`cannot read ${spec}: ${cwd} is not inside a git repository (git: ${firstLine(e)})`, /dubious ownership/.test(String(e)) ? `run: git config --global --add safe.directory ${cwd}` : 'run from inside the repository, or give a directory instead');
  }
  let commit: string;
  try {
    commit = (await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], cwd)).stdout.toString('utf8').trim();
  } catch {
    throw new UserError(`cannot read ${spec}: unknown revision "${ref}"`, 'give a branch, tag or commit that exists locally (git fetch it first in CI)');
  }
  if (!/^[0-9a-f]{40,64}$/.test(commit)) throw new UserError(`cannot read ${spec}: unknown revision "${ref}"`);
  let listing: Buffer;
  try {
    // Pathspecs are relative to cwd, like every git command; -z keeps odd file names intact.
    listing = (await git(['ls-tree', '-r', '-z', '--full-name', commit, '--', path], cwd)).stdout;
  } catch (e) {
    throw new UserError(`cannot list ${spec}: ${firstLine(e)}`);
  }
  const entries = listing
    .toString('utf8')
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t');
      const [mode, type, sha] = line.slice(0, tab).split(' ');
      return { mode: mode!, type: type!, sha: sha!, file: line.slice(tab + 1) };
    });
  if (entries.length === 0) throw new UserError(`cannot read ${spec}: no file "${path}" at revision ${ref}`, 'paths are relative to the current directory; check it with git ls-tree');
  // A single file named outright is read whatever its extension, as with plain paths.
  const single = entries.length === 1 && entries[0]!.type === 'blob';
  const files = entries
    .filter((e) => single || (e.type === 'blob' && EXTENSIONS.test(e.file) && !e.file.split('/').some((part) => part.startsWith('.') || part === 'node_modules')))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  if (files.length === 0) throw new UserError(`${spec}: holds no .yaml, .yml or .json file at revision ${ref}`);
  const out: InputText[] = [];
  for (const f of files) {
    const shown = `${ref}:${f.file}`;
    const d = decodeText(shown, (await git(['cat-file', 'blob', f.sha], cwd)).stdout);
    out.push(d.problem ? { path: shown, text: '', diagnostics: [d.problem] } : { path: shown, text: d.text });
  }
  return out;
}
