// The real garbage collection under the ac and Harbor stand-ins: Debian's docker-registry (CNCF distribution
// 2.8) `registry garbage-collect [--dry-run] [--delete-untagged] <config>` on the lab registry's filesystem
// storage, and what it found, read from its output ("blob eligible for deletion: sha256:...") and from the
// storage itself (each blob's size, whether it is a manifest, whether it is gone afterwards).
import { execFile } from 'node:child_process';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The filesystem storage's root directory, from the registry config's `rootdirectory:` line. */
export async function storageRoot(config) {
  const text = await readFile(config, 'utf8');
  const match = /^\s*rootdirectory:\s*(\S+)\s*$/m.exec(text);
  if (!match) throw new Error(`${config}: no storage.filesystem.rootdirectory (the stand-ins only know filesystem storage)`);
  return match[1];
}

function blobDir(root, hex) {
  return join(root, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex);
}

/** Every blob in the storage: digest → { size, manifest } (a manifest or index is JSON with its media type). */
export async function blobsIn(root) {
  const blobs = new Map();
  const base = join(root, 'docker', 'registry', 'v2', 'blobs', 'sha256');
  let prefixes = [];
  try {
    prefixes = await readdir(base);
  } catch {
    return blobs;
  }
  for (const prefix of prefixes) {
    for (const hex of await readdir(join(base, prefix))) {
      const data = join(base, prefix, hex, 'data');
      const info = await stat(data).catch(() => undefined);
      if (info) blobs.set(`sha256:${hex}`, { size: info.size, manifest: info.size < 4 << 20 && isManifest(await readFile(data)) });
    }
  }
  return blobs;
}

function isManifest(bytes) {
  try {
    const doc = JSON.parse(bytes.toString('utf8'));
    return typeof doc.schemaVersion === 'number' && (Array.isArray(doc.layers) || Array.isArray(doc.manifests) || Array.isArray(doc.fsLayers));
  } catch {
    return false;
  }
}

/**
 * Runs the registry's garbage collection and returns the blobs it named eligible, each with its size and
 * kind (from the storage before the run) and, for a real run, whether it is gone now.
 */
export async function garbageCollect({ binary, config, dryRun, deleteUntagged }) {
  const root = await storageRoot(config);
  const before = await blobsIn(root);
  const args = ['garbage-collect', ...(dryRun ? ['--dry-run'] : []), ...(deleteUntagged ? ['--delete-untagged'] : []), config];
  const { code, stdout, stderr } = await new Promise((resolve) => {
    execFile(binary, args, { maxBuffer: 256 << 20 }, (error, out, err) => resolve({ code: error ? (error.code ?? 1) : 0, stdout: out, stderr: err }));
  });
  if (code !== 0) {
    const said = `${stderr}${stdout}`.trim().split('\n').slice(-3).join(' ');
    throw new Error(`${binary} ${args.join(' ')} failed (exit ${code}): ${said}`);
  }
  const summary = /^\d+ blobs marked, \d+ blobs and \d+ manifests eligible for deletion$/m.exec(stdout)?.[0] ?? '';
  const eligible = [];
  for (const [, digest] of stdout.matchAll(/^blob eligible for deletion: (sha256:[0-9a-f]{64})$/gm)) {
    const known = before.get(digest) ?? { size: 0, manifest: false };
    const gone = !dryRun && !(await stat(blobDir(root, digest.slice(7))).catch(() => undefined));
    eligible.push({ digest, size: known.size, manifest: known.manifest, deleted: gone });
  }
  const deletedPaths = [...stderr.matchAll(/msg="Deleting blob: ([^"]+)"/g)].map((m) => m[1]);
  return { args, summary, eligible, untagged: untaggedManifests(stdout), deletedPaths, stdout, stderr };
}

/** With --delete-untagged: each "manifest eligible for deletion" with the repository whose marking it follows. */
function untaggedManifests(stdout) {
  const found = [];
  let repository = '';
  for (const line of stdout.split('\n')) {
    const manifest = /^manifest eligible for deletion: (sha256:[0-9a-f]{64})$/.exec(line);
    if (manifest) found.push({ repository, digest: manifest[1] });
    else if (/^[a-z0-9]+(?:[._/-][a-z0-9]+)*$/.test(line)) repository = line;
  }
  return found;
}

/** Bytes of every blob in the storage: what Harbor's statistics call total_storage_consumption. */
export async function blobBytes(root) {
  let total = 0;
  for (const { size } of (await blobsIn(root)).values()) total += size;
  return total;
}
