import path from 'node:path';
import type { Command } from 'commander';
import { checkSettings } from '../../config/load-settings.js';
import type { InvalidImportRow } from '../../core/import/import-candidate.js';
import { importAddressCsvFile } from '../../importers/import-address-csv-file.js';
import { importOfacFile, type ImportedFile } from '../../importers/import-ofac-file.js';
import { importTokenListFile } from '../../importers/import-token-list-file.js';
import { importTagPackFile } from '../../importers/import-tagpack-file.js';
import { LABELS_DIR } from '../../config/load-labels.js';
import { WELL_KNOWN_CHAINS } from '../../config/well-known-chains.js';
import type { ChainAddressFormat } from '../../core/labels/label-match-key.js';
import { EIP155_CHAIN_IDS } from '../../core/import/parse-uniswap-token-list.js';
import { resolveConfigDir } from '../config-dir.js';

/**
 * `chainwatch import ofac <file>` and `chainwatch import csv <file> ...`:
 * update watchlist files from an OFAC SDN publication or an investigator's CSV.
 * Exit codes: 0 imported (invalid rows are listed but do not fail the run),
 * 1 the input could not be read or parsed, 2 bad options.
 */
export function registerImportCommand(program: Command): void {
  const cmd = program.command('import').description('Import addresses into watchlist files (OFAC SDN list, CSV lists), tokens, and address labels (GraphSense TagPacks)');
  registerTagPackCommand(cmd);

  cmd
    .command('ofac')
    .description('Update config/watchlists/ofac-sdn-<chain>.yaml from SDN.XML, sdn_advanced.xml or SDN.CSV (format detected from content)')
    .argument('<file>', 'OFAC SDN file')
    .option('--out <dir>', 'directory of the ofac-sdn-<chain>.yaml files (default <config>/watchlists)')
    .option('--date <YYYY-MM-DD>', 'date stamped on delisted entries (default today, UTC)')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, opts: { out?: string; date?: string; json?: boolean }, command: Command) => {
      const configDir = resolveConfigDir(command);
      const today = resolveDate(opts.date);
      if (today === undefined) return usage('--date must be YYYY-MM-DD');
      const monitoredChains = await monitoredChainIds(configDir);
      try {
        const report = await importOfacFile({ inputFile: file, outDir: opts.out ?? path.join(configDir, 'watchlists'), today, monitoredChains });
        if (opts.json === true) return printJson({ format: report.format, records: report.records, files: report.files.map(fileJson), invalid: report.invalid });
        process.stdout.write(`OFAC import from ${path.basename(file)} (${report.format}): ${report.records} address records\n`);
        printFiles(report.files);
        printTotals(report.files, report.invalid);
      } catch (err) {
        fail(`cannot import ${path.basename(file)}: ${(err as Error).message}`);
      }
    });

  cmd
    .command('csv')
    .description("Add an investigator's address list (columns: address, label?, tags?) to a watchlist file")
    .argument('<file>', 'CSV file; a header row is detected')
    .requiredOption('--chain <id>', 'chain id the addresses belong to (e.g. ethereum, bitcoin)')
    .requiredOption('--incident <slug>', 'incident slug, e.g. bybit-2025')
    .requiredOption('--source <url>', 'URL of the public attribution')
    .option('--label <text>', 'label for rows without one')
    .option('--tags <a,b>', 'tags added to every row, comma-separated')
    .option('--out <file>', 'watchlist file to create or extend (default <config>/watchlists/<incident>-<chain>.yaml)')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, opts: { chain: string; incident: string; source: string; label?: string; tags?: string; out?: string; json?: boolean }, command: Command) => {
      if (!/^[a-z0-9][a-z0-9_-]*$/.test(opts.chain)) return usage('--chain must be a chain id like ethereum or bitcoin');
      if (!/^[a-z0-9][a-z0-9-]*$/.test(opts.incident)) return usage('--incident must be a lowercase slug like ronin-2022');
      if (!isHttpUrl(opts.source)) return usage('--source must be the http(s) URL of the public attribution');
      const configDir = resolveConfigDir(command);
      const monitoredChains = await monitoredChainIds(configDir);
      const tags = (opts.tags ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');
      const outFile = opts.out ?? path.join(configDir, 'watchlists', `${opts.incident}-${opts.chain}.yaml`);
      try {
        const report = await importAddressCsvFile({
          inputFile: file,
          outFile,
          chain: opts.chain,
          incident: opts.incident,
          source: opts.source,
          defaultLabel: opts.label,
          tags,
          today: new Date().toISOString().slice(0, 10),
          monitoredChains,
        });
        if (opts.json === true) return printJson({ rows: report.rows, files: [fileJson(report.file)], invalid: report.invalid });
        process.stdout.write(`CSV import from ${path.basename(file)}: ${report.rows} rows\n`);
        printFiles([report.file]);
        printTotals([report.file], report.invalid);
      } catch (err) {
        fail(`cannot import ${path.basename(file)}: ${(err as Error).message}`);
      }
    });

  cmd
    .command('tokenlist')
    .description('Add the tokens of one chain from a Uniswap token-list JSON file to tokens.<chain> in chainwatch.yaml (issue #8: listed tokens are known and valued)')
    .argument('<file>', 'token list JSON ({name, tokens: [{chainId, address, symbol, decimals, name}]})')
    .option('--chain <id>', 'chainwatch chain id the tokens go under', 'ethereum')
    .option('--chain-id <n>', 'EIP-155 chain id of the tokens to take (default: from --chain, e.g. ethereum = 1)')
    .action(async (file: string, opts: { chain: string; chainId?: string }, command: Command) => {
      const eip155 = opts.chainId === undefined ? EIP155_CHAIN_IDS[opts.chain] : /^\d+$/.test(opts.chainId) ? Number(opts.chainId) : undefined;
      if (eip155 === undefined) return usage(`--chain-id is needed for chain "${opts.chain}" (a number, e.g. 1 for Ethereum mainnet)`);
      try {
        const r = await importTokenListFile({ inputFile: file, configDir: resolveConfigDir(command), chain: opts.chain, eip155ChainId: eip155 });
        process.stdout.write(`token list ${r.listName ?? path.basename(file)}: ${r.added} token(s) added to tokens.${opts.chain}, ${r.alreadyListed} already listed, ${r.invalid.length} skipped\n`);
        for (const i of r.invalid) process.stdout.write(`  skipped tokens[${i.index}]: ${i.reason}\n`);
      } catch (err) {
        fail(`cannot import ${path.basename(file)}: ${(err as Error).message}`);
      }
    });
}

