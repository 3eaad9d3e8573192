// One control-plane host of the lab, run by the lab daemon inside the host's mount namespace (its own /cpaas
// and /cpaas/lab-bin): the SSH harness's sshd on the host's address, the fixed lab port and the lab's key.
import { readFile } from 'node:fs/promises';
import { startSshd } from '../harness/sshd.js';
import { serveUntilSignalled } from './namespace.js';

/** What the daemon passes (as one JSON argument). */
export interface HostNodeConfig {
  name: string;
  address: string;
  port: number;
  /** Public key (file) of the lab's client key, authorized for the test users. */
  publicKeyFile: string;
}

/** What the host reports back. */
export interface HostNodeInfo {
  name: string;
  address: string;
  port: number;
  user: string;
  hostKeyLine: string;
  sshdDir: string;
}

const config = JSON.parse(process.argv[2] ?? '{}') as HostNodeConfig;
const sshd = await startSshd({
  address: config.address,
  extraConfig: [
    // Before the harness's own random `Port`: sshd listens on both, and the site file names this one.
    `Port ${config.port}`,
    // Session PATH (sshd sets it after its default): the stand-ins first.
    'SetEnv PATH=/cpaas/lab-bin:/usr/local/bin:/usr/bin:/bin',
  ],
});
await sshd.authorizeKey(await readFile(config.publicKeyFile, 'utf8'));
// The harness waits for its own port; sshd reports the lab's port in the same breath, or an error.
const listening = `Server listening on ${config.address} port ${config.port}.`;
for (let waited = 0; !sshd.log().includes(listening) && !/Bind to port .* failed/.test(sshd.log()) && waited < 5_000; waited += 20) {
  await new Promise((resolve) => setTimeout(resolve, 20));
}
if (!sshd.log().includes(listening)) {
  await sshd.stop();
  throw new Error(`sshd of ${config.name} could not listen on ${config.address}:${config.port}:\n${sshd.log()}`);
}
const [, keyType = '', keyBase64 = ''] = sshd.knownHostsLine.split(' ');
const info: HostNodeInfo = {
  name: config.name,
  address: config.address,
  port: config.port,
  user: sshd.user,
  hostKeyLine: `[${config.address}]:${config.port} ${keyType} ${keyBase64}`,
  sshdDir: sshd.dir,
};
serveUntilSignalled(info, () => sshd.stop());
