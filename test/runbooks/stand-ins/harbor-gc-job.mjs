// Harbor's garbage collection job, as Harbor 2.11 runs and reports it (goharbor/harbor v2.11.1:
// src/jobservice/job/impl/gc/garbage_collection.go for the log lines and their source lines, src/controller/gc for
// the parameters, src/pkg/task for the execution status), with the lab registry's own `registry garbage-collect
// [--dry-run] [--delete-untagged]` doing the marking and sweeping on its storage. A dry run logs the blobs eligible
// for deletion and "The GC could free up N MB space"; a real run also logs each blob deleted from storage, "N blobs
// and M manifests are actually deleted" and "The GC job actual frees up N MB space". Like Harbor's check-in, the
// job's parameters get freed_space (bytes), purged_blobs and purged_manifests. Jobs run one at a time.
// `extraDeleteOnRealRun` (a blob digest) makes every real run also delete that blob, which its mark phase did not
// find eligible, and log it as deleted: a GC that deletes more than its dry run listed, for runbook tests.
import { randomUUID } from 'node:crypto';
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { garbageCollect, storageRoot } from './registry-gc.mjs';

const SOURCE = '/jobservice/job/impl/gc/garbage_collection.go';
const LINES = { parameters: 162, start: 172, markFailed: 180, success: 200, nothing: 236, eligible: 261, counts: 273, estimate: 274, untaggedStart: 548, untagged: 579, untaggedEnd: 582, manifest: 370, blob: 424, deleted: 482, freed: 483 };
const FINAL = ['Success', 'Error', 'Stopped'];

