import { mkdtemp, mkdir, rm, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { address as btcAddress, networks } from 'bitcoinjs-lib';
import { afterEach, describe, expect, it } from 'vitest';
import { checkConfig, ConfigError, formatConfigProblem, loadConfig, loadSettings, loadWatchlists } from '../../../src/config/load-config.js';

const VALID = 'test/fixtures/config/valid/basic';
const RONIN = '0x098B716B8Aaf21512996dC57EB0615e2383E2f96';

const temps: string[] = [];
afterEach(async () => {
  await Promise.all(temps.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function tempConfig(settings: string, watchlists: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cw-config-'));
  temps.push(dir);
  await writeFile(path.join(dir, 'chainwatch.yaml'), settings);
  await mkdir(path.join(dir, 'watchlists'));
  for (const [name, text] of Object.entries(watchlists)) await writeFile(path.join(dir, 'watchlists', name), text);
  return dir;
}

describe('loadConfig on the valid fixture', () => {
  it('loads every entry, watches only enabled and not removed ones', async () => {
    const c = await loadConfig(VALID, {});
    expect(c.warnings).toEqual([]);
    expect(c.entries).toHaveLength(11);
    expect(c.index.size).toBe(7);
    expect(c.index.keysFor('ethereum').size).toBe(2);
    expect(c.index.keysFor('bitcoin').size).toBe(5);
    expect(c.index.keysFor('arbitrum').size).toBe(0);
    expect(c.files).toEqual([`${VALID}/watchlists/bitcoin.yaml`, `${VALID}/watchlists/ethereum.yaml`, `${VALID}/watchlists/other-chains.yaml`]);
  });

  it('normalises addresses: EIP-55 display, lowercase match keys, scriptPubKey for bitcoin', async () => {
    const c = await loadConfig(VALID, {});
    const refs = c.index.lookup('ethereum', RONIN.toLowerCase());
    expect(refs?.map((r) => [r.address, r.label, r.incident])).toEqual([[RONIN, 'Ronin Bridge exploiter', 'ronin-2022']]);
    // Written lowercase and unquoted (YAML would read it as a hex number): displayed EIP-55.
    const bybit = c.index.lookup('ethereum', '0x1db92e2eebc8e0c075a02bea49a2935bcd2dfcf4');
    expect(bybit?.[0]?.address).toBe('0x1Db92e2EeBC8E0c075a02BeA49a2935BcD2dFCF4');
    expect(bybit?.[0]?.tags).toEqual(['dprk', 'victim']);
    expect(JSON.parse(JSON.stringify(bybit?.[0])).address).toBe('0x1Db92e2EeBC8E0c075a02BeA49a2935BcD2dFCF4');
    // bech32 written in upper case, looked up by its P2WPKH script.
    const script = Buffer.from(btcAddress.toOutputScript('bc1qtalh4l8qc0p2qw70axxjhwu9z7rm93td5sgsl3', networks.bitcoin)).toString('hex');
    const stake = c.index.lookup('bitcoin', script);
    expect(stake?.[0]?.address).toBe('bc1qtalh4l8qc0p2qw70axxjhwu9z7rm93td5sgsl3');
    const removed = c.entries.find((e) => e.label === 'Bybit Signer 1');
    expect(removed).toMatchObject({ removed: '2025-03-01', file: `${VALID}/watchlists/ethereum.yaml`, line: 17 });
    const tron = c.entries.find((e) => e.chain === 'tron');
    expect(tron).toMatchObject({ enabled: false, address: 'TJ7hhYhVhaxNx6BPyq7yFpqZrQULL3JSdb' });
  });

  it('interpolates ${VAR:-default} from the environment and re-types whole plain placeholders', async () => {
    const c = await loadConfig(VALID, {});
    expect(c.settings.chains.get('ethereum')).toMatchObject({ kind: 'evm', rpcUrls: ['http://127.0.0.1:8545', 'http://127.0.0.1:8546'], confirmations: 3, startBlock: 19000000, pollIntervalMs: 1000 });
    expect(c.settings.api.port).toBe(8181);
    expect(c.settings.email?.smtpUrl).toBe('smtp://127.0.0.1:2525');
    const env = { CW_TEST_ETH_RPC: 'https://eth.example.org/v3/key123', CW_TEST_PORT: '9191', CW_TEST_WEBHOOK_SECRET: 'whsec_c2VjcmV0c2VjcmV0c2VjcmV0' };
    const d = await loadConfig(VALID, env);
    expect(d.settings.chains.get('ethereum')).toMatchObject({ rpcUrls: ['https://eth.example.org/v3/key123', 'http://127.0.0.1:8546'] });
    expect(d.settings.api.port).toBe(9191);
    expect(d.settings.webhooks[0]?.secret).toBe('whsec_c2VjcmV0c2VjcmV0c2VjcmV0');
    expect(d.fingerprint).not.toBe(c.fingerprint);
  });

  it('lets REDIS_URL and PORT override redis.url and api.port', async () => {
    const s = await loadSettings(VALID, { REDIS_URL: 'redis://10.0.0.5:6380', PORT: '7000' });
    expect(s.redis).toEqual({ url: 'redis://10.0.0.5:6380', prefix: 'cwtest' });
    expect(s.api.port).toBe(7000);
    const err = await loadSettings(VALID, { REDIS_URL: 'http://nope' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems[0]).toMatchObject({ code: 'invalid_value', field: 'redis.url' });
  });

  it('never puts a secret in a problem message', async () => {
    const env = { CW_TEST_WEBHOOK_SECRET: 'topsecret-not-whsec', CW_TEST_SMTP_URL: 'http://user:hunter2@mail.example.org' };
    const err = (await loadConfig(VALID, env).catch((e: unknown) => e)) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.problems.map((p) => p.code).sort()).toEqual(['invalid_value', 'invalid_webhook_secret']);
    const text = `${err.message}\n${err.problems.map(formatConfigProblem).join('\n')}`;
    expect(text).not.toContain('topsecret');
    expect(text).not.toContain('hunter2');
    expect(text).toContain(`${VALID}/chainwatch.yaml:21:13: webhooks[0].secret: must be whsec_ followed by a base64 key`);
  });

  it('reports problems of chainwatch.yaml and watchlists together', async () => {
    const dir = await tempConfig('chains:\n  ethereum:\n    kind: evm\n    rpcUrls: ["${NOPE_CW}"]\n', {
      'a.yaml': `entries:\n  - chain: ethereum\n    address: "0x098b716B8Aaf21512996dC57EB0615e2383E2f96"\n    label: x\n    incident: ronin-2022\n    source: https://example.org\n`,
    });
    const { problems } = await checkConfig(dir, {});
    expect(problems.map((p) => `${p.code}@${path.basename(p.file)}:${p.line}`).sort()).toEqual(['bad_checksum@a.yaml:3', 'env_var_unset@chainwatch.yaml:4', 'no_notification_channel@chainwatch.yaml:1']);
    const err = (await loadConfig(dir, {}).catch((e: unknown) => e)) as ConfigError;
    expect(err.message).toContain('bad EIP-55 checksum, expected 0x098B716B8Aaf21512996dC57EB0615e2383E2f96');
  });

  it('loadWatchlists re-checks watchlists against given settings', async () => {
    const settings = await loadSettings(VALID, {});
    const w = await loadWatchlists(VALID, settings);
    expect(w.entries).toHaveLength(11);
    expect(w.index.size).toBe(7);
  });

  it('warns, without failing, when there are no watchlist files', async () => {
    const dir = await tempConfig('chains:\n  ethereum:\n    kind: evm\n    rpcUrls: ["http://127.0.0.1:8545"]\nwebhooks:\n  - id: a\n    url: http://127.0.0.1:1/x\n    secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n', {});
    const c = await loadConfig(dir, {});
    expect(c.index.size).toBe(0);
    expect(c.warnings.map((w) => w.code)).toEqual(['file_missing']);
  });

  it('loads the sample config/chainwatch.yaml of a fresh clone with no environment set', async () => {
    const dir = await tempConfig('', {});
    await cp('config/chainwatch.yaml', path.join(dir, 'chainwatch.yaml'));
    const s = await loadSettings(dir, {});
    expect(s.chains.get('ethereum')).toMatchObject({ kind: 'evm', rpcUrls: ['https://ethereum-rpc.publicnode.com'], confirmations: 3, explorerUrl: 'https://etherscan.io' });
    expect(s.chains.get('bitcoin')).toMatchObject({ kind: 'bitcoin', network: 'mainnet', esploraUrl: 'https://mempool.space/api', confirmations: 2, explorerUrl: 'https://mempool.space' });
    expect(s.email?.smtpUrl).toBe('smtp://127.0.0.1:2525');
  });
});
