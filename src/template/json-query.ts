// JMESPath queries over captured JSON: the language of `aws --query`, `az --query` and Ansible's json_query, in
// the community edition (jmespath.site), which adds `let`, string functions (split, replace, ...) and more.
import { compile, registerFunction, search, TYPE_STRING, type JSONValue } from '@jmespath-community/jmespath';

type Node = ReturnType<typeof compile>;

let registered = false;

/** fieldbook's one extension: `from_json(s)` parses a string holding JSON (null when it does not parse). */
function registerExtensions(): void {
  if (registered) return;
  registered = true;
  registerFunction(
    'from_json',
    ([text]) => {
      try {
        return JSON.parse(text as string) as JSONValue;
      } catch {
        return null;
      }
    },
    [{ types: [TYPE_STRING] }],
  );
}

/** The syntax error of a query, or undefined when it parses. */
export function queryProblem(query: string): string | undefined {
  try {
    compile(query);
    return undefined;
  } catch (error) {
    return `not a valid JMESPath query: ${(error as Error).message}`;
  }
}

/** Runs a query on parsed JSON. Throws with the library's message on a runtime error (an unknown function, a type). */
export function runQuery(value: unknown, query: string): unknown {
  registerExtensions();
  return search(value as JSONValue, query);
}

/**
 * The fields of the records a query makes (the keys of the `{...}` that shapes its result), so a plan can show
 * the columns before anything runs. Undefined when the result is not records or cannot be told from the query.
 */
export function queryColumns(query: string): string[] | undefined {
  try {
    return recordKeys(compile(query));
  } catch {
    return undefined;
  }
}

function recordKeys(node: Node): string[] | undefined {
  switch (node.type) {
    case 'MultiSelectHash':
      return node.children.map((pair) => pair.name);
    case 'MultiSelectList':
      // A list of record lists, flattened: the first branch's fields.
      for (const child of node.children) {
        const keys = recordKeys(child);
        if (keys) return keys;
      }
      return undefined;
    case 'Pipe':
    case 'Projection':
    case 'ValueProjection':
    case 'FilterProjection':
    case 'Subexpression':
      // The right side shapes the result; a filter or flatten there keeps the left side's records.
      return recordKeys(node.right) ?? recordKeys(node.left);
    case 'Flatten':
      return recordKeys(node.child);
    case 'LetExpression':
      return recordKeys(node.expression);
    default:
      return undefined;
  }
}
