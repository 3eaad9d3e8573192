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

/** Converts objects of one type to a Table, with `kubectl get`'s default columns. */
export function toTable(type: ResourceType, objects: KubeObject[], resourceVersion: string): Record<string, unknown> {
  const isPods = type.group === '' && type.plural === 'pods';
  const extra = type.printerColumns ?? [];
  const columnDefinitions = isPods
    ? [column('Name', 'string', 'name'), column('Ready'), column('Status'), column('Restarts', 'integer'), column('Age')]
    : [column('Name', 'string', 'name'), ...extra.map((c) => column(c.name, c.type ?? 'string')), column('Age', 'date')];
  const rows = objects.map((o) => ({
    cells: isPods
      ? podCells(o)
      : [o.metadata.name, ...extra.map((c) => fieldValue(o, c.jsonPath) ?? ''), humanAge(o.metadata.creationTimestamp)],
    object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
  }));
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion }, columnDefinitions, rows };
}
