import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';

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
    expect(planned.stdout).toContain('9. wipe-bucket  [DESTRUCTIVE]');

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
