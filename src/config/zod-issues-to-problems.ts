import type { ZodIssue } from 'zod';
import type { ConfigProblem, ConfigProblemCode } from './config-error.js';
import { formatFieldPath, type YamlPosition } from './locate-yaml-node.js';

export type PathSegment = string | number;
export type Locate = (path: readonly PathSegment[], options?: { keyOf?: string }) => YamlPosition;

/**
 * Turns zod issues into problems at the YAML line of the offending node. One
 * unknown-keys issue becomes one problem per key, each at that key's line.
 */
export function zodIssuesToProblems(issues: readonly ZodIssue[], base: readonly PathSegment[], file: string, locate: Locate): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const pos = locate(path, { keyOf: key });
        problems.push({ severity: 'error', file, line: pos.line, column: pos.column, field: formatFieldPath([...path, key]), code: 'unknown_key', message: `unknown key "${key}"` });
      }
      continue;
    }
    const pos = locate(path);
    const field = formatFieldPath(path);
    problems.push({ severity: 'error', file, line: pos.line, column: pos.column, field, code: codeFor(issue, field), message: messageFor(issue, field) });
  }
  return problems;
}

function codeFor(issue: ZodIssue, field: string): ConfigProblemCode {
  // Every entry must cite its public attribution: missing or malformed, it is one problem.
  if (/^entries\[\d+\]\.source$/.test(field)) return 'invalid_source';
  if (issue.code === 'invalid_type') return issue.received === 'undefined' ? 'missing_key' : 'invalid_type';
  if (/\.incident$/.test(field)) return 'invalid_incident';
  if (/^webhooks\[\d+\]\.secret$/.test(field)) return 'invalid_webhook_secret';
  // A refinement that names its own code (see http-url-schema.ts) is reported under that code.
  if (issue.code === 'custom' && isProblemCode((issue.params as { code?: unknown } | undefined)?.code)) return (issue.params as { code: ConfigProblemCode }).code;
  if (issue.code === 'custom' && /^chains\.[^.]+\.rpcUrl$/.test(field)) return 'bitcoin_backend_missing';
  return 'invalid_value';
}

function messageFor(issue: ZodIssue, field: string): string {
  if (issue.code === 'invalid_type' && issue.received === 'undefined' && /^entries\[\d+\]\.source$/.test(field)) {
    return 'source is required: the URL of the public attribution (advisory, report, press release)';
  }
  switch (issue.code) {
    case 'invalid_type':
      if (issue.received === 'undefined') return 'required key is missing';
      return `expected ${issue.expected}, got ${issue.received === 'null' ? 'an empty value' : issue.received}`;
    case 'invalid_union_discriminator':
      return `must be one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')}`;
    case 'invalid_enum_value':
      return `must be one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')}`;
    case 'invalid_union':
      return unionMessage(issue.unionErrors.flatMap((e) => e.issues));
    case 'invalid_string':
      // Values are not echoed: the field may hold a secret or a credentialed URL.
      if (issue.validation === 'url') return issue.message === 'Invalid url' ? 'must be a valid URL' : issue.message;
      if (issue.validation === 'email') return issue.message === 'Invalid email' ? 'must be an email address' : issue.message;
      return issue.message;
    default:
      return issue.message;
  }
}

function unionMessage(issues: readonly ZodIssue[]): string {
  const literals = issues.filter((i) => i.code === 'invalid_literal').map((i) => JSON.stringify(i.expected));
  const types = issues.filter((i) => i.code === 'invalid_type').map((i) => i.expected);
  const parts = [...literals, ...types.filter((t) => t !== 'string' || literals.length === 0)];
  if (parts.length > 0) return `must be ${[...new Set(parts)].join(' or ')}`;
  return issues[0]?.message ?? 'invalid value';
}

const REFINEMENT_CODES: ReadonlySet<string> = new Set<ConfigProblemCode>(['invalid_value']);

function isProblemCode(code: unknown): code is ConfigProblemCode {
  return typeof code === 'string' && REFINEMENT_CODES.has(code);
}
