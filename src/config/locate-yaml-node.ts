import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export interface YamlPosition {
  readonly line: number;
  readonly column: number;
}

type PathSegment = string | number;

/**
 * Line and column of the node at `path`; for a key that is missing, the nearest
 * existing ancestor (the map that should have held it). `keyOf` points at the key
 * itself rather than its value, for unknown-key problems.
 */
export function locateYamlNode(doc: Document, lineCounter: LineCounter, path: readonly PathSegment[], options: { keyOf?: string } = {}): YamlPosition {
  let node: unknown = doc.contents;
  let best: unknown = node;
  let bestKey: unknown;
  for (const seg of path) {
    const next = child(node, seg);
    if (next === undefined) break;
    node = next.value ?? next.key;
    best = node;
    bestKey = next.key === next.value ? undefined : next.key;
    if (next.value === null) break;
  }
  if (options.keyOf !== undefined && isMap(best)) {
    const pair = best.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === options.keyOf);
    if (pair !== undefined && isNodeWithRange(pair.key)) return position(lineCounter, pair.key.range[0]);
  }
  // A block mapping or list value starts on the line after its key; the operator
  // looks for the key (`email:`, `bitcoin:`), so point there.
  if ((isMap(best) || isSeq(best)) && isNodeWithRange(bestKey)) return position(lineCounter, bestKey.range[0]);
  if (isNodeWithRange(best)) return position(lineCounter, best.range[0]);
  return { line: 1, column: 1 };
}

function child(node: unknown, seg: PathSegment): { key: unknown; value: unknown } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
    if (pair === undefined) return undefined;
    // A key with no value (`email:`) has a null value node; fall back to the key.
    return { key: pair.key, value: isNodeWithRange(pair.value) ? pair.value : null };
  }
  if (isSeq(node) && typeof seg === 'number') {
    const item = node.items[seg];
    return item === undefined ? undefined : { key: item, value: item };
  }
  return undefined;
}

function isNodeWithRange(n: unknown): n is Node & { range: [number, number, number] } {
  return typeof n === 'object' && n !== null && Array.isArray((n as { range?: unknown }).range);
}

export function position(lineCounter: LineCounter, offset: number): YamlPosition {
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

/** `chains.ethereum.rpcUrls[0]`, `entries[3].address`. */
export function formatFieldPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}
