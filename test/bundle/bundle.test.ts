import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { REPO, runCli, SITE_LOCAL, writeFixture } from '../harness/cli.js';
import { startSshd } from '../harness/sshd.js';
import { tempDirForTest } from '../harness/tmp.js';
import { writeLabSite } from '../ssh/helpers.js';
import { hasTmux, tmuxServer } from '../tui/tmux.js';

/**
 * The single-file bundle, as a field engineer carries it: copied alone into an empty directory with no
 * node_modules, and run with no network at all (a fresh network namespace has only a downed loopback).
 */

const BUNDLE = join(REPO, 'dist', 'fieldbook.mjs');

beforeAll(() => {
  execFileSync(process.execPath, [join(REPO, 'scripts', 'bundle.mjs')], { stdio: 'pipe' });
  execFileSync(process.execPath, [join(REPO, 'scripts', 'pack.mjs')], { stdio: 'pipe' });
}, 120_000);

/** Run the bundle inside `unshare -n` (root): no network interface is up, so nothing can be fetched. */
function offline(dir: string, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync('unshare', ['-n', process.execPath, 'fieldbook.mjs', ...args], {
    cwd: dir,
    env: { PATH: '/usr/bin:/bin', HOME: dir, FIELDBOOK_HOME: join(dir, 'home'), ...env },
    encoding: 'utf8',
  });
  if (result.error) throw result.error;
  return result;
}

