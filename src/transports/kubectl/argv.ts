import type { KubeSettings } from '../types.js';

/** kubectl's global flags for the site's settings. */
export function kubeFlags(kube: KubeSettings, namespace?: string): string[] {
  const flags: string[] = [];
  if (kube.kubeconfig) flags.push('--kubeconfig', kube.kubeconfig);
  if (kube.context) flags.push('--context', kube.context);
  const ns = namespace ?? kube.namespace;
  if (ns) flags.push('--namespace', ns);
  return flags;
}
