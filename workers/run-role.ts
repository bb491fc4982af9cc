import { createLogger } from '../src/app/logger.js';
import { runChainwatch, type Role } from '../src/app/run-chainwatch.js';
import { closeOnSignal } from '../src/app/run-until-signal.js';
import { reportConfigError } from '../src/cli/report-config-error.js';

/** Shared by the worker entry points: parse env, build, start, handle signals. */
export async function runRole(role: Role): Promise<void> {
  const logger = createLogger({ name: `chainwatch-${role}` });
  try {
    const running = await runChainwatch({ configDir: process.env['CHAINWATCH_CONFIG'] ?? 'config', roles: [role], logger, serveHttp: true });
    closeOnSignal(() => running.close(), logger, { shutdownTimeoutMs: running.settings.shutdownTimeoutMs ?? 10_000 });
  } catch (err) {
    if (!reportConfigError(err)) logger.fatal({ err }, `chainwatch ${role} could not start`);
    process.exitCode = 1;
  }
}
