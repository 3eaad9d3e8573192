import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readTar, writeTar } from '../../src/report/tar.js';
import { secretForms } from '../../src/secrets/secret-forms.js';
import { runCli, writeFixture } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';

/** `fieldbook export` / `import`: one archive per run, never holding a secret, that reads back to the same report. */

const SECRET = 'S3cret pass/word+&?=é';
const ENV = { FIELDBOOK_SECRET_ADMIN_PASSWORD: SECRET };

// The step prints the secret raw, base64-encoded and URL-encoded: the masker must have hidden each form in the
// log, and the export check must find none of them anywhere in the archive.
const RUNBOOK = `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: rotate-admin, title: Rotate the admin password }
params:
  realm: { default: main }
  adminPassword: { secret: true, required: true }
steps:
  - id: set-password
    destructive: true
    run: |
      p=\${{ params.adminPassword }}
      echo "raw: $p"
      echo "base64: $(printf %s "$p" | base64)"
      echo "url: $(node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' "$p")"
      echo "realm \${{ params.realm }} updated"
    capture: { realm: { from: stdout, regex: 'realm (\\S+) updated', group: 1 } }
  - id: check
    readonly: true
    run: echo "login ok"
`;

async function madeRun(): Promise<{ dir: string; runsDir: string }> {
  const dir = tempDirForTest();
  writeFixture(dir, 'site.yaml', 'apiVersion: fieldbook/v1\nkind: Site\nmetadata: { name: vault-lab }\n');
  writeFixture(dir, 'rotate.yaml', RUNBOOK);
  const result = await runCli(['run', 'rotate.yaml', '--site', 'site.yaml', '--run-id', 'rot-1', '--ui', 'plain', '--approve', 'set-password'], { cwd: dir, env: ENV });
  expect(result.code, result.stdout + result.stderr).toBe(0);
  expect(result.stdout).toContain('raw: ****');
  return { dir, runsDir: join(dir, '.fieldbook', 'runs') };
}

/** Every file of an archive, unpacked by the system's tar (not ours), with its contents. */
function unpackWithSystemTar(archive: string, into: string): Map<string, Buffer> {
  mkdirSync(into, { recursive: true });
  execFileSync('tar', ['-xzf', archive, '-C', into]);
  const files = new Map<string, Buffer>();
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, `${prefix}${entry.name}/`);
      else files.set(`${prefix}${entry.name}`, readFileSync(path));
    }
  };
  walk(into, '');
  return files;
}

