import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { secretFormKinds } from '../../src/secrets/secret-forms.js';
import { CLI, runCli, SITE_LOCAL, writeFixture, type CliResult } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';
import { hasTmux, tmuxServer } from '../tui/tmux.js';

/**
 * Secrets through the real CLI: never persisted, never shown, in any encoding of the masker's table, wherever a
 * value can go (records, captures, foreach items, kubectl's argv, FIELDBOOK_SECRET_* that no step uses).
 */

const TOKEN = "Tk9'(s3cr!t)~é";

/** Every file under FIELDBOOK_HOME (run directories included) that holds a form of `secret`, and each stream. */
function leaks(dir: string, secret: string, results: readonly CliResult[]): string[] {
  const files = (at: string): string[] => (existsSync(at) ? readdirSync(at).flatMap((name) => (statSync(join(at, name)).isDirectory() ? files(join(at, name)) : [join(at, name)])) : []);
  const texts = [...files(join(dir, '.fieldbook')).map((path) => ({ where: path, text: readFileSync(path, 'utf8') })), ...results.flatMap((r, i) => [{ where: `stdout of command ${i + 1}`, text: r.stdout }, { where: `stderr of command ${i + 1}`, text: r.stderr }])];
  return secretFormKinds(secret).flatMap(({ form, kind }) => texts.filter(({ text }) => text.includes(form)).map(({ where }) => `${where}: ${kind} ${JSON.stringify(form)}`));
}

function fixture(runbook: string): string {
  const dir = tempDirForTest();
  writeFixture(dir, 'site.yaml', SITE_LOCAL);
  writeFixture(dir, 'runbook.yaml', runbook);
  return dir;
}

const RUN = ['run', 'runbook.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 'r'];

const RECORDS = `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: records, title: Secret records }
steps:
  - id: vault
    manual:
      instructions: Read the token from the vault.
      record: [ { name: token, prompt: Token, secret: true } ]
  - id: use
    run: |
      [ -f go ] || { echo "not yet" >&2; exit 3; }
      printf '%s' \${{ steps.vault.outputs.token }} > used.txt
      echo used
`;

describe('secret records', () => {
  it('are asked again on resume, and the next step gets the real value, not ****', async () => {
    const dir = fixture(RECORDS);
    const env = { FIELDBOOK_SECRET_VAULT_TOKEN: TOKEN };
    const first = await runCli([...RUN, '--approve', 'vault'], { cwd: dir, env });
    expect(first.code, first.stdout + first.stderr).toBe(1);
    writeFileSync(join(dir, 'go'), '');

    const without = await runCli(['resume', 'r', '--ui', 'plain'], { cwd: dir });
    expect(without.code, without.stdout + without.stderr).toBe(2);
    expect(without.stderr).toContain('resume needs the secret record "vault.token" again');
    expect(without.stderr).toContain('FIELDBOOK_SECRET_VAULT_TOKEN');
    expect(existsSync(join(dir, 'used.txt'))).toBe(false);

    const resumed = await runCli(['resume', 'r', '--ui', 'plain'], { cwd: dir, env });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(readFileSync(join(dir, 'used.txt'), 'utf8')).toBe(TOKEN);
    const shown = await runCli(['show', 'r', '--json'], { cwd: dir });
    expect(shown.stdout).toMatch(/"token": ?"\*{4}"/);
    expect(leaks(dir, TOKEN, [first, without, resumed, shown])).toEqual([]);
  });

  it('are asked again on resume at a terminal, with hidden input', { timeout: 60_000 }, async () => {
    expect(hasTmux(), 'tmux is needed for this test: apt-get install -y tmux').toBe(true);
    const dir = fixture(RECORDS);
    const first = await runCli([...RUN, '--approve', 'vault'], { cwd: dir, env: { FIELDBOOK_SECRET_VAULT_TOKEN: TOKEN } });
    expect(first.code, first.stdout + first.stderr).toBe(1);
    writeFileSync(join(dir, 'go'), '');
    const term = tmuxServer(dir);
    term.start(`node ${CLI} resume r --ui plain`);
    await term.waitFor('secret vault.token:');
    term.keys('-l', TOKEN);
    term.keys('Enter');
    const screen = await term.waitFor('EXIT=');
    expect(screen).toContain('EXIT=0');
    expect(readFileSync(join(dir, 'used.txt'), 'utf8')).toBe(TOKEN);
    expect(leaks(dir, TOKEN, [first, { code: 0, signal: null, stdout: screen, stderr: '', killed: false }])).toEqual([]);
  });

  it('are refused on the command line (--record), in one line that does not echo the value', async () => {
    const dir = fixture(RECORDS);
    const result = await runCli([...RUN, '--approve', 'vault', '--record', `vault.token=${TOKEN}`], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringContaining('--record vault.token: "token" is a secret record')]);
    expect(result.stderr).toContain('FIELDBOOK_SECRET_VAULT_TOKEN');
    // Without it, the run waits and names the variable, not a --record.
    const waiting = await runCli([...RUN, '--approve', 'vault'], { cwd: dir });
    expect(waiting.code).toBe(3);
    expect(waiting.stdout).toContain('with its secret record in FIELDBOOK_SECRET_VAULT_TOKEN (Token)');
    expect(waiting.stdout).not.toContain('--record vault.token');
    expect(leaks(dir, TOKEN, [result, waiting])).toEqual([]);
  });
});

