import { ConfigError, formatConfigProblem } from '../config/load-config.js';

/** Prints a config error's every problem as file:line:col: field: message. Returns true if it was one. */
export function reportConfigError(err: unknown): boolean {
  if (!(err instanceof ConfigError)) return false;
  for (const problem of err.problems) process.stderr.write(`${problem.severity}: ${formatConfigProblem(problem)}\n`);
  process.stderr.write(`chainwatch: the configuration has ${err.problems.filter((p) => p.severity === 'error').length} error(s); nothing was started\n`);
  return true;
}
