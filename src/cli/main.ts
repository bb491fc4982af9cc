import { Command } from 'commander';
import { registerValidateCommand } from './commands/validate.js';
import { registerStartCommand } from './commands/start.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerWatchlistCommand } from './commands/watchlist.js';
import { registerImportCommand } from './commands/import.js';
import { registerBtcSeedCommand } from './commands/btc-seed.js';
import { registerEmailCommand } from './commands/email.js';
import { registerTenantsCommand } from './commands/tenants.js';
import { registerFollowCommand } from './commands/follow.js';

// `chainwatch watchlist ls | head` closes the pipe early: that is the reader being done, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

/**
 * `chainwatch <command>`. Each command lives in its own file under commands/
 * and only parses options, then calls into app/ wiring.
 */
const program = new Command()
  .name('chainwatch')
  .description('Watch blockchain addresses tied to exchange hacks and alert when their funds move')
  .option('--config <dir>', 'config directory (env CHAINWATCH_CONFIG, default ./config)')
  .showHelpAfterError();

registerValidateCommand(program);
registerStartCommand(program);
registerDemoCommand(program);
registerWatchlistCommand(program);
registerImportCommand(program);
registerBtcSeedCommand(program);
registerEmailCommand(program);
registerTenantsCommand(program);
registerFollowCommand(program);

await program.parseAsync(process.argv);
