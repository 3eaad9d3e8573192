// Builds what the lab's hosts hold on disk: the installer directory (res/upload.sh, the core images as an
// OCI layout, plugin packages), the seed images for the registry, and MinIO data that is not the registry.
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CORE_IMAGES, INSTALLED_APPLICATIONS, SEED_IMAGES, installerPackages, packageFile, payloadBytes, type PackageFaults, type PluginPackage } from './catalogue.js';
import { addOciImage } from './oci.js';
import { REPO_ROOT } from './settings.js';
import { tar, type TarEntry } from './tar.js';

/** The stand-in scripts shipped with the lab. */
export const STAND_INS = join(REPO_ROOT, 'test', 'lab', 'stand-ins');

/** No package missing, none at another version. */
export const NO_FAULTS: PackageFaults = { missingPackages: [], wrongPackageVersions: {} };

/**
 * `<dir>/res/upload.sh`, `<dir>/res/images/{oci,all.list,necessary.list}`, `<dir>/plugins/*.tgz` (one package per
 * recorded plugin version and installed Operator, less the missing ones, the wrong ones at their wrong version).
 */
export async function buildInstaller(dir: string, faults: PackageFaults = NO_FAULTS): Promise<void> {
  const images = join(dir, 'res', 'images');
  await mkdir(join(dir, 'plugins'), { recursive: true });
  await mkdir(images, { recursive: true });
  await copyFile(join(STAND_INS, 'upload.sh'), join(dir, 'res', 'upload.sh'));
  for (const ref of CORE_IMAGES.all) await addOciImage(join(images, 'oci'), { ref, payloadBytes: payloadBytes(ref) });
  await writeFile(join(images, 'all.list'), `${CORE_IMAGES.all.join('\n')}\n`);
  await writeFile(join(images, 'necessary.list'), `${CORE_IMAGES.necessary.join('\n')}\n`);
  for (const p of installerPackages(faults)) {
    await writeFile(join(dir, 'plugins', packageFile(p)), await pluginPackage(p, join(dir, '.build', `${p.name}-${p.version}`)));
  }
}

/**
 * A package: a gzipped tar of `package.env` (NAME, VERSION, TYPE `ModulePlugin` or `OperatorBundle`, IMAGES) and
 * an OCI layout `images/` with its images.
 */
async function pluginPackage(p: PluginPackage, scratch: string): Promise<Buffer> {
  for (const ref of p.images) await addOciImage(scratch, { ref, payloadBytes: payloadBytes(ref) });
  const type = p.kind === 'plugin' ? 'ModulePlugin' : 'OperatorBundle';
  const entries: TarEntry[] = [
    { path: 'package.env', content: Buffer.from(`NAME=${p.name}\nVERSION=${p.version}\nTYPE=${type}\nIMAGES='${p.images.join(' ')}'\n`) },
    ...(await treeEntries(scratch, 'images')),
  ];
  return gzipSync(tar(entries));
}

async function treeEntries(root: string, prefix: string): Promise<TarEntry[]> {
  const entries: TarEntry[] = [{ path: prefix }];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, entry.name);
      const path = join(prefix, relative(root, full));
      if (entry.isDirectory()) {
        entries.push({ path });
        await walk(full);
      } else {
        entries.push({ path, content: await readFile(full) });
      }
    }
  };
  await walk(root);
  return entries;
}

/** Every image the registry holds at the start (current and old), in one OCI layout. */
export async function buildSeedLayout(dir: string): Promise<void> {
  for (const ref of SEED_IMAGES) await addOciImage(dir, { ref, payloadBytes: payloadBytes(ref) });
}

/** MinIO's own files and a bucket that is not the registry, so each host's backup holds more than images. */
export async function buildMinioData(dir: string, host: string): Promise<void> {
  await mkdir(join(dir, '.minio.sys', 'config'), { recursive: true });
  await mkdir(join(dir, 'cpaas-backup', 'etcd'), { recursive: true });
  await writeFile(join(dir, '.minio.sys', 'format.json'), JSON.stringify({ version: '1', format: 'xl', id: `lab-${host}` }));
  await writeFile(join(dir, '.minio.sys', 'config', 'config.json'), JSON.stringify({ version: '33', region: 'lab' }));
  await writeFile(join(dir, 'cpaas-backup', 'etcd', `snapshot-${host}.db`), randomBytes(96 * 1024));
}

/** What the platform knows is installed, for `violet list`: name, type, display name, cluster, version, tab-separated, by name. */
export function installedAppsTable(): string {
  const applications = [...INSTALLED_APPLICATIONS].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return applications.map((a) => `${[a.name, a.type, a.displayName, a.cluster, a.version].join('\t')}\n`).join('');
}
