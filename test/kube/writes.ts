// Writes the API server accepts, for the types listed in WRITABLE (Leases): create, replace and delete with the
// API server's optimistic concurrency, so kubectl sees real 409s (AlreadyExists, Conflict) and preconditions.
import { groupVersion, type KubeObject, type ObjectStore } from './objects.js';
import type { Reply, ResourcePath } from './resources.js';
import { withType } from './resources.js';
import { failure, notFound } from './status.js';

/** `group/plural` of the types kubectl may write; the others answer 405, as before. */
export const WRITABLE = new Set(['coordination.k8s.io/leases']);

/** The RBAC verb of a write: POST create, PUT update, DELETE delete; undefined for a method not served. */
export function writeVerb(method: string): string | undefined {
  return { POST: 'create', PUT: 'update', DELETE: 'delete' }[method];
}

/** Applies one write from kubectl to the store, as the API server would answer it. */
export function applyWrite(store: ObjectStore, method: string, path: ResourcePath, body: string): Reply {
  const fixture = store.find(path.group, path.version, path.plural);
  if (fixture === undefined || path.subresource !== undefined || path.namespace === undefined) return { code: 404, body: failure(404, 'NotFound', 'the server could not find the requested resource') };
  const type = fixture.resource;
  const existing = path.name === undefined ? undefined : store.get(fixture, path.namespace, path.name);
  if (method === 'DELETE') {
    if (existing === undefined) return { code: 404, body: notFound(type, path.name ?? '') };
    const wanted = parse(body)?.['preconditions'] as { resourceVersion?: string } | undefined;
    if (wanted?.resourceVersion !== undefined && wanted.resourceVersion !== existing.metadata['resourceVersion']) return { code: 409, body: conflict(type, existing.metadata.name, 'the ResourceVersion in the precondition does not match the ResourceVersion in record. The object might have been modified') };
    store.remove(groupVersion(type), type.kind, path.namespace, existing.metadata.name);
    return { code: 200, body: withType(fixture, existing) };
  }
  const object = parse(body) as KubeObject | undefined;
  if (object?.metadata?.name === undefined) return { code: 400, body: failure(400, 'BadRequest', 'the object has no metadata.name') };
  if (object.metadata.namespace !== undefined && object.metadata.namespace !== path.namespace) return { code: 400, body: failure(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request') };
  const named = { ...object, apiVersion: groupVersion(type), kind: type.kind, metadata: { ...object.metadata, namespace: path.namespace } };
  if (method === 'POST') {
    if (store.get(fixture, path.namespace, object.metadata.name) !== undefined) return { code: 409, body: failure(409, 'AlreadyExists', `${qualified(type)} "${object.metadata.name}" already exists`, { name: object.metadata.name, group: type.group, kind: type.plural }) };
    const metadata: Record<string, unknown> = { ...named.metadata };
    delete metadata['resourceVersion'];
    return { code: 201, body: withType(fixture, store.put({ ...named, metadata: { ...metadata, name: object.metadata.name, creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') } }).object) };
  }
  // PUT: a replace needs the object's current resourceVersion (optimistic concurrency); a stale one is a Conflict.
  if (existing === undefined) return { code: 404, body: notFound(type, path.name ?? '') };
  if (object.metadata.name !== existing.metadata.name) return { code: 400, body: failure(400, 'BadRequest', 'the name of the object does not match the name on the URL') };
  const sent = object.metadata['resourceVersion'];
  if (typeof sent !== 'string' || sent === '') return { code: 422, body: failure(422, 'Invalid', `${qualified(type)} "${existing.metadata.name}" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update`) };
  if (sent !== existing.metadata['resourceVersion']) return { code: 409, body: conflict(type, existing.metadata.name, 'the object has been modified; please apply your changes to the latest version and try again') };
  return { code: 200, body: withType(fixture, store.put({ ...named, metadata: { ...named.metadata, creationTimestamp: existing.metadata.creationTimestamp } }).object) };
}

function conflict(type: { group: string; plural: string }, name: string, why: string) {
  return failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(type)} "${name}": ${why}`, { name, group: type.group, kind: type.plural });
}

function qualified(type: { group: string; plural: string }): string {
  return type.group === '' ? type.plural : `${type.plural}.${type.group}`;
}

function parse(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
