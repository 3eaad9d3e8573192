import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { secretForms } from '../../src/secrets/secret-forms.js';
import { runCli, SITE_LOCAL, writeFixture } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';

/** Every file under a directory, as text. */
function filesUnder(dir: string): { path: string; text: string }[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [{ path, text: readFileSync(path, 'latin1') }];
  });
}

const TOKEN = 'Tk9-sup3r-s3cret-value';
const KEY = 'line-one-of-key\nline-two-of-key\nline-three-of-key';

const RUNBOOK = `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: leaks, title: Leak test }
params:
  token: { secret: true, required: true }
  key: { secret: true, required: true }
steps:
  - id: pieces
    run: |
      t=\${{ params.token }}
      printf '%s' "\${t:0:5}"; sleep 0.05; printf '%s\\n' "\${t:5}"
      printf '%s' "$t" | base64
      echo "$t" | base64
      printf '%s' "$t" | od -An -c | head -0
      python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$t" 2>/dev/null || true
  - id: multiline
    run: |
      k=\${{ params.key }}
      printf '%s\\n' "$k"
      printf 'prefix %s suffix\\n' "$k" >&2
    capture:
      echoed: { from: stdout }
  - id: error-message
    onFailure: continue
    run: |
      echo "error: login failed for token \${{ params.token }}" >&2
      exit 4
`;

describe('secrets never leave the process', () => {
  it('masks secrets split across writes, base64, URL-encoded, multi-line and in error messages, everywhere', async () => {
    const dir = tempDirForTest();
    writeFixture(dir, 'site.yaml', SITE_LOCAL);
    writeFixture(dir, 'leaks.yaml', RUNBOOK);
    const env = { FIELDBOOK_SECRET_TOKEN: TOKEN, FIELDBOOK_SECRET_KEY: KEY };
    const outputs: string[] = [];
    for (const ui of ['plain', 'json']) {
      const result = await runCli(['run', 'leaks.yaml', '--site', 'site.yaml', '--ui', ui, '--run-id', `r-${ui}`], { cwd: dir, env });
      expect(result.code, result.stderr).toBe(1);
      expect(result.stdout).toContain('****');
      outputs.push(result.stdout, result.stderr);
    }
    const shown = await runCli(['show', 'r-plain'], { cwd: dir });
    const shownJson = await runCli(['show', 'r-json', '--json'], { cwd: dir });
    outputs.push(shown.stdout, shownJson.stdout);

    const forms = [...secretForms(TOKEN), ...secretForms(KEY), encodeURIComponent(TOKEN)];
    const files = filesUnder(join(dir, '.fieldbook'));
    expect(files.some((f) => f.path.endsWith('journal.jsonl'))).toBe(true);
    expect(files.some((f) => f.path.endsWith('.log'))).toBe(true);
    for (const form of forms) {
      for (const file of files) expect(file.text.includes(form), `${file.path} holds a form of a secret: ${JSON.stringify(form)}`).toBe(false);
      for (const text of outputs) expect(text.includes(form), `UI output holds a form of a secret: ${JSON.stringify(form)}`).toBe(false);
    }
    // The journal still says what happened, with the secret masked.
    const journal = readFileSync(join(dir, '.fieldbook', 'runs', 'r-plain', 'journal.jsonl'), 'utf8');
    expect(journal).toContain('"reason":"exit code 4"');
    expect(journal).toContain("t='****'");
  });
});
