import type { z } from 'zod';
import { isScalar, visit } from 'yaml';
import { ValidationError, type Issue } from '../errors.js';
import { didYouMean } from '../template/did-you-mean.js';
import { RunbookSchema, type Runbook } from './runbook.js';
import { SiteSchema, type Site } from './site.js';
import { decodeSource, readSourceText } from './source.js';
import { formatPath, locate, nodeAt, parseYaml, type PathSegment, type YamlSource } from './yaml-doc.js';

/** A file read, parsed and checked against its schema, with its source kept for locating later problems. */
export interface Loaded<T> {
  value: T;
  source: YamlSource;
}

type Kind = 'Runbook' | 'Site';
const SCHEMAS = { Runbook: RunbookSchema, Site: SiteSchema } as const;

/** Read and check a runbook file; throws ValidationError with located issues. */
export async function loadRunbook(file: string): Promise<Loaded<Runbook>> {
  return parseFile(file, await readSourceText(file), 'Runbook') as Loaded<Runbook>;
}

/** Read and check a site file; throws ValidationError with located issues. */
export async function loadSite(file: string): Promise<Loaded<Site>> {
  return parseFile(file, await readSourceText(file), 'Site') as Loaded<Site>;
}

/** Check text already in memory (a run's copy, an embedded runbook). */
export function parseText<K extends Kind>(file: string, text: string | Uint8Array, kind: K): Loaded<K extends 'Runbook' ? Runbook : Site> {
  const decoded = typeof text === 'string' ? text : decodeSource(file, text);
  return parseFile(file, decoded, kind) as Loaded<K extends 'Runbook' ? Runbook : Site>;
}

function parseFile(file: string, text: string, kind: Kind): Loaded<Runbook | Site> {
  const { source, issues } = parseYaml(file, text);
  if (issues.length > 0) throw new ValidationError(issues);
  const proto = protoKeys(source);
  if (proto.length > 0) throw new ValidationError(proto);
  const data = toData(source);
  if (data === null || data === undefined) {
    throw new ValidationError([{ file, line: 1, col: 1, path: '', message: `file is empty; expected a fieldbook/v1 ${kind}`, rank: 0 }]);
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    const { line, col } = locate(source, []);
    throw new ValidationError([{ file, line, col, path: '', message: `expected a mapping (apiVersion, kind, metadata, ...), found ${describe(data)}`, rank: 1 }]);
  }
  const declared = (data as Record<string, unknown>)['kind'];
  if (declared !== kind && (declared === 'Runbook' || declared === 'Site')) {
    const { line, col } = locate(source, ['kind']);
    throw new ValidationError([{ file, line, col, path: 'kind', message: `expected a ${kind} file here, found a ${declared}`, rank: 1 }]);
  }
  const schema = SCHEMAS[kind];
  const result = schema.safeParse(data);
  if (!result.success) {
    // A file that is not fieldbook's at all (a Kubernetes manifest, say) fails everywhere; only its identity matters.
    const identity = result.error.issues.filter((issue) => issue.path.length === 1 && (issue.path[0] === 'apiVersion' || issue.path[0] === 'kind'));
    const issues = identity.length > 0 ? identity : withoutConsequences(result.error.issues, schema, data);
    throw new ValidationError(issues.flatMap((issue) => zodIssueToIssues(source, schema, data, issue)));
  }
  return { value: result.data, source };
}

/** `__proto__` as a key is dropped by every JavaScript map built from it (zod's too): refuse it where it is written. */
function protoKeys(source: YamlSource): Issue[] {
  const issues: Issue[] = [];
  visit(source.doc, {
    Pair(_, pair) {
      if (!isScalar(pair.key) || pair.key.value !== '__proto__') return;
      const { line, col } = source.lines.linePos(pair.key.range?.[0] ?? 0);
      issues.push({ file: source.file, line, col, path: '', message: '"__proto__" cannot be a key: it is a name JavaScript reserves for every object', rank: 1 });
    },
  });
  return issues;
}

/** Aliases may be nested only so deep: a few lines of YAML must not expand into gigabytes (a "billion laughs"). */
const MAX_ALIAS_COUNT = 100;

function toData(source: YamlSource): unknown {
  try {
    return source.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    let at: number | undefined;
    visit(source.doc, {
      Alias(_, alias) {
        at = alias.range?.[0];
        return visit.BREAK;
      },
    });
    const { line, col } = source.lines.linePos(at ?? 0);
    const message = /excessive alias/i.test(error.message)
      ? `YAML aliases expand to too much data (more than ${MAX_ALIAS_COUNT} copies); write the values out instead`
      : `YAML aliases: ${error.message}`;
    throw new ValidationError([{ file: source.file, line, col, path: '', message, rank: 0 }]);
  }
}

/** A misspelt key also makes the right one "missing"; report only the misspelling, which says both. */
function withoutConsequences(issues: readonly ZodIssue[], schema: z.ZodType, data: unknown): ZodIssue[] {
  const misspelt = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
    const known = keysOf(schema, path);
    for (const key of issue.keys) {
      const hint = didYouMean(key, known);
      if (hint !== undefined) misspelt.add(formatPath([...path, hint]));
    }
  }
  return issues.filter((issue) => {
    const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
    return !(issue.code === 'invalid_type' && valueAt(data, path) === undefined && misspelt.has(formatPath(path)));
  });
}

