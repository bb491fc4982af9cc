import { networks, type Network } from 'bitcoinjs-lib';

export type BitcoinNetworkName = 'mainnet' | 'testnet' | 'signet' | 'regtest';

/** bitcoinjs-lib network parameters (address prefixes) for a configured network name. */
export function bitcoinNetwork(name: BitcoinNetworkName): Network {
  switch (name) {
    case 'mainnet':
      return networks.bitcoin;
    case 'testnet':
    case 'signet':
      // Signet shares testnet's prefixes (tb1, m/n, 2).
      return networks.testnet;
    case 'regtest':
      return networks.regtest;
  }
}
