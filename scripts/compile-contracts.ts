/**
 * Compiles src/devchain/contracts/*.sol with the solc npm package (offline,
 * no downloads) into src/devchain/artifacts/<Name>.json ({ abi, bytecode }).
 * The artifacts are committed, so tests and the demo never compile.
 * Run: npx tsx scripts/compile-contracts.ts
 */
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const solc = require('solc') as { compile(input: string): string; version(): string };

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const contractsDir = join(root, 'src/devchain/contracts');
const artifactsDir = join(root, 'src/devchain/artifacts');

const sources: Record<string, { content: string }> = {};
for (const file of readdirSync(contractsDir).filter((f) => f.endsWith('.sol')).sort()) {
  sources[file] = { content: readFileSync(join(contractsDir, file), 'utf8') };
}

const input = {
  language: 'Solidity',
  sources,
  settings: {
    // Paris: hardhat's default hardfork accepts it and it avoids PUSH0 surprises on older chains.
    evmVersion: 'paris',
    optimizer: { enabled: true, runs: 200 },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
  },
};

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
}
const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
for (const e of output.errors ?? []) console.error(e.formattedMessage);
if (errors.length > 0) process.exit(1);

mkdirSync(artifactsDir, { recursive: true });
for (const [file, contracts] of Object.entries(output.contracts)) {
  for (const [name, c] of Object.entries(contracts)) {
    const artifact = { contractName: name, sourceName: file, compiler: solc.version(), abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
    writeFileSync(join(artifactsDir, `${name}.json`), `${JSON.stringify(artifact, null, 2)}\n`);
    console.log(`wrote src/devchain/artifacts/${name}.json`);
  }
}
