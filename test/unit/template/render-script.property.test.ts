import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { checkScriptTemplate, renderScript, TemplateError } from '../../../src/template/index.js';

// Each part is one printf argument in the script and the argument the shell must pass for value v.
type Part = [template: string, expected: (v: string) => string];
const X = '${{ params.x }}';
const POSIX_PARTS: Part[] = [
  ['A', () => 'A'],
  [X, (v) => v],
  [`"B${X}C"`, (v) => `B${v}C`],
  [`'D${X}E'`, (v) => `D${v}E`],
  // Command substitution strips trailing newlines, so these print a "." after the value.
  [`"$(printf %s. "${X}")"`, (v) => `${v}.`],
  [`"$(printf %s. ${X})"`, (v) => `${v}.`],
  [`"H$(printf %s. "I${X}J")K"`, (v) => `HI${v}J.K`],
  ['"`printf %s. ' + X + '`"', (v) => `${v}.`],
  [`\${unset_var:-${X}}`, (v) => v],
  [`\${unset_var:-"N${X}O"}`, (v) => `N${v}O`],
  [`"$(case k in k) printf %s. ${X};; esac)"`, (v) => `${v}.`],
  [`P${X}'Q'"R"`, (v) => `P${v}QR`],
];
const BASH_PARTS: Part[] = [
  ...POSIX_PARTS,
  [`$'S${X}T'`, (v) => `S${v}T`],
  // An escaped quote before and an escape after: the value must sit between two $'...' strings.
  [`$'U\\'${X}\\x56'`, (v) => `U'${v}V`],
];

// After the printf line: a comment, a quoted here-document whose body would confuse a naive scanner,
// an assignment; each must leave later expansions quoted correctly.
const TAIL = `
# a comment holding ${X} cannot end early
printf '%s\\0' Z
cat <<'EOF' >/dev/null
it's "odd $( \`
EOF
printf '%s\\0' after-heredoc ${X}
a=${X}
b=\`printf %s. "L${X}M"\`
c=\`printf %s. "\\\`printf %s. ${X}\\\`"\`
printf '%s\\0' "$a" "$b" "$c"
`;
const tailExpected = (v: string): string[] => ['Z', 'after-heredoc', v, v, `L${v}M.`, `${v}..`];

function scriptFor(parts: Part[]): string {
  return `printf '%s\\0' ${parts.map(([template]) => template).join(' ')}${TAIL}`;
}

function runShell(shell: string, script: string): string[] {
  const syntax = spawnSync(shell, ['-n'], { input: script });
  expect(syntax.status, `${shell} -n: ${syntax.stderr.toString()}\n${script}`).toBe(0);
  const run = spawnSync(shell, ['-s'], { input: script, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' } });
  expect(run.status, `${shell}: ${run.stderr.toString()}\n${script}`).toBe(0);
  const fields = run.stdout.toString('utf8').split('\0');
  expect(fields.pop()).toBe('');
  return fields;
}

// Strings built to break naive quoting: quotes, substitutions, operators, escapes, newlines, unicode.
const hostilePiece = fc.constantFrom(
  "'", '"', '$(', ')', '`', ';', '|', '&', '\n', '\r', '\\', '!', '*', '~', '-', '--', '$', '${', '}', '$((',
  "$'", '\\c', "'\\''", '#', ' ', '\t', '<<EOF', 'EOF', '$HOME', '?', '[a]', '{a,b}', 'é', '😀', '\u202e', '\u00a0',
);
const hostile = fc
  .array(fc.oneof(hostilePiece, fc.string({ unit: 'grapheme', maxLength: 4 }), fc.string({ unit: 'binary-ascii', maxLength: 4 })), {
    maxLength: 10,
  })
  .map((pieces) => pieces.join(''))
  .filter((value) => !value.includes('\0'));

describe('renderScript against real shells', () => {
  test('the fixed script has no static problems', () => {
    expect(checkScriptTemplate(scriptFor(BASH_PARTS))).toEqual([]);
  });

  // 200 real bash processes: seconds on a quiet machine, more while the lab tests load both cores.
  test('bash receives every hostile value as exactly the intended word, in every quoting context', { timeout: 120_000 }, () => {
    const template = scriptFor(BASH_PARTS);
    fc.assert(
      fc.property(hostile, (v) => {
        const argv = runShell('bash', renderScript(template, { params: { x: v } }));
        expect(argv).toEqual([...BASH_PARTS.map(([, expected]) => expected(v)), ...tailExpected(v)]);
      }),
      { numRuns: 200 },
    );
  });

  test('a POSIX sh (dash) receives the same words from the POSIX subset', () => {
    const template = scriptFor(POSIX_PARTS);
    fc.assert(
      fc.property(hostile, (v) => {
        const argv = runShell('dash', renderScript(template, { params: { x: v } }, 'sh'));
        expect(argv).toEqual([...POSIX_PARTS.map(([, expected]) => expected(v)), ...tailExpected(v)]);
      }),
      { numRuns: 60 },
    );
  });

  test('a value holding a NUL byte is refused, and the message names the path but not the value', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (before, after) => {
        const v = `${before}\0${after}`;
        let caught: unknown;
        try {
          renderScript(`echo ${X}`, { params: { x: v } });
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(TemplateError);
        const error = caught as TemplateError;
        expect(error.message).toBe('value of params.x contains a NUL byte, which a shell cannot carry');
        expect(error.offset).toBe(5);
      }),
      { numRuns: 100 },
    );
  });
});
