// A Kubernetes API server for tests that the real kubectl talks to: discovery, resources from fixtures (read-only
// for kubectl; the test changes them with put/remove, which watches see), exec over WebSocket (v5/v4) and SPDY into
// sandbox directories, RBAC denials and cut connections on demand. Leases are writable (writes.ts).
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { ExecSession, type CutPlan, type ExecChannels, type ExecRecord } from './exec-session.js';
import { acceptExecSpdy, expectedStreams, negotiateSpdy, SPDY_PROTOCOLS } from './exec-spdy.js';
import { acceptExecWebSocket, negotiateWebSocket, WS_V4, WS_V5 } from './exec-ws.js';
import { renderKubeconfig } from './kubeconfig.js';
import { buildStore, type Fixture, type KubeObject, type ObjectStore } from './objects.js';
import { badRequest, discovery, getResource, parseResourcePath, type Reply, type ResourcePath } from './resources.js';
import { failure, forbidden, notFound } from './status.js';
import { makeServerCert } from './tls.js';
import { invalidWatch, serveWatch } from './watch.js';
import { applyWrite, WRITABLE, writeVerb } from './writes.js';

/** A (verb, resource) pair the test user is denied: `{ verb: 'list', resource: 'pods' }`, `{ verb: 'create', resource: 'pods/exec' }`. */
export interface ForbidRule {
  verb: string;
  /** Plural, with subresource after a slash. */
  resource: string;
  /** Only in this namespace. @default every namespace */
  namespace?: string;
}

/** What an exec into one pod sees, when that is not what the server process sees. */
export interface PodExec {
  /** PATH of the pod's execs. @default the server's PATH */
  path?: string;
  /**
   * A mount namespace the pod's execs run in (`nsenter --mount=<this>`): a persistent namespace file or
   * `/proc/<pid>/ns/mnt`, so that two pods of one server see different files (the server must run as root).
   * @default the server's own
   */
  mountNamespace?: string;
}

/** An exec stream protocol the server can accept. */
export type ExecProtocol = typeof WS_V5 | typeof WS_V4 | 'spdy';

/** How to start a test API server; every field has a default. */
export interface KubeApiOptions {
  /** Resource types and their objects. @default every file in test/kube/fixtures */
  fixtures?: Fixture[];
  /** Objects added to the fixture of their apiVersion and kind. */
  objects?: KubeObject[];
  /** Name of the kubeconfig's context. @default 'global' */
  context?: string;
  /** The context's namespace. @default 'cpaas-system' */
  namespace?: string;
  /** Bearer token the server accepts. @default random */
  token?: string;
  /** User named in RBAC messages. @default 'system:serviceaccount:cpaas-system:fieldbook' */
  user?: string;
  /** Requests denied with 403 Forbidden. @default [] */
  forbid?: ForbidRule[];
  /** Where pod sandboxes are made: `<podRoot>/<namespace>/<name>`, created at start. @default `<dir>/pods` */
  podRoot?: string;
  /** Sandbox of single pods as `namespace/name` → directory; wins over podRoot. Dirs outside `dir` outlive stop(). */
  podDirs?: Record<string, string>;
  /** How execs into single pods (`namespace/name`) differ from the server's own view of the machine. @default {} */
  podExec?: Record<string, PodExec>;
  /** Exec protocols accepted, WebSocket ones in preference order. @default ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'spdy'] */
  execProtocols?: ExecProtocol[];
  /**
   * HTTPS with a throwaway CA in the kubeconfig. false serves plain HTTP without authentication, like the old
   * insecure port: kubectl sends no bearer token over plain HTTP. @default true
   */
  tls?: boolean;
  /** gitVersion served on /version. @default 'v1.32.0' */
  version?: string;
  /**
   * Called before every read is answered, to bring objects derived from the world outside up to date (put and
   * remove on the store; watches see the changes). @default none
   */
  beforeRead?: (store: ObjectStore) => void;
}

/** One HTTP request as the server saw it. */
export interface RequestRecord {
  method: string;
  path: string;
  query: string;
  accept?: string;
  upgrade?: string;
  protocols?: string;
}

