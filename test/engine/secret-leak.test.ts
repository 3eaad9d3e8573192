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
/** Every character URL encoders disagree on (`'()!*~`), quotes and shell specials, and non-ASCII. */
const WEB = "p@ss w'o(r)d!*~/é:<&>$x";

/**
 * The secret on stdin, written as other tools write it (an implementation of each, apart from the masker's):
 * URL encoders, JSON encoders, HTTP Basic auth with users of 1 to 3 bytes, base64url inside a longer string.
 */
const ENCODE = `let s = '';
process.stdin.on('data', (d) => (s += d)).on('end', () => {
  const hex = (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase();
  const rfc = encodeURIComponent(s).replace(/[!'()*]/g, hex);
  const u = (c) => '\\\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');
  const json = JSON.stringify(s).slice(1, -1);
  console.log([
    encodeURIComponent(s), rfc, rfc.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()), rfc.replace(/%2F/g, '/'),
    rfc.replace(/%20/g, '+').replace(/%2A/g, '*').replace(/~/g, '%7E'),
    json, json.replace(/[\\u0080-\\uffff]/g, u), json.replace(/[<>&]/g, u), [...s].map(u).join(''),
    ...['u', 'us', 'usr'].map((user) => 'Basic ' + Buffer.from(user + ':' + s).toString('base64')),
    Buffer.from('xx' + s + 'yyy').toString('base64url'),
  ].join('\\n'));
});
`;

const RUNBOOK = `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: leaks, title: Leak test }
params:
  token: { secret: true, required: true }
  key: { secret: true, required: true }
  web: { secret: true, required: true }
steps:
  - id: encodings
    run: |
      w=\${{ params.web }}
      printf '%s' "$w" | "$NODE" encode.mjs
      printf '%q\\n' "$w"
      printf '%q\\n' "$w
      "
      (set -x; : "$w")
      printf '%s' "$w" | base64
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
    # A capture that held a secret fails its step (later steps would get ****); the run goes on.
    onFailure: continue
    capture:
      echoed: { from: stdout }
  - id: error-message
    onFailure: continue
    run: |
      echo "error: login failed for token \${{ params.token }}" >&2
      exit 4
`;

describe('secrets never leave the process', () => {
  it('masks secrets split across writes, in every encoding of the table, multi-line and in error messages, everywhere', async () => {
    const dir = tempDirForTest();
    writeFixture(dir, 'site.yaml', SITE_LOCAL);
    writeFixture(dir, 'leaks.yaml', RUNBOOK);
    writeFixture(dir, 'encode.mjs', ENCODE);
    const env = { FIELDBOOK_SECRET_TOKEN: TOKEN, FIELDBOOK_SECRET_KEY: KEY, FIELDBOOK_SECRET_WEB: WEB, NODE: process.execPath };
    const outputs: string[] = [];
    for (const ui of ['plain', 'json']) {
      const result = await runCli(['run', 'leaks.yaml', '--site', 'site.yaml', '--ui', ui, '--run-id', `r-${ui}`], { cwd: dir, env });
      expect(result.code, result.stderr).toBe(1);
      expect(result.stdout).toContain('****');
      outputs.push(result.stdout, result.stderr);
    }
    const shown = await runCli(['show', 'r-plain'], { cwd: dir });
    const shownJson = await runCli(['show', 'r-json', '--json'], { cwd: dir });
    const report = await runCli(['report', 'r-plain'], { cwd: dir });
    const html = await runCli(['report', 'r-json', '--format', 'html', '-o', '-'], { cwd: dir });
    outputs.push(shown.stdout, shownJson.stdout, report.stdout, html.stdout);
    expect(html.stdout).toContain('<html');
    const exported = await runCli(['export', 'r-plain', '-o', 'r.tar.gz'], { cwd: dir, env });
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain('checked for token, key, web');

    const forms = [...secretForms(TOKEN), ...secretForms(KEY), ...secretForms(WEB), encodeURIComponent(TOKEN)];
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
