import { remoteHolderSchema, type RemoteHolder, type RemoteObservation } from '../../journal/remote-holder.js';
import { kubeFlags } from '../../schema/transport.js';
import type { KubeSettings, Target, Transport } from '../../schema/transport.js';
import { execCollect, RemoteLockUnavailable, type RemoteLockStore } from './store.js';

/** The annotation holding the holder record; `spec.holderIdentity` says the same for people and other tools. */
export const HOLDER_ANNOTATION = 'fieldbook.dev/holder';

export interface LeaseStoreOptions {
  transport: Transport;
  /** Where kubectl runs: this machine or `kube.via` over SSH. */
  target: Target;
  where: string;
  kube: KubeSettings;
  site: string;
  leaseSeconds: number;
  /** kubectl's discovery cache on this machine. */
  cacheDir?: string;
  /** @default Date.now */
  now?: () => number;
}

/** A Lease name for a site: DNS-1123, at most 63 characters. */
export function leaseName(site: string): string {
  return `fieldbook-site-${site.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`.slice(0, 63).replace(/-+$/, '');
}

/**
 * A `coordination.k8s.io/v1` Lease in the site's namespace, through the real kubectl (`get`, `create`, `replace`
 * with the resourceVersion read: the API server's compare-and-swap). Releasing empties `holderIdentity` by a
 * replace too, so a release never deletes a lock someone else took meanwhile.
 */
export function leaseStore(options: LeaseStoreOptions): RemoteLockStore {
  const name = leaseName(options.site);
  const now = options.now ?? Date.now;
  const namespace = options.kube.namespace;
  const where = `Lease ${name}${namespace ? ` in namespace ${namespace}` : ''}${options.kube.context ? ` (context ${options.kube.context})` : ''}, kubectl on ${options.where}`;
  const kubectl = (args: string[], input?: string) => {
    const cache = options.target.kind === 'local' && options.cacheDir ? ['--cache-dir', options.cacheDir] : [];
    return execCollect(options.transport, options.target, { kind: 'argv', argv: ['kubectl', ...cache, ...kubeFlags(options.kube), ...args], ...(input === undefined ? {} : { input }) });
  };
  const failed = (what: string, r: Awaited<ReturnType<typeof kubectl>>): RemoteLockUnavailable => {
    const line = r.stderr.split('\n').find((l) => l.startsWith('Error') || l.startsWith('error')) ?? r.failure ?? (r.stderr.trim() || `exit code ${r.exitCode}`);
    return new RemoteLockUnavailable(/\(Forbidden\)|is forbidden/.test(r.stderr) ? 'forbidden' : 'unavailable', `kubectl ${what} lease ${name}: ${line.trim()}`);
  };
  const manifest = (holder: RemoteHolder | undefined, version?: string) => {
    const stamp = microTime(new Date(now()));
    return JSON.stringify({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, ...(namespace ? { namespace } : {}), ...(version ? { resourceVersion: version } : {}), annotations: holder ? { [HOLDER_ANNOTATION]: JSON.stringify(holder) } : {} },
      spec: holder ? { holderIdentity: `${holder.runId} ${holder.user}@${holder.host}`, leaseDurationSeconds: options.leaseSeconds, acquireTime: microTime(new Date(holder.since)), renewTime: stamp } : { holderIdentity: '' },
    });
  };
  const written = (stdout: string): { version: string } => ({ version: String((parseJson(stdout) as { metadata?: { resourceVersion?: string } } | undefined)?.metadata?.resourceVersion ?? '') });
  return {
    kind: 'lease',
    where,
    async read(): Promise<RemoteObservation> {
      const r = await kubectl(['get', 'lease', name, '-o', 'json']);
      if (!r.ok) {
        if (/\(NotFound\)/.test(r.stderr)) return { state: 'free' };
        throw failed('get', r);
      }
      const lease = parseJson(r.stdout) as { metadata?: { resourceVersion?: string; annotations?: Record<string, string> }; spec?: { holderIdentity?: string; renewTime?: string } };
      if (lease === undefined) throw new RemoteLockUnavailable('unavailable', `kubectl get lease ${name} did not print JSON`);
      const version = lease.metadata?.resourceVersion ?? '';
      if (!lease.spec?.holderIdentity) return { state: 'free', version };
      const parsed = parseHolder(lease.metadata?.annotations?.[HOLDER_ANNOTATION]);
      if (!parsed) return { state: 'unreadable', version, reason: `held by "${lease.spec.holderIdentity}", which is not a fieldbook run` };
      const renewed = Date.parse(lease.spec.renewTime ?? '');
      return { state: 'held', holder: parsed, version, ageSeconds: Number.isNaN(renewed) ? Infinity : (now() - renewed) / 1000 };
    },
    async create(holder) {
      const r = await kubectl(['create', '--validate=false', '-f', '-', '-o', 'json'], manifest(holder));
      if (r.ok) return written(r.stdout);
      if (/\(AlreadyExists\)/.test(r.stderr)) return false;
      throw failed('create', r);
    },
    async replace(holder, version) {
      const r = await kubectl(['replace', '--validate=false', '-f', '-', '-o', 'json'], manifest(holder, version));
      if (r.ok) return written(r.stdout);
      if (/\((Conflict|NotFound)\)/.test(r.stderr)) return false;
      throw failed('replace', r);
    },
  };
}

function parseHolder(text: string | undefined): RemoteHolder | undefined {
  const parsed = remoteHolderSchema.safeParse(text === undefined ? undefined : parseJson(text));
  return parsed.success ? parsed.data : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** metav1.MicroTime: RFC 3339 with microseconds. */
function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
