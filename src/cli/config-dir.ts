import type { Command } from 'commander';

/** --config DIR, else env CHAINWATCH_CONFIG, else ./config. */
export function resolveConfigDir(command: Command): string {
  const fromFlag = command.optsWithGlobals<{ config?: string }>().config;
  return fromFlag ?? process.env['CHAINWATCH_CONFIG'] ?? 'config';
}
