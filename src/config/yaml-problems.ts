import path from 'node:path';
import type { Document } from 'yaml';
import type { ConfigProblem } from './config-error.js';

/** The parser's own errors (bad indentation, duplicate keys, tabs...) at the parser's line. */
export function yamlSyntaxProblems(doc: Document, file: string): ConfigProblem[] {
  return doc.errors.map((err) => {
    const pos = err.linePos?.[0];
    const first = err.message.split('\n')[0] ?? err.message;
    const message = first.replace(/ at line \d+, column \d+:?$/, '');
    return { severity: 'error', file, line: pos?.line ?? 1, ...(pos === undefined ? {} : { column: pos.col }), field: '', code: 'yaml_syntax', message: `YAML syntax: ${message}` };
  });
}

/** Path as shown in problems: relative to the working directory when inside it, else as given. */
export function displayFile(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
