import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli, SITE_LOCAL, writeFixture } from '../harness/cli.js';
import { makeTempDir, tempDirForTest } from '../harness/tmp.js';

// Issue #16: places in a `run` script where bash evaluates a word again (as arithmetic, a variable name with a
// subscript, a file name, or code), so that a value's `$(...)` runs however it is quoted. Each case goes through
// the real CLI: `validate` refuses it at the expansion's line and column, and `run` with a value that would run
// `touch <marker>` there refuses it before anything runs.

/** `x[$(touch m)]` in a place bash reads a name or arithmetic from; `$(touch m)` where it expands again. */
const SUBSCRIPT = (m: string) => `PIPESTATUS[$(touch ${m})]`;
const SUBSTITUTION = (m: string) => `$(touch ${m})`;
const ASSIGNMENT = (m: string) => `x[$(touch ${m})]=1`;
const LIST = (m: string) => `($(touch ${m}))`;

const SUBSCRIPT_MESSAGE = /^\$\{\{ \}\} in an array subscript .* cannot be quoted safely, because bash evaluates the subscript of an indexed array as arithmetic/;
const NAME_MESSAGE = /^\$\{\{ \}\} as a variable name \(.+\) cannot be quoted safely, because bash evaluates a subscript in a name/;
const REDIRECT_MESSAGE = /^\$\{\{ \}\} after >& or <& cannot be quoted safely/;
const CODE_MESSAGE = /^\$\{\{ \}\} as .+ is run as shell code, so quoting cannot make it safe/;
const ATTRIBUTE_MESSAGE = /^\$\{\{ \}\} as the value of declare -i\/-a\/-A\/-n .* cannot be quoted safely/;
const ARITHMETIC_MESSAGE = /^\$\{\{ \}\} inside arithmetic/;
const PARAMETER_PART_MESSAGE = /^\$\{\{ \}\} in the name, index or offset of a \$\{\.\.\.\} cannot be quoted safely/;

type Case = [name: string, script: string, value: (marker: string) => string, message: RegExp];
const V = '${{ params.v }}';

