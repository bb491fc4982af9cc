import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisOutpointStore } from '../../src/adapters/redis/outpoint-store.js';
import { createRegtestChain, startRegtestServer, type RegtestChain, type RegtestServer } from '../../src/devchain/regtest/index.js';
import { TEST_REDIS_URL, deleteRedisPrefix, uniqueRedisPrefix } from '../helpers/redis.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function runCli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { cwd: root, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

describe.each(['rpcUrl', 'esploraUrl'] as const)('chainwatch btc-seed over %s', (backendKey) => {
  let chain: RegtestChain;
  let server: RegtestServer;
  let prefix: string;
  let dir: string;
  let redis: Redis;

  beforeEach(async () => {
    chain = createRegtestChain({ initialBlocks: 2 });
    server = await startRegtestServer(chain);
    prefix = uniqueRedisPrefix('btcseed');
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    dir = mkdtempSync(join(tmpdir(), 'chainwatch-btc-seed-'));
  });

  afterEach(async () => {
    await server.close();
    redis.disconnect();
    await deleteRedisPrefix(prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  function writeConfig(addresses: readonly string[]): void {
    const url = backendKey === 'rpcUrl' ? server.rpcUrl : server.esploraUrl;
    writeFileSync(
      join(dir, 'chainwatch.yaml'),
      [
        'chains:',
        '  btcreg:',
        '    kind: bitcoin',
        '    network: regtest',
        `    ${backendKey}: "${url}"`,
        'email:',
        '  smtpUrl: smtp://127.0.0.1:2525',
        '  from: chainwatch@example.org',
        '  to: [security@example.org]',
        'redis:',
        `  url: ${TEST_REDIS_URL}`,
        `  prefix: ${prefix}`,
        '',
      ].join('\n'),
    );
    mkdirSync(join(dir, 'watchlists'));
    writeFileSync(
      join(dir, 'watchlists', 'regtest-hack.yaml'),
      ['entries:', ...addresses.flatMap((a, i) => [`  - chain: btcreg`, `    address: ${a}`, `    label: hack wallet ${i}`, '    incident: regtest-hack-2024', '    source: https://example.org/attribution'])].join('\n') + '\n',
    );
  }

  it('loads the unspent outputs of watched addresses into Redis and says how many', async () => {
    const wpkh = chain.newWallet('p2wpkh', 'old-1');
    const tr = chain.newWallet('p2tr', 'old-2');
    const fund = chain.send(chain.faucet, [
      { to: wpkh, amount: 100_000n },
      { to: tr, amount: 200_000n },
      { to: wpkh, amount: 300_000n },
    ]);
    chain.mine();
    writeConfig([wpkh.address, tr.address]);
    const result = await runCli(['--config', dir, 'btc-seed', '--chain', 'btcreg']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('btcreg: 3 unspent output(s) of 2 watched address(es) loaded\n');
    expect(result.code).toBe(0);
    const stored = await createRedisOutpointStore(redis, prefix).fetchMany('btcreg', [`${fund}:0`, `${fund}:1`, `${fund}:2`, `${fund}:3`]);
    expect([...stored.values()].map((o) => [o.vout, o.value, o.address]).sort()).toEqual([
      [0, 100_000n, wpkh.address],
      [1, 200_000n, tr.address],
      [2, 300_000n, wpkh.address],
    ]);
    expect(result.stdout + result.stderr).not.toContain(server.rpcPassword);
  });

  it('exits 2 naming an unknown chain, and 1 naming the chain when the backend is down', async () => {
    writeConfig([chain.newWallet('p2wpkh').address]);
    const unknown = await runCli(['--config', dir, 'btc-seed', '--chain', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no bitcoin chain "nope"');
    await server.goAway();
    const down = await runCli(['--config', dir, 'btc-seed']);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^btcreg: seeding failed: .* did not answer/m);
    expect(down.stderr + down.stdout).not.toContain(server.rpcPassword);
  });
  it.runIf(backendKey === 'esploraUrl')('loads the other addresses and exits 1 naming an address Esplora refuses (too many unspent outputs)', async () => {
    const spammed = chain.newWallet('p2wpkh', 'spammed');
    const fine = chain.newWallet('p2tr', 'fine');
    chain.send(chain.faucet, [{ to: spammed, amount: 100_000n }, { to: fine, amount: 200_000n }]);
    chain.mine();
    server.refuseUtxoListing(spammed.address);
    writeConfig([spammed.address, fine.address]);
    const result = await runCli(['--config', dir, 'btc-seed']);
    expect(result.stdout).toContain('btcreg: 1 unspent output(s) of 2 watched address(es) loaded\n');
    expect(result.stderr).toContain(`btcreg: ${spammed.address} not seeded (BTC_TOO_MANY_UTXOS)`);
    expect(result.code).toBe(1);
  });
});
