import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildPayload } from '../../src/transports/payload.js';
import { tempDirForTest } from '../harness/tmp.js';

// The payload is what the remote shell reads on stdin; here it is fed to the local bash and dash directly.
function runPayload(shell: 'bash' | 'sh', script: string, env?: Record<string, string>, cwd?: string) {
  const payload = buildPayload(script, shell, env, cwd);
  const result = spawnSync(shell, ['-se'], { input: payload, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe.each(['bash', 'sh'] as const)('script payload for %s', (shell) => {
  it('runs the script with env and cwd, and returns its exit code', () => {
    const dir = tempDirForTest();
    const result = runPayload(shell, 'printf "%s|%s\\n" "$GREETING" "$(pwd)"\nexit 3\n', { GREETING: "it's \"quoted\" $HOME" }, dir);
    expect(result.stdout).toBe(`it's "quoted" $HOME|${dir}\n`);
    expect(result.code).toBe(3);
  });

  it('keeps the rest of the script away from commands that read stdin', () => {
    const result = runPayload(shell, 'got=$(cat)\necho "stdin=[$got]"\necho after\n');
    expect(result.stdout).toBe('stdin=[]\nafter\n');
  });

  it('stops at the first failing command (set -e)', () => {
    const result = runPayload(shell, 'echo one\nfalse\necho two\n');
    expect(result.stdout).toBe('one\n');
    expect(result.code).toBe(1);
  });

  it('reports a missing command as 127', () => {
    expect(runPayload(shell, 'fieldbook-no-such-command\n').code).toBe(127);
  });

  it('runs none of a script with a syntax error anywhere, even after set +e', () => {
    // Line by line, bash would run the lines before the error and, after `set +e`, go on at the next line: inside
    // a multi-line value that the error left unquoted.
    const script = "set +e\necho one\na=(<'\necho injected\n'\necho two\n";
    const result = runPayload(shell, script);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/syntax error/i);
    if (shell === 'bash') expect(spawnSync('bash', ['-s'], { input: script, encoding: 'utf8' }).stdout).toBe('one\ninjected\n');
  });

  it('says what the syntax error is, and runs nothing before it', () => {
    const result = runPayload(shell, 'echo one\necho two\nif then\n');
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/syntax error.*then/i);
  });

  it('carries scripts without a trailing newline, with heredocs and multibyte text', () => {
    const result = runPayload(shell, 'cat <<EOF\nünïcødé ✓\nEOF\necho end');
    expect(result.stdout).toBe('ünïcødé ✓\nend\n');
  });
});

describe('script payload for bash', () => {
  it('applies shopt to later lines, as a plain script would', () => {
    const result = runPayload('bash', 'shopt -s extglob\nx=abc123\necho "${x//+([0-9])/}"\n');
    expect(result.stdout).toBe('abc\n');
  });
});
