import { type Contract, JsonRpcProvider, Wallet, parseEther, parseUnits, type Signer } from 'ethers';
import { deployContract, type DevContractName } from '../../devchain/deploy-contract.js';

export interface EvmScenarioActors {
  /** The wallet the watchlist flags (a stand-in for a hack wallet). */
  readonly flagged: string;
  /** An exchange's deposit address the laundering ends at. */
  readonly exchangeDeposit: string;
}

/** hardhat's default accounts #1 and #7: deterministic, so the demo watchlist can name them. */
export const DEMO_EVM_ACTORS: EvmScenarioActors = {
  flagged: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  exchangeDeposit: '0x14dC79964da2C08b23698B3D3cc7Ca32193d9955',
};

export interface ScenarioStep {
  readonly description: string;
  readonly txHash: string;
}

/**
 * A short laundering scenario on the local chain: the flagged wallet is funded,
 * splits ETH to fresh wallets, receives and moves a token and an NFT, approves
 * a spender (activity without value) and sends to an exchange deposit address.
 */
export async function playEvmScenario(rpcUrl: string, onStep: (step: ScenarioStep) => void): Promise<readonly ScenarioStep[]> {
  const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true, polling: true, pollingInterval: 100 });
  const deployer = await provider.getSigner(0);
  const flagged = await provider.getSigner(DEMO_EVM_ACTORS.flagged);
  const steps: ScenarioStep[] = [];
  const record = async (description: string, tx: Promise<{ hash: string; wait(): Promise<unknown> }>): Promise<void> => {
    const sent = await tx;
    await sent.wait();
    const step = { description, txHash: sent.hash };
    steps.push(step);
    onStep(step);
  };

  await record('an unrelated transfer between two other wallets (must raise no alert)', deployer.sendTransaction({ to: Wallet.createRandom().address, value: parseEther('0.5') }));
  await record('stolen ETH lands in the flagged wallet', deployer.sendTransaction({ to: DEMO_EVM_ACTORS.flagged, value: parseEther('30') }));
  for (let i = 1; i <= 3; i++) {
    await record(`flagged wallet splits 5 ETH to fresh wallet #${i}`, flagged.sendTransaction({ to: Wallet.createRandom().address, value: parseEther('5') }));
  }
  const token = await deploy(deployer, 'TestToken', ['Demo USD', 'dUSD', 6]);
  await record('1,000,000 dUSD minted to the flagged wallet', call(token, deployer, 'mint', [DEMO_EVM_ACTORS.flagged, parseUnits('1000000', 6)]));
  await record('flagged wallet moves 250,000 dUSD to a fresh wallet', call(token, flagged, 'transfer', [Wallet.createRandom().address, parseUnits('250000', 6)]));
  const nft = await deploy(deployer, 'TestNft', []);
  await record('an NFT is minted to the flagged wallet', call(nft, deployer, 'mint', [DEMO_EVM_ACTORS.flagged, 7n]));
  await record('flagged wallet moves the NFT out', call(nft, flagged, 'transferFrom', [DEMO_EVM_ACTORS.flagged, Wallet.createRandom().address, 7n]));
  await record('flagged wallet approves a spender (no value moves: activity)', call(token, flagged, 'approve', [Wallet.createRandom().address, parseUnits('1', 6)]));
  await record('flagged wallet sends 10 ETH to an exchange deposit address', flagged.sendTransaction({ to: DEMO_EVM_ACTORS.exchangeDeposit, value: parseEther('10') }));
  provider.destroy();
  return steps;
}

async function deploy(signer: Signer, name: DevContractName, args: unknown[]): Promise<Contract> {
  return (await deployContract(signer, name, args)) as Contract;
}

function call(contract: Contract, signer: Signer, method: string, args: unknown[]): Promise<{ hash: string; wait(): Promise<unknown> }> {
  const connected = contract.connect(signer) as Contract;
  const fn = connected.getFunction(method);
  return fn(...args) as Promise<{ hash: string; wait(): Promise<unknown> }>;
}