/** A running test API server, its kubeconfig, and what it saw. */
export interface KubeApi {
  /** `https://127.0.0.1:<port>`. */
  url: string;
  kubeconfigPath: string;
  /** Temp dir holding the kubeconfig, certificates, `home/`, `cache/` and the pod sandboxes; removed by stop(). */
  dir: string;
  context: string;
  namespace: string;
  token: string;
  /** The CA of the server certificate, for clients other than kubectl; undefined with `tls: false`. */
  caPem: string | undefined;
  requests: RequestRecord[];
  execs: ExecRecord[];
  /** Environment for a kubectl child: KUBECONFIG, KUBECACHEDIR and a HOME inside `dir`. */
  env(): Record<string, string>;
  /** The sandbox directory an exec into this pod runs in. */
  podDir(namespace: string, name: string): string;
  forbid(rule: ForbidRule): void;
  /** The next exec has its connection destroyed (no status, no close frame) as `plan` says. */
  cutNextExecAfter(plan: CutPlan): void;
  /**
   * Adds an object, or replaces the one with its type, namespace and name (a controller's update, say a Job that
   * finished); watches see ADDED or MODIFIED. A new Pod gets its sandbox. The object's type must be served.
   */
  put(object: KubeObject): Promise<void>;
  /** Removes an object; watches see DELETED. False when there was none. */
  remove(apiVersion: string, kind: string, namespace: string | undefined, name: string): boolean;
  stop(): Promise<void>;
}

