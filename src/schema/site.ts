import { z } from 'zod';
import { Identifier, Name, ParamValue } from './common.js';

/** SSH settings; site-wide defaults under `ssh`, overridable per host. ~/.ssh/config is honoured too. */
const SshSettings = {
  user: z.string().optional(),
  port: z.number().int().min(1).max(65535).optional(),
  identityFile: z.string().optional(),
  knownHosts: z.string().optional().describe('strict by default; unknown keys need an explicit accept'),
  jump: Identifier.optional().describe('a host name below, used as a jump host'),
  become: z.enum(['sudo']).optional(),
};

export const HostSpec = z.strictObject({
  address: z.string().min(1),
  // known_hosts is one file per site: it is where accepted keys are recorded.
  ...Object.fromEntries(Object.entries(SshSettings).filter(([key]) => key !== 'knownHosts')) as Omit<typeof SshSettings, 'knownHosts'>,
  vars: z.record(Identifier, ParamValue).default({}),
});
export type HostSpec = z.infer<typeof HostSpec>;

/** A site file: where a runbook runs. */
export const SiteSchema = z.strictObject({
  apiVersion: z.literal('fieldbook/v1'),
  kind: z.literal('Site'),
  metadata: z.strictObject({ name: Name, description: z.string().optional() }),
  ssh: z.strictObject(SshSettings).default({}),
  hosts: z.record(Identifier, HostSpec).default({}),
  roles: z.record(Identifier, z.array(Identifier)).default({}),
  kube: z
    .strictObject({
      via: z.string().default('local').describe('local | <host>'),
      context: z.string().optional(),
      namespace: z.string().optional(),
      kubeconfig: z.string().optional(),
    })
    .optional(),
  lock: z
    .strictObject({
      remote: z.enum(['auto', 'off']).default('off').describe('auto: a Lease in the site\'s namespace, else a lock directory on its first host over SSH'),
      leaseSeconds: z.number().int().min(15).max(3600).default(60).describe('a remote lock not renewed for this long is stale'),
    })
    .optional()
    .describe('the site lock every machine sees (docs/runs-and-resume.md#the-remote-site-lock)'),
  params: z.record(Identifier, ParamValue).default({}).describe('defaults for the runbook\'s non-secret params'),
});
export type Site = z.infer<typeof SiteSchema>;
