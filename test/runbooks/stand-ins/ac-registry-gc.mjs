// `ac adm registry gc` (preview) and `ac adm registry gc --confirm` (alauda/acp-docs
// docs/en/configure/registry/registry_v2/managing_access_and_cleanup.mdx: "dry-run by default", reclaims
// unreferenced blobs; KB260400002: ac execs into the registry Pod for GC). The real work is the lab registry's own
// `registry garbage-collect` on its storage. Output: ACP does not document it; Registry v2 is OCP-style, so this
// prints what OpenShift's hard prune prints (openshift-docs, "Hard pruning the registry": "Would delete N blobs",
// "Would free up 2.835 GiB of disk space", then "Deleted N blobs", "Freed up ... of disk space", with a logrus
// line per blob). The hint "Use --confirm to actually delete the data" is OpenShift's with ac's flag: a guess.
// AC_LAB_GC_BLOB_LINES=hide leaves out the preview's per-blob lines and keeps its summary, as a log level that
// hides info lines would (or another wording): for tests of a runbook that must not review an empty list then.
import { bytesSize } from './go-compat.mjs';
import { garbageCollect } from './registry-gc.mjs';

export async function registryGc(confirm, env, out) {
  if (!env.AC_LAB_REGISTRY_CONFIG) return out.fail('error: the lab has no registry config (AC_LAB_REGISTRY_CONFIG)');
  let result;
  try {
    result = await garbageCollect({ binary: env.AC_LAB_REGISTRY_BINARY || '/usr/bin/docker-registry', config: env.AC_LAB_REGISTRY_CONFIG, dryRun: !confirm, deleteUntagged: false });
  } catch (error) {
    return out.fail(`error: registry garbage collection failed: ${error.message}`);
  }
  const at = () => `time="${new Date().toISOString()}" level=info`;
  if (!confirm) {
    const bytes = result.eligible.reduce((n, b) => n + b.size, 0);
    if (env.AC_LAB_GC_BLOB_LINES !== 'hide') for (const blob of result.eligible) out.line(`${at()} msg="Would delete blob: ${blob.digest}"`);
    out.line(`Would delete ${result.eligible.length} blobs`);
    out.line(`Would free up ${bytesSize(bytes)} of disk space`);
    out.line('Use --confirm to actually delete the data');
    out.note(`${result.eligible.length} blobs, ${bytes} bytes (preview)`);
    return 0;
  }
  const deleted = result.eligible.filter((b) => b.deleted);
  const bytes = deleted.reduce((n, b) => n + b.size, 0);
  for (const path of result.deletedPaths) out.line(`${at()} msg="Deleting blob: ${path}"`);
  out.line(`Deleted ${deleted.length} blobs`);
  out.line(`Freed up ${bytesSize(bytes)} of disk space`);
  out.note(`${deleted.length} blobs, ${bytes} bytes deleted`);
  return deleted.length === result.eligible.length ? 0 : out.fail(`error: ${result.eligible.length - deleted.length} blobs are still in the storage`);
}
