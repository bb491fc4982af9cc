import type { Command } from 'commander';

export function registerWatchlistCommand(program: Command): void {
  program.command('watchlist').description('(not implemented yet)').action(() => {
    process.stderr.write('not implemented yet\n');
    process.exitCode = 2;
  });
}
