import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Names (hex digests) of the blobs in a registry's filesystem storage, sorted. */
export async function blobFiles(storage: string): Promise<string[]> {
  const root = join(storage, 'docker', 'registry', 'v2', 'blobs', 'sha256');
  const names: string[] = [];
  for (const prefix of await readdir(root)) names.push(...(await readdir(join(root, prefix))));
  return names.sort();
}

/** Bytes of every blob's data in a registry's filesystem storage (what Harbor calls total_storage_consumption). */
export async function blobBytes(storage: string): Promise<number> {
  const root = join(storage, 'docker', 'registry', 'v2', 'blobs', 'sha256');
  let total = 0;
  for (const prefix of await readdir(root)) {
    for (const hex of await readdir(join(root, prefix))) total += (await stat(join(root, prefix, hex, 'data'))).size;
  }
  return total;
}
