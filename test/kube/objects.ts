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
  /** Made by the server from the other objects (the Namespaces), not given. */
  derived?: boolean;
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

/** What a change did to one object, as a watch event says it. */
export interface StoreEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  fixture: Fixture;
  /** The object after the change (before it, for DELETED), its metadata.resourceVersion the change's. */
  object: KubeObject;
  /** The object before a MODIFIED, so that a watch can tell it left a selector. */
  previous?: KubeObject;
  resourceVersion: number;
}

/** Fixtures indexed for lookups by group, version and plural; changed by the test with put() and remove(). */
export class ObjectStore {
  readonly fixtures: Fixture[];
  /** The collection's resourceVersion: 5000 at the start, one more per change. */
  resourceVersion = 5000;
  /** Every change since the start, oldest first (a watch from a resourceVersion replays what came after it). */
  readonly events: StoreEvent[] = [];
  private readonly listeners = new Set<(event: StoreEvent) => void>();

  constructor(fixtures: Fixture[]) {
    this.fixtures = fixtures;
  }

  /** The fixture serving an object's apiVersion and kind. */
  fixtureOf(apiVersion: string, kind: string): Fixture | undefined {
    return this.fixtures.find((f) => groupVersion(f.resource) === apiVersion && f.resource.kind === kind);
  }

  /** Adds an object, or replaces the one of the same type, namespace and name; watches see ADDED or MODIFIED. */
  put(input: KubeObject): StoreEvent {
    const fixture = this.fixtureOf(input.apiVersion, input.kind);
    if (fixture === undefined) throw new Error(`no fixture serves ${input.apiVersion} ${input.kind} (object ${input.metadata.name})`);
    const resourceVersion = this.resourceVersion + 1;
    const namespace = fixture.resource.namespaced ? input.metadata.namespace : undefined;
    const object: KubeObject = { ...structuredClone(input), metadata: { ...structuredClone(input.metadata), resourceVersion: String(resourceVersion) } };
    const index = fixture.items.findIndex((o) => o.metadata.name === object.metadata.name && (namespace === undefined || o.metadata.namespace === namespace));
    const previous = index < 0 ? undefined : fixture.items[index];
    if (previous === undefined) fixture.items.push(object);
    else fixture.items[index] = object;
    if (namespace !== undefined) this.addNamespace(namespace);
    return this.emit({ type: previous === undefined ? 'ADDED' : 'MODIFIED', fixture, object, ...(previous ? { previous } : {}), resourceVersion });
  }

  /** Removes an object; watches see DELETED. Undefined when there was none. */
  remove(apiVersion: string, kind: string, namespace: string | undefined, name: string): StoreEvent | undefined {
    const fixture = this.fixtureOf(apiVersion, kind);
    if (fixture === undefined) throw new Error(`no fixture serves ${apiVersion} ${kind}`);
    const index = fixture.items.findIndex((o) => o.metadata.name === name && (!fixture.resource.namespaced || o.metadata.namespace === namespace));
    if (index < 0) return undefined;
    const [gone] = fixture.items.splice(index, 1);
    const resourceVersion = this.resourceVersion + 1;
    return this.emit({ type: 'DELETED', fixture, object: { ...gone!, metadata: { ...gone!.metadata, resourceVersion: String(resourceVersion) } }, resourceVersion });
  }

  /** Calls `listener` on every change from now on; returns the function that stops it. */
  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private emit(event: StoreEvent): StoreEvent {
    this.resourceVersion = event.resourceVersion;
    this.events.push(event);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /** A namespace the derived Namespace list lacks is added, as a test's new object needs one. */
  private addNamespace(name: string): void {
    const namespaces = this.find('', 'v1', 'namespaces');
    if (namespaces === undefined || !namespaces.derived || namespaces.items.some((o) => o.metadata.name === name)) return;
    namespaces.items.push(namespaceObject(name));
    namespaces.items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
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
  const items = [...names].sort().map(namespaceObject);
  return { resource: { group: '', version: 'v1', plural: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false, shortNames: ['ns'] }, items, derived: true };
}

function namespaceObject(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, creationTimestamp: '2026-01-01T00:00:00Z', labels: { 'kubernetes.io/metadata.name': name } },
    status: { phase: 'Active' },
  };
}

/** The store a server serves: the fixtures (default: all files), extra objects, and Namespaces derived from both. */
export async function buildStore(fixtureList?: Fixture[], objects: KubeObject[] = []): Promise<ObjectStore> {
  const fixtures = structuredClone(fixtureList ?? (await loadFixtures()));
  for (const object of structuredClone(objects)) {
    const fixture = fixtures.find((f) => groupVersion(f.resource) === object.apiVersion && f.resource.kind === object.kind);
    if (fixture === undefined) throw new Error(`no fixture serves ${object.apiVersion} ${object.kind} (object ${object.metadata.name})`);
    fixture.items.push(object);
  }
  if (!fixtures.some((f) => f.resource.plural === 'namespaces' && f.resource.group === '')) fixtures.push(namespaceFixture(fixtures));
  return new ObjectStore(fixtures);
}
