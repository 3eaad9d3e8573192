// The lab's site file: examples/lab.yaml is this, rendered for the default settings (a test keeps them equal).
import { PLUGIN_PACKAGES } from './catalogue.js';
import type { LabPaths, LabSettings } from './settings.js';

export const LAB_SITE_NAME = 'fieldbook-lab';
/** The registry's user (in the site) and the platform's (violet's; the site names none: the token is the way in). */
export const LAB_USERS = { registry: 'admin', platform: 'admin' } as const;

/** One image per cluster plugin package, to test-pull after the re-push (`pluginImages`). */
export const LAB_PLUGIN_IMAGES: readonly string[] = PLUGIN_PACKAGES.filter((p) => p.kind === 'plugin').map((p) => p.images[0]!);

/** The site file of a lab with these settings, in examples/lab.yaml's layout. */
export function renderLabSite(settings: LabSettings, paths: LabPaths): string {
  const [cp1, cp2, cp3] = settings.addresses;
  return `# yaml-language-server: $schema=../docs/schema/site.schema.json
# The rehearsal lab (test/lab/README.md): \`npm run lab:up\` starts it on this machine, on loopback only, and writes
# the SSH key, known_hosts and kubeconfig named here. The secrets: \`. ${paths.secretsEnv}\`.
apiVersion: fieldbook/v1
kind: Site
metadata:
  name: ${LAB_SITE_NAME}
  description: Rehearsal lab, three control-plane hosts (sshd on ${cp1}-${cp3.split('.')[3]}), docker-registry, a test Kubernetes API
ssh:
  user: fieldbook-test
  port: ${settings.sshPort}
  identityFile: ${paths.identityFile}
  knownHosts: ${paths.knownHosts}
hosts:
  cp1: { address: ${cp1} }
  cp2: { address: ${cp2} }
  cp3: { address: ${cp3} }
roles:
  controlPlane: [cp1, cp2, cp3]
  installer: [cp1]
kube: { via: cp1, context: global, namespace: cpaas-system, kubeconfig: ${paths.kubeconfig} }
params:
  registry: ${cp1}:${settings.registryPort}
  registryUser: ${LAB_USERS.registry}
  platformUrl: https://${cp1}:${settings.platformPort}
  pluginImages:
${LAB_PLUGIN_IMAGES.map((ref) => `    - ${ref}`).join('\n')}
`;
}
