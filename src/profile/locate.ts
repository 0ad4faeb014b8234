/**
 * Finds where a field of a profile sits in its YAML source, so every problem can be reported as
 * file:line:column. Pure: works on an already parsed document.
 */
import { isAlias, isMap, isNode, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export type FieldPath = readonly PropertyKey[];

export interface Location {
  /** 1-based. */
  line: number;
  column: number;
  /** True when the whole path exists in the file; false when this points at its nearest parent. */
  exact: boolean;
}

/** `['load', 'stages', 2, 'duration']` -> `load.stages[2].duration`; odd keys are quoted. */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(String(seg))) out += `${out ? '.' : ''}${String(seg)}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

/**
 * Where `path` is in the document:
 * - a scalar value: the value itself (`duration: 90` points at `90`);
 * - a mapping or list value: its key (`stages:`), which is where a reader looks;
 * - a path that is not there (a missing required field): the key of its nearest parent, or the
 *   list item it belongs to;
 * - `asKey`: the key of the last segment itself (for unknown keys).
 */
export function locate(doc: Document, lines: LineCounter, path: FieldPath, asKey = false): Location {
  let node: unknown = doc.contents;
  // Where to point when the walk stops short: the key we came through, or the list item.
  let parent: Node | null = (doc.contents as Node | null) ?? null;
  for (let i = 0; i < path.length; i++) {
    node = resolve(doc, node);
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return at(lines, parent, false);
      const value = resolve(doc, pair.value);
      if (last && (asKey || !isFilledScalar(value))) return at(lines, pair.key as Node, true);
      parent = pair.key as Node;
      node = value;
    } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
      node = resolve(doc, node.items[seg]);
      parent = (node as Node | null) ?? parent;
    } else {
      return at(lines, parent, false);
    }
  }
  return at(lines, isNode(node) ? node : parent, true);
}

/** A scalar with something written (an empty `key:` is a null scalar placed after the colon). */
function isFilledScalar(node: unknown): boolean {
  return isScalar(node) && node.value !== null;
}

function resolve(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

function at(lines: LineCounter, node: Node | null, exact: boolean): Location {
  const offset = node?.range?.[0] ?? 0;
  const { line, col } = lines.linePos(offset);
  return { line, column: col, exact };
}
