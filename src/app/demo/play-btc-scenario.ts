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
export async function playBtcScenario(chain: RegtestChain, hackWallet: RegtestWallet, onStep: (step: ScenarioStep) => void, waitForMempoolAlert: (txid: string) => Promise<void>): Promise<void> {
  const incoming = chain.send(chain.faucet, [{ to: hackWallet, amount: 2n * BTC }]);
  onStep({ description: 'bitcoin: 2 BTC sent to the flagged wallet (in the mempool)', txHash: incoming });
  await waitForMempoolAlert(incoming);
  chain.mine(1);
  onStep({ description: 'bitcoin: the payment is mined', txHash: incoming });
  const peel = chain.send(hackWallet, [
    { to: chain.newWallet('p2tr', 'fresh taproot'), amount: 4n * BTC },
    { to: chain.newWallet('p2sh-multisig', 'fresh multisig'), amount: 50_000_000n },
  ], { changeTo: chain.newWallet('p2wpkh', 'fresh change') });
  onStep({ description: 'bitcoin: flagged wallet spends its old and new coins to a taproot and a multisig address', txHash: peel });
  await waitForMempoolAlert(peel);
  chain.mine(1);
  onStep({ description: 'bitcoin: the spend is mined', txHash: peel });
}
