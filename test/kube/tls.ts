// A throwaway CA and a server certificate for 127.0.0.1, made with the openssl CLI (Go's TLS needs the SAN).
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ServerCert {
  /** PEM of the CA that signed `certPem`; goes into the kubeconfig as certificate-authority-data. */
  caPem: string;
  certPem: string;
  keyPem: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (error) {
    throw new Error(`openssl ${args[0] ?? ''} failed (is openssl on PATH?): ${(error as Error).message}`, { cause: error });
  }
}

/** Creates `ca.pem`, `server.pem` and `server-key.pem` in `dir` and returns their contents. */
export async function makeServerCert(dir: string): Promise<ServerCert> {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl(['req', '-x509', ...ec, '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=fieldbook-test-ca'], dir);
  await openssl(['req', '-new', ...ec, '-keyout', 'server-key.pem', '-out', 'server.csr', '-subj', '/CN=kube-apiserver'], dir);
  await writeFile(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  await openssl(
    ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext'],
    dir,
  );
  const [caPem, certPem, keyPem] = await Promise.all(['ca.pem', 'server.pem', 'server-key.pem'].map((f) => readFile(join(dir, f), 'utf8')));
  return { caPem: caPem!, certPem: certPem!, keyPem: keyPem! };
}
