import { shellArgv, wrapScript } from '../script.js';
import type { Command, KubeSettings } from '../types.js';

/**
 * kubectl's argv (and stdin) for a kubectl command. `exec` always uses `-i` and never `-t`: the script travels
 * on stdin. A selector is resolved to a pod by the kubectl transport before this is called.
 */
export function kubectlInvocation(command: Extract<Command, { kind: 'kubectl' | 'kubectl-exec' }>): { argv: string[]; input?: string } {
  if (command.kind === 'kubectl') return { argv: ['kubectl', ...kubeFlags(command.kube), ...command.args] };
  const { exec } = command;
  if (exec.pod === undefined) throw new Error('kubectl exec needs a pod; resolve the selector first');
  const argv = ['kubectl', ...kubeFlags(command.kube, exec.namespace), 'exec', '-i', exec.pod, ...(exec.container ? ['-c', exec.container] : []), '--', ...shellArgv(exec.shell)];
  return { argv, input: wrapScript(command.script) };
}

/** kubectl's global flags for the site's settings. */
export function kubeFlags(kube: KubeSettings, namespace?: string): string[] {
  const flags: string[] = [];
  if (kube.kubeconfig) flags.push('--kubeconfig', kube.kubeconfig);
  if (kube.context) flags.push('--context', kube.context);
  const ns = namespace ?? kube.namespace;
  if (ns) flags.push('--namespace', ns);
  return flags;
}
