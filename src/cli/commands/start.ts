import type { Command } from 'commander';

export function registerStartCommand(program: Command): void {
  program.command('start').description('(not implemented yet)').action(() => {
    process.stderr.write('not implemented yet\n');
    process.exitCode = 2;
  });
}
