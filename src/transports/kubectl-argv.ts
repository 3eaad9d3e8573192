// Moved to kubectl/argv.ts; kept until the SSH transport routes kubectl through the kubectl transport.
export { kubeFlags, kubectlInvocation } from './kubectl/argv.js';
