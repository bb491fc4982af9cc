import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KadenaReplayBlock } from '../../src/devchain/ledger/kadena/start-kadena-replay-server.js';

const DIR = join(import.meta.dirname, '../fixtures/ledger/kadena');

/** The recorded mainnet01 chain 4 payload with outputs (NOTES.md). */
export function kadenaRecordedPayload(): { transactions: [string, string][]; payloadHash: string } {
  return JSON.parse(readFileSync(join(DIR, 'payload-with-outputs-chain4.json'), 'utf8')) as { transactions: [string, string][]; payloadHash: string };
}

export const KADENA_RECORDED_REQUEST_KEY = 'Aqm54eEcf2D-TbPGqX-DHaaduAtUzytEjW8Kh2zmiQI';
export const KADENA_RECORDED_SENDER = 'k:8f91974d0543d8c132bc4796a64d83eaf808a6c3fcd2ef2d66acaa593e8b44e6';
export const KADENA_RECORDED_MINER = 'k:251efb06f3b798dbe7bb3f58f535b67b0a9ed2da9aa4e2367be4abc07cc927fa';

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/**
 * An assembled transfer in the shape of the recorded one (NOTES.md): a signed cmd with meta.sender and
 * gasPrice, an output with the gas TRANSFER to the miner and the coin events given (raw JSON text so
 * decimals stay as Pact writes them).
 */
export function kadenaAssembledTx(options: { readonly sender: string; readonly status: 'success' | 'failure'; readonly eventsJson: string; readonly gas?: number; readonly tag: string }): [string, string] {
  const hash = createHash('sha256').update(options.tag).digest('base64url');
  const gas = options.gas ?? 500;
  const cmd = JSON.stringify({ payload: { exec: { code: '(coin.transfer ...)', data: {} } }, signers: [], meta: { gasLimit: 2500, gasPrice: 1e-8, sender: options.sender, ttl: 28800, creationTime: 1721316647, chainId: '4' }, networkId: 'mainnet01', nonce: options.tag });
  const gasEvent = `{"params":["${options.sender}","${KADENA_RECORDED_MINER}",${(gas / 1e8).toString()}],"name":"TRANSFER","module":{"namespace":null,"name":"coin"},"moduleHash":"klFkrLfpyLW-M3xjVPSdqXEMgxPPJibRt_D6qiBws6s"}`;
  const events = options.status === 'success' ? `[${[options.eventsJson, gasEvent].filter((e) => e !== '').join(',')}]` : `[${gasEvent}]`;
  const output = `{"gas":${gas},"result":{"status":"${options.status}",${options.status === 'success' ? '"data":"Write succeeded"' : '"error":{"message":"Insufficient funds"}'}},"reqKey":"${hash}","logs":"x","events":${events},"metaData":null,"continuation":null,"txId":1}`;
  return [b64({ hash, sigs: [], cmd }), b64(output)];
}

export function kadenaBlockHash(chainId: number, height: number): string {
  return createHash('sha256').update(`kda-${chainId}-${height}`).digest('base64url');
}

export function kadenaReplayBlock(chainId: number, height: number, transactions: readonly (readonly [string, string])[]): KadenaReplayBlock {
  const recorded = kadenaRecordedPayload();
  return { header: { hash: kadenaBlockHash(chainId, height), parent: kadenaBlockHash(chainId, height - 1), height, chainId }, payloadWithOutputs: { ...recorded, transactions } };
}
