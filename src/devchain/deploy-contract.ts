import { readFileSync } from 'node:fs';
import { ContractFactory, type BaseContract, type ContractRunner, type InterfaceAbi } from 'ethers';

/** The test/demo contracts compiled into src/devchain/artifacts by scripts/compile-contracts.ts. */
export type DevContractName = 'TestToken' | 'TestNft' | 'TestMultiToken' | 'Splitter' | 'HostileToken' | 'HybridToken' | 'TestAggregator' | 'PoisonToken';

export interface DevContractArtifact {
  readonly abi: InterfaceAbi;
  readonly bytecode: string;
}

/** Reads a committed artifact (no compiling at test or demo time). */
export function loadDevContractArtifact(name: DevContractName): DevContractArtifact {
  const url = new URL(`./artifacts/${name}.json`, import.meta.url);
  const parsed = JSON.parse(readFileSync(url, 'utf8')) as { abi: InterfaceAbi; bytecode: string };
  return { abi: parsed.abi, bytecode: parsed.bytecode };
}

/**
 * Deploys one of the dev contracts with ethers' ContractFactory and waits until
 * it is mined. The returned contract is untyped: call methods with
 * `contract.getFunction('mint')(...)`.
 */
export async function deployContract(signer: ContractRunner, name: DevContractName, args: readonly unknown[] = []): Promise<BaseContract> {
  const { abi, bytecode } = loadDevContractArtifact(name);
  const factory = new ContractFactory(abi, bytecode, signer);
  const contract = await factory.deploy(...args);
  await contract.waitForDeployment();
  return contract;
}
