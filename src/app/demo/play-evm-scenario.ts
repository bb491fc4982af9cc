import { Contract, JsonRpcProvider, Wallet, parseEther, parseUnits, toBeHex, type Signer } from 'ethers';
import { deployContract, loadDevContractArtifact, type DevContractName } from '../../devchain/deploy-contract.js';

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
  /** burst: one of the quick splits; spam: an address-poisoning attempt (must never be emailed). */
  readonly tag?: 'burst' | 'spam';
}

/** Contracts deployed before chainwatch starts, so the demo config can price and list them. */
export interface DemoEvmContracts {
  /** A Chainlink-style ETH/USD aggregator (TestAggregator, same ABI). */
  readonly ethUsdFeed: string;
  /** The demo stablecoin dUSD, listed in `tokens` with a fixed $1 price. */
  readonly token: string;
}

export const DEMO_ETH_USD = 3000n;
export const DEMO_BURST_SPLITS = 30;

export async function deployDemoEvmContracts(rpcUrl: string): Promise<DemoEvmContracts> {
  const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true, polling: true, pollingInterval: 100 });
  try {
    const deployer = await provider.getSigner(0);
    const feed = await deploy(deployer, 'TestAggregator', [8, DEMO_ETH_USD * 10n ** 8n]);
    const token = await deploy(deployer, 'TestToken', ['Demo USD', 'dUSD', 6]);
    return { ethUsdFeed: await feed.getAddress(), token: await token.getAddress() };
  } finally {
    provider.destroy();
  }
}

/**
 * A short laundering scenario on the local chain: the flagged wallet is funded,
 * splits ETH to fresh wallets, then in a burst of dozens of splits in one
 * block, receives and moves a token and an NFT, approves a spender (activity
 * without value), is targeted by address poisoning (a forged Transfer and a
 * zero-value transferFrom) and sends to an exchange deposit address.
 */
export async function playEvmScenario(rpcUrl: string, contracts: DemoEvmContracts, onStep: (step: ScenarioStep) => void): Promise<readonly ScenarioStep[]> {
  const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true, polling: true, pollingInterval: 100 });
  const deployer = await provider.getSigner(0);
  const flagged = await provider.getSigner(DEMO_EVM_ACTORS.flagged);
  const steps: ScenarioStep[] = [];
  const record = async (description: string, tx: Promise<{ hash: string; wait(): Promise<unknown> }>, tag?: 'burst' | 'spam'): Promise<void> => {
    const sent = await tx;
    await sent.wait();
    const step = { description, txHash: sent.hash, ...(tag === undefined ? {} : { tag }) };
    steps.push(step);
    onStep(step);
  };

  await record('an unrelated transfer between two other wallets (must raise no alert)', deployer.sendTransaction({ to: Wallet.createRandom().address, value: parseEther('0.5') }));
  await record('stolen ETH lands in the flagged wallet', deployer.sendTransaction({ to: DEMO_EVM_ACTORS.flagged, value: parseEther('30') }));
  for (let i = 1; i <= 3; i++) {
    await record(`flagged wallet splits 5 ETH to fresh wallet #${i}`, flagged.sendTransaction({ to: Wallet.createRandom().address, value: parseEther('5') }));
  }
  // The laundering burst: dozens of quick splits in one block (one digest email, not one email each).
  await provider.send('evm_setAutomine', [false]);
  const burst: string[] = [];
  try {
    for (let i = 0; i < DEMO_BURST_SPLITS; i++) {
      burst.push((await provider.send('eth_sendTransaction', [{ from: DEMO_EVM_ACTORS.flagged, to: Wallet.createRandom().address, value: toBeHex(parseEther('0.25')), gas: '0x5208' }])) as string);
    }
    await provider.send('evm_mine', []);
  } finally {
    await provider.send('evm_setAutomine', [true]);
  }
  burst.forEach((txHash, i) => {
    const step = { description: `burst: flagged wallet splits 0.25 ETH to fresh wallet #${i + 1} of ${DEMO_BURST_SPLITS} (same block)`, txHash, tag: 'burst' as const };
    steps.push(step);
    onStep(step);
  });
  const token = new Contract(contracts.token, loadDevContractArtifact('TestToken').abi, provider);
  await record('1,000,000 dUSD minted to the flagged wallet', call(token, deployer, 'mint', [DEMO_EVM_ACTORS.flagged, parseUnits('1000000', 6)]));
  await record('flagged wallet moves 250,000 dUSD to a fresh wallet', call(token, flagged, 'transfer', [Wallet.createRandom().address, parseUnits('250000', 6)]));
  const nft = await deploy(deployer, 'TestNft', []);
  await record('an NFT is minted to the flagged wallet', call(nft, deployer, 'mint', [DEMO_EVM_ACTORS.flagged, 7n]));
  await record('flagged wallet moves the NFT out', call(nft, flagged, 'transferFrom', [DEMO_EVM_ACTORS.flagged, Wallet.createRandom().address, 7n]));
  await record('flagged wallet approves a spender (no value moves: activity)', call(token, flagged, 'approve', [Wallet.createRandom().address, parseUnits('1', 6)]));
  // Address poisoning: an attacker makes the flagged wallet appear to send to a look-alike of the exchange deposit address.
  const attacker = await provider.getSigner(9);
  const lookalike = `${DEMO_EVM_ACTORS.exchangeDeposit.slice(0, 6)}${'0'.repeat(32)}${DEMO_EVM_ACTORS.exchangeDeposit.slice(-4)}`.toLowerCase();
  const poison = await deploy(attacker, 'PoisonToken', []);
  await record('poisoning: a fake "USDT" contract emits Transfer(from = flagged wallet) to a look-alike address', call(poison, attacker, 'forge', [DEMO_EVM_ACTORS.flagged, lookalike, parseUnits('250000', 6)]), 'spam');
  await record('poisoning: a zero-value transferFrom of dUSD out of the flagged wallet, sent by the attacker', call(token, attacker, 'transferFrom', [DEMO_EVM_ACTORS.flagged, lookalike, 0n]), 'spam');
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
