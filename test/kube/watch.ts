// Watches (`?watch=true`), as kubectl's informers use them: `kubectl wait` lists with
// `fieldSelector=metadata.name=<name>` and then watches from the list's resourceVersion even when the condition
// already holds; `kubectl get -w` watches with the Table Accept header. A watch is a chunked response of
// `{"type":"ADDED|MODIFIED|DELETED|BOOKMARK","object":{...}}` lines; the objects change when the test calls
// put()/remove() on the server.
import type { ServerResponse } from 'node:http';
import type { Fixture, KubeObject, ObjectStore, StoreEvent } from './objects.js';
import { badRequest, withType, wantsTable, type Reply } from './resources.js';
import { matchesFields, matchesLabels, parseSelector } from './selectors.js';
import { toTable } from './table.js';

/** A watch as the request asks for it. */
export interface WatchRequest {
  fixture: Fixture;
  /** undefined: every namespace (or a cluster-scoped type). */
  namespace: string | undefined;
  /** Watching one object by its path (`.../deployments/x?watch=true`, deprecated but served): its name. */
  name?: string;
  query: URLSearchParams;
  accept: string | undefined;
}

/** Longest a watch stays open when the client gives no timeoutSeconds (the API server picks 30 to 60 minutes). */
const DEFAULT_TIMEOUT_S = 1800;

/** Checks the selectors; returns the 400 reply for a malformed one. */
export function invalidWatch(request: WatchRequest): Reply | undefined {
  try {
    parseSelector(request.query.get('labelSelector') ?? '');
    parseSelector(request.query.get('fieldSelector') ?? '');
    return undefined;
  } catch (error) {
    return { code: 400, body: badRequest((error as Error).message) };
  }
}

/** Streams the watch on `res` until the client goes, the timeout passes or the server stops. */
export function serveWatch(store: ObjectStore, request: WatchRequest, res: ServerResponse): void {
  const { fixture, namespace, query } = request;
  const labelSelector = query.get('labelSelector') ?? '';
  const fieldSelector = query.get('fieldSelector') ?? '';
  const table = wantsTable(request.accept);
  const matches = (object: KubeObject | undefined): boolean =>
    object !== undefined &&
    (!fixture.resource.namespaced || namespace === undefined || object.metadata.namespace === namespace) &&
    (request.name === undefined || object.metadata.name === request.name) &&
    matchesLabels(labelSelector, object.metadata.labels) &&
    matchesFields(fieldSelector, object);
  const send = (type: string, object: KubeObject, resourceVersion: number): void => {
    const typed = withType(fixture, object);
    const body = table && type !== 'BOOKMARK' ? toTable(fixture.resource, [typed], String(resourceVersion)) : typed;
    res.write(`${JSON.stringify({ type, object: body })}\n`);
  };
  /** What a change looks like through this watch's selectors (an object leaving them is DELETED for it). */
  const onEvent = (event: StoreEvent): void => {
    if (event.fixture !== fixture) return;
    const now = matches(event.object);
    if (event.type === 'DELETED') {
      if (now) send('DELETED', event.object, event.resourceVersion);
    } else if (now) {
      send(event.type === 'MODIFIED' && matches(event.previous) ? 'MODIFIED' : 'ADDED', event.object, event.resourceVersion);
    } else if (event.type === 'MODIFIED' && matches(event.previous)) {
      send('DELETED', event.object, event.resourceVersion);
    }
  };

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  const from = query.get('resourceVersion') ?? '';
  if (query.get('sendInitialEvents') === 'true' || from === '' || from === '0') {
    // No resourceVersion (or 0): the current state first, as ADDED events.
    for (const object of store.list(fixture, fixture.resource.namespaced ? namespace : undefined)) {
      if (matches(object)) send('ADDED', object, store.resourceVersion);
    }
    if (query.get('sendInitialEvents') === 'true') {
      const bookmark = { apiVersion: '', kind: fixture.resource.kind, metadata: { name: '', resourceVersion: String(store.resourceVersion), annotations: { 'k8s.io/initial-events-end': 'true' } } };
      res.write(`${JSON.stringify({ type: 'BOOKMARK', object: { ...bookmark, apiVersion: withType(fixture, bookmark as KubeObject).apiVersion } })}\n`);
    }
  } else {
    // From a resourceVersion: every change after it.
    const after = Number(from);
    for (const event of store.events) if (!(event.resourceVersion <= after)) onEvent(event);
  }
  const unsubscribe = store.subscribe(onEvent);
  const seconds = Number(query.get('timeoutSeconds') ?? DEFAULT_TIMEOUT_S);
  const timer = setTimeout(() => res.end(), (Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_TIMEOUT_S) * 1000);
  timer.unref();
  res.on('close', () => {
    clearTimeout(timer);
    unsubscribe();
  });
}
