/** What bash and a few other programs do with each of their arguments, as far as a value in one is concerned. */

/**
 * What bash does with an argument word, for a value in it: nothing more (`plain`), reads it as a variable name
 * (whose subscript it evaluates as arithmetic), or runs it as shell code.
 */
export type Role = 'plain' | 'name' | 'code';

/** How a command reads its arguments: options taking an argument, then operands (the last one repeats). */
export interface ArgumentSpec {
  options: Record<string, [Role, string]>;
  operands: [Role, string][];
}

export const PLAIN: [Role, string] = ['plain', ''];
export const NAMES = (command: string): [Role, string] => ['name', command];
const mapfile: ArgumentSpec = {
  options: { C: ['code', 'the -C callback of mapfile'], c: PLAIN, d: PLAIN, n: PLAIN, O: PLAIN, s: PLAIN, u: PLAIN },
  operands: [NAMES('the array of mapfile')],
};
const completion = (command: string): ArgumentSpec => ({
  options: {
    A: PLAIN, G: PLAIN, o: PLAIN, P: PLAIN, S: PLAIN, X: PLAIN,
    C: ['code', `the -C command of ${command}`], F: ['code', `the -F function of ${command}`], W: ['code', `the -W word list of ${command}, which bash expands again`],
  },
  operands: [PLAIN],
});
/** Builtins that read an argument as a name or run it; all others' arguments are plain words. */
export const BUILTINS: Record<string, ArgumentSpec | 'declare' | 'test'> = {
  printf: { options: { v: NAMES('printf -v') }, operands: [PLAIN] },
  read: {
    options: { a: NAMES('read -a'), d: PLAIN, i: PLAIN, n: PLAIN, N: PLAIN, p: PLAIN, t: PLAIN, u: PLAIN },
    operands: [NAMES('read')],
  },
  wait: { options: { p: NAMES('wait -p') }, operands: [PLAIN] },
  unset: { options: {}, operands: [NAMES('unset')] },
  getopts: { options: {}, operands: [PLAIN, NAMES('getopts'), PLAIN] },
  mapfile,
  readarray: mapfile,
  trap: { options: {}, operands: [['code', 'the action of trap'], PLAIN] },
  alias: { options: {}, operands: [['code', 'an alias']] },
  compgen: completion('compgen'),
  complete: completion('complete'),
  declare: 'declare',
  typeset: 'declare',
  local: 'declare',
  export: 'declare',
  readonly: 'declare',
  test: 'test',
  '[': 'test',
};

/** Shells whose `-c` runs its first operand as code (also as an argument of sudo, env, xargs, kubectl exec ...). */
export const SHELLS = new Set(['sh', 'bash', 'rbash', 'dash', 'ash', 'ksh', 'ksh93', 'mksh', 'pdksh', 'zsh', 'yash', 'posh', 'csh', 'tcsh', 'fish']);
export const SHELL_LONG_WITH_ARGUMENT = new Set(['--rcfile', '--init-file']);

/**
 * Variables whose value bash expands again as a prompt (PS4 under `set -x`), runs as a command, or expands and
 * sources (`BASH_ENV`, and `ENV` for sh and bash --posix, at every non-interactive start).
 */
export const PROMPT_VARIABLES = new Set(['PS0', 'PS1', 'PS2', 'PS4', 'PROMPT_COMMAND', 'BASH_ENV', 'ENV']);

/** A shell: `-o`/`-O` take an argument; its operands are a script and its arguments, ... */
const SHELL_OPTIONS: ArgumentSpec['options'] = { o: PLAIN, O: PLAIN };
export const SHELL_SPEC: ArgumentSpec = { options: SHELL_OPTIONS, operands: [PLAIN] };
/** ... but once `-c` is given, the first operand is run as code, and the rest are `$0`, `$1`, ... */
export const SHELL_SPEC_C: ArgumentSpec = { options: SHELL_OPTIONS, operands: [['code', 'the command string of a shell -c'], PLAIN] };

