/**
 * Zcash (t1/t3 two-byte base58, TEX) and Verge (D/E) addresses in watchlists through the real loader, and the
 * shipped chains behind ZCASH_ENABLED / VERGE_ENABLED with their OFAC entries watched.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { checkConfig, formatConfigProblem, loadConfig } from '../../../src/config/load-config.js';
import { normalizeUtxoAddress } from '../../../src/core/address/normalize-utxo-address.js';
import { buildBitcoinAddress } from '../../../src/core/btc/build-bitcoin-address.js';
import { utxoAsset, utxoNetwork } from '../../../src/core/btc/utxo-chain.js';
import { mapOfacAssetToChain } from '../../../src/core/import/map-ofac-asset-to-chain.js';
import { validateImportAddress } from '../../../src/core/import/validate-import-address.js';

// zcash-test-vectors zip_0320.json: transparent t1 address, its P2PKH hash, and the same hash as a TEX address.
const ZIP320 = (JSON.parse(readFileSync(fileURLToPath(new URL('../../fixtures/zcash/zip_0320.json', import.meta.url)), 'utf8')) as unknown[][])
  .slice(2)
  .map(([tAddr, hash, tex]) => ({ tAddr: tAddr as string, hash: hash as string, tex: tex as string }));
// Zebra's RPC snapshot of block 1: the founders' reward P2SH script and its t3 address.
const T3 = { address: 't3Vz22vK5z2LcKEdg16Yv4FFneEL1zg9ojd', script: 'a9147d46a730d31f97b1930d3368a967c309bd4d136a87' };
const OFAC_ZEC = 't1MMXtBrSp1XG38Lx9cePcNUCJj5vdWfUWL';
const OFAC_XVG = 'DFFJhnQNZf8rf67tYnesPu7MuGUpYtzv7Z';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const SETTINGS = `chains:
  zcash:
    kind: zcash
    network: mainnet
    rpcUrl: http://127.0.0.1:8232
  verge:
    kind: verge
    network: mainnet
    rpcUrl: http://127.0.0.1:20102
webhooks:
  - id: soc
    url: http://127.0.0.1:9000/hook
    secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
`;

function configDir(settings: string, watchlist: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainwatch-zec-xvg-config-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'watchlists'));
  writeFileSync(path.join(dir, 'chainwatch.yaml'), settings);
  writeFileSync(path.join(dir, 'watchlists', 'list.yaml'), watchlist);
  return dir;
}

const entry = (chain: string, address: string): string => `  - chain: ${chain}
    address: ${address}
    label: OFAC SDN-listed address
    incident: ofac-sdn
    source: https://sanctionssearch.ofac.treas.gov/
`;

describe('zcash addresses', () => {
  it.each(ZIP320)('$tAddr locks P2PKH $hash, and its TEX form $tex locks the same script', ({ tAddr, hash, tex }) => {
    const script = `76a914${hash}88ac`;
    expect(normalizeUtxoAddress(tAddr, 'zcash', 'mainnet')).toEqual({ display: tAddr, scriptType: 'p2pkh', matchKey: script });
    expect(normalizeUtxoAddress(tex, 'zcash', 'mainnet')).toEqual({ display: tex, scriptType: 'p2pkh', matchKey: script });
    expect(normalizeUtxoAddress(tex.toUpperCase(), 'zcash', 'mainnet').display).toBe(tex);
    expect(buildBitcoinAddress(script, utxoNetwork('zcash', 'mainnet'))).toBe(tAddr);
  });

  it('t3 (P2SH) addresses lock the script Zebra\'s node reports for them, both ways', () => {
    expect(normalizeUtxoAddress(T3.address, 'zcash', 'mainnet')).toEqual({ display: T3.address, scriptType: 'p2sh', matchKey: T3.script });
    expect(buildBitcoinAddress(T3.script, utxoNetwork('zcash', 'mainnet'))).toBe(T3.address);
  });

  it('refuses a one-character typo, testnet addresses on mainnet, shielded and unified addresses, other coins', () => {
    const typo = `${OFAC_ZEC.slice(0, 10)}${OFAC_ZEC[10] === 'a' ? 'b' : 'a'}${OFAC_ZEC.slice(11)}`;
    expect(() => normalizeUtxoAddress(typo, 'zcash', 'mainnet')).toThrow(/checksum/);
    // The same hash under the testnet version {0x1D,0x25} (tm…).
    const testnet = buildBitcoinAddress(`76a914${ZIP320[0]!.hash}88ac`, utxoNetwork('zcash', 'testnet'))!;
    expect(testnet).toMatch(/^tm/);
    expect(normalizeUtxoAddress(testnet, 'zcash', 'testnet').matchKey).toBe(`76a914${ZIP320[0]!.hash}88ac`);
    expect(() => normalizeUtxoAddress(testnet, 'zcash', 'mainnet')).toThrow(/wrong network: this is a zcash testnet\/regtest address/);
    expect(() => normalizeUtxoAddress('zs1z7rejlpsa98s2rrrfkwmaxu53e4ue0ulcrw0h4x5g8jl04tak0d3mm47vdtahatqrlkngh9slya', 'zcash', 'mainnet')).toThrow(/shielded/);
    expect(() => normalizeUtxoAddress('u1l8xunezsvhq8fgzfl7404m450nwnd76zshscn6nfys7vyz2ywyh4cc5daaq0c7q2su5lqfh23sp7fkf3kt27ve5948mzpfdvckzaect2jtte308mkwlycj2u0eac077wu70vqcetkxf', 'zcash', 'mainnet')).toThrow(/shielded or unified/);
    expect(() => normalizeUtxoAddress('1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH', 'zcash', 'mainnet')).toThrow(/2-byte version/);
    expect(() => normalizeUtxoAddress(OFAC_ZEC, 'dogecoin', 'mainnet')).toThrow(/zcash transparent address/);
  });

  it('ZEC counts in 10^-8, and OFAC\'s ZEC and XVG tickers map to the chains', () => {
    expect(utxoAsset('zcash')).toEqual({ contract: null, symbol: 'ZEC', decimals: 8 });
    expect(mapOfacAssetToChain('ZEC', OFAC_ZEC)).toBe('zcash');
    expect(mapOfacAssetToChain('XVG', OFAC_XVG)).toBe('verge');
    expect(validateImportAddress('zcash', OFAC_ZEC)).toEqual({ ok: true, address: OFAC_ZEC, key: OFAC_ZEC });
    expect(validateImportAddress('zcash', 'zs1z7rejlpsa98s2rrrfkwmaxu53e4ue0ulcrw0h4x5g8jl04tak0d3mm47vdtahatqrlkngh9slya').ok).toBe(false);
  });
});

describe('verge addresses', () => {
  it('D… (30) is P2PKH and E… (33) P2SH; XVG counts in 10^-6', () => {
    const norm = normalizeUtxoAddress(OFAC_XVG, 'verge', 'mainnet');
    expect(norm).toMatchObject({ display: OFAC_XVG, scriptType: 'p2pkh' });
    expect(buildBitcoinAddress(norm.matchKey, utxoNetwork('verge', 'mainnet'))).toBe(OFAC_XVG);
    const p2sh = buildBitcoinAddress('a9147d46a730d31f97b1930d3368a967c309bd4d136a87', utxoNetwork('verge', 'mainnet'))!;
    expect(p2sh).toMatch(/^E/);
    expect(normalizeUtxoAddress(p2sh, 'verge', 'mainnet')).toMatchObject({ scriptType: 'p2sh', matchKey: 'a9147d46a730d31f97b1930d3368a967c309bd4d136a87' });
    expect(utxoAsset('verge')).toEqual({ contract: null, symbol: 'XVG', decimals: 6 });
    expect(validateImportAddress('verge', OFAC_XVG)).toEqual({ ok: true, address: OFAC_XVG, key: OFAC_XVG });
  });

  it('refuses a typo and a Bitcoin address', () => {
    expect(() => normalizeUtxoAddress(`${OFAC_XVG.slice(0, -1)}Y`, 'verge', 'mainnet')).toThrow(/checksum/);
    expect(() => normalizeUtxoAddress('1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH', 'verge', 'mainnet')).toThrow(/another coin/);
  });
});

describe('zcash and verge config', () => {
  it('watches entries by script and reports a bad one at file:line', async () => {
    const ok = await loadConfig(configDir(SETTINGS, `entries:\n${entry('zcash', T3.address)}${entry('verge', OFAC_XVG)}`), {});
    expect(ok.index.lookup('zcash', T3.script)).toEqual([expect.objectContaining({ address: T3.address })]);
    expect(ok.index.lookup('verge', normalizeUtxoAddress(OFAC_XVG, 'verge', 'mainnet').matchKey)).toEqual([expect.objectContaining({ address: OFAC_XVG })]);
    const { problems } = await checkConfig(configDir(SETTINGS, `entries:\n${entry('zcash', OFAC_ZEC)}${entry('zcash', 'zs1z7rejlpsa98s2rrrfkwmaxu53e4ue0ulcrw0h4x5g8jl04tak0d3mm47vdtahatqrlkngh9slya')}`), {});
    const p = problems.find((x) => x.code === 'invalid_bitcoin_address');
    expect(p, problems.map(formatConfigProblem).join('\n')).toBeDefined();
    expect(formatConfigProblem(p!)).toMatch(/list\.yaml:8:\d+: entries\[1\]\.address: not a valid zcash address \(a shielded or unified address/);
  });

  it('a signet zcash chain is a config error naming the field', async () => {
    const { problems } = await checkConfig(configDir(SETTINGS.replace('network: mainnet', 'network: signet'), 'entries: []\n'), {});
    expect(problems.map(formatConfigProblem).join('\n')).toMatch(/zcash has no signet network/);
  });

  it('the shipped config polls zcash and verge when switched on and watches their OFAC entries', async () => {
    const off = await loadConfig('config', {});
    expect(off.settings.chains.get('zcash')).toMatchObject({ kind: 'zcash', enabled: false });
    expect(off.settings.chains.get('verge')).toMatchObject({ kind: 'verge', enabled: false });
    const on = await loadConfig('config', { ZCASH_ENABLED: 'true', ZCASH_RPC_URL: 'http://127.0.0.1:18232', VERGE_ENABLED: 'true', VERGE_RPC_URL: 'http://127.0.0.1:21102' });
    expect(on.settings.chains.get('zcash')).toMatchObject({ kind: 'zcash', enabled: true, rpcUrl: 'http://127.0.0.1:18232', seedOnStart: false });
    expect(on.settings.chains.get('verge')).toMatchObject({ kind: 'verge', enabled: true, rpcUrl: 'http://127.0.0.1:21102', seedOnStart: false });
    for (const [chain, count] of [['zcash', 3], ['verge', 1]] as const) {
      const ofac = on.entries.filter((e) => e.chain === chain);
      expect(ofac).toHaveLength(count);
      for (const e of ofac) {
        expect(e.enabled).toBe(true);
        expect(on.index.lookup(chain, normalizeUtxoAddress(e.address, chain, 'mainnet').matchKey)).toBeDefined();
      }
    }
  });
});
