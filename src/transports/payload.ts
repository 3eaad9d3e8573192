import { randomBytes } from 'node:crypto';
import { TransportError } from '../errors.js';
import { shellQuote } from '../template/shell-quote.js';

/**
 * What goes on a shell's stdin to run a script, locally, over SSH or in a pod. The script is read whole before
 * any of it runs, then parsed whole, then evaluated with stdin from /dev/null: a command in the script that reads
 * stdin (`cat`, `ssh`, `read`) cannot swallow the rest of the script, nothing of it ever appears in argv, and
 * `set -e` from `-se` still applies.
 *
 * Parsed whole first (as the body of a function that is never called), so that a syntax error anywhere runs none
 * of it. `eval` alone parses and runs one command at a time: a typo on line 50 of a wipe would come after lines
 * 1-49 had run, and after a `set +e` bash even goes on at the line after the error.
 */
export function buildPayload(
  body: string,
  shell: 'bash' | 'sh',
  env: Readonly<Record<string, string>> = {},
  cwd?: string,
): Buffer {
  // -e from `-se`, stated again: a parse that fails must end the shell there, before bash looks past the error.
  const preamble = `set -e\n${setupLines(env, cwd, false)}`;
  // The header shares the script's first line, so dash's line numbers in a syntax error are the script's (bash
  // counts from the payload's line, as it did for the `eval` that runs the script). Short names: bash reads this
  // tail of the payload a byte per read(2).
  const parse = 'eval "__fbp(){ $__fieldbook_script\n}";unset -f __fbp\n';
  const run = 'eval "unset __fieldbook_script; $__fieldbook_script" </dev/null\n';
  return shell === 'bash' ? bashPayload(preamble, body, parse, run) : shPayload(preamble, body, parse, run);
}

/** `export NAME='value'` and `cd -- 'dir'` lines; on one line with `;`/`|| exit` when `inline`. */
export function setupLines(env: Readonly<Record<string, string>>, cwd: string | undefined, inline: boolean): string {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new TransportError(`cannot export environment variable "${name}": not a valid shell name`, {
        phase: 'exec',
        hint: 'use letters, digits and underscores, not starting with a digit',
      });
    }
    lines.push(`export ${name}=${shellQuote(value)}`);
  }
  if (cwd !== undefined) lines.push(`cd -- ${shellQuote(cwd)}${inline ? ' || exit 1' : ''}`);
  if (lines.length === 0) return '';
  return inline ? `${lines.join('; ')}; ` : `${lines.join('\n')}\n`;
}

/**
 * bash reads a pipe byte by byte, so its own `read -N` can take exactly the script's bytes off stdin: no temp
 * file (unlike a large here-document) and no extra process (`head -c` cost a fork per step). `LC_ALL=C` makes
 * -N count bytes, `IFS=` and `-r` keep every byte, trailing newlines included.
 */
function bashPayload(preamble: string, body: string, parse: string, run: string): Buffer {
  const script = Buffer.from(body, 'utf8');
  // A script may turn extglob on before it uses it; the parse must accept what the run would.
  const extglob = `shopt -q extglob&&__fbx=||{ __fbx=1;shopt -s extglob;}\n${parse}[ -z "$__fbx" ]||shopt -u extglob\n`;
  return Buffer.concat([
    Buffer.from(`${preamble}LC_ALL=C IFS= read -r -d '' -N ${script.length} __fieldbook_script\n`, 'utf8'),
    script,
    Buffer.from(`\n${extglob}${run}`, 'utf8'),
  ]);
}

/** dash reads stdin in blocks, so the script travels in a quoted here-document that dash parses itself. */
function shPayload(preamble: string, body: string, parse: string, run: string): Buffer {
  let delimiter: string;
  do delimiter = `__FIELDBOOK_${randomBytes(8).toString('hex')}`;
  while (body.split('\n').includes(delimiter));
  const text = body.endsWith('\n') ? body : `${body}\n`;
  return Buffer.from(`${preamble}__fieldbook_script=$(cat <<'${delimiter}'\n${text}${delimiter}\n)\n${parse}${run}`, 'utf8');
}
