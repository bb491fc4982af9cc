import { Option, type Command } from 'commander';
import { createLogger } from '../../app/logger.js';
import { ALL_ROLES, runChainwatch, type Role } from '../../app/run-chainwatch.js';
import { closeOnSignal } from '../../app/run-until-signal.js';
import { resolveConfigDir } from '../config-dir.js';
import { reportConfigError } from '../report-config-error.js';

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('run pollers, alerter and the HTTP API (/healthz, /metrics) in one process, or one role')
    .addOption(new Option('--role <role>', 'run only one part; several processes can share one Redis').choices(['poller', 'alerter', 'api']))
    .action(async (opts: { role?: Role }, command: Command) => {
      const logger = createLogger();
      const roles = opts.role ? [opts.role] : ALL_ROLES;
      try {
        const running = await runChainwatch({ configDir: resolveConfigDir(command), roles, logger });
        logger.info({ roles, chains: [...running.pollers.keys()] }, 'chainwatch started');
        closeOnSignal(() => running.close(), logger, { shutdownTimeoutMs: running.settings.shutdownTimeoutMs });
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
