import { isPair, isScalar, isSeq, visit, type Document, type LineCounter } from 'yaml';
import type { ConfigProblem } from './config-error.js';
import { formatFieldPath, position } from './locate-yaml-node.js';

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const WHOLE_PLACEHOLDER = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in string values (not keys), in place,
 * so secrets can live in the environment. An unset variable without a default is
 * a problem at its line; the message names the variable, never a value. A plain
 * (unquoted) scalar that is exactly one placeholder is re-typed, so
 * `port: ${PORT:-8080}` is a number and `mempool: ${MEMPOOL:-false}` a boolean.
 */
export function interpolateEnv(doc: Document, lineCounter: LineCounter, env: NodeJS.ProcessEnv, file: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  visit(doc, {
    Scalar(key, node, ancestors) {
      if (key === 'key' || typeof node.value !== 'string' || !node.value.includes('${')) return;
      const original = node.value;
      const replaced = original.replace(PLACEHOLDER, (_m, name: string, fallback: string | undefined) => {
        const value = env[name];
        if (value !== undefined && value !== '') return value;
        if (fallback !== undefined) return fallback;
        const pos = node.range === undefined || node.range === null ? { line: 1, column: 1 } : position(lineCounter, node.range[0]);
        problems.push({ severity: 'error', file, line: pos.line, column: pos.column, field: fieldOf(ancestors, key), code: 'env_var_unset', message: `environment variable ${name} is not set and has no default (write \${${name}:-default} to give one)` });
        return '';
      });
      node.value = node.type === 'PLAIN' && WHOLE_PLACEHOLDER.test(original) ? retype(replaced) : replaced;
    },
  });
  return problems;
}

function retype(value: string): string | number | boolean {
  if (/^-?\d+$/.test(value)) return Number(value);
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}

function fieldOf(ancestors: readonly unknown[], key: unknown): string {
  const path: (string | number)[] = [];
  for (let i = 0; i < ancestors.length; i++) {
    const a = ancestors[i];
    if (isPair(a) && isScalar(a.key)) path.push(String(a.key.value));
    else if (isSeq(a)) {
      const next = ancestors[i + 1];
      const idx = next === undefined ? (typeof key === 'number' ? key : -1) : a.items.indexOf(next);
      if (idx >= 0) path.push(idx);
    }
  }
  return formatFieldPath(path);
}
