// Label and field selectors as the API server evaluates them (`?labelSelector=app=minio,tier in (a,b)`).

type Requirement =
  | { op: 'eq' | 'neq'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'notexists'; key: string };

/** Splits on commas that are not inside `( )`. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  terms.push(current);
  return terms.map((t) => t.trim()).filter((t) => t !== '');
}

const KEY = String.raw`[A-Za-z0-9][-A-Za-z0-9_./]*`;
const VALUE = String.raw`[-A-Za-z0-9_.]*`;
const SET_TERM = new RegExp(String.raw`^(${KEY})\s+(in|notin)\s*\(([^)]*)\)$`);
const COMPARE_TERM = new RegExp(String.raw`^(${KEY})\s*(==|=|!=)\s*(${VALUE})$`);
const EXISTS_TERM = new RegExp(String.raw`^(!?)(${KEY})$`);
const VALUE_ONLY = new RegExp(String.raw`^${VALUE}$`);

function parseTerm(term: string): Requirement {
  const fail = (): never => {
    throw new Error(`unable to parse requirement: ${JSON.stringify(term)}`);
  };
  const set = SET_TERM.exec(term);
  if (set) {
    const values = set[3]!.split(',').map((v) => v.trim()).filter((v) => v !== '');
    if (!values.every((v) => VALUE_ONLY.test(v))) fail();
    return { op: set[2] === 'in' ? 'in' : 'notin', key: set[1]!, values };
  }
  const cmp = COMPARE_TERM.exec(term);
  if (cmp) return { op: cmp[2] === '!=' ? 'neq' : 'eq', key: cmp[1]!, value: cmp[3]! };
  const exists = EXISTS_TERM.exec(term);
  if (exists) return { op: exists[1] === '!' ? 'notexists' : 'exists', key: exists[2]! };
  return fail();
}

/** Parses a selector; throws with the API server's wording on a malformed one. */
export function parseSelector(selector: string): Requirement[] {
  return splitTerms(selector).map(parseTerm);
}

function matches(req: Requirement, get: (key: string) => string | undefined): boolean {
  const actual = get(req.key);
  switch (req.op) {
    case 'eq':
      return actual === req.value;
    case 'neq':
      return actual !== req.value;
    case 'in':
      return actual !== undefined && req.values.includes(actual);
    case 'notin':
      return actual === undefined || !req.values.includes(actual);
    case 'exists':
      return actual !== undefined;
    case 'notexists':
      return actual === undefined;
  }
}

/** True when `labels` satisfy every requirement of the label selector. */
export function matchesLabels(selector: string, labels: Record<string, string> | undefined): boolean {
  return parseSelector(selector).every((req) => matches(req, (key) => labels?.[key]));
}

/** True when the object satisfies a field selector such as `metadata.name=minio-0,status.phase!=Failed`. */
export function matchesFields(selector: string, object: unknown): boolean {
  return parseSelector(selector).every((req) => matches(req, (path) => fieldValue(object, path)));
}

/** Reads a dotted path (`status.phase`, `.metadata.labels['cpaas.io/module-name']`) from an object, as a string. */
export function fieldValue(object: unknown, path: string): string | undefined {
  let current: unknown = object;
  for (const [, dotted, quoted] of path.matchAll(/\.?([^.[\]]+)|\['([^']*)'\]/g)) {
    const part = dotted ?? quoted ?? '';
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  if (current === undefined || current === null) return undefined;
  return typeof current === 'string' ? current : JSON.stringify(current);
}