/** `chainwatch import tagpack`: GraphSense TagPack -> labels/<name>.yaml (issue #11, docs/labels.md). */
function registerTagPackCommand(cmd: Command): void {
  cmd
    .command('tagpack')
    .description('Write the service tags (exchanges, mixers, bridges, DEXes...) of a GraphSense TagPack to labels/tagpack-<name>.yaml')
    .argument('<file>', 'GraphSense TagPack YAML')
    .option('--out <file>', 'label file to write (default <config>/labels/tagpack-<file name>.yaml); rewritten on every import')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, opts: { out?: string; json?: boolean }, command: Command) => {
      const configDir = resolveConfigDir(command);
      const settings = await checkSettings(configDir);
      const slug = path.basename(file).replace(/\.ya?ml$/i, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
      const outFile = opts.out ?? path.join(configDir, LABELS_DIR, `tagpack-${slug === '' ? 'import' : slug}.yaml`);
      // Configured chains first (a regtest bitcoin checks regtest addresses), else the well-known ids.
      const chainFormat = (chain: string): ChainAddressFormat | undefined => settings.chainIds.get(chain) ?? WELL_KNOWN_CHAINS.get(chain);
      try {
        const r = await importTagPackFile({ inputFile: file, outFile, chainFormat });
        const unknown = [...r.unknownCategories].map(([category, tags]) => ({ category, tags }));
        if (opts.json === true) return printJson({ title: r.title, file: r.outFile, written: r.written, tags: r.tags, labels: r.labels, duplicates: r.duplicates, skipped: r.skipped, unknownCategories: unknown });
        process.stdout.write(`TagPack "${r.title}": ${r.tags} tag(s), ${r.labels} label(s) written to ${r.outFile}${r.written ? '' : ' (no change)'}, ${r.duplicates} duplicate(s), ${r.skipped.length} skipped\n`);
        for (const u of unknown) process.stdout.write(`  unknown category ${u.category}: ${u.tags} tag(s) not imported (see docs/labels.md for the mapping)\n`);
        // Unknown categories are summed up above; every other reason is listed per tag.
        for (const s of r.skipped.filter((x) => x.unknownCategory === undefined)) process.stdout.write(`  skipped tags[${s.index}] ${s.address === '' ? '(no address)' : s.address}: ${s.reason}\n`);
      } catch (err) {
        fail(`cannot import ${path.basename(file)}: ${(err as Error).message}`);
      }
    });
}

