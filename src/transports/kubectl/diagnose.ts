/** What a kubectl failure means, from its stderr: one clear line, or undefined when it says nothing known. */
export function diagnoseKubectl(stderr: string, where: string): { reason: string; refused: boolean } | undefined {
  const line = (pattern: RegExp) => stderr.split('\n').find((l) => pattern.test(l))?.trim();
  const forbidden = line(/\(Forbidden\)|is forbidden/);
  if (forbidden) return { refused: true, reason: `kubectl on ${where}: not allowed (RBAC): ${forbidden.replace(/^Error from server \(Forbidden\): /, '')}` };
  const notFound = line(/\(NotFound\)/);
  if (notFound) return { refused: true, reason: `kubectl on ${where}: ${notFound.replace(/^Error from server \(NotFound\): /, '')}` };
  const container = line(/container .* is not valid for pod|container not found/);
  if (container) return { refused: true, reason: `kubectl on ${where}: ${container.replace(/^Error from server \(BadRequest\): /, '')}` };
  const auth = line(/You must be logged in|Unauthorized/);
  if (auth) return { refused: true, reason: `kubectl on ${where}: the cluster refused the credentials of the kubeconfig (${auth})` };
  const unreachable = line(/Unable to connect to the server|connection to the server .* was refused|no such host|i\/o timeout/);
  if (unreachable) return { refused: true, reason: `kubectl on ${where}: cannot reach the cluster: ${unreachable}` };
  const context = line(/context .* does not exist|no context exists|current-context is not set/);
  if (context) return { refused: true, reason: `kubectl on ${where}: ${context}; check kube.context in the site file` };
  const missing = line(/kubectl: (command )?not found|No such file or directory.*kubectl/);
  if (missing) return { refused: true, reason: `kubectl is not installed on ${where}` };
  return undefined;
}