describe('fieldbook export and import', () => {
  it('the archive holds the journal, copies, logs and report, and no form of the secret', async () => {
    const { dir } = await madeRun();
    const result = await runCli(['export', 'rot-1', '-o', 'rot.tar.gz'], { cwd: dir, env: ENV });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^wrote rot\.tar\.gz: 8 files, [\d.]+ KiB; checked for adminPassword\n$/);

    const files = unpackWithSystemTar(join(dir, 'rot.tar.gz'), join(dir, 'unpacked'));
    expect([...files.keys()].sort()).toEqual([
      'rot-1/export.json',
      'rot-1/journal.jsonl',
      'rot-1/logs/check/local.log',
      'rot-1/logs/set-password/local.log',
      'rot-1/report.html',
      'rot-1/report.json',
      'rot-1/runbook.yaml',
      'rot-1/site.yaml',
    ]);
    const forms = secretForms(SECRET);
    expect(forms).toEqual(expect.arrayContaining([SECRET, Buffer.from(SECRET).toString('base64'), encodeURIComponent(SECRET)]));
    for (const [path, data] of files) {
      for (const form of forms) expect(data.includes(Buffer.from(form)), `${path} holds ${JSON.stringify(form)}`).toBe(false);
    }
    // The log kept the masked output: the secret's three forms each became ****.
    expect(files.get('rot-1/logs/set-password/local.log')!.toString()).toMatch(/raw: \*\*\*\*\nbase64: \*\*\*\*\nurl: \*\*\*\*\n/);
    const manifest = JSON.parse(files.get('rot-1/export.json')!.toString()) as { runId: string; secretCheck: { checked: string[]; notChecked: string[] }; files: Record<string, string> };
    expect(manifest.runId).toBe('rot-1');
    expect(manifest.secretCheck).toEqual({ checked: ['adminPassword'], notChecked: [] });
    expect(Object.keys(manifest.files).sort()).toEqual([...files.keys()].map((p) => p.slice('rot-1/'.length)).filter((p) => p !== 'export.json').sort());
  });

  it.each([
    ['raw', SECRET],
    ['base64', Buffer.from(SECRET).toString('base64')],
    ['URL-encoded', encodeURIComponent(SECRET)],
  ])('refuses to write an archive when a log holds the secret %s, naming the file but not the secret', async (form, planted) => {
    const { dir, runsDir } = await madeRun();
    appendFileSync(join(runsDir, 'rot-1', 'logs', 'check', 'local.log'), `debug: ${planted}\n`);
    const result = await runCli(['export', 'rot-1', '-o', 'rot.tar.gz'], { cwd: dir, env: ENV });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('refused: the archive would contain a secret, so it was not written');
    expect(result.stderr).toMatch(new RegExp(`logs/check/local\\.log:\\d+: adminPassword \\(${form}\\)`));
    for (const f of secretForms(SECRET)) expect(result.stderr.includes(f)).toBe(false);
    expect(existsSync(join(dir, 'rot.tar.gz'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('says so when a secret is not available to check for, rather than pretending', async () => {
    const { dir } = await madeRun();
    const result = await runCli(['export', 'rot-1'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('warning: secret param adminPassword: FIELDBOOK_SECRET_ADMIN_PASSWORD is not set, so the archive is not checked for it\n');
    expect(result.stdout).toContain('checked for no secrets (not for adminPassword)');
    const entries = readTar(gunzipSync(readFileSync(join(dir, 'rot-1.tar.gz'))));
    const manifest = JSON.parse(entries.find((e) => e.path === 'rot-1/export.json')!.data.toString()) as { secretCheck: unknown };
    expect(manifest.secretCheck).toEqual({ checked: [], notChecked: ['adminPassword'] });
    // An existing archive is not overwritten without --force.
    expect((await runCli(['export', 'rot-1'], { cwd: dir })).code).toBe(2);
    expect((await runCli(['export', 'rot-1', '--force'], { cwd: dir })).code).toBe(0);
  });

  it('import into a fresh runs directory gives the same show and the same report, in every format', async () => {
    const { dir, runsDir } = await madeRun();
    expect((await runCli(['export', 'rot-1', '-o', 'rot.tar.gz'], { cwd: dir, env: ENV })).code).toBe(0);
    const fresh = join(tempDirForTest(), 'elsewhere', 'runs');
    const imported = await runCli(['import', join(dir, 'rot.tar.gz'), '--runs-dir', fresh], { cwd: dir });
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain(`imported run rot-1 (8 files, exported `);

    for (const format of ['md', 'json', 'html']) {
      const original = await runCli(['report', 'rot-1', '--format', format, '-o', '-', '--runs-dir', runsDir], { cwd: dir });
      const copy = await runCli(['report', 'rot-1', '--format', format, '-o', '-', '--runs-dir', fresh], { cwd: dir });
      expect(copy.code).toBe(0);
      expect(copy.stdout.length).toBeGreaterThan(500);
      expect(copy.stdout, format).toBe(original.stdout);
    }
    // The report inside the archive is the one `report` writes into the run directory.
    const inside = readFileSync(join(fresh, 'rot-1', 'report.html'), 'utf8');
    expect(inside).toBe((await runCli(['report', 'rot-1', '--format', 'html', '-o', '-', '--runs-dir', fresh], { cwd: dir })).stdout);
    const showOriginal = await runCli(['show', 'rot-1', '--runs-dir', runsDir], { cwd: dir });
    const showCopy = await runCli(['show', 'rot-1', '--runs-dir', fresh], { cwd: dir });
    const withoutDir = (text: string) => text.replace(/^ {2}directory .*$/m, '');
    expect(withoutDir(showCopy.stdout)).toBe(withoutDir(showOriginal.stdout));
    expect(showCopy.stdout).toContain('✔ set-password succeeded');

    // Importing again is refused: the run exists.
    const again = await runCli(['import', join(dir, 'rot.tar.gz'), '--runs-dir', fresh], { cwd: dir });
    expect(again.code).toBe(4);
    expect(again.stderr).toContain('refused: run rot-1 already exists');
  });

  it('refuses archives that would write outside the run, hold links, or do not match their manifest', async () => {
    const { dir } = await madeRun();
    expect((await runCli(['export', 'rot-1', '-o', 'rot.tar.gz'], { cwd: dir, env: ENV })).code).toBe(0);
    const good = readTar(gunzipSync(readFileSync(join(dir, 'rot.tar.gz'))));
    const fresh = join(dir, 'fresh-runs');
    const tryImport = async (name: string, files: { path: string; data: Buffer }[]) => {
      writeFileSync(join(dir, name), gzipSync(writeTar(files)));
      return runCli(['import', name, '--runs-dir', fresh], { cwd: dir });
    };
    const plain = good.map((e) => ({ path: e.path, data: e.data }));

    const traversal = await tryImport('traversal.tar.gz', [...plain, { path: 'rot-1/../../escaped.txt', data: Buffer.from('x') }]);
    expect(traversal.code).toBe(4);
    expect(traversal.stderr).toContain('entry "rot-1/../../escaped.txt" would be written outside the run directory');
    const absolute = await tryImport('absolute.tar.gz', [{ path: '/tmp/fieldbook-absolute', data: Buffer.from('x') }, ...plain]);
    expect(absolute.code).toBe(4);
    const tampered = await tryImport('tampered.tar.gz', plain.map((f) => (f.path.endsWith('journal.jsonl') ? { ...f, data: Buffer.concat([f.data, Buffer.from('{"type":"run-finished","status":"succeeded","at":"2030-01-01T00:00:00.000Z"}\n')]) } : f)));
    expect(tampered.code).toBe(4);
    expect(tampered.stderr).toContain('journal.jsonl differs from the manifest');
    const twoRuns = await tryImport('two.tar.gz', [...plain, { path: 'other/journal.jsonl', data: Buffer.from('{}') }]);
    expect(twoRuns.code).toBe(2);

    // A symbolic link, packed by the system's tar.
    const linked = join(dir, 'linked');
    mkdirSync(join(linked, 'rot-1'), { recursive: true });
    writeFileSync(join(linked, 'rot-1', 'journal.jsonl'), good.find((e) => e.path === 'rot-1/journal.jsonl')!.data);
    symlinkSync('/etc/passwd', join(linked, 'rot-1', 'site.yaml'));
    execFileSync('tar', ['-czf', join(dir, 'link.tar.gz'), '-C', linked, 'rot-1']);
    const link = await runCli(['import', 'link.tar.gz', '--runs-dir', fresh], { cwd: dir });
    expect(link.code).toBe(4);
    expect(link.stderr).toContain('is not a file or directory (tar type 2)');

    expect(existsSync(join(dir, 'escaped.txt'))).toBe(false);
    expect(existsSync('/tmp/fieldbook-absolute')).toBe(false);
    expect(existsSync(fresh) ? readdirSync(fresh) : []).toEqual([]);
  });
});
