import type { Movement } from '../../../src/core/movement.js';
import { buildMovementId } from '../../../src/core/movement.js';

/** Hand-built movements shared by the alert unit tests (EVM native out, ERC-20 in, Bitcoin out, internal, NFT). */
/**
 * Ronin Bridge exploiter (OFAC SDN; DPRK/Lazarus per source), from
 * /work/shared/data/derived/dprk_incident_addresses.csv; see test/fixtures/SOURCES.md.
 */
export const RONIN = {
  address: '0x098B716B8Aaf21512996dC57EB0615e2383E2f96',
  label: 'Ronin Bridge exploiter',
  incident: 'ronin-2022',
  source: 'https://github.com/tayvano/lazarus-bluenoroff-research/blob/11a2f6db0e9c6a9a6e812f05ce966366db6c3f8e/hacks-and-thefts/ronin_bridge.md',
  tags: ['lazarus', 'dprk'],
};

const TX = '0x' + 'ab'.repeat(32);
const BLOCK_HASH = '0x' + 'cd'.repeat(32);

export function evmNativeOut(overrides: Partial<Movement> = {}): Movement {
  return {
    id: buildMovementId('ethereum', TX, 'native', RONIN.address),
    chain: 'ethereum',
    direction: 'out',
    kind: 'native',
    txHash: TX,
    blockNumber: 19_000_000,
    blockHash: BLOCK_HASH,
    logIndex: null,
    from: RONIN.address,
    to: '0x8589427373D6D84E98730D7795D8f6f8731FDA16',
    asset: { contract: null, symbol: 'ETH', decimals: 18 },
    amount: 1_500_000_000_000_000_000n,
    tokenId: null,
    watchedAddress: RONIN.address.toLowerCase(),
    watchlist: [RONIN],
    confirmations: 3,
    ...overrides,
  };
}

export function erc20In(overrides: Partial<Movement> = {}): Movement {
  const tx = '0x' + '12'.repeat(32);
  return {
    id: buildMovementId('ethereum', tx, 'txlog0', RONIN.address),
    chain: 'ethereum',
    direction: 'in',
    kind: 'erc20',
    txHash: tx,
    blockNumber: 19_000_001,
    blockHash: '0x' + '34'.repeat(32),
    logIndex: 7,
    from: '0x28C6c06298d514Db089934071355E5743bf21d60',
    to: RONIN.address,
    asset: { contract: '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48', symbol: 'USDC', decimals: 6 },
    amount: 250_000_000n,
    tokenId: null,
    watchedAddress: RONIN.address.toLowerCase(),
    watchlist: [RONIN],
    confirmations: 1,
    ...overrides,
  };
}

/**
 * A real attributed Bitcoin address (Stake.com theft, 2023; DPRK/Lazarus per source), copied from
 * /work/shared/data/derived/dprk_incident_addresses.csv; see test/fixtures/SOURCES.md.
 */
export const STAKE = {
  address: 'bc1qfesn3jj65fhmf00hh45ueql8je8jae6ep3qk84',
  label: 'Stake.com theft / laundering address',
  incident: 'stake-2023',
  source: 'https://github.com/tayvano/lazarus-bluenoroff-research/blob/24f52cbeec6446691028dcba0695977254ea27c5/hacks-and-thefts/stake.md',
  tags: ['lazarus', 'dprk'],
};

export function btcOut(overrides: Partial<Movement> = {}): Movement {
  const tx = 'ef'.repeat(32);
  return {
    id: buildMovementId('bitcoin', tx, 'vin0', STAKE.address),
    chain: 'bitcoin',
    direction: 'out',
    kind: 'btc',
    txHash: tx,
    blockNumber: 840_000,
    blockHash: '00000000000000000000' + '9a'.repeat(22),
    logIndex: null,
    vout: [],
    vin: [0, 2],
    from: [STAKE.address],
    to: ['bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh', '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy'],
    asset: { contract: null, symbol: 'BTC', decimals: 8 },
    amount: 50_000_000n,
    tokenId: null,
    fee: 12_345n,
    outputs: [
      { vout: 0, address: 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh', amount: 30_000_000n },
      { vout: 1, address: '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', amount: 19_987_655n },
    ],
    watchedAddress: STAKE.address,
    watchlist: [STAKE],
    confirmations: 2,
    ...overrides,
  };
}
