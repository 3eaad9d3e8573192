import type { StepSpec } from '../schema/runbook.js';
import type { Target } from '../schema/transport.js';
import type { ResolvedParam } from './params.js';

/** The three ways a run can go: for real, nothing at all, or only the read-only steps. */
export type Mode = 'live' | 'dry-run' | 'rehearse';

export type StepKind = 'run' | 'kubectl' | 'manual';

/** Where one execution of a step happens; `name` is the host name, `local`, or `operator` for manual steps. */
export interface PlannedTarget {
  name: string;
  transport: Target;
  /** For display: `root@192.168.3.10:22`, `local`, `kubectl via cp1`. */
  label: string;
}

/** A value known when planning, or one that only a run can know (it depends on an earlier step's outputs). */
export type Deferred<T> = { kind: 'known'; value: T } | { kind: 'runtime'; expression: string };

/** One resolved command as the operator sees it (secrets masked, run-time values shown as ⟨…⟩). */
export interface PlannedInvocation {
  target: string;
  item?: string;
  display: string;
}

/** A step with everything the site and params decide already resolved. */
export interface PlannedStep {
  index: number;
  id: string;
  title: string;
  description?: string;
  kind: StepKind;
  spec: StepSpec;
  targets: PlannedTarget[];
  strategy: 'parallel' | 'serial';
  maxParallel: number;
  readonly: boolean;
  destructive: boolean;
  idempotent: boolean;
  detach: boolean;
  timeoutMs?: number;
  retries: { count: number; delayMs: number };
  when: Deferred<boolean>;
  /** `undefined` for a step without `foreach`. */
  items?: Deferred<string[]>;
  /** `review`: the expression of the list it acts on, shown and approved by digest when it runs. */
  confirm?: { phrase: string; message?: string; review?: string };
  captures: string[];
  /** Captures that make records (a JSON `query` ending in `{...}`): their fields, the columns of their tables. */
  records?: Record<string, string[]>;
  invocations: PlannedInvocation[];
}

/** runbook + site + params, resolved. Pure data: it never holds a secret. */
export interface Plan {
  runbook: { name: string; title: string; description?: string };
  site: { name: string };
  params: Record<string, Omit<ResolvedParam, 'value'> & { value: ResolvedParam['value'] | '****' }>;
  steps: PlannedStep[];
}
