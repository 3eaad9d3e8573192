// meta.k8s.io/v1 Table responses, which plain `kubectl get` asks for (server-side printing).
import { fieldValue } from './selectors.js';
import type { KubeObject, ResourceType } from './objects.js';

interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

const column = (name: string, type = 'string', format = ''): ColumnDefinition => ({ name, type, format, description: name, priority: 0 });

/** Age as kubectl prints it: 45s, 12m, 5h, 40d, 3y. */
export function humanAge(created: string | undefined, now: number = Date.now()): string {
  if (created === undefined) return '<unknown>';
  const seconds = Math.max(0, Math.floor((now - Date.parse(created)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  return days < 365 * 2 ? `${days}d` : `${Math.floor(days / 365)}y`;
}

interface ContainerStatus {
  ready?: boolean;
  restartCount?: number;
}

function podCells(pod: KubeObject): unknown[] {
  const spec = pod['spec'] as { containers?: unknown[] } | undefined;
  const status = pod['status'] as { phase?: string; reason?: string; containerStatuses?: ContainerStatus[] } | undefined;
  const statuses = status?.containerStatuses ?? [];
  const ready = statuses.filter((s) => s.ready === true).length;
  const restarts = statuses.reduce((sum, s) => sum + (s.restartCount ?? 0), 0);
  const phase = status?.reason ?? status?.phase ?? 'Unknown';
  const shown = phase === 'Succeeded' ? 'Completed' : phase;
  return [pod.metadata.name, `${ready}/${spec?.containers?.length ?? 0}`, shown, restarts, humanAge(pod.metadata.creationTimestamp)];
}

interface DeploymentShape {
  spec?: { replicas?: number };
  status?: { readyReplicas?: number; updatedReplicas?: number; availableReplicas?: number };
}

function deploymentCells(o: KubeObject): unknown[] {
  const { spec, status } = o as DeploymentShape;
  return [o.metadata.name, `${status?.readyReplicas ?? 0}/${spec?.replicas ?? 1}`, status?.updatedReplicas ?? 0, status?.availableReplicas ?? 0, humanAge(o.metadata.creationTimestamp)];
}

interface JobShape {
  spec?: { completions?: number };
  status?: { active?: number; succeeded?: number; startTime?: string; completionTime?: string; conditions?: Array<{ type: string; status: string }> };
}

/** The Job printer's STATUS (pkg/printers/internalversion printJob): Complete, Failed, Suspended, FailureTarget, else Running. */
function jobStatus(job: JobShape): string {
  const conditions = job.status?.conditions ?? [];
  const holds = (type: string) => conditions.some((c) => c.type === type && c.status === 'True');
  return ['Complete', 'Failed', 'Suspended', 'FailureTarget'].find(holds) ?? 'Running';
}

function jobCells(o: KubeObject): unknown[] {
  const job = o as JobShape;
  const start = job.status?.startTime;
  const end = job.status?.completionTime === undefined ? Date.now() : Date.parse(job.status.completionTime);
  const duration = start === undefined ? '' : humanAge(start, end);
  return [o.metadata.name, jobStatus(job), `${job.status?.succeeded ?? 0}/${job.spec?.completions ?? 1}`, duration, humanAge(o.metadata.creationTimestamp)];
}

interface CronJobShape {
  spec?: { schedule?: string; timeZone?: string; suspend?: boolean };
  status?: { active?: unknown[]; lastScheduleTime?: string };
}

function cronJobCells(o: KubeObject): unknown[] {
  const { spec, status } = o as CronJobShape;
  const last = status?.lastScheduleTime === undefined ? '<none>' : humanAge(status.lastScheduleTime);
  return [o.metadata.name, spec?.schedule ?? '', spec?.timeZone ?? '<none>', spec?.suspend === true ? 'True' : 'False', status?.active?.length ?? 0, last, humanAge(o.metadata.creationTimestamp)];
}

/** Built-in types whose columns the API server prints itself (not from printerColumns), by `group/plural`. */
const BUILT_IN: Record<string, { columns: ColumnDefinition[]; cells: (o: KubeObject) => unknown[] }> = {
  '/pods': { columns: [column('Name', 'string', 'name'), column('Ready'), column('Status'), column('Restarts', 'integer'), column('Age')], cells: podCells },
  'apps/deployments': {
    columns: [column('Name', 'string', 'name'), column('Ready'), column('Up-to-date', 'integer'), column('Available', 'integer'), column('Age')],
    cells: deploymentCells,
  },
  'batch/jobs': { columns: [column('Name', 'string', 'name'), column('Status'), column('Completions'), column('Duration'), column('Age')], cells: jobCells },
  'batch/cronjobs': {
    columns: [column('Name', 'string', 'name'), column('Schedule'), column('Timezone'), column('Suspend', 'boolean'), column('Active', 'integer'), column('Last Schedule'), column('Age')],
    cells: cronJobCells,
  },
};

/** Converts objects of one type to a Table, with `kubectl get`'s default columns. */
export function toTable(type: ResourceType, objects: KubeObject[], resourceVersion: string): Record<string, unknown> {
  const builtIn = BUILT_IN[`${type.group}/${type.plural}`];
  const extra = type.printerColumns ?? [];
  const columnDefinitions = builtIn?.columns ?? [column('Name', 'string', 'name'), ...extra.map((c) => column(c.name, c.type ?? 'string')), column('Age', 'date')];
  const rows = objects.map((o) => ({
    cells: builtIn ? builtIn.cells(o) : [o.metadata.name, ...extra.map((c) => fieldValue(o, c.jsonPath) ?? ''), humanAge(o.metadata.creationTimestamp)],
    object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
  }));
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion }, columnDefinitions, rows };
}
