// The objects the test API server serves: resource types and their items, loaded from fixtures/*.json.
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** A column of `kubectl get` output, like a CRD's additionalPrinterColumns. */
export interface PrinterColumn {
  name: string;
  /** Dotted path into the object, e.g. `.spec.version`. */
  jsonPath: string;
  /** @default 'string' */
  type?: 'string' | 'integer' | 'number' | 'boolean' | 'date';
}

/** One resource type as discovery announces it. */
export interface ResourceType {
  /** '' for the core group. */
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  printerColumns?: PrinterColumn[];
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string;
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** The content of one fixture file: a resource type and its objects. */
export interface Fixture {
  resource: ResourceType;
  items: KubeObject[];
}

/** Folder of the default fixtures. */
export const FIXTURES_DIR = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** Loads every `*.json` fixture in `dir`. */
export async function loadFixtures(dir: string = FIXTURES_DIR): Promise<Fixture[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => {
      const parsed = JSON.parse(await readFile(join(dir, file), 'utf8')) as Fixture;
      if (parsed.resource === undefined || !Array.isArray(parsed.items)) throw new Error(`${file}: expected { resource, items }`);
      return parsed;
    }),
  );
}

/** `group/version`, or `version` for the core group. */
export function groupVersion(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

/** `pods` or `moduleinfos.cluster.alauda.io`, as the API server names a resource in messages. */
export function qualifiedName(type: Pick<ResourceType, 'group' | 'plural'>): string {
  return type.group === '' ? type.plural : `${type.plural}.${type.group}`;
}

/** Fixtures indexed for lookups by group, version and plural. */
export class ObjectStore {
  readonly fixtures: Fixture[];

  constructor(fixtures: Fixture[]) {
    this.fixtures = fixtures;
  }

  types(): ResourceType[] {
    return this.fixtures.map((f) => f.resource);
  }

  find(group: string, version: string, plural: string): Fixture | undefined {
    return this.fixtures.find((f) => f.resource.group === group && f.resource.version === version && f.resource.plural === plural);
  }

  /** Objects of a type, in one namespace or (namespace undefined) in all. */
  list(fixture: Fixture, namespace: string | undefined): KubeObject[] {
    return fixture.items.filter((o) => namespace === undefined || o.metadata.namespace === namespace);
  }

  get(fixture: Fixture, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.list(fixture, namespace).find((o) => o.metadata.name === name);
  }

  pod(namespace: string, name: string): KubeObject | undefined {
    const pods = this.find('', 'v1', 'pods');
    return pods === undefined ? undefined : this.get(pods, namespace, name);
  }

  pods(): KubeObject[] {
    return this.find('', 'v1', 'pods')?.items ?? [];
  }
}

/** Namespaces of all namespaced objects, plus default and kube-system, so `kubectl get ns` works. */
function namespaceFixture(fixtures: Fixture[]): Fixture {
  const names = new Set(['default', 'kube-system']);
  for (const f of fixtures) for (const o of f.items) if (o.metadata.namespace !== undefined) names.add(o.metadata.namespace);
  const items = [...names].sort().map((name) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, creationTimestamp: '2026-01-01T00:00:00Z', labels: { 'kubernetes.io/metadata.name': name } },
    status: { phase: 'Active' },
  }));
  return { resource: { group: '', version: 'v1', plural: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false, shortNames: ['ns'] }, items };
}

/** The store a server serves: the fixtures (default: all files), extra objects, and Namespaces derived from both. */
export async function buildStore(fixtureList?: Fixture[], objects: KubeObject[] = []): Promise<ObjectStore> {
  const fixtures = structuredClone(fixtureList ?? (await loadFixtures()));
  for (const object of objects) {
    const fixture = fixtures.find((f) => groupVersion(f.resource) === object.apiVersion && f.resource.kind === object.kind);
    if (fixture === undefined) throw new Error(`no fixture serves ${object.apiVersion} ${object.kind} (object ${object.metadata.name})`);
    fixture.items.push(object);
  }
  if (!fixtures.some((f) => f.resource.plural === 'namespaces' && f.resource.group === '')) fixtures.push(namespaceFixture(fixtures));
  return new ObjectStore(fixtures);
}
