import type { Command } from 'commander';

export function registerImportCommand(program: Command): void {
  program.command('import').description('(not implemented yet)').action(() => {
    process.stderr.write('not implemented yet\n');
    process.exitCode = 2;
  });
}
