import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { Issue } from '../errors.js';

export type PathSegment = string | number;

/** A parsed YAML file that can say where any path of it sits in the source. */
export interface YamlSource {
  file: string;
  text: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

/** Parse YAML keeping positions; syntax problems (tabs, duplicate keys, bad indentation) come back as issues. */
export function parseYaml(file: string, text: string): { source: YamlSource; issues: Issue[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: true });
  const source = { file, text, doc, lines };
  const issues = doc.errors.map((error): Issue => {
    const { line, col } = lines.linePos(error.pos[0]);
    return { file, line, col, path: '', message: yamlMessage(error.code, error.message), rank: 0 };
  });
  return { source, issues };
}

function yamlMessage(code: string, message: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return `duplicate key ${message.match(/"[^"]*"/)?.[0] ?? ''}; each key may appear once in a mapping`.replace('  ', ' ');
    case 'TAB_AS_INDENT':
      return 'tab used for indentation; YAML indents with spaces';
    default:
      return `YAML syntax: ${message.replace(/\s+at line \d+, column \d+.*$/s, '').trim()}`;
  }
}

/** The node at `path`, and for the last segment of a mapping, its key node. */
export function nodeAt(source: YamlSource, path: readonly PathSegment[]): { node?: Node; key?: Node; parent?: Node } {
  let node: unknown = source.doc.contents;
  let key: Node | undefined;
  let parent: Node | undefined;
  for (const segment of path) {
    parent = node as Node;
    key = undefined;
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) return { parent };
      key = pair.key as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      if (node === undefined) return { parent };
    } else {
      return { parent };
    }
  }
  return { node: (node ?? undefined) as Node | undefined, key, parent };
}

/** Line and column (1-based) of a character offset. */
export function positionOf(source: YamlSource, offset: number): { line: number; col: number } {
  return source.lines.linePos(offset);
}

/** Where to point for a problem at `path`: the key when asked, else the value, else the nearest parent. */
export function locate(source: YamlSource, path: readonly PathSegment[], at: 'key' | 'value' = 'value'): { line: number; col: number } {
  for (let depth = path.length; depth >= 0; depth--) {
    const found = nodeAt(source, path.slice(0, depth));
    const target = depth === path.length && at === 'key' ? (found.key ?? found.node) : (found.node ?? found.key);
    const start = target?.range?.[0];
    if (start !== undefined) return positionOf(source, start);
  }
  return { line: 1, col: 1 };
}

/** `steps[3].timeout` from `['steps', 3, 'timeout']`. */
export function formatPath(path: readonly PathSegment[]): string {
  return path.reduce<string>((text, segment) => (typeof segment === 'number' ? `${text}[${segment}]` : text ? `${text}.${segment}` : segment), '');
}
