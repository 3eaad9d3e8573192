import type { Issue } from '../errors.js';
import { formatPath, locate, nodeAt, positionOf, type PathSegment, type YamlSource } from '../schema/yaml-doc.js';

/**
 * Where, in the source file, a spot inside a template field sits. Plain and block scalars hold the template
 * text verbatim, so the expression's own text is searched for within the node; otherwise the node itself.
 */
export function templateIssue(
  source: YamlSource,
  path: PathSegment[],
  template: string,
  offset: number,
  message: string,
): Issue {
  const range = nodeAt(source, path).node?.range;
  let position = locate(source, path);
  if (range) {
    const raw = source.text.slice(range[0], range[1]);
    // The n-th occurrence of the same snippet in the template is the n-th in the source.
    const snippet = template.slice(offset, template.indexOf('\n', offset) === -1 ? undefined : template.indexOf('\n', offset)).slice(0, 40);
    const nth = countOccurrences(template.slice(0, offset), snippet);
    let at = -1;
    for (let i = 0; i <= nth; i++) {
      at = raw.indexOf(snippet, at + 1);
      if (at < 0) break;
    }
    if (at >= 0 && snippet.length > 0) position = positionOf(source, range[0] + at);
  }
  return { file: source.file, ...position, path: formatPath(path), message, rank: 2 };
}

function countOccurrences(text: string, snippet: string): number {
  if (!snippet) return 0;
  let count = 0;
  for (let at = text.indexOf(snippet); at >= 0; at = text.indexOf(snippet, at + 1)) count++;
  return count;
}

/** An issue at a YAML path (value by default). */
export function pathIssue(source: YamlSource, path: PathSegment[], message: string, rank = 2, at: 'key' | 'value' = 'value'): Issue {
  return { file: source.file, ...locate(source, path, at), path: formatPath(path), message, rank };
}
