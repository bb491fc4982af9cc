import { InvalidArgumentError, Option, type Command } from 'commander';
import { createLogger } from '../../app/logger.js';
import { ALL_ROLES, runChainwatch, type Role } from '../../app/run-chainwatch.js';
import { closeOnSignal } from '../../app/run-until-signal.js';
import { resolveConfigDir } from '../config-dir.js';
import { reportConfigError } from '../report-config-error.js';

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('run pollers, alerter and the HTTP API in one process, or one role; every process serves /healthz, /readyz and /metrics')
    .addOption(new Option('--role <role>', 'run only one part; several processes can share one Redis').choices(['poller', 'alerter', 'api']))
    .addOption(new Option('--port <port>', 'port for /healthz, /readyz, /metrics (overrides env PORT and api.port; 0 = any free port)').argParser(parsePort))
    .action(async (opts: { role?: Role; port?: number }, command: Command) => {
      const logger = createLogger();
      const roles = opts.role ? [opts.role] : ALL_ROLES;
      try {
        const running = await runChainwatch({ configDir: resolveConfigDir(command), roles, logger, serveHttp: true, ...(opts.port !== undefined ? { apiPort: opts.port } : {}) });
        logger.info({ roles, chains: [...running.pollers.keys()] }, 'chainwatch started');
        closeOnSignal(() => running.close(), logger, { shutdownTimeoutMs: running.settings.shutdownTimeoutMs ?? 10_000 });
      } catch (err) {
        if (reportConfigError(err)) {
          process.exitCode = 1;
          return;
        }
        logger.fatal({ err }, 'chainwatch could not start');
        process.exitCode = 1;
      }
    });
}

function parsePort(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('must be a TCP port number (0-65535)');
  return Number(value);
}
