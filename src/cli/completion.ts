/**
 * Shell completion scripts (bash, zsh, fish), generated from the program's own commander metadata so
 * that they can never disagree with the options: commands, every visible flag, the values of -o and
 * --level, and file names for <file> options and inputs.
 */
import type { Command, Option } from 'commander';
import { OPTION_VALUES } from './options.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

interface Opt {
  readonly flags: readonly string[];
  readonly takesValue: boolean;
  readonly file: boolean;
  readonly values: readonly string[];
  readonly description: string;
}

interface Cmd {
  readonly name: string;
  readonly description: string;
  readonly options: readonly Opt[];
}

function optOf(o: Option): Opt {
  return {
    flags: [o.short, o.long].filter((f): f is string => f !== undefined),
    takesValue: o.required || o.optional,
    file: /<file>|<dir>/.test(o.flags),
    values: OPTION_VALUES.get(o) ?? o.argChoices ?? [],
    description: o.description,
  };
}

function commandsOf(program: Command): Cmd[] {
  const help: Opt = { flags: ['-h', '--help'], takesValue: false, file: false, values: [], description: 'display help for command' };
  return program.commands
    .filter((c) => !(c as unknown as { _hidden?: boolean })._hidden)
    .map((c) => ({ name: c.name(), description: c.description(), options: [...c.options.filter((o) => !o.hidden).map(optOf), help] }));
}

/** A description on one line, without the characters each shell's quoting gives a meaning to. */
function short(d: string): string {
  return d.replace(/\([^)]*\)/g, '').split(/[;:]/)[0]!.replace(/['"`$\\[\]]/g, '').replace(/\s+/g, ' ').trim();
}

function bash(name: string, cmds: readonly Cmd[]): string {
  const fn = `_${name.replace(/\W/g, '_')}`;
  const lines = [
    `# bash completion for ${name}: source it, or put it in ~/.local/share/bash-completion/completions/${name}`,
    `${fn}() {`,
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"',
    '  if [[ $COMP_CWORD -eq 1 ]]; then',
    `    COMPREPLY=($(compgen -W "${cmds.map((c) => c.name).join(' ')} --help --version" -- "$cur"))`,
    '    return',
    '  fi',
    '  case "${COMP_WORDS[1]}" in',
  ];
  for (const c of cmds) {
    lines.push(`    ${c.name})`, '      case "$prev" in');
    for (const o of c.options.filter((x) => x.values.length > 0)) lines.push(`        ${o.flags.join('|')}) COMPREPLY=($(compgen -W "${o.values.join(' ')}" -- "$cur")); return ;;`);
    const files = c.options.filter((x) => x.file).flatMap((x) => x.flags);
    if (files.length) lines.push(`        ${files.join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return ;;`);
    const other = c.options.filter((x) => x.takesValue && !x.file && x.values.length === 0).flatMap((x) => x.flags);
    if (other.length) lines.push(`        ${other.join('|')}) COMPREPLY=(); return ;;`);
    lines.push('      esac');
    lines.push(`      if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "${c.options.flatMap((o) => o.flags).join(' ')}" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi`);
    lines.push('      ;;');
  }
  lines.push('  esac', '}', `complete -o filenames -o bashdefault -F ${fn} ${name}`, '');
  return lines.join('\n');
}

function zsh(name: string, cmds: readonly Cmd[]): string {
  const fn = `_${name.replace(/\W/g, '_')}`;
  const lines = [
    `#compdef ${name}`,
    `# zsh completion for ${name}: put it as _${name} in a directory of $fpath, or source it after compinit`,
    `${fn}() {`,
    '  local -a commands',
    `  commands=(${cmds.map((c) => `'${c.name}:${short(c.description)}'`).join(' ')})`,
    '  if (( CURRENT == 2 )); then',
    "    _describe 'command' commands",
    '    return',
    '  fi',
    '  local cmd=$words[2]',
    '  shift words',
    '  (( CURRENT-- ))',
    '  case $cmd in',
  ];
  for (const c of cmds) {
    const specs = c.options.flatMap((o) =>
      o.flags.map((f) => {
        const action = !o.takesValue ? '' : o.values.length ? `:value:(${o.values.join(' ')})` : o.file ? ':file:_files' : ':value: ';
        return `'${f}[${short(o.description)}]${action}'`;
      }),
    );
    lines.push(`    ${c.name}) _arguments -s ${[...specs, "'*:input:_files'"].join(' \\\n        ')} ;;`);
  }
  lines.push('  esac', '}', `if [[ $zsh_eval_context[-1] == loadautofunc ]]; then ${fn} "$@"; else compdef ${fn} ${name}; fi`, '');
  return lines.join('\n');
}

function fish(name: string, cmds: readonly Cmd[]): string {
  const lines = [`# fish completion for ${name}: put it in ~/.config/fish/completions/${name}.fish`, `complete -c ${name} -f`];
  for (const c of cmds) lines.push(`complete -c ${name} -n '__fish_use_subcommand' -a ${c.name} -d '${short(c.description)}'`);
  for (const c of cmds) {
    const when = `-n '__fish_seen_subcommand_from ${c.name}'`;
    lines.push(`complete -c ${name} ${when} -F`);
    for (const o of c.options) {
      const flags = o.flags.map((f) => (f.startsWith('--') ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`)).join(' ');
      const value = !o.takesValue ? '' : o.values.length ? ` -x -a '${o.values.join(' ')}'` : o.file ? ' -r -F' : ' -x';
      lines.push(`complete -c ${name} ${when} ${flags}${value} -d '${short(o.description)}'`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The completion script for a shell, from the program's commands and options. */
export function completionScript(program: Command, shell: Shell): string {
  const cmds = commandsOf(program);
  const name = program.name();
  return shell === 'bash' ? bash(name, cmds) : shell === 'zsh' ? zsh(name, cmds) : fish(name, cmds);
}
