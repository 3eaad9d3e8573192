// Lab stand-in for Harbor's API (goharbor/harbor api/v2.0/swagger.yaml; handlers in src/server/v2.0/handler), on
// a loopback address only, with HTTP basic auth for one admin user:
//   GET  /api/v2.0/systeminfo            harbor_version "<version>-<commit>" (omitted for anonymous calls from v2.13)
//   GET  /api/v2.0/statistics            total_storage_consumption: bytes of every blob in the registry storage
//   POST /api/v2.0/system/gc/schedule    {"schedule":{"type":"Manual"},"parameters":{"delete_untagged","dry_run","workers"}}
//                                        → 201, Location /api/v2.0/system/gc/<id>; other types are stored as the schedule
//   GET  /api/v2.0/system/gc[/<id>[/log]], GET/PUT /api/v2.0/system/gc/schedule
// A Manual GC really runs `registry garbage-collect` on the lab registry's storage (harbor-gc-job.mjs; with
// extraDeleteOnRealRun, a real run also deletes that blob, which its dry run never listed). Configured
// as a Harbor 1.x (harbor_version v1.*), it has no /api/v2.0 (404) and answers only GET /api/systeminfo, as Harbor
// 1.10's router does. Started as `node harbor-api.mjs <settings.json>`; prints {"url": ...} when listening.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { gcJobs } from './harbor-gc-job.mjs';
import { blobBytes, storageRoot } from './registry-gc.mjs';

const settings = JSON.parse(readFileSync(process.argv[2], 'utf8'));
if (!/^127\.\d+\.\d+\.\d+$/.test(settings.address)) throw new Error(`the Harbor stand-in listens on loopback only, not ${settings.address}`);
const version = settings.harborVersion;
const v1 = /^v1\./.test(version);
const jobs = gcJobs({ binary: settings.registryBinary, config: settings.registryConfig, queuedMs: settings.queuedMs, runDelayMs: settings.runDelayMs, extraDeleteOnRealRun: settings.extraDeleteOnRealRun });
const SCHEDULE_TYPES = ['Hourly', 'Daily', 'Weekly', 'Custom', 'Manual', 'None', 'Schedule'];
let schedule;

