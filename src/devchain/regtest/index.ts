export { createRegtestChain, type RegtestChain, type RegtestWallet, type RegtestWalletType, type RegtestUtxo, type RegtestPayment } from './create-regtest-chain.js';
export { startRegtestServer, type RegtestServer, type RegtestFault, type RegtestServerOptions } from './start-regtest-server.js';
