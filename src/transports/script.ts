/**
 * A script as sent on stdin to `bash -se` / `sh -se`. The shell reads stdin as it goes, so a command in the
 * script that reads stdin (cat, ssh, read) would swallow the rest of the script. Wrapping it in a function makes
 * the shell read all of it first; the function then runs with stdin from /dev/null.
 */
export function wrapScript(script: string): string {
  const body = script.endsWith('\n') ? script : `${script}\n`;
  return `__fieldbook_step() {\n${body}}\n__fieldbook_step </dev/null\n`;
}

/** argv of the shell that reads a wrapped script on stdin. */
export function shellArgv(shell: 'bash' | 'sh'): [string, string] {
  return [shell, '-se'];
}
