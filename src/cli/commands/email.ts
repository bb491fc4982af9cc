import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { renderEmailPreview } from '../../app/render-email-preview.js';
import { checkSettings } from '../../config/load-settings.js';
import { resolveConfigDir } from '../config-dir.js';

/**
 * `chainwatch email preview FILE.json [--out FILE.eml]`: renders a movement
 * (the webhook `data` object, or a whole webhook body) to an .eml file as the
 * alerter would send it; stdout when --out is not given. The config directory
 * is read when valid (explorer links, sender, recipients), else defaults.
 * Exit 1 when the input is unreadable or not a webhook data object.
 */
export function registerEmailCommand(program: Command): void {
  const cmd = program.command('email').description('Email tools');
  cmd
    .command('preview')
    .description('render a movement (webhook data JSON) to an .eml message for review')
    .argument('<file>', 'JSON file: the webhook `data` object or a whole webhook body')
    .option('--out <file>', 'write the .eml here instead of stdout')
    .action(async (file: string, opts: { out?: string }, command: Command) => {
      let input: unknown;
      try {
        input = JSON.parse(await readFile(file, 'utf8'));
      } catch (err) {
        process.stderr.write(`chainwatch email preview: cannot read ${file} as JSON (${(err as Error).message})\n`);
        process.exitCode = 1;
        return;
      }
      const settings = (await checkSettings(resolveConfigDir(command), process.env).catch(() => undefined))?.settings;
      try {
        const eml = await renderEmailPreview(input, settings, new Date());
        if (opts.out === undefined) process.stdout.write(eml);
        else {
          await writeFile(opts.out, eml);
          process.stderr.write(`wrote ${opts.out}\n`);
        }
      } catch (err) {
        process.stderr.write(`chainwatch email preview: ${(err as Error).message}\n`);
        process.exitCode = 1;
      }
    });
}