const cases: Case[] = [
  ['an array subscript in an assignment', `a[${V}]=1`, SUBSCRIPT, SUBSCRIPT_MESSAGE],
  ['an array subscript in +=', `a[${V}]+=1`, SUBSTITUTION, SUBSCRIPT_MESSAGE],
  ['a subscript in a compound array assignment', `a=([${V}]=1)`, SUBSTITUTION, SUBSCRIPT_MESSAGE],
  ['a subscript in a compound +=', `a=(0); a+=(1 [${V}]=2)`, SUBSTITUTION, SUBSCRIPT_MESSAGE],
  ['a quoted subscript in an assignment', `a["${V}"]=1`, SUBSCRIPT, SUBSCRIPT_MESSAGE],
  ['a subscript in declare', `declare a[${V}]=1`, SUBSTITUTION, SUBSCRIPT_MESSAGE],
  ['a subscript in typeset', `typeset a[${V}]=1`, SUBSTITUTION, SUBSCRIPT_MESSAGE],
  ['a subscript in local', `f() { local a[${V}]=1; }; f`, SUBSTITUTION, SUBSCRIPT_MESSAGE],
  ['a subscript in declare -a ( )', `declare -a a=([${V}]=1)`, SUBSTITUTION, SUBSCRIPT_MESSAGE],
  ['unset with a subscript', `a=(1); unset a[${V}]`, SUBSTITUTION, NAME_MESSAGE],
  ['a name for unset', `unset ${V}`, SUBSCRIPT, NAME_MESSAGE],
  ['a name for unset -v', `unset -v "${V}"`, SUBSCRIPT, NAME_MESSAGE],
  ['a name with a value for declare', `declare ${V}`, ASSIGNMENT, NAME_MESSAGE],
  ['a name for declare', `declare ${V}=1`, SUBSCRIPT, NAME_MESSAGE],
  ['a name for local', `f() { local ${V}=1; }; f`, SUBSCRIPT, NAME_MESSAGE],
  ['the value of declare -i', `declare -i n=${V}`, SUBSCRIPT, ATTRIBUTE_MESSAGE],
  ['the value of declare -a', `declare -a y=${V}`, LIST, ATTRIBUTE_MESSAGE],
  ['the value of local -A', `f() { local -A y=${V}; }; f`, LIST, ATTRIBUTE_MESSAGE],
  ['a nameref: declare -n', `declare -n r=${V}; : "$r"`, SUBSCRIPT, ATTRIBUTE_MESSAGE],
  ['a nameref: local -n', `f() { local -n r=${V}; : "$r"; }; f`, SUBSCRIPT, ATTRIBUTE_MESSAGE],
  ['an element of an integer array', `declare -ia y=(1 ${V})`, SUBSCRIPT, ATTRIBUTE_MESSAGE],
  ['printf -v', `printf -v ${V} %s 1`, SUBSCRIPT, NAME_MESSAGE],
  ['printf -v with a subscript', `printf -v 'a[${V}]' %s 1`, SUBSTITUTION, NAME_MESSAGE],
  ['printf -v attached', `printf -v${V} %s 1`, SUBSCRIPT, NAME_MESSAGE],
  ['read into a name', `read -r ${V} <<< 1`, SUBSCRIPT, NAME_MESSAGE],
  ['read into a subscript', `read a[${V}] <<< 1`, SUBSTITUTION, NAME_MESSAGE],
  ['wait -p', `sleep 0 & wait -n -p ${V}`, SUBSCRIPT, NAME_MESSAGE],
  ['test -v', `test -v ${V}`, SUBSCRIPT, NAME_MESSAGE],
  ['[ -v ]', `[ -v "${V}" ]`, SUBSCRIPT, NAME_MESSAGE],
  ['[[ -v ]]', `[[ -v ${V} ]]`, SUBSCRIPT, NAME_MESSAGE],
  ['>&', `echo x >&${V}`, SUBSTITUTION, REDIRECT_MESSAGE],
  ['1>& with a space', `echo x 1>& "${V}"`, SUBSTITUTION, REDIRECT_MESSAGE],
  ['>& before the command name', `>&${V} echo x`, SUBSTITUTION, REDIRECT_MESSAGE],
  ['trap', `trap ${V} EXIT`, SUBSTITUTION, CODE_MESSAGE],
  ['trap --', `trap -- "${V}" EXIT`, SUBSTITUTION, CODE_MESSAGE],
  ['bash -c', `bash -c ${V}`, SUBSTITUTION, CODE_MESSAGE],
  ['sh -c with options', `sh -e -c "${V}"`, SUBSTITUTION, CODE_MESSAGE],
  ['bash -xc through env', `env A=1 bash -xc ${V}`, SUBSTITUTION, CODE_MESSAGE],
  ['mapfile -C', `mapfile -C ${V} -c 1 a <<< 1`, SUBSTITUTION, CODE_MESSAGE],
  ['compgen -W', `compgen -W ${V}`, SUBSTITUTION, CODE_MESSAGE],
  ['PS4', `PS4=${V}; set -x; :`, SUBSTITUTION, CODE_MESSAGE],
  ['export PS4', `export PS4=${V}; set -x; :`, SUBSTITUTION, CODE_MESSAGE],
  // Found by a second attacker: prefixes with options, coproc, other shells, BASH_ENV, aliases, prompts written by builtins.
  ['command -p eval', `command -p eval ${V}`, SUBSTITUTION, CODE_MESSAGE],
  ['builtin -- eval', `builtin -- eval ${V}`, SUBSTITUTION, CODE_MESSAGE],
  ['command -p let', `command -p let ${V}`, SUBSCRIPT, ARITHMETIC_MESSAGE],
  ['command -p printf -v', `command -p printf -v ${V} x`, SUBSCRIPT, NAME_MESSAGE],
  ['time -p eval', `time -p eval ${V}`, SUBSTITUTION, CODE_MESSAGE],
  ['time -p [[ -eq ]]', `time -p [[ ${V} -eq 1 ]]`, SUBSCRIPT, ARITHMETIC_MESSAGE],
  ['exec -a name bash -c', `(exec -a x bash -c ${V})`, SUBSTITUTION, CODE_MESSAGE],
  ['coproc eval', `coproc eval ${V}; wait`, SUBSTITUTION, CODE_MESSAGE],
  ['coproc { eval; }', `coproc { eval ${V}; }; wait`, SUBSTITUTION, CODE_MESSAGE],
  ['rbash -c', `rbash -c ${V}`, SUBSTITUTION, CODE_MESSAGE],
  ['BASH_ENV before bash', `BASH_ENV=${V} bash -c true`, SUBSTITUTION, CODE_MESSAGE],
  ['export BASH_ENV', `export BASH_ENV=${V}; bash -c true`, SUBSTITUTION, CODE_MESSAGE],
  ['an alias of eval', `shopt -s expand_aliases\n      alias e=eval\n      e ${V}`, SUBSTITUTION, /^this script turns on expand_aliases/],
  ['printf -v PS4', `printf -v PS4 %s ${V}; set -x; true`, SUBSTITUTION, CODE_MESSAGE],
  ['read PS4 from a here-string', `read -r PS4 <<< ${V}; set -x; true`, SUBSTITUTION, CODE_MESSAGE],
  // Refused before issue #16 too; kept here so every evaluated position is proved through the CLI.
  ['${a[...]}', `a=(1); echo "\${a[${V}]}"`, SUBSCRIPT, PARAMETER_PART_MESSAGE],
  ['${x:offset}', `x=abc; echo \${x:${V}}`, SUBSTITUTION, PARAMETER_PART_MESSAGE],
  ['(( ))', `(( ${V} ))`, SUBSTITUTION, ARITHMETIC_MESSAGE],
  ['$(( ))', `echo $(( ${V} ))`, SUBSTITUTION, ARITHMETIC_MESSAGE],
  ['let', `let "n = ${V}"`, SUBSCRIPT, ARITHMETIC_MESSAGE],
  ['[[ -eq ]]', `[[ ${V} -eq 1 ]]`, SUBSCRIPT, ARITHMETIC_MESSAGE],
  ['for (( ))', `for (( i = ${V}; i < 1; i++ )); do :; done`, SUBSTITUTION, ARITHMETIC_MESSAGE],
];

