import type { RegtestChain, RegtestWallet } from '../../devchain/regtest/index.js';
import type { ScenarioStep } from './play-evm-scenario.js';

const BTC = 100_000_000n;

/**
 * Before watching starts: the hack wallet already holds coins (caught later
 * only because chainwatch seeds watched addresses' unspent outputs).
 */
export function prepareBtcHackWallet(chain: RegtestChain): RegtestWallet {
  const hackWallet = chain.newWallet('p2wpkh', 'demo hack wallet');
  chain.send(chain.faucet, [{ to: hackWallet, amount: 3n * BTC }]);
  // Buried below the tip, so chainwatch (starting at the latest block) knows this coin only by seeding.
  chain.mine(3);
  return hackWallet;
}

/**
 * The Bitcoin leg of the laundering: more stolen coins arrive (seen in the
 * mempool first, then confirmed), then the wallet peels everything out to a
 * taproot and a 2-of-3 multisig address.
 */
export interface BtcFollowHooks {
  /** A labelled exchange's address the peel chain ends at. */
  readonly exchange: RegtestWallet;
  /** Resolves once chainwatch follows this address (a derived entry), so its spend is matched from the mempool on. */
  readonly waitForFollowed: (address: string) => Promise<void>;
}

export async function playBtcScenario(chain: RegtestChain, hackWallet: RegtestWallet, onStep: (step: ScenarioStep) => void, waitForMempoolAlert: (txid: string) => Promise<void>, follow?: BtcFollowHooks): Promise<void> {
  const incoming = chain.send(chain.faucet, [{ to: hackWallet, amount: 2n * BTC }]);
  onStep({ description: 'bitcoin: 2 BTC sent to the flagged wallet (in the mempool)', txHash: incoming });
  await waitForMempoolAlert(incoming);
  chain.mine(1);
  onStep({ description: 'bitcoin: the payment is mined', txHash: incoming });
  const taproot = chain.newWallet('p2tr', 'fresh taproot');
  const peel = chain.send(hackWallet, [
    { to: taproot, amount: 4n * BTC },
    { to: chain.newWallet('p2sh-multisig', 'fresh multisig'), amount: 50_000_000n },
  ], { changeTo: chain.newWallet('p2wpkh', 'fresh change') });
  onStep({ description: 'bitcoin: flagged wallet spends its old and new coins to a taproot and a multisig address', txHash: peel });
  await waitForMempoolAlert(peel);
  chain.mine(1);
  onStep({ description: 'bitcoin: the spend is mined', txHash: peel });
  if (follow === undefined) return;

  // Follow the money (issue #11): a peel chain out of the taproot wallet (one input, two outputs: a small
  // amount peeled off, the rest moving on to a fresh address), followed without spending hops, ending at an exchange.
  let current = taproot;
  await follow.waitForFollowed(current.address);
  for (let step = 1; step <= 3; step++) {
    const next = chain.newWallet('p2wpkh', `peel chain step ${step}`);
    const txid = chain.send(current, [{ to: chain.newWallet('p2wpkh', `peeled off ${step}`), amount: 30_000_000n }], { fee: 2_000n, changeTo: next });
    onStep({ description: `bitcoin follow: peel step ${step}: 0.3 BTC peeled off, the rest moves on to ${next.address.slice(0, 10)}…`, txHash: txid, tag: 'follow' });
    await waitForMempoolAlert(txid);
    chain.mine(1);
    await follow.waitForFollowed(next.address);
    current = next;
  }
  const held = chain.unspent(current.scriptHex).reduce((s, u) => s + u.value, 0n);
  const deposit = chain.send(current, [{ to: follow.exchange, amount: held - 2_000n - 1_000_000n }], { fee: 2_000n, changeTo: follow.exchange });
  onStep({ description: 'bitcoin follow: the end of the peel chain deposits the rest at a labelled exchange', txHash: deposit, tag: 'follow' });
  await waitForMempoolAlert(deposit);
  chain.mine(1);
}
