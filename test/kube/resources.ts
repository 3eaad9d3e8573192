// Read-only REST for the fixture objects: list (with label and field selectors), get, and Table output (watch.ts: watches).
import { coreVersions, groupList, resourceList, versionInfo } from './discovery.js';
import { groupVersion, type Fixture, type KubeObject, type ObjectStore } from './objects.js';
import { matchesFields, matchesLabels } from './selectors.js';
import { failure, notFound, type Status } from './status.js';
import { toTable } from './table.js';

/** A request path split into its API parts. */
export interface ResourcePath {
  group: string;
  version: string;
  namespace?: string;
  plural: string;
  name?: string;
  subresource?: string;
}

export interface Reply {
  code: number;
  body: unknown;
}

/** Parses `/api/v1/namespaces/ns/pods/name/exec` and `/apis/g/v/plural/name`; undefined for other paths. */
export function parseResourcePath(pathname: string): ResourcePath | undefined {
  const parts = pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
  let rest: string[];
  let group = '';
  let version: string;
  if (parts[0] === 'api' && parts.length >= 3) [, version = '', ...rest] = parts;
  else if (parts[0] === 'apis' && parts.length >= 4) [, group = '', version = '', ...rest] = parts;
  else return undefined;
  let namespace: string | undefined;
  // `namespaces/<ns>` alone is the Namespace object; with more parts it scopes the resource.
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, subresource, ...extra] = rest;
  if (plural === undefined || extra.length > 0) return undefined;
  return { group, version, plural, ...(namespace === undefined ? {} : { namespace }), ...(name === undefined ? {} : { name }), ...(subresource === undefined ? {} : { subresource }) };
}

const NOT_FOUND = failure(404, 'NotFound', 'the server could not find the requested resource');

/** Answers discovery and /version; undefined when the path is not one of them. */
export function discovery(store: ObjectStore, pathname: string, serverAddress: string, version: string): Reply | undefined {
  const types = store.types();
  if (pathname === '/version') return { code: 200, body: versionInfo(version) };
  if (pathname === '/api') return { code: 200, body: coreVersions(serverAddress) };
  if (pathname === '/apis') return { code: 200, body: groupList(types) };
  const core = /^\/api\/([^/]+)$/.exec(pathname);
  const named = /^\/apis\/([^/]+)\/([^/]+)$/.exec(pathname);
  if (core || named) {
    const body = core ? resourceList(types, '', core[1]!) : resourceList(types, named![1]!, named![2]!);
    return body === undefined ? { code: 404, body: NOT_FOUND } : { code: 200, body };
  }
  if (pathname.startsWith('/openapi/')) return { code: 404, body: NOT_FOUND };
  return undefined;
}

/** The object as the API serves it: apiVersion and kind from its type. */
export function withType(fixture: Fixture, object: KubeObject): KubeObject {
  return { ...object, apiVersion: groupVersion(fixture.resource), kind: fixture.resource.kind };
}

/** True when the client asks for server-side printing (`as=Table;g=meta.k8s.io`). */
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => /;\s*as=Table/.test(part) && /g=meta\.k8s\.io/.test(part));
}

/** GET on a resource path: a list, or one object. */
export function getResource(store: ObjectStore, path: ResourcePath, query: URLSearchParams, accept: string | undefined): Reply {
  const fixture = store.find(path.group, path.version, path.plural);
  if (fixture === undefined || path.subresource !== undefined) return { code: 404, body: NOT_FOUND };
  const namespace = fixture.resource.namespaced ? path.namespace : undefined;
  const resourceVersion = String(store.resourceVersion);
  if (path.name !== undefined) {
    const object = store.get(fixture, namespace, path.name);
    if (object === undefined) return { code: 404, body: notFound(fixture.resource, path.name) };
    if (wantsTable(accept)) return { code: 200, body: toTable(fixture.resource, [object], resourceVersion) };
    return { code: 200, body: withType(fixture, object) };
  }
  let items = store.list(fixture, namespace);
  try {
    const labelSelector = query.get('labelSelector');
    const fieldSelector = query.get('fieldSelector');
    if (labelSelector) items = items.filter((o) => matchesLabels(labelSelector, o.metadata.labels));
    if (fieldSelector) items = items.filter((o) => matchesFields(fieldSelector, o));
  } catch (error) {
    return { code: 400, body: badRequest((error as Error).message) };
  }
  if (wantsTable(accept)) return { code: 200, body: toTable(fixture.resource, items, resourceVersion) };
  return {
    code: 200,
    body: {
      apiVersion: groupVersion(fixture.resource),
      kind: `${fixture.resource.kind}List`,
      metadata: { resourceVersion },
      items: items.map((o) => withType(fixture, o)),
    },
  };
}

/** 400 with a message. */
export function badRequest(message: string): Status {
  return failure(400, 'BadRequest', message);
}
