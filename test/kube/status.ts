// metav1.Status bodies with the API server's own wording, so kubectl prints what it prints against a real cluster.
import { qualifiedName, type ResourceType } from './objects.js';

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: { name?: string; group?: string; kind?: string; causes?: Array<{ reason: string; message: string }> };
  code: number;
}

/** A Failure status. */
export function failure(code: number, reason: string, message: string, details?: Status['details']): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

/** 404 for a named object: `pods "nope" not found`. */
export function notFound(type: Pick<ResourceType, 'group' | 'plural'>, name: string): Status {
  const details = { name, ...(type.group === '' ? {} : { group: type.group }), kind: type.plural };
  return failure(404, 'NotFound', `${qualifiedName(type)} "${name}" not found`, details);
}

export interface ForbiddenRequest {
  user: string;
  verb: string;
  group: string;
  /** Resource with subresource: `pods/exec`. */
  resource: string;
  namespace?: string;
  name?: string;
}

/** 403 as the RBAC authorizer words it. */
export function forbidden(req: ForbiddenRequest): Status {
  const [plural = req.resource] = req.resource.split('/');
  const subject = `${req.group === '' ? plural : `${plural}.${req.group}`}${req.name === undefined ? '' : ` "${req.name}"`}`;
  const scope = req.namespace === undefined ? 'at the cluster scope' : `in the namespace "${req.namespace}"`;
  const message = `${subject} is forbidden: User "${req.user}" cannot ${req.verb} resource "${req.resource}" in API group "${req.group}" ${scope}`;
  const details = { ...(req.name === undefined ? {} : { name: req.name }), ...(req.group === '' ? {} : { group: req.group }), kind: plural };
  return failure(403, 'Forbidden', message, details);
}

/** The exec error-channel status for a finished command (v4 and v5 stream protocols). */
export function execExitStatus(command: string[], exitCode: number): Record<string, unknown> {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}
