// The Docker Registry HTTP API v2 as `ac adm prune images` uses it (alauda/knowledge KB260400002: "fetch registry
// metadata: repos/tags/digests", "filter and delete manifests"): the catalog and tag lists page by page (Link
// headers, ?n=), manifests with the v2/OCI Accept headers (digest from Docker-Content-Digest), image configs
// for their `created` date, and DELETE of a manifest by digest (needs storage.delete.enabled).

const ACCEPT = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');
const INDEXES = ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'];

export function registryClient({ url, user, password }) {
  const base = url.replace(/\/+$/, '');
  const headers = user ? { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` } : {};

  async function call(method, path, accept) {
    const target = `${base}${path}`;
    let response;
    try {
      response = await globalThis.fetch(target, { method, headers: { ...headers, ...(accept ? { accept } : {}) } });
    } catch (error) {
      throw new Error(`${method} "${target}": ${error.cause?.message ?? error.message}`);
    }
    if (!response.ok) {
      const body = (await response.text()).trim();
      throw new Error(`${method} "${target}": ${response.status} ${response.statusText}${body ? `: ${body}` : ''}`);
    }
    return response;
  }

  /** Every page of a paginated list (`/v2/_catalog`, `/v2/<name>/tags/list`), following rel="next". */
  async function pages(path, pageSize, field) {
    const items = [];
    let next = `${path}?n=${pageSize}`;
    while (next) {
      const response = await call('GET', next);
      items.push(...((await response.json())[field] ?? []));
      const link = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '');
      next = link ? link[1].replace(/^https?:\/\/[^/]+/, '') : '';
    }
    return items;
  }

  return {
    ping: () => call('GET', '/v2/'),
    repositories: (pageSize) => pages('/v2/_catalog', pageSize, 'repositories'),
    tags: (repository, pageSize) => pages(`/v2/${repository}/tags/list`, pageSize, 'tags'),
    /** A manifest or index by tag or digest: its digest, media type and parsed body. */
    async manifest(repository, reference) {
      const response = await call('GET', `/v2/${repository}/manifests/${reference}`, ACCEPT);
      const body = await response.json();
      const mediaType = body.mediaType ?? response.headers.get('content-type') ?? '';
      return { digest: response.headers.get('docker-content-digest'), mediaType, index: INDEXES.includes(mediaType), body };
    },
    async blobJson(repository, digest) {
      return (await call('GET', `/v2/${repository}/blobs/${digest}`)).json();
    },
    deleteManifest: (repository, digest) => call('DELETE', `/v2/${repository}/manifests/${digest}`),
  };
}
