import type { StepState, UnitState } from '../journal/state.js';
import type { StepView } from '../plan/scope.js';
import type { PlannedStep } from '../plan/types.js';
import type { Value } from '../template/index.js';
import { itemValue } from '../template/record-item.js';

/**
 * A step's outputs from its units. One unit: its outputs. Several hosts: each output is the list of the hosts'
 * values in role order (each host's own under `hosts.<host>`). foreach: each output is the list over items.
 */
export function aggregateOutputs(step: PlannedStep, units: UnitState[]): Record<string, Value> {
  const finished = units.filter((u) => u.outputs !== undefined);
  if (step.items === undefined && step.targets.length === 1) return (finished[0]?.outputs ?? {}) as Record<string, Value>;
  const outputs: Record<string, Value> = {};
  for (const name of step.captures) {
    outputs[name] = finished.filter((u) => u.outputs && name in u.outputs).sort(byTargetThenItem(step)).map((u) => u.outputs![name] as Value);
  }
  return outputs;
}

function byTargetThenItem(step: PlannedStep) {
  const order = new Map(step.targets.map((t, i) => [t.name, i]));
  return (a: UnitState, b: UnitState) => (order.get(a.key.target) ?? 0) - (order.get(b.key.target) ?? 0) || (a.key.item?.index ?? 0) - (b.key.item?.index ?? 0);
}

/** Views with the real values of secret records (keyed `step.name`) in place of the journal's ****; copies. */
export function withSecretRecords(views: Record<string, StepView>, records: ReadonlyMap<string, string>): Record<string, StepView> {
  const out = { ...views };
  for (const [key, value] of records) {
    const dot = key.indexOf('.');
    const [id, name] = [key.slice(0, dot), key.slice(dot + 1)];
    const view = out[id];
    if (!view) continue;
    const hosts = Object.fromEntries(Object.entries(view.hosts).map(([host, h]) => [host, { outputs: { ...h.outputs, [name]: value } }]));
    out[id] = { ...view, outputs: { ...view.outputs, [name]: value }, hosts };
  }
  return out;
}

/** How earlier steps look to expressions (`steps.<id>...`), from the run's state. */
export function stepViews(steps: ReadonlyMap<string, StepState>, plan: readonly PlannedStep[]): Record<string, StepView> {
  const views: Record<string, StepView> = {};
  for (const planned of plan) {
    const state = steps.get(planned.id);
    if (!state) continue;
    const hosts: StepView['hosts'] = {};
    for (const target of planned.targets) {
      const units = [...state.units.values()].filter((u) => u.key.target === target.name && u.outputs).sort((a, b) => (a.key.item?.index ?? 0) - (b.key.item?.index ?? 0));
      if (units.length === 0) continue;
      hosts[target.name] = { outputs: planned.items === undefined ? (units[0]!.outputs as Record<string, Value>) : Object.fromEntries(planned.captures.map((name) => [name, units.map((u) => u.outputs![name] as Value)])) };
    }
    views[planned.id] = { status: state.status, outputs: state.outputs as Record<string, Value>, hosts, ...(state.review ? { review: state.review.items.map(itemValue) } : {}) };
  }
  return views;
}
