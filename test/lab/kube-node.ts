// The lab's Kubernetes API, run by the lab daemon in its own mount namespace, where /etc has an overlay that
// adds /etc/config/minio.env: the MinIO pod's exec runs here, in cp1's MinIO data directory, with mc on PATH.
import { join } from 'node:path';
import { startKubeApi } from '../kube/api-server.js';
import { loadFixtures } from '../kube/objects.js';
import { serveUntilSignalled } from './namespace.js';
import { MINIO_POD, REPO_ROOT } from './settings.js';

export interface KubeNodeConfig {
  /** The MinIO pod's sandbox (cwd of its execs). */
  minioDir: string;
}

export interface KubeNodeInfo {
  url: string;
  kubeconfigPath: string;
  dir: string;
}

const config = JSON.parse(process.argv[2] ?? '{}') as KubeNodeConfig;
// The default fixtures (plugins, Operators, the MinIO pod), read from the source tree also when compiled.
const fixtures = await loadFixtures(join(REPO_ROOT, 'test', 'kube', 'fixtures'));
const api = await startKubeApi({ fixtures, podDirs: { [`${MINIO_POD.namespace}/${MINIO_POD.name}`]: config.minioDir } });
const info: KubeNodeInfo = { url: api.url, kubeconfigPath: api.kubeconfigPath, dir: api.dir };
serveUntilSignalled(info, () => api.stop());
