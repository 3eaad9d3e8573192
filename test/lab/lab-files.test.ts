// The lab's building blocks without a running lab: the site file, the tar and OCI writers, and the stand-ins'
// answers to bad input (they must fail like the tools they stand in for).
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';
import { INSTALLED_APPLICATIONS, installerPackages, packageFile, PLUGIN_PACKAGES, REQUIRED_PACKAGES, type PackageFaults } from './catalogue.js';
import { buildInstaller, installedAppsTable, NO_FAULTS } from './installer.js';
import { addOciImage } from './oci.js';
import { DEFAULT_SETTINGS, labPaths } from './settings.js';
import { LAB_PLUGIN_IMAGES, renderLabSite } from './site.js';
import { tar } from './tar.js';

const run = promisify(execFile);
const STAND_INS = join(REPO, 'test', 'lab', 'stand-ins');

/** Runs a command and returns its exit code and output, failing or not. */
async function attempt(file: string, args: string[], options: { cwd?: string } = {}): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(file, args, options);
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, out: (e.stdout ?? '') + (e.stderr ?? '') };
  }
}

describe('the lab site file', () => {
  it('examples/lab.yaml is what the lab writes for its default settings', () => {
    const shipped: unknown = parse(readFileSync(join(REPO, 'examples', 'lab.yaml'), 'utf8'));
    expect(shipped).toEqual(parse(renderLabSite(DEFAULT_SETTINGS, labPaths(DEFAULT_SETTINGS.stateDir))));
  });

  it('names the registry, its user, the platform and one image per plugin package; no platform user, no MinIO pod', () => {
    const site = parse(renderLabSite(DEFAULT_SETTINGS, labPaths(DEFAULT_SETTINGS.stateDir))) as { params: Record<string, unknown>; kube: Record<string, unknown> };
    expect(Object.keys(site.params).sort()).toEqual(['platformUrl', 'pluginImages', 'registry', 'registryUser']);
    expect(site.params['pluginImages']).toEqual(['acp/plugins/argocd:v4.1.3', 'acp/plugins/logcenter:v3.16.4', 'acp/plugins/logcenter:v3.18.2', 'acp/plugins/monitoring:v3.18.1']);
    expect(site.params['pluginImages']).toEqual(LAB_PLUGIN_IMAGES);
    expect(site.kube).toMatchObject({ via: 'cp1', context: 'global' });
  });
});

