/** Harmony: one1… bech32 addresses in watchlists (converted to the 0x account), the shipped chain behind HARMONY_ENABLED. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bech32 } from 'bech32';
import { afterEach, describe, expect, it } from 'vitest';
import { validateApiAddress } from '../../../src/api/validate-api-address.js';
import { checkConfig, formatConfigProblem, loadConfig } from '../../../src/config/load-config.js';
import { AddressError } from '../../../src/core/address/address-error.js';
import { encodeHarmonyAddress, normalizeHarmonyAddress } from '../../../src/core/address/normalize-harmony-address.js';
import { validateImportAddress } from '../../../src/core/import/validate-import-address.js';

// A published pair (a Harmony tooling test suite's HarmonyAddress.convert_one_to_hex vector): one1… ↔ 0x….
const ONE = 'one1a0x3d6xpmr6f8wsyaxd9v36pytvp48zckswvv9';
const HEX = '0xebcd16e8c1d8f493ba04e99a56474122d81a9c58';
// pyhmy's util test pair (0xA524… is the checksummed form it converts to and from).
const ONE_PYHMY = 'one155jp2y76nazx8uw5sa94fr0m4s5aj8e5xm6fu3';
const HEX_PYHMY = '0xA5241513DA9F4463F1d4874b548dFBAC29D91f34';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const SETTINGS = `chains:
  harmony:
    kind: evm
    rpcUrls: ["http://127.0.0.1:9500"]
    nativeSymbol: ONE
webhooks:
  - id: soc
    url: http://127.0.0.1:9000/hook
    secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
`;

function configDir(watchlist: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainwatch-harmony-config-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'watchlists'));
  writeFileSync(path.join(dir, 'chainwatch.yaml'), SETTINGS);
  writeFileSync(path.join(dir, 'watchlists', 'harmony.yaml'), watchlist);
  return dir;
}

const entry = (address: string): string => `  - chain: harmony
    address: ${address}
    label: CoinEx theft
    incident: coinex-2023
    source: https://example.org/advisory
`;

describe('harmony addresses', () => {
  it.each([
    [ONE, HEX],
    [ONE_PYHMY, HEX_PYHMY.toLowerCase()],
  ])('converts %s to the 0x account it names', (one, hex) => {
    const norm = normalizeHarmonyAddress(one);
    expect(norm.matchKey).toBe(hex);
    expect(norm.checksummed.toLowerCase()).toBe(hex);
    expect(encodeHarmonyAddress(hex)).toBe(one);
  });

  it('gives pyhmy’s EIP-55 form for its pair, and accepts the upper-case bech32 spelling', () => {
    expect(normalizeHarmonyAddress(ONE_PYHMY).checksummed).toBe(HEX_PYHMY);
    expect(normalizeHarmonyAddress(ONE.toUpperCase()).matchKey).toBe(HEX);
  });

  it.each([
    ['a mistyped character', `${ONE.slice(0, -1)}8`, /checksum/],
    ['mixed case', `${ONE.slice(0, 10)}${ONE.slice(10).toUpperCase()}`, /mix upper and lower case/],
    ['a valid bech32 string of 32 bytes', bech32.encode('one', bech32.toWords(new Uint8Array(32).fill(7))), /decodes to 32 bytes, expected 20/],
  ])('rejects %s', (_what, address, message) => {
    expect(() => normalizeHarmonyAddress(address)).toThrow(AddressError);
    expect(() => normalizeHarmonyAddress(address)).toThrow(message);
  });

  it('the importer keeps the one1 spelling and keys it by the account bytes', () => {
    expect(validateImportAddress('harmony', ONE)).toEqual({ ok: true, address: ONE, key: HEX });
    expect(validateImportAddress('harmony', HEX)).toMatchObject({ ok: true, key: HEX });
    expect(validateImportAddress('harmony', `${ONE.slice(0, -1)}8`)).toMatchObject({ ok: false });
  });
});

describe('harmony addresses in the API', () => {
  const chains = new Map([['harmony', { kind: 'evm' as const }], ['ethereum', { kind: 'evm' as const }]]);
  it('accepts one1… on chain harmony (as the 0x account) and nowhere else', () => {
    expect(validateApiAddress(chains, 'harmony', ONE, 'address')).toEqual({ display: normalizeHarmonyAddress(HEX).checksummed, matchKey: HEX });
    expect(() => validateApiAddress(chains, 'ethereum', ONE, 'address')).toThrow(/not an EVM address/);
    expect(() => validateApiAddress(chains, 'harmony', `${ONE.slice(0, -1)}8`, 'address')).toThrow(/address: not a Harmony address/);
  });
});

describe('harmony config', () => {
  it('a one1 watchlist entry and a 0x entry of the same account are one account (duplicate), matched by the 0x key', async () => {
    const ok = await loadConfig(configDir(`entries:\n${entry(ONE)}`), {});
    expect(ok.index.lookup('harmony', HEX)).toEqual([expect.objectContaining({ chain: 'harmony', address: normalizeHarmonyAddress(HEX).checksummed })]);

    const { problems } = await checkConfig(configDir(`entries:\n${entry(ONE)}${entry(`"${HEX}"`)}`), {});
    expect(problems.map((p) => p.code)).toContain('duplicate_address');
  });

  it('reports a bad one1 address at file:line', async () => {
    const { problems } = await checkConfig(configDir(`entries:\n${entry(ONE)}${entry(`${ONE.slice(0, -1)}8`)}`), {});
    const p = problems.find((x) => x.code === 'invalid_evm_address');
    expect(p, problems.map(formatConfigProblem).join('\n')).toBeDefined();
    expect(formatConfigProblem(p!)).toMatch(/harmony\.yaml:8:\d+: entries\[1\]\.address: not a Harmony address: bad bech32/);
  });

  it('the shipped config polls harmony when HARMONY_ENABLED=true and watches the shipped one1 entry', async () => {
    const off = await loadConfig('config', {});
    expect(off.settings.chains.get('harmony')).toMatchObject({ kind: 'evm', enabled: false });
    const on = await loadConfig('config', { HARMONY_ENABLED: 'true', HARMONY_RPC_URL: 'http://127.0.0.1:9500' });
    expect(on.settings.chains.get('harmony')).toMatchObject({ kind: 'evm', enabled: true, rpcUrls: ['http://127.0.0.1:9500'], nativeSymbol: 'ONE', explorerUrl: 'https://explorer.harmony.one' });
    const coinex = on.index.lookup('harmony', normalizeHarmonyAddress('one1gcx262juw97v73m29en5z2ny0h86s20tfal4l8').matchKey);
    expect(coinex).toEqual([expect.objectContaining({ incident: 'coinex-2023', enabled: true })]);
  });
});
