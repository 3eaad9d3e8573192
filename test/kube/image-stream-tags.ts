// Registry v2 keeps its tags as Image API metadata (`image.alauda.io/v1` ImageStreamTags, named `<stream>:<tag>` in
// the image's namespace: alauda/acp-docs registry_v2/registry_overview.mdx, migrating_from_legacy_registry.mdx). The
// lab has no Image API server, so the test API server derives them from the registry's own storage before every
// read: one ImageStreamTag per tag of a `<namespace>/<name>` repository (`_manifests/tags/<tag>/current/link`),
// so `kubectl get imagestreamtags` (and `ac get`) sees exactly the tags a pull would find, after any deletion.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject, ObjectStore } from './objects.js';

const API_VERSION = 'image.alauda.io/v1';
const KIND = 'ImageStreamTag';
/** The registry's in-cluster address (registry_overview.mdx: image-registry.image-registry-system.svc:5000). */
const SERVICE = 'image-registry.image-registry-system.svc:5000';

/** Every `<namespace>/<name>:<tag>` of the storage with its manifest digest and when the tag was last written. */
function storedTags(storage: string): { repository: string; tag: string; digest: string; written: Date }[] {
  const root = join(storage, 'docker', 'registry', 'v2', 'repositories');
  const found: { repository: string; tag: string; digest: string; written: Date }[] = [];
  const walk = (dir: string, path: string[]): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      if (entry.name === '_manifests') {
        const tagsDir = join(dir, '_manifests', 'tags');
        let tags: string[] = [];
        try {
          tags = readdirSync(tagsDir);
        } catch {
          tags = [];
        }
        for (const tag of tags) {
          const link = join(tagsDir, tag, 'current', 'link');
          try {
            found.push({ repository: path.join('/'), tag, digest: readFileSync(link, 'utf8').trim(), written: statSync(link).mtime });
          } catch {
            // a tag being written or deleted right now: not there yet, or not any more
          }
        }
      } else if (!entry.name.startsWith('_')) {
        walk(join(dir, entry.name), [...path, entry.name]);
      }
    }
  };
  walk(root, []);
  return found;
}

function imageStreamTag(namespace: string, stream: string, tag: string, digest: string, written: Date): KubeObject {
  return {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: { name: `${stream}:${tag}`, namespace, creationTimestamp: written.toISOString().replace(/\.\d+Z$/, 'Z') },
    tag: { name: tag, from: { kind: 'DockerImage', name: `${SERVICE}/${namespace}/${stream}:${tag}` } },
    generation: 1,
    lookupPolicy: { local: false },
    image: { metadata: { name: digest }, dockerImageReference: `${SERVICE}/${namespace}/${stream}@${digest}` },
  };
}

/** Brings the store's ImageStreamTags in line with the tags in `storage` (repositories not shaped `<namespace>/<name>` have none). */
export function syncImageStreamTags(store: ObjectStore, storage: string): void {
  const fixture = store.fixtureOf(API_VERSION, KIND);
  if (fixture === undefined) return;
  const wanted = new Map<string, KubeObject>();
  for (const { repository, tag, digest, written } of storedTags(storage)) {
    const parts = repository.split('/');
    if (parts.length !== 2) continue;
    const object = imageStreamTag(parts[0]!, parts[1]!, tag, digest, written);
    wanted.set(`${object.metadata.namespace}/${object.metadata.name}`, object);
  }
  for (const current of [...fixture.items]) {
    const key = `${current.metadata.namespace}/${current.metadata.name}`;
    const next = wanted.get(key);
    if (next === undefined) store.remove(API_VERSION, KIND, current.metadata.namespace, current.metadata.name);
    else if (JSON.stringify(next['image']) === JSON.stringify(current['image'])) wanted.delete(key);
  }
  for (const object of wanted.values()) store.put(object);
}