type ZodIssue = z.core.$ZodIssue;

function zodIssueToIssues(source: YamlSource, schema: z.ZodType, data: unknown, issue: ZodIssue): Issue[] {
  if (issue.code !== 'unrecognized_keys') return [zodIssueToIssue(source, data, issue)];
  // One issue per key: each misspelling has its own place and its own "did you mean".
  const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
  const known = keysOf(schema, path);
  return issue.keys.map((key) => {
    const hint = didYouMean(key, known);
    const where = [...path, key];
    return { file: source.file, rank: 1, ...locate(source, where, 'key'), path: formatPath(where), message: `unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : known.length ? `; expected one of ${known.join(', ')}` : ''}` };
  });
}

/** How zod names a type, in the words of the file: `array` is a list, `object` a mapping. */
const TYPE_NAMES: Record<string, string> = { array: 'a list', object: 'a mapping', record: 'a mapping', string: 'a string', number: 'a number', int: 'an integer', boolean: 'true or false' };

function zodIssueToIssue(source: YamlSource, data: unknown, issue: ZodIssue): Issue {
  const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
  const found = valueAt(data, path);
  const base = { file: source.file, rank: 1 };
  switch (issue.code) {
    case 'invalid_type': {
      if (found === undefined && nodeAt(source, path).node === undefined) {
        const key = path.at(-1);
        return { ...base, ...locate(source, path.slice(0, -1), 'key'), path: formatPath(path.slice(0, -1)), message: `missing required key "${String(key)}"` };
      }
      // A schema's own wording ("expected a duration such as ...") beats the bare type name.
      const expected = issue.message.startsWith('expected ') ? issue.message.slice('expected '.length) : (TYPE_NAMES[issue.expected] ?? issue.expected);
      return { ...base, ...locate(source, path), path: formatPath(path), message: `expected ${expected}, found ${describe(found)}` };
    }
    case 'invalid_value': {
      const allowed = issue.values.map((v) => JSON.stringify(v));
      const hint = typeof found === 'string' ? didYouMean(found, issue.values.map(String)) : undefined;
      const expected = allowed.length === 1 ? allowed[0] : `one of ${allowed.join(', ')}`;
      return { ...base, ...locate(source, path), path: formatPath(path), message: `expected ${expected}, found ${describe(found)}${hint ? ` (did you mean "${hint}"?)` : ''}` };
    }
    case 'invalid_format':
      return { ...base, ...locate(source, path), path: formatPath(path), message: `${issue.message}, found ${describe(found)}` };
    case 'too_small':
      return { ...base, ...locate(source, path), path: formatPath(path), message: Array.isArray(found) ? `expected at least ${String(issue.minimum)} item(s), found ${found.length}` : `expected at least ${String(issue.minimum)}, found ${describe(found)}` };
    case 'too_big':
      if (typeof found === 'string') return { ...base, ...locate(source, path), path: formatPath(path), message: `expected at most ${String(issue.maximum)} characters, found ${found.length}` };
      return { ...base, ...locate(source, path), path: formatPath(path), message: `expected at most ${String(issue.maximum)}, found ${describe(found)}` };
    case 'invalid_union':
      return { ...base, ...locate(source, path), path: formatPath(path), message: `expected ${unionExpectation(issue)}, found ${describe(found)}` };
    case 'invalid_key':
      return { ...base, ...locate(source, path, 'key'), path: formatPath(path), message: `bad key: ${issue.issues[0]?.message ?? issue.message}` };
    default:
      return { ...base, ...locate(source, path), path: formatPath(path), message: issue.message };
  }
}

function unionExpectation(issue: Extract<ZodIssue, { code: 'invalid_union' }>): string {
  const expected = new Set<string>();
  for (const branch of issue.errors) for (const sub of branch) if (sub.code === 'invalid_type' && sub.path.length === 0) expected.add(TYPE_NAMES[sub.expected] ?? sub.expected);
  const names = [...expected];
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)!}` : (names[0] ?? 'a different value');
}

/** A short, honest description of a found value: `number 5`, `"paralel"`, `a list`, `nothing`. */
export function describe(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${String(value)}`;
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
}
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The keys a strict object accepts at `path`, for "did you mean". */
function keysOf(schema: z.ZodType, path: readonly PathSegment[]): string[] {
  let current: z.ZodType | undefined = schema;
  for (const segment of [...path, null]) {
    // Unwrap optional/default/pipe to the structural schema.
    for (let def = current && defOf(current); def && def.innerType !== undefined; def = current && defOf(current)) current = def.innerType;
    if (!current) return [];
    const def = defOf(current);
    if (segment === null) return def.shape ? Object.keys(def.shape) : [];
    if (def.type === 'object') current = def.shape?.[String(segment)];
    else if (def.type === 'array') current = def.element;
    else if (def.type === 'record') current = def.valueType;
    else return [];
  }
  return [];
}
