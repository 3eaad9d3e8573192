import type { Site } from '../schema/site.js';
import type { HostTarget } from '../schema/transport.js';
import { jumpChain } from '../validate/site-refs.js';
import type { PlannedTarget } from './types.js';

/** A site host resolved into what the SSH transport needs (site-wide ssh defaults applied). */
export function hostTarget(site: Site, name: string): HostTarget {
  const target = directTarget(site, name);
  const chain = jumpChain(site, name);
  if (chain.length > 0) target.jump = chain.map((jump) => directTarget(site, jump));
  return target;
}

function directTarget(site: Site, name: string): HostTarget {
  const host = site.hosts[name];
  if (!host) throw new Error(`host "${name}" is not defined`);
  const target: HostTarget = { name, address: host.address };
  const port = host.port ?? site.ssh.port;
  const user = host.user ?? site.ssh.user;
  const identityFile = host.identityFile ?? site.ssh.identityFile;
  const become = host.become ?? site.ssh.become;
  if (port !== undefined) target.port = port;
  if (user !== undefined) target.user = user;
  if (identityFile !== undefined) target.identityFile = identityFile;
  if (become !== undefined) target.become = become;
  return target;
}

/** The planned target for a host of the site. */
export function plannedHost(site: Site, name: string): PlannedTarget {
  const host = hostTarget(site, name);
  const via = host.jump?.length ? ` via ${host.jump.map((j) => j.name).join(' → ')}` : '';
  return { name, transport: { kind: 'host', host }, label: `${host.user ? `${host.user}@` : ''}${host.address}${host.port ? `:${host.port}` : ''}${via}` };
}

export const LOCAL_TARGET: PlannedTarget = { name: 'local', transport: { kind: 'local' }, label: 'this machine' };
export const OPERATOR_TARGET: PlannedTarget = { name: 'operator', transport: { kind: 'local' }, label: 'the operator' };
