import type { Plan } from '../plan/types.js';
import { loadExeca } from './local.js';

/**
 * Start loading the transports a plan needs (execa for local steps, ssh2 for hosts) while the run directory,
 * locks and journal are created: those wait on fsyncs, so the modules load in time that was idle. A failure
 * here is ignored; the first step that needs the module meets it again and reports it.
 */
export function preloadTransports(plan: Plan): void {
  const kinds = new Set(plan.steps.filter((step) => step.kind !== 'manual').flatMap((step) => step.targets.map((target) => target.transport.kind)));
  if (kinds.has('local')) loadExeca().catch(() => undefined);
  if (kinds.has('host')) import('./ssh/index.js').catch(() => undefined);
}