const runbook = (script: string) =>
  `apiVersion: fieldbook/v1\nkind: Runbook\nmetadata: { name: hostile, title: Hostile }\nparams:\n  v: { required: true }\nsteps:\n  - id: s\n    run: |\n      ${script}\n`;

/** `line:column` of the first `${{` in `text`, as validate prints it. */
function positionOf(text: string): string {
  const before = text.slice(0, text.indexOf('${{'));
  const lines = before.split('\n');
  return `${lines.length}:${(lines.at(-1)?.length ?? 0) + 1}`;
}

describe.concurrent('a value where bash evaluates it again is refused', () => {
  test.for(cases)('%s', async ([, script, value, message], { expect: check, onTestFinished }) => {
    // This test's own hook: the global one may belong to another test running concurrently.
    const { path: dir, remove } = makeTempDir();
    onTestFinished(remove);
    const text = runbook(script);
    writeFixture(dir, 'runbook.yaml', text);
    writeFixture(dir, 'site.yaml', SITE_LOCAL);
    const validated = await runCli(['validate', 'runbook.yaml'], { cwd: dir });
    check(validated.code, validated.stderr).toBe(2);
    const lines = validated.stderr.replace(/\n$/, '').split('\n');
    check(lines, validated.stderr).toHaveLength(1);
    const [location, field, ...rest] = (lines[0] ?? '').split(': ');
    check(location).toBe(`runbook.yaml:${positionOf(text)}`);
    check(field).toBe('steps[0].run');
    check(rest.join(': ')).toMatch(message);

    const marker = join(dir, 'pwned');
    const run = ['run', 'runbook.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 'r', '--param', `v=${value(marker)}`];
    const ran = await runCli(run, { cwd: dir });
    check(existsSync(marker), `the value ran: ${ran.stdout}`).toBe(false);
    check(ran.code, ran.stderr).toBe(2);
  });
});

test('the same hostile values are inert where bash reads a plain word', async () => {
  const dir = tempDirForTest();
  const plain = [
    `x=${V} a[1]=${V} b=(${V} "${V}")`,
    `declare y=${V}; export Z=${V}; readonly R=${V}`,
    `f() { local l=${V}; }; f`,
    `declare -A h; h[k]=${V}; h=([k]=${V})`,
    // [ and test read -eq operands as plain numbers (only [[ ]] evaluates them); steps run with set -e.
    `[ ${V} -eq 1 ] 2>/dev/null || test 1 -lt ${V} 2>/dev/null || [[ ${V} == 1 || -n ${V} ]]`,
    `echo ${V} >/dev/null; printf '%s\\n' "${V}" >/dev/null; cat <<< ${V} >/dev/null`,
    `{ echo x >${V}; } 2>/dev/null || true`,
    `read -r -p ${V} line <<< 1 || true`,
    `case ${V} in ${V}) ;; esac; for w in ${V}; do :; done`,
    `bash -c ': "$1"' _ ${V}; sh -c ': "$1"' sh "${V}"`,
    `trap 'true' EXIT; printf -v out %s ${V}; unset out`,
    `echo ok`,
  ];
  writeFixture(dir, 'runbook.yaml', runbook(plain.join('\n      ')));
  writeFixture(dir, 'site.yaml', SITE_LOCAL);
  const validated = await runCli(['validate', 'runbook.yaml'], { cwd: dir });
  expect(validated.stderr).toBe('');
  expect(validated.code).toBe(0);
  for (const value of [SUBSCRIPT, SUBSTITUTION, ASSIGNMENT, LIST]) {
    const marker = join(dir, 'pwned');
    const ran = await runCli(['run', 'runbook.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', value.name, '--param', `v=${value(marker)}`], {
      cwd: dir,
    });
    expect(ran.stdout).toContain('s | ok');
    expect(ran.code, ran.stdout).toBe(0);
    expect(existsSync(marker), `${value(marker)} ran: ${ran.stdout}`).toBe(false);
  }
});
