// JMESPath queries over captured JSON: the language of `aws --query`, `az --query` and Ansible's json_query, in
// the community edition (jmespath.site), which adds `let`, string functions (split, replace, ...) and more.
import { compile, registerFunction, search, TYPE_STRING, type JSONValue } from '@jmespath-community/jmespath';

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
