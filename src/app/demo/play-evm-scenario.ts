import { Contract, JsonRpcProvider, Wallet, parseEther, parseUnits, toBeHex, type Signer } from 'ethers';
import { deployContract, loadDevContractArtifact, type DevContractName } from '../../devchain/deploy-contract.js';

export interface EvmScenarioActors {
  /** The wallet the watchlist flags (a stand-in for a hack wallet). */
  readonly flagged: string;
  /** An exchange's deposit address the laundering ends at (labelled `exchange` in the demo's label book). */
  readonly exchangeDeposit: string;
  /** Hop 3 of the followed trail: a funded account, so it can forward in the block it receives in. */
  readonly hop3: string;
}

/** hardhat's default accounts #1 and #7: deterministic, so the demo watchlist can name them. */
export const DEMO_EVM_ACTORS: EvmScenarioActors = {
  flagged: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  exchangeDeposit: '0x14dC79964da2C08b23698B3D3cc7Ca32193d9955',
  hop3: '0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f',
};

export interface ScenarioStep {
  readonly description: string;
  readonly txHash: string;
  /** burst: one of the quick splits; spam: an address-poisoning attempt (must never be emailed); follow: a followed hop (issue #11). */
  readonly tag?: 'burst' | 'spam' | 'follow';
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
  const record = async (description: string, tx: Promise<{ hash: string; wait(): Promise<unknown> }>, tag?: ScenarioStep['tag']): Promise<void> => {
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

  // Follow the money (issue #11): the thief moves on through fresh wallets nobody has listed yet.
  const hop1 = Wallet.createRandom().connect(provider);
  const hop2a = Wallet.createRandom().connect(provider);
  const hop2b = Wallet.createRandom().connect(provider);
  // Fresh wallets sign with explicit nonces: ethers caches the pending count between quick sends.
  await record(`follow: flagged wallet sends 8 ETH to a fresh wallet ${short(hop1.address)} (hop 1, now watched)`, flagged.sendTransaction({ to: hop1.address, value: parseEther('8') }), 'follow');
  await record(`follow: ${short(hop1.address)} splits 3 ETH to ${short(hop2a.address)} (hop 2)`, hop1.sendTransaction({ to: hop2a.address, value: parseEther('3'), gasLimit: 21_000n, nonce: 0 }), 'follow');
  await record(`follow: ${short(hop1.address)} splits 3 ETH to ${short(hop2b.address)} (hop 2)`, hop1.sendTransaction({ to: hop2b.address, value: parseEther('3'), gasLimit: 21_000n, nonce: 1 }), 'follow');
  // A hop inside one block: hop 3 receives and forwards to the exchange in the same block. (Hardhat only queues a
  // transaction its sender can already pay for, so hop 3 is a funded wallet the thief prepared.)
  const hop3 = await provider.getSigner(DEMO_EVM_ACTORS.hop3);
  const fee = await provider.getFeeData();
  await provider.send('evm_setAutomine', [false]);
  let sameBlock: { hash: string }[];
  try {
    sameBlock = [
      await hop2a.sendTransaction({ to: DEMO_EVM_ACTORS.hop3, value: parseEther('2.9'), gasLimit: 21_000n, nonce: 0, maxFeePerGas: fee.maxFeePerGas! * 2n, maxPriorityFeePerGas: fee.maxPriorityFeePerGas! * 2n }),
      await hop3.sendTransaction({ to: DEMO_EVM_ACTORS.exchangeDeposit, value: parseEther('2.85'), gasLimit: 21_000n, maxFeePerGas: fee.maxFeePerGas!, maxPriorityFeePerGas: fee.maxPriorityFeePerGas! }),
    ];
    await provider.send('evm_mine', []);
  } finally {
    await provider.send('evm_setAutomine', [true]);
  }
  for (const [i, tx] of sameBlock.entries()) {
    const step = { description: i === 0 ? `follow: ${short(hop2a.address)} sends 2.9 ETH to ${short(DEMO_EVM_ACTORS.hop3)} (hop 3)...` : `follow: ...which deposits 2.85 ETH at the exchange in the same block`, txHash: tx.hash, tag: 'follow' as const };
    steps.push(step);
    onStep(step);
  }
  provider.destroy();
  return steps;
}

function short(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

async function deploy(signer: Signer, name: DevContractName, args: unknown[]): Promise<Contract> {
  return (await deployContract(signer, name, args)) as Contract;
}

function call(contract: Contract, signer: Signer, method: string, args: unknown[]): Promise<{ hash: string; wait(): Promise<unknown> }> {
  const connected = contract.connect(signer) as Contract;
  const fn = connected.getFunction(method);
  return fn(...args) as Promise<{ hash: string; wait(): Promise<unknown> }>;
}