/** Chain ids written in chainwatch.yaml; new files for other chains are created disabled. */
async function monitoredChainIds(configDir: string): Promise<ReadonlySet<string>> {
  const check = await checkSettings(configDir);
  if (check.chainIds.size === 0) process.stderr.write(`warning: no chains found in ${path.join(configDir, 'chainwatch.yaml')}; new watchlist files are written disabled\n`);
  return new Set(check.chainIds.keys());
}

function printFiles(files: readonly ImportedFile[]): void {
  for (const f of files) {
    const s = f.summary;
    const state = f.created ? ' (new file' + (f.enabled ? ')' : ', disabled: chain not configured)') : f.written ? '' : ' (no change)';
    const relisted = s.relisted.length > 0 ? `, ${s.relisted.length} relisted` : '';
    process.stdout.write(`  ${f.file}: ${s.added.length} added, ${s.unchanged} unchanged, ${s.removed.length} removed${relisted}${state}\n`);
    for (const r of s.removed) process.stdout.write(`    removed ${r.chain} ${r.address} ${r.label}\n`);
    for (const r of s.relisted) process.stdout.write(`    relisted ${r.chain} ${r.address} ${r.label}\n`);
  }
}

function printTotals(files: readonly ImportedFile[], invalid: readonly InvalidImportRow[]): void {
  const sum = (pick: (f: ImportedFile) => number): number => files.reduce((n, f) => n + pick(f), 0);
  process.stdout.write(
    `added ${sum((f) => f.summary.added.length + f.summary.relisted.length)}, unchanged ${sum((f) => f.summary.unchanged)}, removed ${sum((f) => f.summary.removed.length)}, invalid ${invalid.length}\n`,
  );
  for (const i of invalid) process.stdout.write(`  invalid ${i.where}: ${i.address === '' ? '(empty)' : i.address}: ${i.reason}\n`);
}

function fileJson(f: ImportedFile): unknown {
  return {
    file: f.file,
    chain: f.chain,
    created: f.created,
    written: f.written,
    enabled: f.enabled,
    added: f.summary.added.map((c) => ({ chain: c.chain, address: c.address, label: c.label })),
    relisted: f.summary.relisted.map((c) => ({ chain: c.chain, address: c.address, label: c.label })),
    unchanged: f.summary.unchanged,
    removed: f.summary.removed,
  };
}

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function resolveDate(date: string | undefined): string | undefined {
  if (date === undefined) return new Date().toISOString().slice(0, 10);
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && !Number.isNaN(Date.parse(date)) ? date : undefined;
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

function usage(message: string): void {
  process.stderr.write(`error: ${message}\n`);
  process.exitCode = 2;
}

function fail(message: string): void {
  process.stderr.write(`error: ${message}\n`);
  process.exitCode = 1;
}
