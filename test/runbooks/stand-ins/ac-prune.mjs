// `ac adm prune images` against the lab registry. Documented (alauda/acp-docs
// docs/en/configure/registry/registry_v2/managing_access_and_cleanup.mdx; alauda/knowledge KB260400002): a dry run
// unless --confirm; --keep-tag-revisions=N keeps the latest N revisions per repository, --keep-younger-than keeps
// recently created images, --whitelist=REGEX (repeatable, any match) protects repositories, --all ignores the
// retention filters (whitelist still applies), images in use by the cluster are never pruned, --prune-registry
// runs registry GC after a confirmed prune; the log's five steps, "DRY RUN: Would delete <namespace>/<repository>:
// <tag>" and "Candidates for pruning: N" (the KB's example Pod log). Defaults (3 revisions, 60m) and the
// validation messages follow OpenShift's `oc adm prune images` (openshift/oc pkg/cli/admin/prune/images).
// Guesses (nothing documents them): a revision is one manifest (all its tags go together, since deleting a
// manifest by digest removes every tag naming it, and each tag gets its own line); "image instances" counts tags;
// the confirmed run's "Deleted <namespace>/<repository>:<tag>" lines and "Deleted: N"; the [5/5] wording for a dry
// run with --prune-registry; the cluster's images in use come from the lab's AC_LAB_IN_USE file.
// Since nothing documents the confirmed run's lines, the lab can change them: AC_LAB_CONFIRM_WORDING is the line
// per deleted tag ("{ref}" stands for it; default "Deleted {ref}"), so a test shows a runbook does not depend on
// them. AC_LAB_EXTRA_DELETE names a tag (<namespace>/<repository>:<tag>) that a confirmed run also deletes without
// saying so: an ac that deletes more than it selected, for tests of what a runbook measures afterwards.
import { readFileSync } from 'node:fs';
import { formatDuration } from './go-compat.mjs';
import { registryGc } from './ac-registry-gc.mjs';
import { registryClient } from './registry-api.mjs';

const INDENT = '      ';

export async function pruneImages(values, changed, env, out) {
  const failed = validate(values, changed);
  if (failed) return out.fail(`error: ${failed}`);
  const whitelist = values.whitelist.map((w) => new RegExp(w));
  const url = values['registry-url'] ? withScheme(values['registry-url']) : env.AC_LAB_REGISTRY_URL;
  if (values.v >= 4) {
    out.err(`I ${new Date().toISOString()} prune.go] registry endpoint ${url} (${values['registry-url'] ? '--registry-url' : 'detected'}), authentication basic (user ${env.AC_LAB_REGISTRY_USER}), catalog page size ${values['catalog-page-size']}`);
    out.err(`I ${new Date().toISOString()} prune.go] keep-tag-revisions ${values['keep-tag-revisions']}, keep-younger-than ${formatDuration(values['keep-younger-than'])}, all ${values.all}, whitelist [${values.whitelist.join(' ')}]`);
  }

  out.line('[1/5] Scanning cluster for used images...');
  const inUse = readInUse(env.AC_LAB_IN_USE);
  out.line(`${INDENT}Found ${inUse.size} unique image references in use.`);

  out.line('[2/5] Fetching metadata from registry...');
  const client = registryClient({ url, user: env.AC_LAB_REGISTRY_USER, password: env.AC_LAB_REGISTRY_PASSWORD });
  let repositories;
  try {
    await client.ping().catch((error) => {
      throw new Error(`failed to ping registry ${url}: ${error.message}`);
    });
    repositories = await scan(client, values['catalog-page-size']);
  } catch (error) {
    return out.fail(`error: ${error.message}`);
  }
  const instances = repositories.reduce((n, r) => n + r.images.reduce((m, i) => m + i.tags.length, 0), 0);
  out.line(`${INDENT}Scanned ${repositories.length} repositories, found ${instances} image instances.`);

  const candidates = select(repositories, inUse, whitelist, values);
  out.line(`[3/5] Pruning ${candidates.length} image manifests...`);
  let deleted = 0;
  let errors = 0;
  for (const { repository, image } of candidates) {
    if (!values.confirm) {
      for (const tag of image.tags) out.line(`${INDENT}DRY RUN: Would delete ${repository}:${tag}`);
      continue;
    }
    try {
      await client.deleteManifest(repository, image.digest);
      for (const tag of image.tags) out.line(`${INDENT}${(env.AC_LAB_CONFIRM_WORDING || 'Deleted {ref}').replaceAll('{ref}', `${repository}:${tag}`)}`);
      deleted += image.tags.length;
    } catch (error) {
      for (const tag of image.tags) out.err(`error: failed to delete ${repository}:${tag}: ${error.message}`);
      errors += image.tags.length;
    }
  }
  if (values.confirm && env.AC_LAB_EXTRA_DELETE) {
    const ref = env.AC_LAB_EXTRA_DELETE;
    const colon = ref.lastIndexOf(':');
    const image = repositories.find((r) => r.name === ref.slice(0, colon))?.images.find((i) => i.tags.includes(ref.slice(colon + 1)));
    if (image) await client.deleteManifest(ref.slice(0, colon), image.digest).catch(() => undefined);
  }
  const total = candidates.reduce((n, c) => n + c.image.tags.length, 0);
  out.line('[4/5] Summary');
  out.line(`${INDENT}Candidates for pruning: ${total}`);
  if (values.confirm) out.line(`${INDENT}Deleted: ${deleted}`);
  if (errors > 0) out.line(`${INDENT}Failed: ${errors}`);

  let gcFailed = false;
  if (values['prune-registry'] && values.confirm) {
    out.line('[5/5] Running registry garbage collection...');
    gcFailed = (await registryGc(true, env, { ...out, line: (l) => out.line(`${INDENT}${l}`) })) !== 0;
  } else if (values['prune-registry']) {
    out.line('[5/5] Skipping registry garbage collection because this is a dry run (--prune-registry needs --confirm).');
  } else {
    out.line('[5/5] Skipping registry garbage collection because --prune-registry is not set.');
  }
  out.note(`${total} candidates${values.confirm ? `, ${deleted} deleted` : ', dry run'}`);
  return errors > 0 || gcFailed ? 1 : 0;
}

