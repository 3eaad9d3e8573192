import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSshTransport, type SshTransport, type SshTransportOptions } from '../../src/transports/ssh/index.js';
import type { ExecOutcome, HostTarget } from '../../src/schema/transport.js';
import type { SshdLab } from '../harness/sshd.js';
import { onTestFinished } from 'vitest';
import { tempDirForTest } from '../harness/tmp.js';
import { writeFixture } from '../harness/cli.js';

/** The lab as a site host: its address, port, test user and key. */
export function hostOf(lab: SshdLab, overrides: Partial<HostTarget> = {}): HostTarget {
  return { name: `lab-${lab.port}`, address: lab.host, port: lab.port, user: lab.user, identityFile: lab.identityFile, ...overrides };
}

/**
 * A transport isolated from the real home directory: no ~/.ssh/config, no agent, a known_hosts file in a
 * per-test temp dir that already trusts `trusted` labs. Closed when the test finishes.
 */
export function labTransport(
  trusted: readonly SshdLab[],
  options: SshTransportOptions = {},
): { transport: SshTransport; knownHostsPath: string; dir: string } {
  const dir = tempDirForTest('fieldbook-ssh-');
  const knownHostsPath = join(dir, 'known_hosts');
  writeFileSync(knownHostsPath, trusted.map((lab) => `${lab.knownHostsLine}\n`).join(''));
  const transport = createSshTransport({
    knownHostsPath,
    sshConfigPath: null,
    homeDir: dir,
    agentSocket: null,
    readyTimeoutMs: 5_000,
    killGraceMs: 300,
    ...options,
  });
  onTestFinished(() => transport.close());
  return { transport, knownHostsPath, dir };
}

export interface Ran {
  outcome: ExecOutcome;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** Runs a bash script on `host` and collects its output. */
export async function runScript(
  transport: SshTransport,
  host: HostTarget,
  script: string,
  extra: { timeoutMs?: number; signal?: AbortSignal; env?: Record<string, string>; cwd?: string; shell?: 'bash' | 'sh'; onStdout?: (text: string) => void } = {},
): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const { shell = 'bash', onStdout, ...rest } = extra;
  const result = await transport.exec({
    target: { kind: 'host', host },
    command: { kind: 'script', script, shell },
    ...rest,
    onStdout: (chunk) => {
      stdout += chunk.toString();
      onStdout?.(chunk.toString());
    },
    onStderr: (chunk) => {
      stderr += chunk.toString();
    },
  });
  return { ...result, stdout, stderr };
}

/**
 * A site file (`site.yaml`) for CLI runs on the labs: hosts n1, n2, ... in role `nodes`, the labs' key, and a
 * known_hosts file that trusts them (or is empty, to meet an unknown host key).
 */
export function writeLabSite(dir: string, hosts: readonly SshdLab[], options: { name?: string; knownHosts?: boolean } = {}): void {
  const { name = 'ssh-lab', knownHosts = true } = options;
  writeFixture(dir, 'known_hosts', knownHosts ? hosts.map((h) => `${h.knownHostsLine}\n`).join('') : '');
  writeFixture(dir, 'site.yaml', `apiVersion: fieldbook/v1
kind: Site
metadata: { name: ${name} }
ssh: { user: ${hosts[0]!.user}, knownHosts: ${join(dir, 'known_hosts')} }
hosts:
${hosts.map((h, i) => `  n${i + 1}: { address: ${h.host}, port: ${h.port}, identityFile: ${h.identityFile} }`).join('\n')}
roles:
  nodes: [${hosts.map((_, i) => `n${i + 1}`).join(', ')}]
`);
}
