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
import { addOciImage } from './oci.js';
import { DEFAULT_SETTINGS, labPaths } from './settings.js';
import { renderLabSite } from './site.js';
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
      LAB_NERDCTL_STORE: join(dir, 'store'),
      LAB_MINIO_URL: 'https://127.0.0.1:9000',
      LAB_MINIO_ACCESS_KEY: 'ak',
      LAB_MINIO_SECRET_KEY: 'sk',
      LAB_MINIO_VOLUMES: volume,
      LAB_MC_CONFIG_DIR: join(dir, 'mc'),
    };
    writeFileSync(join(bin, 'lab.env'), Object.entries(env).map(([k, v]) => `${k}='${v}'\n`).join(''));
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
    expect(existsSync(join(dir, 'actions.log'))).toBe(false);
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