describe('single-file bundle', () => {
  it('validates, plans and runs with no node_modules and no network', () => {
    const dir = tempDirForTest();
    copyFileSync(BUNDLE, join(dir, 'fieldbook.mjs'));
    expect(readdirSync(dir)).toEqual(['fieldbook.mjs']);
    expect(existsSync(join(dir, 'node_modules'))).toBe(false);
    // The namespace really is offline.
    // The namespace really is offline: one interface, loopback, down, and no address at all.
    const links = spawnSync('unshare', ['-n', 'ip', '-o', 'link'], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(links).toHaveLength(1);
    expect(links[0]).toMatch(/^1: lo: .*state DOWN/);
    expect(spawnSync('unshare', ['-n', 'ip', '-o', 'addr'], { encoding: 'utf8' }).stdout.trim()).toBe('');

    const version = offline(dir, ['--version']);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version);
    const listed = offline(dir, ['runbooks']);
    expect(listed.stdout).toContain('acp-registry-full-wipe');

    writeFileSync(join(dir, 'site.yaml'), readFileSync(join(REPO, 'examples', 'acme-prod.yaml')));
    const validated = offline(dir, ['validate', 'acp-registry-full-wipe', '--site', 'site.yaml']);
    expect(validated.stderr).toBe('');
    expect(validated.stdout).toContain('ok: shipped:acp-registry-full-wipe with site site.yaml');
    const planned = offline(dir, ['plan', 'acp-registry-full-wipe', '--site', 'site.yaml']);
    expect(planned.status).toBe(0);
    expect(planned.stdout).toMatch(/\n\d+\. wipe-bucket {2}\[DESTRUCTIVE\]/);

    writeFileSync(join(dir, 'local.yaml'), `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: local, title: Local }
params: { who: { default: field } }
steps:
  - id: hello
    run: echo "hello \${{ params.who }}" > hello.txt; cat hello.txt
    capture: { said: {} }
`);
    writeFileSync(join(dir, 'lab.yaml'), 'apiVersion: fieldbook/v1\nkind: Site\nmetadata: { name: lab }\n');
    const ran = offline(dir, ['run', 'local.yaml', '--site', 'lab.yaml', '--ui', 'plain', '--run-id', 'r']);
    expect(ran.stderr).toBe('');
    expect(ran.status).toBe(0);
    expect(readFileSync(join(dir, 'hello.txt'), 'utf8')).toBe('hello field\n');
    expect(offline(dir, ['show', 'r']).stdout).toContain('said = "hello field"');
  });

  it('keeps a code cache per user and build: written by the first start, then used; a bad or unsafe one is replaced', () => {
    const dir = tempDirForTest();
    copyFileSync(BUNDLE, join(dir, 'fieldbook.mjs'));
    // In the user's cache directory ($HOME/.cache here), not in FIELDBOOK_HOME, which a team may share.
    const cacheDir = join(dir, '.cache', 'fieldbook', 'code');
    const caches = () => (existsSync(cacheDir) ? readdirSync(cacheDir) : []);

    const first = offline(dir, ['runbooks']);
    expect(first.stderr).toBe('');
    expect(caches()).toHaveLength(1);
    expect(existsSync(join(dir, 'home', 'cache'))).toBe(false);
    const [name] = caches();
    expect(name).toMatch(/^fieldbook-[0-9a-f]{16}-[0-9a-f]{12}\.cache$/);
    const path = join(cacheDir, name!);
    const written = statSync(path);
    expect(written.size).toBeGreaterThan(100_000);
    expect(written.mode & 0o777).toBe(0o600);
    expect(statSync(cacheDir).mode & 0o777).toBe(0o700);

    // Accepted by V8: the next start leaves it alone (a rejected cache is written again).
    expect(offline(dir, ['runbooks']).stdout).toContain('acp-registry-full-wipe');
    expect(statSync(path).mtimeMs).toBe(written.mtimeMs);

    // Garbage in its place is rejected by V8, the program compiles as without a cache, and a good one replaces it.
    writeFileSync(path, 'not a code cache');
    const repaired = offline(dir, ['runbooks']);
    expect(repaired.stderr).toBe('');
    expect(repaired.stdout).toContain('acp-registry-full-wipe');
    expect(statSync(path).size).toBeGreaterThan(100_000);

    // A cache others could have written is code we did not make: not read, and replaced by a private one.
    chmodSync(path, 0o666);
    const before = statSync(path);
    expect(offline(dir, ['runbooks']).stdout).toContain('acp-registry-full-wipe');
    const after = statSync(path);
    expect(after.ino).not.toBe(before.ino);
    expect(after.mode & 0o777).toBe(0o600);
    // In a directory others can write to, nothing is read or written.
    chmodSync(cacheDir, 0o777);
    rmSync(path);
    expect(offline(dir, ['runbooks']).stdout).toContain('acp-registry-full-wipe');
    expect(caches()).toEqual([]);

    // Off: nothing read or written. An unusable cache directory (here a file) costs nothing but the compile.
    const off = tempDirForTest();
    copyFileSync(BUNDLE, join(off, 'fieldbook.mjs'));
    expect(offline(off, ['--version'], { FIELDBOOK_CODE_CACHE: 'off' }).status).toBe(0);
    expect(existsSync(join(off, '.cache'))).toBe(false);
    expect(offline(off, ['--version'], { XDG_CACHE_HOME: 'relative' }).status).toBe(0);
    expect(existsSync(join(off, 'relative'))).toBe(false); // invalid by the XDG spec: $HOME/.cache instead
    expect(existsSync(join(off, '.cache', 'fieldbook', 'code'))).toBe(true);
    writeFileSync(join(off, 'not-a-dir'), '');
    const blocked = offline(off, ['runbooks'], { XDG_CACHE_HOME: join(off, 'not-a-dir') });
    expect(blocked.stderr).toBe('');
    expect(blocked.stdout).toContain('acp-registry-full-wipe');
  });

  it('runs the terminal UI from the single file (ink and its WebAssembly layout engine load in it)', { timeout: 60_000 }, async () => {
    expect(hasTmux(), 'tmux is needed for this test: apt-get install -y tmux').toBe(true);
    const dir = tempDirForTest();
    copyFileSync(BUNDLE, join(dir, 'fieldbook.mjs'));
    writeFixture(dir, 'site.yaml', SITE_LOCAL);
    writeFixture(dir, 'runbook.yaml', 'apiVersion: fieldbook/v1\nkind: Runbook\nmetadata: { name: tui, title: From one file }\nsteps:\n  - id: hello\n    destructive: true\n    run: echo hello from the bundle\n');
    const term = tmuxServer(dir);
    term.start('node fieldbook.mjs run runbook.yaml --site site.yaml --run-id t');
    const asked = await term.waitFor('Type "lab" to run it:');
    expect(asked).toMatch(/^ LIVE {2}From one file/m);
    term.keys('lab', 'Enter');
    const done = await term.waitFor('EXIT=0');
    expect(done).toContain('✔ 1. hello succeeded');
  });

  it('runs steps over SSH with the ssh2 it carries (pure JavaScript, Node built-ins by require)', async () => {
    const hosts = await Promise.all(['127.0.0.51', '127.0.0.52'].map((address) => startSshd({ address })));
    onTestFinished(async () => {
      await Promise.all(hosts.map((h) => h.stop()));
    });
    const dir = tempDirForTest();
    writeLabSite(dir, hosts);
    writeFixture(dir, 'rb.yaml', 'apiVersion: fieldbook/v1\nkind: Runbook\nmetadata: { name: s, title: S }\nroles: { nodes: {} }\nsteps:\n  - id: who\n    on: nodes\n    run: echo "user=$(id -un) on ${{ host.name }}"\n  - id: again\n    on: nodes\n    run: echo second\n');
    const ran = await runCli(['run', 'rb.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 's'], { cwd: dir, program: BUNDLE });
    expect(ran.stderr).toBe('');
    expect(ran.code, ran.stdout).toBe(0);
    expect(ran.stdout).toContain(`who@n1 | user=${hosts[0]!.user} on n1`);
    expect(ran.stdout).toContain(`who@n2 | user=${hosts[0]!.user} on n2`);
    expect(ran.stdout).toContain('again@n2 | second');
  });

  it('installs from the tarball with no network, and the installed command works', () => {
    const prefix = tempDirForTest();
    const version = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version as string;
    const tarball = join(REPO, 'dist', `fieldbook-${version}.tgz`);
    const install = spawnSync('unshare', ['-n', 'npm', 'install', '-g', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, tarball], {
      encoding: 'utf8',
      env: { ...process.env, npm_config_cache: join(prefix, 'npm-cache') },
    });
    expect(install.status, install.stderr).toBe(0);
    const listed = spawnSync('unshare', ['-n', join(prefix, 'bin', 'fieldbook'), 'runbooks'], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: prefix } });
    expect(listed.stdout).toContain('acp-registry-full-wipe');
    expect(readFileSync(`${tarball}.sha256`, 'utf8')).toMatch(new RegExp(`^[0-9a-f]{64}  fieldbook-${version}.tgz\n$`));
  });
});
