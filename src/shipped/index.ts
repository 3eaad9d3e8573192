import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { embedded } from './embedded.js';

/** The installed package's root (holding runbooks/, examples/, docs/); meaningless inside the bundle. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A shipped runbook is named `shipped:<name>` wherever a path would be recorded. */
export const SHIPPED_PREFIX = 'shipped:';

/** The fieldbook version. */
export function fieldbookVersion(): string {
  if (embedded) return embedded.version;
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Names of the runbooks shipped with fieldbook, sorted. */
export function shippedRunbookNames(): string[] {
  if (embedded) return Object.keys(embedded.runbooks).sort();
  const dir = join(PACKAGE_ROOT, 'runbooks');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -'.yaml'.length)).sort();
}

/** The text of a shipped runbook, or undefined. */
export function shippedRunbook(name: string): string | undefined {
  if (embedded) return embedded.runbooks[name];
  const path = join(PACKAGE_ROOT, 'runbooks', `${name}.yaml`);
  return /^[a-z0-9-]+$/.test(name) && existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}