const server = createServer((request, response) => {
  handle(request, response).catch((error) => send(response, 500, errors('UNKNOWN', error.message)));
});
server.listen(settings.port ?? 0, settings.address, () => {
  process.stdout.write(`${JSON.stringify({ url: `http://${settings.address}:${server.address().port}` })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

async function handle(request, response) {
  const url = new URL(request.url, 'http://harbor');
  const path = url.pathname.replace(/\/+$/, '');
  const admin = authenticated(request.headers.authorization);
  const route = `${request.method} ${path}`;
  if (v1) {
    if (route === 'GET /api/systeminfo') return send(response, 200, systemInfoV1());
    return send(response, 404, '404 page not found', 'text/plain; charset=utf-8');
  }
  if (route === 'GET /api/v2.0/systeminfo') return send(response, 200, systemInfo(admin));
  if (!path.startsWith('/api/v2.0/')) return send(response, 404, errors('NOT_FOUND', `${path} not found`));
  if (!admin) return send(response, 401, errors('UNAUTHORIZED', 'unauthorized'));
  if (route === 'GET /api/v2.0/statistics') return send(response, 200, await statistics());
  if (route === 'GET /api/v2.0/system/gc') return listGc(url, response);
  if (route === 'GET /api/v2.0/system/gc/schedule') return send(response, 200, schedule ?? null);
  if (route === 'POST /api/v2.0/system/gc/schedule' || route === 'PUT /api/v2.0/system/gc/schedule') return kick(request, response);
  const one = /^\/api\/v2\.0\/system\/gc\/(\d+)(\/log)?$/.exec(path);
  if (one && request.method === 'GET') {
    const job = jobs.get(Number(one[1]));
    if (!job) return send(response, 404, errors('NOT_FOUND', one[2] ? `garbage collection ${one[1]} log is not found` : `execution ${one[1]} not found`));
    return one[2] ? send(response, 200, `${job.log.join('\n')}\n`, 'text/plain') : send(response, 200, history(job));
  }
  if (one) return send(response, 405, errors('METHOD_NOT_ALLOWED', `the lab's Harbor stand-in cannot ${request.method} a GC job`));
  return send(response, 404, errors('NOT_FOUND', `${path} not found`));
}

/** This server's address and port (Harbor's external URL without the scheme). */
function host() {
  return `${settings.address}:${server.address().port}`;
}

function authenticated(header) {
  const match = /^Basic (.+)$/i.exec(header ?? '');
  if (!match) return false;
  const text = Buffer.from(match[1], 'base64').toString('utf8');
  return text === `${settings.username}:${settings.password}`;
}

/** GeneralInfo: the anonymous part, and the protected part for a signed-in user (controller/systeminfo). */
function systemInfo(admin) {
  const info = { auth_mode: 'db_auth', primary_auth_mode: false, self_registration: false, banner_message: '', oidc_provider_name: '' };
  if (admin || compare(version, 'v2.13.0') < 0) info.harbor_version = version;
  if (admin) {
    Object.assign(info, {
      current_time: new Date().toISOString(),
      external_url: `http://${host()}`,
      registry_url: host(),
      has_ca_root: false,
      project_creation_restriction: 'everyone',
      read_only: false,
      registry_storage_provider_name: 'filesystem',
      notification_enable: true,
    });
  }
  return info;
}

/** Harbor 1.10's GeneralInfo (src/core/api/systeminfo.go). */
function systemInfoV1() {
  return {
    with_notary: false,
    with_admiral: false,
    admiral_endpoint: 'NA',
    auth_mode: 'db_auth',
    registry_url: host(),
    external_url: `http://${host()}`,
    project_creation_restriction: 'everyone',
    self_registration: false,
    has_ca_root: false,
    harbor_version: version,
    registry_storage_provider_name: 'filesystem',
    read_only: false,
    with_chartmuseum: false,
    notification_enable: true,
  };
}

async function statistics() {
  const root = await storageRoot(settings.registryConfig);
  const repositories = await repositoriesIn(join(root, 'docker', 'registry', 'v2', 'repositories'), '');
  const projects = new Set(repositories.map((r) => r.split('/')[0]));
  return {
    private_project_count: projects.size,
    private_repo_count: repositories.length,
    public_project_count: 0,
    public_repo_count: 0,
    total_project_count: projects.size,
    total_repo_count: repositories.length,
    total_storage_consumption: await blobBytes(root),
  };
}

async function repositoriesIn(dir, prefix) {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  if (entries.some((e) => e.name === '_manifests')) return [prefix];
  const found = [];
  for (const entry of entries.filter((e) => e.isDirectory() && !e.name.startsWith('_'))) {
    found.push(...(await repositoriesIn(join(dir, entry.name), prefix ? `${prefix}/${entry.name}` : entry.name)));
  }
  return found;
}

async function kick(request, response) {
  let body;
  try {
    body = JSON.parse(await readBody(request));
  } catch (error) {
    return send(response, 400, errors('BAD_REQUEST', `parsing schedule body from "" failed: ${error.message}`));
  }
  const type = body?.schedule?.type;
  if (!SCHEDULE_TYPES.includes(type)) return send(response, 400, errors('BAD_REQUEST', `schedule.schedule.type in body should be one of [${SCHEDULE_TYPES.join(' ')}]`));
  const parameters = body.parameters ?? {};
  if ('workers' in parameters && (!Number.isInteger(parameters.workers) || parameters.workers <= 0 || parameters.workers > 5)) {
    return send(response, 400, errors('BAD_REQUEST', `Error: Invalid number of workers:${parameters.workers}. Workers must be greater than 0 and less than or equal to 5.`));
  }
  if (type !== 'Manual') {
    const now = new Date().toISOString();
    schedule = type === 'None' ? undefined : { id: 1, job_name: '', job_kind: body.schedule.cron ?? '', job_parameters: JSON.stringify(parameters), job_status: '', deleted: false, schedule: { type, cron: body.schedule.cron ?? '' }, creation_time: now, update_time: now };
    return send(response, request.method === 'POST' ? 201 : 200, '');
  }
  const job = jobs.start(parameters);
  if (request.method === 'PUT') return send(response, 200, '');
  response.setHeader('Location', `/api/v2.0/system/gc/${job.id}`);
  return send(response, 201, '');
}

function listGc(url, response) {
  const all = jobs.list();
  const pageSize = Math.max(1, Number(url.searchParams.get('page_size') ?? 10));
  const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
  response.setHeader('X-Total-Count', String(all.length));
  if (page * pageSize < all.length) response.setHeader('Link', `</api/v2.0/system/gc?page=${page + 1}&page_size=${pageSize}>; rel="next"`);
  return send(response, 200, all.slice((page - 1) * pageSize, page * pageSize).map(history));
}

/** GCHistory as handler/model/gc.go renders an execution (job_parameters: its extra attributes, keys sorted as Go does). */
function history(job) {
  const parameters = Object.fromEntries(Object.entries(job.parameters).sort(([a], [b]) => a.localeCompare(b)));
  return {
    id: job.id,
    job_name: 'GARBAGE_COLLECTION',
    job_kind: 'MANUAL',
    job_parameters: JSON.stringify(parameters),
    schedule: { type: 'Manual', cron: '', next_scheduled_time: '0001-01-01T00:00:00.000Z' },
    job_status: job.status,
    deleted: false,
    creation_time: job.created.toISOString(),
    update_time: job.updated.toISOString(),
  };
}

function errors(code, message) {
  return { errors: [{ code, message }] };
}

function send(response, status, body, type = 'application/json') {
  response.statusCode = status;
  response.setHeader('X-Request-Id', randomUUID());
  if (body === '') return response.end();
  response.setHeader('Content-Type', type);
  return response.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function readBody(request) {
  return new Promise((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => (text += chunk));
    request.on('end', () => resolve(text));
    request.on('error', reject);
  });
}

/** Compares Harbor versions such as v2.11.1-6b7ecba1 by their numbers. */
function compare(a, b) {
  const parts = (v) => (/^v?(\d+)\.(\d+)\.(\d+)/.exec(v) ?? [0, 0, 0, 0]).slice(1).map(Number);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}