export function gcJobs({ binary, config, queuedMs = 0, runDelayMs = 0, extraDeleteOnRealRun }) {
  const jobs = [];
  let tail = Promise.resolve();

  function start(parameters) {
    const now = new Date();
    const job = {
      id: jobs.length + 1,
      uuid: randomUUID(),
      // What Harbor stores (controller/gc Start plus the handler's kick): the request's values, 0 workers if none.
      parameters: {
        delete_untagged: parameters.delete_untagged === true,
        dry_run: parameters.dry_run === true,
        redis_url_reg: 'redis://redis:6379/1?idle_timeout_seconds=30',
        time_window: 2,
        workers: Number.isInteger(parameters.workers) ? parameters.workers : 0,
      },
      // Harbor creates the execution as Running; Pending only when the lab is told to hold jobs (queuedMs).
      status: queuedMs > 0 ? 'Pending' : 'Running',
      created: now,
      updated: now,
      log: [],
    };
    jobs.push(job);
    tail = tail.then(() => run(job)).catch(() => undefined);
    return job;
  }

  async function run(job) {
    if (queuedMs > 0) await sleep(queuedMs);
    set(job, 'Running');
    const { delete_untagged: deleteUntagged, dry_run: dryRun } = job.parameters;
    const workers = job.parameters.workers > 0 ? job.parameters.workers : 1;
    log(job, 'INFO', 'parameters', `Garbage Collection parameters: [delete_untagged: ${deleteUntagged}, dry_run: ${dryRun}, time_window: 2, workers: ${workers}]`);
    log(job, 'INFO', 'start', 'start to run gc in job.');
    if (runDelayMs > 0) await sleep(runDelayMs);
    let result;
    try {
      result = await garbageCollect({ binary, config, dryRun, deleteUntagged });
    } catch (error) {
      log(job, 'ERROR', 'markFailed', `failed to execute GC job at mark phase, error: ${error.message}`);
      return set(job, 'Error');
    }
    if (deleteUntagged) await logUntagged(job, result.untagged);
    const blobs = result.eligible;
    const manifests = blobs.filter((b) => b.manifest).length;
    const estimate = blobs.reduce((n, b) => n + b.size, 0);
    if (blobs.length === 0) {
      log(job, 'INFO', 'nothing', 'no need to execute GC as there is no non referenced artifacts.');
    } else {
      for (const blob of blobs) log(job, 'INFO', 'eligible', `blob eligible for deletion: ${blob.digest}`);
      log(job, 'INFO', 'counts', `${blobs.length - manifests} blobs and ${manifests} manifests eligible for deletion`);
      log(job, 'INFO', 'estimate', `The GC could free up ${mb(estimate)} MB space, the size is a rough estimation.`);
    }
    if (dryRun) {
      Object.assign(job.parameters, { freed_space: estimate, purged_blobs: blobs.length - manifests, purged_manifests: manifests });
    } else {
      const gone = blobs.filter((b) => b.deleted);
      if (extraDeleteOnRealRun) {
        const extra = await deleteBlob(await storageRoot(config), extraDeleteOnRealRun);
        if (extra) gone.push(extra);
      }
      gone.forEach((blob, i) => {
        const at = `[${job.uuid}][${i + 1}/${gone.length}]`;
        if (blob.manifest) log(job, 'INFO', 'manifest', `${at} delete manifest from storage: ${blob.digest}`);
        log(job, 'INFO', 'blob', `${at} delete blob from storage: ${blob.digest}`);
      });
      const goneManifests = gone.filter((b) => b.manifest).length;
      const freed = gone.reduce((n, b) => n + b.size, 0);
      log(job, 'INFO', 'deleted', `${gone.length - goneManifests} blobs and ${goneManifests} manifests are actually deleted`);
      log(job, 'INFO', 'freed', `The GC job actual frees up ${mb(freed)} MB space.`);
      Object.assign(job.parameters, { freed_space: freed, purged_blobs: gone.length - goneManifests, purged_manifests: goneManifests });
    }
    log(job, 'INFO', 'success', 'success to run gc in job.');
    set(job, 'Success');
  }

  /** Harbor's lines for untagged artifacts (what it deletes, or would delete in a dry run), with their media type. */
  async function logUntagged(job, untagged) {
    const root = await storageRoot(config);
    const projects = [...new Set(untagged.map((u) => u.repository.split('/')[0]))].sort();
    log(job, 'INFO', 'untaggedStart', 'start to delete untagged artifact (no actually deletion for dry-run mode)');
    for (const { repository, digest } of untagged) {
      const data = join(root, 'docker', 'registry', 'v2', 'blobs', 'sha256', digest.slice(7, 9), digest.slice(7), 'data');
      const mediaType = await readFile(data, 'utf8').then((t) => JSON.parse(t).mediaType ?? '', () => '');
      const project = projects.indexOf(repository.split('/')[0]) + 1;
      log(job, 'INFO', 'untagged', `delete the untagged artifact: ProjectID:(${project})-RepositoryName(${repository})-MediaType:(${mediaType})-Digest:(${digest})`);
    }
    log(job, 'INFO', 'untaggedEnd', 'end to delete untagged artifact (no actually deletion for dry-run mode)');
  }

  function set(job, status) {
    job.status = status;
    job.updated = new Date();
  }

  function log(job, level, where, message) {
    const time = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    job.log.push(`${time} [${level}] [${SOURCE}:${LINES[where]}]: ${message}`);
  }

  return {
    start,
    /** Newest first. */
    list: () => [...jobs].reverse(),
    get: (id) => jobs.find((j) => j.id === id),
    final: (job) => FINAL.includes(job.status),
  };
}

/** Deletes one blob from the storage behind the GC's back; its size and kind, or undefined when it is not there. */
async function deleteBlob(root, digest) {
  const dir = join(root, 'docker', 'registry', 'v2', 'blobs', 'sha256', digest.slice(7, 9), digest.slice(7));
  const info = await stat(join(dir, 'data')).catch(() => undefined);
  if (!info) return undefined;
  const manifest = await readFile(join(dir, 'data'), 'utf8').then((t) => typeof JSON.parse(t).schemaVersion === 'number', () => false);
  await rm(dir, { recursive: true, force: true });
  return { digest, size: info.size, manifest, deleted: true };
}

/** Harbor 2.11's integer MB (bytes / 1024 / 1024, truncated). */
function mb(bytes) {
  return Math.floor(bytes / 1024 / 1024);
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
