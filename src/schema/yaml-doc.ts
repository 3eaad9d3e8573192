import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type YAMLError } from 'yaml';
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
    const { offset, message } = explain(source, error);
    return { file, ...lines.linePos(offset), path: '', message, rank: 0 };
  });
  // Walking the whole document costs a few percent of a large file's load; skip it when no alias can be there.
  if (issues.length === 0 && /(?:^|[\s[{,:-])\*[^\s,[\]{}]/.test(text)) issues.push(...unresolvedAliases(source));
  return { source, issues };
}

/** Where a YAML error really is and what it means, in the words of someone editing a runbook. */
function explain(source: YamlSource, error: YAMLError): { offset: number; message: string } {
  const offset = firstNonBlank(source.text, error.pos[0]);
  switch (error.code) {
    case 'DUPLICATE_KEY': {
      const { key, first } = duplicateKeyAt(source, error.pos[0]);
      const earlier = first === undefined ? '' : ` (first at line ${source.lines.linePos(first).line})`;
      return { offset, message: `duplicate key${key === undefined ? '' : ` "${key}"`}${earlier}; each key may appear once in a mapping` };
    }
    case 'TAB_AS_INDENT':
      return { offset, message: 'tab used for indentation; YAML indents with spaces' };
    case 'MULTIPLE_DOCS':
      return { offset, message: 'a second YAML document starts here; a runbook or site file holds exactly one' };
    case 'MISSING_CHAR': {
      const quote = /closing "?(quote|')/.test(error.message) ? unclosedQuoteBefore(source, error.pos[0]) : undefined;
      if (quote !== undefined) return { offset: quote, message: 'YAML syntax: this quoted string is never closed' };
      return { offset, message: `YAML syntax: ${plain(error.message)}; check the indentation and punctuation of this line` };
    }
    default:
      return { offset, message: `YAML syntax: ${plain(error.message)}` };
  }
}

function plain(message: string): string {
  return message.replace(/\s+at line \d+, column \d+.*$/s, '').replace(/[.:]\s*$/, '').trim();
}

/** The parser points at the whitespace before a token; editors want the token. */
function firstNonBlank(text: string, offset: number): number {
  let at = offset;
  while (text[at] === ' ') at++;
  return at < text.length && text[at] !== '\n' && text[at] !== '\r' ? at : offset;
}

function duplicateKeyAt(source: YamlSource, offset: number): { key?: string; first?: number } {
  let found: { key?: string; first?: number } = {};
  visit(source.doc, {
    Map(_, map) {
      const pair = map.items.find((item) => isScalar(item.key) && item.key.range?.[0] === offset);
      if (!pair || !isScalar(pair.key)) return undefined;
      const key = String(pair.key.value);
      const first = map.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
      found = { key, ...(isScalar(first?.key) && first.key !== pair.key ? { first: first.key.range?.[0] } : {}) };
      return visit.BREAK;
    },
  });
  return found;
}

/** An unclosed quote swallows the rest of the file; point at where it opened, not at the end. */
function unclosedQuoteBefore(source: YamlSource, end: number): number | undefined {
  let start: number | undefined;
  visit(source.doc, {
    Scalar(_, scalar) {
      const range = scalar.range;
      if (range && (scalar.type === 'QUOTE_DOUBLE' || scalar.type === 'QUOTE_SINGLE') && range[1] >= end) start ??= range[0];
    },
  });
  return start;
}

/** `*name` with no `&name` before it; the yaml package only notices when converting, without a position. */
function unresolvedAliases(source: YamlSource): Issue[] {
  const issues: Issue[] = [];
  const anchors = new Set<string>();
  // One pass in document order (Alias.resolve would walk the whole document once per alias).
  visit(source.doc, {
    Node(_, node) {
      if (isAlias(node)) {
        if (anchors.has(node.source)) return;
        const { line, col } = source.lines.linePos(node.range?.[0] ?? 0);
        issues.push({ file: source.file, line, col, path: '', message: `alias "*${node.source}" has no anchor "&${node.source}" before it`, rank: 0 });
      } else if (node.anchor) anchors.add(node.anchor);
    },
  });
  return issues;
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

/**
 * Where to point for a problem at `path`: the key when asked, else the value, else the nearest parent. A block
 * mapping or list "starts" at its first child, which would blame that child; its key is pointed at instead.
 */
export function locate(source: YamlSource, path: readonly PathSegment[], at: 'key' | 'value' = 'value'): { line: number; col: number } {
  for (let depth = path.length; depth >= 0; depth--) {
    const found = nodeAt(source, path.slice(0, depth));
    const block = (isMap(found.node) || isSeq(found.node)) && !found.node.flow;
    const target = (depth === path.length && at === 'key') || block ? (found.key ?? found.node) : (found.node ?? found.key);
    const start = target?.range?.[0];
    if (start !== undefined) return positionOf(source, start);
  }
  return { line: 1, col: 1 };
}

/** `steps[3].timeout` from `['steps', 3, 'timeout']`. */
export function formatPath(path: readonly PathSegment[]): string {
  return path.reduce<string>((text, segment) => (typeof segment === 'number' ? `${text}[${segment}]` : text ? `${text}.${segment}` : segment), '');
}