/** OpenShift's checks (oc adm prune images Validate), the KB's page-size range and mutually exclusive intents. */
function validate(values, changed) {
  if (changed.has('confirm') && changed.has('dry-run') && values.confirm && values['dry-run']) return '--dry-run and --confirm cannot be used together';
  if (values['keep-younger-than'] < 0) return '--keep-younger-than must be greater than or equal to 0';
  if (values['keep-tag-revisions'] < 0) return '--keep-tag-revisions must be greater than or equal to 0';
  const size = values['catalog-page-size'];
  if (size < 1 || size > 10000) return `--catalog-page-size must be between 1 and 10000, got ${size}`;
  for (const w of values.whitelist) {
    try {
      new RegExp(w);
    } catch (error) {
      return `invalid --whitelist ${JSON.stringify(w)}: error parsing regexp: ${error.message}`;
    }
  }
  const url = values['registry-url'];
  if (url) {
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1];
    if (scheme && !['http', 'https'].includes(scheme)) return `invalid --registry-url flag: unsupported scheme: ${scheme}`;
    const parsed = URL.canParse(withScheme(url)) ? new URL(withScheme(url)) : undefined;
    if (!parsed || !parsed.host) return 'invalid --registry-url flag: no host name specified';
    if (parsed.pathname !== '/' && parsed.pathname !== '') return 'invalid --registry-url flag: no path after <host>[:<port>] is allowed';
    if (parsed.search) return 'invalid --registry-url flag: no query arguments are allowed after <host>[:<port>]';
  }
  return '';
}

/** A URL without a scheme means https, as for oc adm prune images. */
function withScheme(url) {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url.replace(/\/+$/, '') : `https://${url.replace(/\/+$/, '')}`;
}

function readInUse(file) {
  if (!file) return new Set();
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return new Set();
  }
  return new Set(text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')));
}

/** Every repository's images: one per manifest digest, with its tags and its created date (an index: its newest platform's). */
async function scan(client, pageSize) {
  const repositories = [];
  for (const name of await client.repositories(pageSize)) {
    const byDigest = new Map();
    for (const tag of (await client.tags(name, pageSize)).sort()) {
      const manifest = await client.manifest(name, tag);
      let image = byDigest.get(manifest.digest);
      if (!image) {
        image = { digest: manifest.digest, tags: [], created: await created(client, name, manifest) };
        byDigest.set(manifest.digest, image);
      }
      image.tags.push(tag);
    }
    repositories.push({ name, images: [...byDigest.values()] });
  }
  return repositories;
}

async function created(client, repository, manifest) {
  const configs = [];
  if (manifest.index) {
    for (const child of manifest.body.manifests ?? []) configs.push((await client.manifest(repository, child.digest)).body.config);
  } else {
    configs.push(manifest.body.config);
  }
  let newest = 0;
  for (const config of configs.filter(Boolean)) {
    const date = Date.parse((await client.blobJson(repository, config.digest)).created ?? '');
    if (Number.isFinite(date) && date > newest) newest = date;
  }
  return newest;
}

/** Digests of `repository`'s images that a reference in use names (by tag or digest, with or without the registry host). */
function usedDigests(repository, images, inUse) {
  const used = new Set();
  for (const ref of inUse) {
    const parts = ref.split('/');
    if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0])) parts.shift();
    const path = parts.join('/');
    const at = path.indexOf('@');
    const [name, pick] = at >= 0 ? [path.slice(0, at), (i) => i.digest === path.slice(at + 1)] : splitTag(path);
    if (name !== repository) continue;
    for (const image of images.filter(pick)) used.add(image.digest);
  }
  return used;
}

function splitTag(path) {
  const colon = path.lastIndexOf(':');
  const [name, tag] = colon > path.lastIndexOf('/') ? [path.slice(0, colon), path.slice(colon + 1)] : [path, 'latest'];
  return [name, (image) => image.tags.includes(tag)];
}

/** The images to prune, oldest first per repository (repositories in catalog order). */
function select(repositories, inUse, whitelist, values) {
  const now = Date.now();
  const candidates = [];
  for (const { name, images } of repositories) {
    if (whitelist.some((w) => w.test(name))) continue;
    const used = usedDigests(name, images, inUse);
    const newestFirst = [...images].sort((a, b) => b.created - a.created || a.digest.localeCompare(b.digest));
    const pick = newestFirst.filter((image, rank) => {
      if (used.has(image.digest)) return false;
      if (values.all) return true;
      if (rank < values['keep-tag-revisions']) return false;
      return now - image.created >= values['keep-younger-than'];
    });
    for (const image of pick.reverse()) candidates.push({ repository: name, image });
  }
  return candidates;
}
