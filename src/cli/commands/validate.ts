import { isLedgerKind } from '../../core/ledger/ledger-kinds.js';
import type { Command } from 'commander';
import { checkConfig, formatConfigProblem, type ConfigProblem } from '../../config/load-config.js';
import { resolveConfigDir } from '../config-dir.js';

/**
 * `chainwatch validate`: checks chainwatch.yaml and every watchlist, prints each
 * problem as `file:line:col: field: message` (warnings marked, compiler style),
 * then a summary. Exit 1 when there is any error, so CI can gate edits.
 */
export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check chainwatch.yaml, watchlists/*.yaml and labels/*.yaml; print every problem as file:line; exit 1 on errors')
    .action(async (_opts: unknown, command: Command) => {
      const dir = resolveConfigDir(command);
      const check = await checkConfig(dir, process.env);
      for (const p of check.problems) process.stderr.write(`${formatProblemLine(p)}\n`);
      const errors = check.problems.filter((p) => p.severity === 'error').length;
      const warnings = check.problems.length - errors;

      const perChain = new Map<string, { watched: number; total: number }>();
      for (const e of check.entries) {
        const c = perChain.get(e.chain) ?? { watched: 0, total: 0 };
        c.total += 1;
        if (e.enabled && e.removed === undefined) c.watched += 1;
        perChain.set(e.chain, c);
      }
      const out: string[] = [];
      const chains = check.config === undefined ? [] : [...check.config.settings.chains.values()];
      if (chains.length > 0) out.push(`chains: ${chains.map((c) => `${c.id} (${c.kind === 'evm' || c.kind === 'tron' ? c.kind : isLedgerKind(c.kind) ? `${c.kind}${c.network === 'mainnet' ? '' : ` ${c.network}`}` : `${c.kind} ${c.network}`})`).join(', ')}`);
      out.push(`files: ${check.files.length} watchlist file(s) in ${dir}`);
      for (const [chain, c] of [...perChain].sort(([a], [b]) => a.localeCompare(b))) {
        out.push(`  ${chain}: ${c.watched} watched${c.total > c.watched ? `, ${c.total - c.watched} disabled or removed` : ''}`);
      }
      // Labels (issue #11): optional, so only mentioned when there are files.
      if (check.labelFiles.length > 0) out.push(`labels: ${check.labelCount} address label(s) in ${check.labelFiles.length} file(s) (labels/*.yaml)`);
      out.push(errors > 0 ? `invalid: ${errors} error(s), ${warnings} warning(s)` : `ok: ${warnings} warning(s)`);
      process.stdout.write(`${out.join('\n')}\n`);
      process.exitCode = errors > 0 ? 1 : 0;
    });
}

function formatProblemLine(p: ConfigProblem): string {
  if (p.severity === 'error') return formatConfigProblem(p);
  const line = formatConfigProblem(p);
  // file:line[:col]: warning: field: message
  const m = /^(.*?:\d+(?::\d+)?): /.exec(line);
  return m === null ? `warning: ${line}` : `${m[1]}: warning: ${line.slice(m[0].length)}`;
}