function send(res: ServerResponse, reply: Reply): void {
  const body = JSON.stringify(reply.body);
  res.writeHead(reply.code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Writes an HTTP error response on a socket whose upgrade is refused. */
function refuseUpgrade(socket: Duplex, reply: Reply): void {
  const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  const type = typeof reply.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[reply.code] ?? 'Error';
  socket.end(`HTTP/1.1 ${reply.code} ${reason}\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** Starts the server on 127.0.0.1 and a free port, and writes its kubeconfig. */
export async function startKubeApi(options: KubeApiOptions = {}): Promise<KubeApi> {
  const dir = await mkdtemp(join(tmpdir(), 'fieldbook-kube-'));
  const store = await buildStore(options.fixtures, options.objects);
  const context = options.context ?? 'global';
  const namespace = options.namespace ?? 'cpaas-system';
  const token = options.token ?? randomBytes(16).toString('hex');
  const user = options.user ?? 'system:serviceaccount:cpaas-system:fieldbook';
  const rules = [...(options.forbid ?? [])];
  const execProtocols = options.execProtocols ?? [WS_V5, WS_V4, 'spdy'];
  const requests: RequestRecord[] = [];
  const execs: ExecRecord[] = [];
  const sessions = new Set<ExecSession>();
  const upgraded = new Set<Duplex>();
  let nextCut: CutPlan | undefined;

  const podDirs = new Map<string, string>();
  const makePodDir = async (pod: KubeObject): Promise<void> => {
    const key = `${pod.metadata.namespace ?? ''}/${pod.metadata.name}`;
    const podDir = options.podDirs?.[key] ?? join(options.podRoot ?? join(dir, 'pods'), pod.metadata.namespace ?? '', pod.metadata.name);
    await mkdir(podDir, { recursive: true });
    podDirs.set(key, podDir);
  };
  for (const pod of store.pods()) await makePodDir(pod);
  await mkdir(join(dir, 'home'), { recursive: true });

  const isForbidden = (verb: string, resource: string, ns: string | undefined): boolean =>
    rules.some((r) => r.verb === verb && r.resource === resource && (r.namespace === undefined || r.namespace === ns));

  const denied = (verb: string, path: ResourcePath): Reply | undefined => {
    const resource = path.subresource === undefined ? path.plural : `${path.plural}/${path.subresource}`;
    if (!isForbidden(verb, resource, path.namespace)) return undefined;
    const body = forbidden({ user, verb, group: path.group, resource, ...(path.namespace === undefined ? {} : { namespace: path.namespace }), ...(path.name === undefined ? {} : { name: path.name }) });
    return { code: 403, body };
  };

  const tls = options.tls ?? true;
  const authenticated = (req: IncomingMessage): boolean => !tls || req.headers.authorization === `Bearer ${token}`;
  const unauthorized: Reply = { code: 401, body: failure(401, 'Unauthorized', 'Unauthorized') };

  const record = (req: IncomingMessage): URL => {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const { accept, upgrade } = req.headers;
    const protocols = req.headers['sec-websocket-protocol'] ?? req.headers['x-stream-protocol-version'];
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search,
      ...(accept === undefined ? {} : { accept }),
      ...(upgrade === undefined ? {} : { upgrade }),
      ...(protocols === undefined ? {} : { protocols: Array.isArray(protocols) ? protocols.join(', ') : protocols }),
    });
    return url;
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const url = record(req);
    if (!authenticated(req)) return send(res, unauthorized);
    const path = parseResourcePath(url.pathname);
    if (path?.subresource === 'exec') return send(res, { code: 400, body: badRequest('Upgrade request required') });
    if (req.method !== 'GET') {
      const verb = writeVerb(req.method ?? '');
      if (path === undefined || verb === undefined || !WRITABLE.has(`${path.group}/${path.plural}`)) {
        return send(res, { code: 405, body: failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource') });
      }
      const refused = denied(verb, path);
      if (refused) return send(res, refused);
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => send(res, applyWrite(store, req.method ?? '', path, Buffer.concat(chunks).toString('utf8'))));
      return;
    }
    const found = discovery(store, url.pathname, address(), options.version ?? 'v1.32.0');
    if (found) return send(res, found);
    if (path === undefined) return send(res, { code: 404, body: failure(404, 'NotFound', 'the server could not find the requested resource') });
    const watching = ['true', '1'].includes(url.searchParams.get('watch') ?? '');
    const refused = denied(watching ? 'watch' : path.name === undefined ? 'list' : 'get', path);
    if (refused) return send(res, refused);
    options.beforeRead?.(store);
    const fixture = store.find(path.group, path.version, path.plural);
    if (watching && fixture !== undefined && path.subresource === undefined) {
      const request = { fixture, namespace: path.namespace, ...(path.name === undefined ? {} : { name: path.name }), query: url.searchParams, accept: req.headers.accept };
      const invalid = invalidWatch(request);
      return invalid ? send(res, invalid) : serveWatch(store, request, res);
    }
    return send(res, getResource(store, path, url.searchParams, req.headers.accept));
  };

  /** Checks an exec request; returns what to run or the error reply. */
  const execTarget = (path: ResourcePath, query: URLSearchParams): Reply | { pod: KubeObject; container: string; command: string[] } => {
    const refused = denied('create', path);
    if (refused) return refused;
    const pod = path.namespace === undefined ? undefined : store.pod(path.namespace, path.name ?? '');
    if (pod === undefined) return { code: 404, body: notFound({ group: '', plural: 'pods' }, path.name ?? '') };
    const containers = ((pod['spec'] as { containers?: Array<{ name: string }> } | undefined)?.containers ?? []).map((c) => c.name);
    const container = query.get('container') ?? (containers.length === 1 ? containers[0] : undefined);
    if (container === undefined) {
      return { code: 400, body: badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${containers.join(' ')}]`) };
    }
    if (!containers.includes(container)) return { code: 400, body: badRequest(`container ${container} is not valid for pod ${pod.metadata.name}`) };
    const command = query.getAll('command');
    if (command.length === 0) return { code: 400, body: badRequest('you must specify at least one command for the container') };
    const phase = (pod['status'] as { phase?: string } | undefined)?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      return { code: 400, body: badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`) };
    }
    // An unscheduled (Pending) pod has no kubelet to exec on.
    if (((pod['spec'] as { nodeName?: string } | undefined)?.nodeName ?? '') === '') {
      return { code: 400, body: badRequest(`pod ${pod.metadata.name} does not have a host assigned`) };
    }
    return { pod, container, command };
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => {});
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
    const url = record(req);
    if (!authenticated(req)) return refuseUpgrade(socket, unauthorized);
    const path = parseResourcePath(url.pathname);
    if (path?.subresource !== 'exec' || path.group !== '' || path.plural !== 'pods') {
      return refuseUpgrade(socket, { code: 404, body: failure(404, 'NotFound', 'the server could not find the requested resource') });
    }
    const target = execTarget(path, url.searchParams);
    if ('code' in target) return refuseUpgrade(socket, target);
    const kind = (req.headers.upgrade ?? '').toLowerCase();
    const wsProtocol = kind === 'websocket' ? negotiateWebSocket(req, execProtocols.filter((p) => p !== 'spdy')) : undefined;
    const spdyProtocol = kind === 'spdy/3.1' && execProtocols.includes('spdy') ? negotiateSpdy(req) : undefined;
    if (wsProtocol === undefined && spdyProtocol === undefined) {
      const offered = req.headers['sec-websocket-protocol'] ?? req.headers['x-stream-protocol-version'] ?? '';
      return refuseUpgrade(socket, { code: 400, body: `unable to upgrade: requested protocol(s) are not supported: [${String(offered)}]; supports [${execProtocols.join(' ')}]` });
    }
    const { pod, container, command } = target;
    const ns = pod.metadata.namespace ?? '';
    const entry: ExecRecord = {
      namespace: ns,
      pod: pod.metadata.name,
      container,
      command,
      protocol: wsProtocol ?? `SPDY/3.1+${spdyProtocol ?? ''}`,
      exitCode: null,
      cut: false,
      stdoutBytes: 0,
      stdinBytes: 0,
    };
    execs.push(entry);
    const cut = nextCut;
    nextCut = undefined;
    const key = `${ns}/${pod.metadata.name}`;
    const cwd = podDirs.get(key) ?? dir;
    const podExec = options.podExec?.[key];
    const env = { PATH: podExec?.path ?? process.env['PATH'] ?? '/usr/bin:/bin', HOME: cwd, HOSTNAME: pod.metadata.name, POD_NAMESPACE: ns, CONTAINER_NAME: container };
    const enter = podExec?.mountNamespace === undefined ? undefined : ['nsenter', `--mount=${podExec.mountNamespace}`, `--wd=${cwd}`, '--'];
    const start = (channels: ExecChannels): ExecSession => {
      const session = new ExecSession({ record: entry, cwd, env, channels, ...(enter ? { enter } : {}), ...(cut ? { cut } : {}) });
      sessions.add(session);
      socket.on('close', () => sessions.delete(session));
      return session;
    };
    if (wsProtocol !== undefined) acceptExecWebSocket(req, socket, head, wsProtocol, start);
    else acceptExecSpdy(socket, head, spdyProtocol ?? SPDY_PROTOCOLS[0], expectedStreams(url.searchParams), start);
  };

  let server: Server;
  let scheme = 'http';
  let caPem: string | undefined;
  if (tls) {
    const cert = await makeServerCert(dir);
    caPem = cert.caPem;
    scheme = 'https';
    server = createHttpsServer({ cert: cert.certPem, key: cert.keyPem }, onRequest);
  } else {
    server = createHttpServer(onRequest);
  }
  server.on('upgrade', onUpgrade);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  function address(): string {
    return `127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  const url = `${scheme}://${address()}`;
  const kubeconfigPath = join(dir, 'kubeconfig');
  await writeFile(kubeconfigPath, renderKubeconfig({ server: url, context, namespace, ...(tls ? { token } : {}), ...(caPem === undefined ? {} : { caPem }) }), { mode: 0o600 });

  return {
    url,
    kubeconfigPath,
    dir,
    context,
    namespace,
    token,
    caPem,
    requests,
    execs,
    env: () => ({ KUBECONFIG: kubeconfigPath, KUBECACHEDIR: join(dir, 'cache'), HOME: join(dir, 'home') }),
    podDir: (ns, name) => {
      const found = podDirs.get(`${ns}/${name}`);
      if (found === undefined) throw new Error(`no pod ${ns}/${name} in the fixtures`);
      return found;
    },
    forbid: (rule) => void rules.push(rule),
    cutNextExecAfter: (plan) => {
      nextCut = plan;
    },
    put: async (object) => {
      const { fixture } = store.put(object);
      if (fixture.resource.group === '' && fixture.resource.plural === 'pods') await makePodDir(object);
    },
    remove: (apiVersion, kind, ns, name) => store.remove(apiVersion, kind, ns, name) !== undefined,
    stop: async () => {
      for (const session of sessions) session.abandon();
      for (const socket of upgraded) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