describe('FIELDBOOK_SECRET_* values', () => {
  it('are masked in every form although no step uses them (an SSH password with no SSH step)', async () => {
    const dir = fixture(`apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: ssh-pw, title: SSH password }
steps:
  - id: print
    run: |
      cat pw.txt; echo
      printf 'u:%s' "$(cat pw.txt)" | base64
      printf '%q\\n' "$(cat pw.txt)"
`);
    writeFileSync(join(dir, 'pw.txt'), TOKEN);
    const run = await runCli(RUN, { cwd: dir, env: { FIELDBOOK_SECRET_SSH_PASSWORD: TOKEN } });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('****');
    expect(leaks(dir, TOKEN, [run])).toEqual([]);
  });
});

describe('places a secret cannot go', () => {
  const secretParam = `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: places, title: Places }
params:
  tokens: { type: list, secret: true, required: true }
  token: { secret: true, required: true }
steps:
`;

  it('a foreach list: refused before anything runs, naming where', async () => {
    const dir = fixture(`${secretParam}  - id: each
    foreach: \${{ params.tokens }}
    run: echo "rotating \${{ item }}"
`);
    const run = await runCli(RUN, { cwd: dir, env: { FIELDBOOK_SECRET_TOKENS: `${TOKEN},other-one`, FIELDBOOK_SECRET_TOKEN: TOKEN } });
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stderr).toMatch(/^runbook\.yaml:9:14: steps\[0\]\.foreach: params\.tokens is a secret, and `foreach` items are journaled/);
    expect(leaks(dir, TOKEN, [run])).toEqual([]);
  });

  it("kubectl's argv: refused before anything runs, naming where", async () => {
    const dir = fixture(`${secretParam}  - id: create
    kubectl:
      args: [create, secret, generic, reg, "--from-literal=password=\${{ params.token }}"]
`);
    const run = await runCli(RUN, { cwd: dir, env: { FIELDBOOK_SECRET_TOKENS: 'a,b', FIELDBOOK_SECRET_TOKEN: TOKEN } });
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stderr).toMatch(/^runbook\.yaml:10:\d+: steps\[0\]\.kubectl\.args\[4\]: params\.token is a secret, and kubectl's argv is visible/);
    expect(leaks(dir, TOKEN, [run])).toEqual([]);
  });

  it('a capture: the step that captured it fails, naming the capture, and no later step gets ****', async () => {
    const dir = fixture(`${secretParam}  - id: login
    run: echo "session=\${{ params.token }}"
    capture: { session: { regex: 'session=(.+)' } }
  - id: use
    run: echo "using \${{ steps.login.outputs.session }}"
`);
    const run = await runCli(RUN, { cwd: dir, env: { FIELDBOOK_SECRET_TOKENS: 'a,b', FIELDBOOK_SECRET_TOKEN: TOKEN } });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout + run.stderr).toContain('capture "session" held a secret');
    const journal = readFileSync(join(dir, '.fieldbook', 'runs', 'r', 'journal.jsonl'), 'utf8');
    expect(journal).not.toContain('"step":"use"');
    expect(leaks(dir, TOKEN, [run])).toEqual([]);
  });
});

describe('fieldbook export', () => {
  it('refuses an archive holding any form of the table (here: URL-encoded with lower-case hex)', async () => {
    const dir = fixture(`apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: plain, title: Plain }
steps:
  - id: hello
    run: echo hello
`);
    expect((await runCli(RUN, { cwd: dir })).code).toBe(0);
    const lowerHex = encodeURIComponent(TOKEN).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16)}`).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());
    writeFileSync(join(dir, '.fieldbook', 'runs', 'r', 'logs', 'extra.log'), `GET /?t=${lowerHex}\n`);
    const exported = await runCli(['export', 'r'], { cwd: dir, env: { FIELDBOOK_SECRET_TOKEN: TOKEN } });
    expect(exported.code, exported.stdout + exported.stderr).toBe(4);
    expect(exported.stderr).toContain('URL-encoded');
    expect(existsSync(join(dir, 'r.tar.gz'))).toBe(false);
  });
});
