import { itemLabel } from '../template/record-item.js';
import { cellText, isCellValue, recordTable, type Scalar, type Table } from './record-table.js';

/** One unit of a step as the output views need it: where it ran, its foreach item, what it captured. */
export interface UnitOutputs {
  host: string;
  /** The foreach item, as text. */
  item?: string;
  /** Absent until the unit succeeded (a failed unit captures nothing). */
  outputs?: Record<string, unknown>;
}

/** A unit as the journal keys it (a journal unit state, a report unit): where it ran, its item, its outputs. */
export interface KeyedUnit {
  key: { target: string; item?: { value: string } };
  outputs?: Record<string, unknown>;
}

/** Journal-keyed units (in their order) as the output views need them. */
export function unitOutputs(units: Iterable<KeyedUnit>): UnitOutputs[] {
  return [...units].map((u) => ({ host: u.key.target, ...(u.key.item ? { item: itemLabel(u.key.item.value) } : {}), ...(u.outputs ? { outputs: u.outputs } : {}) }));
}

/** One thing to show of a step's outputs. */
export type OutputView =
  /** The outputs each unit captured as a scalar: a row per unit, `host` (and `item`) first. */
  | { kind: 'per-host'; table: Table }
  /** An output that is a list of records; `unit` names the unit when each unit captured its own list. */
  | { kind: 'records'; name: string; unit?: string; table: Table }
  /** Anything else, shown as renderers always showed a value. */
  | { kind: 'value'; name: string; value: unknown };

/**
 * How a step's outputs are shown, decided once for every renderer. With one unit (or none given) each output is a
 * table when it is a list of records, else a value. With several units, or foreach items, the outputs that
 * every unit captured as a scalar form one table with a row per unit; an output that is a list of records on
 * every unit that has it gives one table per unit; any other output is the value `outputs[name]` (the aggregated
 * list, or whatever the caller shows for it).
 */
export function outputViews(outputs: Record<string, unknown>, units: readonly UnitOutputs[] = []): OutputView[] {
  if (units.length <= 1 && units.every((u) => u.item === undefined)) return Object.entries(outputs).map(([name, value]) => single(name, value));
  const captured = units.filter((u): u is UnitOutputs & { outputs: Record<string, unknown> } => u.outputs !== undefined);
  const has = (unit: { outputs: Record<string, unknown> }, name: string) => Object.hasOwn(unit.outputs, name);
  const names = [...new Set([...Object.keys(outputs), ...captured.flatMap((u) => Object.keys(u.outputs))])];
  const scalars = names.filter((name) => captured.some((u) => has(u, name)) && captured.every((u) => !has(u, name) || isCellValue(u.outputs[name])));
  const views: OutputView[] = [];
  const table = hostTable(captured, scalars);
  if (table) views.push({ kind: 'per-host', table });
  for (const name of names) {
    if (scalars.includes(name)) continue;
    const mine = captured.filter((u) => has(u, name));
    const tables = mine.map((u) => recordTable(u.outputs[name]));
    if (mine.length > 0 && tables.every((t) => t !== undefined)) {
      mine.forEach((u, i) => views.push({ kind: 'records', name, unit: unitName(u), table: tables[i]! }));
    } else if (Object.hasOwn(outputs, name)) {
      views.push({ kind: 'value', name, value: outputs[name] });
    }
  }
  return views;
}

/**
 * The per-host table: `host` (when the units ran on more than one host), `item` (when they are foreach items),
 * then one column per output in `names`, a row per unit. Undefined when there is nothing to show.
 */
export function hostTable(units: readonly UnitOutputs[], names: readonly string[]): Table | undefined {
  const rows = units.filter((u) => u.outputs !== undefined);
  if (rows.length === 0 || names.length === 0) return undefined;
  const items = rows.some((u) => u.item !== undefined);
  const hosts = !items || new Set(rows.map((u) => u.host)).size > 1;
  return {
    columns: [...(hosts ? ['host'] : []), ...(items ? ['item'] : []), ...names],
    rows: rows.map((u) => [
      ...(hosts ? [u.host] : []),
      ...(items ? [u.item ?? ''] : []),
      ...names.map((name) => {
        const value = u.outputs![name];
        return Object.hasOwn(u.outputs!, name) && isCellValue(value) ? cellText(value as Scalar | Scalar[]) : '';
      }),
    ]),
  };
}

/** The line that introduces a table: `plugins: 3 records`, `disks on cp1: 1 record`, `outputs per host`. */
export function tableTitle(view: Exclude<OutputView, { kind: 'value' }>): string {
  if (view.kind === 'per-host') return `outputs per ${view.table.columns[0] === 'item' ? 'item' : 'host'}`;
  const count = view.table.rows.length;
  return `${view.name}${view.unit !== undefined ? ` on ${view.unit}` : ''}: ${count} ${count === 1 ? 'record' : 'records'}`;
}

function single(name: string, value: unknown): OutputView {
  const table = recordTable(value);
  return table ? { kind: 'records', name, table } : { kind: 'value', name, value };
}

function unitName(unit: UnitOutputs): string {
  return unit.item === undefined ? unit.host : `${unit.host} [${unit.item}]`;
}