describe('the installer\'s plugins directory', () => {
  /** The plugins directory the installer builder writes with these faults: file → its package.env. */
  async function pluginsDir(faults: PackageFaults): Promise<Map<string, Record<string, string>>> {
    const dir = tempDirForTest('fieldbook-lab-installer-');
    await buildInstaller(dir, faults);
    const files = readdirSync(join(dir, 'plugins')).sort();
    const envs = await Promise.all(
      files.map(async (file) => {
        const { stdout } = await run('tar', ['-xzOf', join(dir, 'plugins', file), 'package.env']);
        return [file, Object.fromEntries([...stdout.matchAll(/^(\w+)='?([^'\n]*)'?$/gm)].map((m) => [m[1]!, m[2]!]))] as const;
      }),
    );
    return new Map(envs);
  }

  it('holds one package per recorded plugin version and installed Operator, named by name and version', async () => {
    const packages = await pluginsDir(NO_FAULTS);
    expect([...packages.keys()]).toEqual([...REQUIRED_PACKAGES]);
    expect([...packages.keys()]).toEqual([
      'argocd-v4.1.3.tgz',
      'harbor-ce-operator-v2.12.2.tgz',
      'logcenter-v3.16.4.tgz',
      'logcenter-v3.18.2.tgz',
      'minio-operator-v4.5.8.tgz',
      'monitoring-v3.18.1.tgz',
    ]);
    expect(packages.get('logcenter-v3.16.4.tgz')).toEqual({ NAME: 'logcenter', VERSION: 'v3.16.4', TYPE: 'ModulePlugin', IMAGES: 'acp/plugins/logcenter:v3.16.4' });
    expect(packages.get('harbor-ce-operator-v2.12.2.tgz')).toEqual({ NAME: 'harbor-ce-operator', VERSION: 'v2.12.2', TYPE: 'OperatorBundle', IMAGES: 'harbor-ce-operator:v2.12.2' });
    expect(packages.get('monitoring-v3.18.1.tgz')?.['IMAGES']).toBe('acp/plugins/monitoring:v3.18.1 acp/plugins/prometheus:v2.53.0');
  });

  it('leaves out a missing package and holds a wrong one at its wrong version (file, VERSION, images)', async () => {
    const packages = await pluginsDir({ missingPackages: ['logcenter@v3.16.4'], wrongPackageVersions: { 'logcenter@v3.18.2': 'v3.18.0' } });
    expect([...packages.keys()]).toEqual(['argocd-v4.1.3.tgz', 'harbor-ce-operator-v2.12.2.tgz', 'logcenter-v3.18.0.tgz', 'minio-operator-v4.5.8.tgz', 'monitoring-v3.18.1.tgz']);
    expect(packages.get('logcenter-v3.18.0.tgz')).toEqual({ NAME: 'logcenter', VERSION: 'v3.18.0', TYPE: 'ModulePlugin', IMAGES: 'acp/plugins/logcenter:v3.18.0' });
    const operator = await pluginsDir({ missingPackages: [], wrongPackageVersions: { 'minio-operator@v4.5.8': 'v4.5.6' } });
    expect(operator.get('minio-operator-v4.5.6.tgz')).toEqual({ NAME: 'minio-operator', VERSION: 'v4.5.6', TYPE: 'OperatorBundle', IMAGES: 'minio-operator:v4.5.6' });
    expect(operator.has('minio-operator-v4.5.8.tgz')).toBe(false);
  });

  it('refuses a fault that names no package of the lab', () => {
    expect(() => installerPackages({ missingPackages: ['logcenter@v9'], wrongPackageVersions: {} })).toThrow(/no package logcenter@v9 in the lab; its packages are argocd@v4.1.3, /);
    expect(() => installerPackages({ missingPackages: [], wrongPackageVersions: { 'kube-ovn@v4.2.5': 'v4.2.4' } })).toThrow(/no package kube-ovn@v4.2.5/);
    expect(installerPackages(NO_FAULTS).map(packageFile)).toEqual(PLUGIN_PACKAGES.map(packageFile));
  });
});

describe('tar and OCI writers', () => {
  it('writes archives the system tar reads back byte for byte, long paths included', async () => {
    const dir = tempDirForTest('fieldbook-lab-tar-');
    const long = `${'deep/'.repeat(30)}file.txt`;
    writeFileSync(join(dir, 'a.tar'), tar([{ path: 'top' }, { path: 'top/x.bin', content: Buffer.from([0, 1, 2, 255]) }, { path: long, content: Buffer.from('long\n') }]));
    const { stdout } = await run('tar', ['-tf', 'a.tar'], { cwd: dir });
    expect(stdout.split('\n').filter(Boolean)).toEqual(['top/', 'top/x.bin', long]);
    mkdirSync(join(dir, 'out'));
    await run('tar', ['-xf', 'a.tar', '-C', 'out'], { cwd: dir });
    expect([...readFileSync(join(dir, 'out', 'top', 'x.bin'))]).toEqual([0, 1, 2, 255]);
    expect(readFileSync(join(dir, 'out', long), 'utf8')).toBe('long\n');
  });

  it('writes OCI layouts that skopeo reads, one ref per image', async () => {
    const dir = join(tempDirForTest('fieldbook-lab-oci-'), 'layout');
    await addOciImage(dir, { ref: 'acp/core:latest' });
    await addOciImage(dir, { ref: 'acp/alb:v4.2.0', payloadBytes: 1000 });
    const { stdout } = await run('skopeo', ['inspect', `oci:${dir}:acp/alb:v4.2.0`]);
    expect(JSON.parse(stdout)).toMatchObject({ Labels: { 'io.fieldbook.lab.image': 'acp/alb:v4.2.0' }, Layers: [expect.stringMatching(/^sha256:/)] });
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: { annotations: Record<string, string> }[] };
    expect(index.manifests.map((m) => m.annotations['org.opencontainers.image.ref.name'])).toEqual(['acp/core:latest', 'acp/alb:v4.2.0']);
  });
});

describe('stand-ins', () => {
  /** A bin dir with the stand-ins and a lab.env, and a MinIO volume with a `registry` bucket. */
  function standIns() {
    const dir = tempDirForTest('fieldbook-lab-bin-');
    const bin = join(dir, 'bin');
    const volume = join(dir, 'minio');
    mkdirSync(bin);
    mkdirSync(join(volume, 'registry', 'docker', 'registry', 'v2'), { recursive: true });
    writeFileSync(join(volume, 'registry', 'docker', 'registry', 'v2', 'blob'), 'x');
    for (const tool of ['mc', 'violet', 'nerdctl', 'upload.sh']) copyFileSync(join(STAND_INS, tool), join(bin, tool));
    const env = {
      LAB_LOG: join(dir, 'actions.log'),
      LAB_REGISTRY: '127.0.0.1:1',
      LAB_AUTHFILE: join(dir, 'auth.json'),
      LAB_PLATFORM_URL: 'https://127.0.0.11:8443',
      LAB_PLATFORM_USER: 'admin',
      LAB_PLATFORM_PASSWORD: 'platform-pw',
      LAB_PLATFORM_TOKEN: 'platform-token',
      LAB_NERDCTL_STORE: join(dir, 'store'),
      LAB_MINIO_URL: 'https://127.0.0.1:9000',
      LAB_MINIO_ACCESS_KEY: 'ak',
      LAB_MINIO_SECRET_KEY: 'sk',
      LAB_MINIO_VOLUMES: volume,
      LAB_MC_CONFIG_DIR: join(dir, 'mc'),
    };
    writeFileSync(join(bin, 'lab.env'), Object.entries(env).map(([k, v]) => `${k}='${v}'\n`).join(''));
    writeFileSync(join(bin, 'installed-apps.tsv'), installedAppsTable());
    writeFileSync(join(dir, 'pkg.tgz'), 'not a package');
    return { dir, bin, volume, tool: (name: string) => join(bin, name) };
  }

  it('mc refuses bad keys, a missing alias, and a removal without --recursive --force; with them it empties the bucket', async () => {
    const { tool, volume } = standIns();
    const mc = tool('mc');
    expect(await attempt(mc, ['--insecure', 'rm', '--recursive', '--force', 'minio/registry/'])).toMatchObject({ code: 1, out: expect.stringContaining('no alias `minio`') });
    expect(await attempt(mc, ['--insecure', 'alias', 'set', 'minio', 'https://127.0.0.1:9000', 'nope', 'sk'])).toMatchObject({ code: 1, out: expect.stringContaining('Access Key Id you provided does not exist') });
    expect(await attempt(mc, ['alias', 'set', 'minio', 'https://127.0.0.1:9000', 'ak', 'sk'])).toMatchObject({ code: 1, out: expect.stringContaining('x509') });
    expect(await attempt(mc, ['--insecure', 'alias', 'set', 'minio', 'https://127.0.0.1:9001', 'ak', 'sk'])).toMatchObject({ code: 1, out: expect.stringContaining('connection refused') });
    expect(await attempt(mc, ['--insecure', 'alias', 'set', 'minio', 'https://127.0.0.1:9000', 'ak', 'sk'])).toMatchObject({ code: 0, out: 'Added `minio` successfully.\n' });
    expect(await attempt(mc, ['--insecure', 'rm', '--recursive', 'minio/registry/'])).toMatchObject({ code: 1, out: expect.stringContaining('requires --force') });
    expect(await attempt(mc, ['--insecure', 'rm', '--force', 'minio/registry/'])).toMatchObject({ code: 1, out: expect.stringContaining('requires --recursive') });
    expect(await attempt(mc, ['--insecure', 'rm', '--recursive', '--force', 'minio/registry/../x/'])).toMatchObject({ code: 1 });
    expect(await attempt(mc, ['--insecure', 'rm', '--recursive', '--force', 'minio/nobucket/'])).toMatchObject({ code: 1, out: expect.stringContaining('does not exist') });
    expect(readdirSync(join(volume, 'registry'))).toEqual(['docker']);
    const removed = await attempt(mc, ['--insecure', 'rm', '--recursive', '--force', 'minio/registry/']);
    expect(removed).toEqual({ code: 0, out: 'Removed `minio/registry/docker/registry/v2/blob`.\n' });
    expect(readdirSync(join(volume, 'registry'))).toEqual([]);
  });

  it('violet refuses a wrong platform address, wrong credentials, a missing or broken package', async () => {
    const { tool, dir } = standIns();
    const push = (args: string[]) => attempt(tool('violet'), ['push', ...args], { cwd: dir });
    const flags = (url: string, password: string) => ['--platform-address', url, '--platform-username', 'admin', '--platform-password', password];
    expect(await push([])).toMatchObject({ code: 1, out: expect.stringContaining('accepts 1 arg(s), received 0') });
    expect(await push(['missing.tgz', ...flags('https://127.0.0.11:8443', 'platform-pw')])).toMatchObject({ code: 1, out: expect.stringContaining('no such file') });
    expect(await push(['pkg.tgz', ...flags('https://192.0.2.1', 'platform-pw')])).toMatchObject({ code: 1, out: expect.stringContaining('connection refused') });
    expect(await push(['pkg.tgz', ...flags('https://127.0.0.11:8443', 'wrong')])).toMatchObject({ code: 1, out: expect.stringContaining('401 Unauthorized') });
    expect(await push(['pkg.tgz', ...flags('https://127.0.0.11:8443', 'platform-pw')])).toMatchObject({ code: 1, out: expect.stringContaining('not a plugin package') });
    expect(await push(['pkg.tgz', '--platform-address', 'https://127.0.0.11:8443', '--output-file', 'x.yaml'])).toMatchObject({ code: 1, out: 'Error: unknown flag: --output-file\n' });
    expect(existsSync(join(dir, 'actions.log'))).toBe(false);
  });

  it('violet takes a platform token instead of a user and password, never both; a wrong token is a 401', async () => {
    const { tool, dir } = standIns();
    const push = (args: string[]) => attempt(tool('violet'), ['push', 'pkg.tgz', '--platform-address', 'https://127.0.0.11:8443', ...args], { cwd: dir });
    expect(await push(['--platform-token', 'wrong'])).toMatchObject({ code: 1, out: expect.stringContaining('401 Unauthorized') });
    expect(await push(['--platform-token=wrong'])).toMatchObject({ code: 1, out: expect.stringContaining('401 Unauthorized') });
    expect(await push(['--platform-token', 'platform-token', '--platform-username', 'admin', '--platform-password', 'platform-pw'])).toMatchObject({
      code: 1,
      out: 'Error: --platform-token cannot be used together with --platform-username/--platform-password\n',
    });
    expect(await push([])).toMatchObject({ code: 1, out: expect.stringContaining('either --platform-token, or --platform-username and --platform-password, must be set') });
    expect(await push(['--platform-username', 'admin'])).toMatchObject({ code: 1, out: expect.stringContaining('must be set') });
    // Past the login: the right token (the client id is ignored with a token), then the package is looked at.
    expect(await push(['--platform-token', 'platform-token', '--client-id', 'alauda-auth'])).toMatchObject({ code: 1, out: expect.stringContaining('pkg.tgz is not a plugin package') });
    // A directory: every .tgz in it, or a refusal when there is none.
    const pushDir = (path: string) => attempt(tool('violet'), ['push', path, '--platform-address', 'https://127.0.0.11:8443', '--platform-token', 'platform-token'], { cwd: dir });
    mkdirSync(join(dir, 'empty'));
    expect(await pushDir('empty')).toMatchObject({ code: 1, out: 'Error: no package (.tgz) found in empty\n' });
    expect(await pushDir('.')).toMatchObject({ code: 1, out: expect.stringContaining('./pkg.tgz is not a plugin package') });
    expect(existsSync(join(dir, 'actions.log'))).toBe(false);
  });

  it('violet list writes the installed plugins and Operator bundles per cluster, in the doc\'s YAML shape', async () => {
    const { tool, dir } = standIns();
    const list = (args: string[]) => attempt(tool('violet'), ['list', '--platform-address', 'https://127.0.0.11:8443', ...args], { cwd: dir });
    // Its help names its flags (a runbook may look for --output-file before it relies on it).
    expect(await attempt(tool('violet'), ['list', '--help'])).toMatchObject({ code: 0, out: expect.stringContaining('--output-file string') });
    expect(await attempt(tool('violet'), ['push', '-h'])).toMatchObject({ code: 0, out: expect.stringContaining('--platform-token string') });
    expect(await list(['--platform-token', 'wrong'])).toMatchObject({ code: 1, out: expect.stringContaining('401 Unauthorized') });
    expect(await list(['--platform-token', 'platform-token', '--skip-push'])).toMatchObject({ code: 1, out: 'Error: unknown flag: --skip-push\n' });
    expect(existsSync(join(dir, 'apps.yaml'))).toBe(false);

    const listed = await list(['--platform-token', 'platform-token']);
    expect(listed.code, listed.out).toBe(0);
    const apps = parse(readFileSync(join(dir, 'apps.yaml'), 'utf8')) as { applications: Record<string, { displayName: string; type: string; installed: { clusterName: string; version: string }[] }> };
    expect(parse(listed.out)).toEqual(apps);
    expect(Object.keys(apps.applications)).toEqual(['argocd', 'harbor-ce-operator', 'logcenter', 'minio-operator', 'monitoring']);
    expect(apps.applications['logcenter']).toEqual({
      displayName: 'Log Center',
      type: 'ModulePlugin',
      installed: [
        { clusterName: 'global', version: 'v3.18.2' },
        { clusterName: 'business-1', version: 'v3.16.4' },
      ],
    });
    expect(apps.applications['harbor-ce-operator']).toEqual({ displayName: 'Alauda Build of Harbor', type: 'OperatorBundle', installed: [{ clusterName: 'global', version: '2.12.2' }] });
    const entries = Object.entries(apps.applications).flatMap(([name, a]) => a.installed.map((i) => ({ name, type: a.type, displayName: a.displayName, cluster: i.clusterName, version: String(i.version) })));
    expect(new Set(entries.map((e) => JSON.stringify(e)))).toEqual(new Set(INSTALLED_APPLICATIONS.map((e) => JSON.stringify(e))));

    const business = await list(['--platform-username', 'admin', '--platform-password', 'platform-pw', '--clusters', 'business-1', '--output-file', 'b1.yaml']);
    expect(business.code, business.out).toBe(0);
    expect(Object.keys((parse(readFileSync(join(dir, 'b1.yaml'), 'utf8')) as { applications: object }).applications)).toEqual(['logcenter', 'minio-operator']);
    expect(readFileSync(join(dir, 'actions.log'), 'utf8')).toMatch(/violet list --output-file apps.yaml\n.* violet list --output-file b1.yaml --clusters business-1\n$/);
  });

  it('res/upload.sh and nerdctl refuse bad arguments with their usage', async () => {
    const { tool } = standIns();
    expect(await attempt('bash', [tool('upload.sh'), 'some', 'r:1', 'u', 'p'])).toMatchObject({ code: 1, out: expect.stringContaining('usage: bash res/upload.sh all|necessary') });
    expect(await attempt('bash', [tool('upload.sh'), 'all', 'r:1'])).toMatchObject({ code: 1, out: expect.stringContaining('usage:') });
    expect(await attempt(tool('nerdctl'), ['push', 'x'])).toMatchObject({ code: 1, out: expect.stringContaining('unknown command "push"') });
    expect(await attempt(tool('nerdctl'), ['pull'])).toMatchObject({ code: 1, out: expect.stringContaining('requires exactly 1 argument') });
    expect(await attempt(tool('nerdctl'), ['pull', '127.0.0.1:1/acp/core:latest'])).toMatchObject({ code: 1, out: expect.stringContaining('failed to resolve reference') });
  });
});
