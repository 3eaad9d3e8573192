import type { StepSpec } from '../schema/runbook.js';
import type { Site } from '../schema/site.js';
import { renderArg, renderArgvWord, renderScript, renderText, shellQuote, type Value } from '../template/index.js';
import { kubeFlags } from '../schema/transport.js';
import type { Command, KubeSettings } from '../schema/transport.js';

/** The command one execution of a step runs, with every `${{ }}` expanded in `scope`. Manual steps have none. */
export function renderCommand(step: StepSpec, site: Site, scope: Record<string, Value>): Command | undefined {
  if (step.run !== undefined) return { kind: 'script', script: renderScript(step.run, scope, step.shell), shell: step.shell };
  const kubectl = step.kubectl;
  if (!kubectl) return undefined;
  const kube = kubeSettings(site);
  if (kubectl.args) return { kind: 'kubectl', kube, args: kubectl.args.map((arg, i) => renderArgvWord(arg, scope, `kubectl.args[${i}]`)) };
  const exec = kubectl.exec!;
  // Flag values (`-l <selector>`) are read as values whatever they start with; the pod name stands alone.
  const optional = (text: string | undefined) => (text === undefined ? undefined : renderArg(text, scope));
  const target = dropUndefined({
    namespace: optional(exec.namespace),
    pod: exec.pod === undefined ? undefined : renderArgvWord(exec.pod, scope, 'kubectl.exec.pod'),
    selector: optional(exec.selector),
    container: optional(exec.container),
  });
  return { kind: 'kubectl-exec', kube, exec: { ...target, shell: exec.shell, ...(exec.pods === 'all' ? { pods: 'all' as const } : {}) }, script: renderScript(kubectl.run ?? '', scope, exec.shell) };
}

/** The site's kube settings, without the `via` (which picks the transport, not the flags). */
export function kubeSettings(site: Site): KubeSettings {
  return dropUndefined({ context: site.kube?.context, namespace: site.kube?.namespace, kubeconfig: site.kube?.kubeconfig });
}

/** What a manual step asks of the operator, expanded. */
export function renderManual(step: StepSpec, scope: Record<string, Value>): { instructions: string; checklist: string[] } | undefined {
  if (!step.manual) return undefined;
  return { instructions: renderText(step.manual.instructions, scope), checklist: step.manual.checklist.map((item) => renderText(item, scope)) };
}

/** A command as a person would type it (scripts shown whole, argv shell-quoted where needed). */
export function displayCommand(command: Command): string {
  switch (command.kind) {
    case 'script':
      return command.script.replace(/\n$/, '');
    case 'argv':
      return command.argv.map(quoteForDisplay).join(' ');
    case 'kubectl':
      return ['kubectl', ...kubeFlags(command.kube), ...command.args].map(quoteForDisplay).join(' ');
    case 'kubectl-exec': {
      const { exec } = command;
      const pod = exec.pod ?? (exec.pods === 'all' ? `<each Running pod with ${exec.selector ?? '?'}>` : `<pod with ${exec.selector ?? '?'}>`);
      const argv = ['kubectl', ...kubeFlags(command.kube, exec.namespace), 'exec', '-i', pod, ...(exec.container ? ['-c', exec.container] : []), '--', exec.shell, '-se'];
      return `${argv.map((a) => (a === pod ? a : quoteForDisplay(a))).join(' ')} <<'SCRIPT'\n${command.script.replace(/\n$/, '')}\nSCRIPT`;
    }
  }
}

function quoteForDisplay(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : shellQuote(word);
}

function dropUndefined<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
