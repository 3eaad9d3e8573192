// OCI image layouts written by hand (no Docker): a gzipped tar layer, a config, a manifest and index.json,
// in the form `skopeo copy oci:<dir>:<ref> docker://...` reads.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tar, type TarEntry } from './tar.js';

/** What goes into one lab image. */
export interface ImageSpec {
  /** Repository and tag as pushed, e.g. `acp/core:latest`; also the ref name inside the layout. */
  ref: string;
  /** Bytes of (incompressible, deterministic) payload in the single layer. @default 64 KiB */
  payloadBytes?: number;
}

/** A blob as the manifest names it. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const CONFIG = 'application/vnd.oci.image.config.v1+json';
const LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
const REF_NAME = 'org.opencontainers.image.ref.name';

/** Adds the image `spec` to the OCI layout in `dir` (created when missing) and returns its manifest descriptor. */
export async function addOciImage(dir: string, spec: ImageSpec): Promise<Descriptor> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const repository = spec.ref.replace(/:[^:/]*$/, '');
  const files: TarEntry[] = [
    { path: 'opt' },
    { path: `opt/${repository.replaceAll('/', '-')}` },
    { path: `opt/${repository.replaceAll('/', '-')}/VERSION`, content: Buffer.from(`${spec.ref}\n`) },
    { path: `opt/${repository.replaceAll('/', '-')}/payload.bin`, content: payload(spec.ref, spec.payloadBytes ?? 64 * 1024) },
  ];
  const layerTar = tar(files);
  const layer = await writeBlob(dir, gzipSync(layerTar), LAYER);
  const config = await writeBlob(
    dir,
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        config: { Labels: { 'io.fieldbook.lab.image': spec.ref }, Cmd: ['/bin/true'] },
        rootfs: { type: 'layers', diff_ids: [`sha256:${sha256(layerTar)}`] },
      }),
    ),
    CONFIG,
  );
  const manifest = await writeBlob(dir, Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MANIFEST, config, layers: [layer] })), MANIFEST);
  const indexPath = join(dir, 'index.json');
  const index = existsSync(indexPath)
    ? (JSON.parse(await readFile(indexPath, 'utf8')) as { manifests: Descriptor[] })
    : { manifests: [] as Descriptor[] };
  const entry = { ...manifest, annotations: { [REF_NAME]: spec.ref } };
  index.manifests = [...index.manifests.filter((m) => m.annotations?.[REF_NAME] !== spec.ref), entry];
  await writeFile(indexPath, JSON.stringify({ schemaVersion: 2, ...index }, null, 1));
  return manifest;
}

async function writeBlob(dir: string, bytes: Buffer, mediaType: string): Promise<Descriptor> {
  const digest = sha256(bytes);
  await writeFile(join(dir, 'blobs', 'sha256', digest), bytes);
  return { mediaType, digest: `sha256:${digest}`, size: bytes.length };
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Incompressible bytes that depend only on `seed`, so a layer's digest is stable across labs. */
export function payload(seed: string, size: number): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(seed).digest();
  for (let offset = 0; offset < size; offset += block.length) {
    block.copy(out, offset);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}
