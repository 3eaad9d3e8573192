// The kubeconfig the harness hands to kubectl: one cluster, one token user, one named context.

export interface KubeconfigSpec {
  server: string;
  /** PEM of the CA; omitted for a plain-HTTP server. */
  caPem?: string;
  /** Bearer token of the user; omitted for a plain-HTTP server, which kubectl sends no token to anyway. */
  token?: string;
  context: string;
  namespace: string;
  cluster?: string;
  user?: string;
}

/** Renders a kubeconfig. JSON is valid YAML, and kubectl reads either. */
export function renderKubeconfig(spec: KubeconfigSpec): string {
  const cluster = spec.cluster ?? `${spec.context}-cluster`;
  const user = spec.user ?? `${spec.context}-admin`;
  const clusterEntry: Record<string, string> = { server: spec.server };
  if (spec.caPem !== undefined) clusterEntry['certificate-authority-data'] = Buffer.from(spec.caPem).toString('base64');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    'current-context': spec.context,
    clusters: [{ name: cluster, cluster: clusterEntry }],
    users: [{ name: user, user: spec.token === undefined ? {} : { token: spec.token } }],
    contexts: [{ name: spec.context, context: { cluster, user, namespace: spec.namespace } }],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
