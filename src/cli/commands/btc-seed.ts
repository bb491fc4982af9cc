import type { Command } from 'commander';

export function registerBtcSeedCommand(program: Command): void {
  program.command('btc-seed').description('(not implemented yet)').action(() => {
    process.stderr.write('not implemented yet\n');
    process.exitCode = 2;
  });
}
