import type { Command } from 'commander';

export function registerValidateCommand(program: Command): void {
  program.command('validate').description('(not implemented yet)').action(() => {
    process.stderr.write('not implemented yet\n');
    process.exitCode = 2;
  });
}
