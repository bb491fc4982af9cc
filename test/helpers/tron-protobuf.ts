/**
 * Decodes the recorded Tron mainnet block (hex protobuf `BlockExtention`,
 * test/fixtures/tron/) with protobufjs and the Tron protocol's own .proto
 * files (test/fixtures/tron/protos/, tronprotocol/protocol), and renders it as
 * the java-tron HTTP API writes `/wallet/getblockbynum` (visible=false: bytes
 * as hex, enums by name, int64 as numbers, default values omitted).
 * Independent checks on the way: every txID is sha256 of the transaction's
 * raw_data bytes as recorded, and the block id is sha256 of the header's
 * raw_data with its first 8 bytes replaced by the block number.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/tron');

export interface DecodedTronBlock {
  /** The block as /wallet/getblockbynum returns it. */
  readonly block: Record<string, unknown>;
  /** The recorded txid of each TransactionExtention, in order. */
  readonly recordedTxIds: readonly string[];
  /** sha256 of each transaction's raw_data bytes, in order. */
  readonly computedTxIds: readonly string[];
  readonly recordedBlockId: string;
  readonly computedBlockId: string;
  /** Logs or internal transactions the recording carries (BlockExtention from getblockbynum has none). */
  readonly extentionLogCount: number;
}

let rootPromise: Promise<protobuf.Root> | undefined;

export function loadTronProtos(): Promise<protobuf.Root> {
  rootPromise ??= (async () => {
    const root = new protobuf.Root();
    // google/api/annotations.proto only decorates gRPC services with HTTP routes: skip it.
    root.resolvePath = (_origin, target) => (target.startsWith('google/api/') ? null : path.join(FIXTURES, 'protos', target));
    await root.load('api/api.proto', { keepCase: true });
    root.resolveAll();
    return root;
  })();
  return rootPromise;
}

export function readRecordedBlockHex(): { readonly hex: string; readonly blockNumber: number } {
  const raw = JSON.parse(readFileSync(path.join(FIXTURES, 'tron_blockext_raw_79072107.json'), 'utf8')) as { blockExtention: string; blockNumber: number };
  return { hex: raw.blockExtention.replace(/^0x/, ''), blockNumber: raw.blockNumber };
}

export async function decodeRecordedTronBlock(): Promise<DecodedTronBlock> {
  const root = await loadTronProtos();
  const { hex } = readRecordedBlockHex();
  const bytes = Buffer.from(hex, 'hex');
  const BlockExtention = root.lookupType('protocol.BlockExtention');
  const ext = BlockExtention.decode(bytes) as unknown as {
    transactions: { transaction: protobuf.Message; txid: Uint8Array; logs?: unknown[]; internal_transactions?: unknown[] }[];
    block_header: protobuf.Message;
    blockid: Uint8Array;
  };
  const raws = rawFieldBytes(bytes);
  const header = toJson(ext.block_header, root);
  const transactions = ext.transactions.map((te) => {
    const tx = toJson(te.transaction, root);
    const rawDataHex = raws.txRawData.shift()!;
    return { ...tx, txID: Buffer.from(te.txid).toString('hex'), raw_data_hex: rawDataHex };
  });
  const computedTxIds = transactions.map((t) => createHash('sha256').update(Buffer.from(t.raw_data_hex, 'hex')).digest('hex'));
  const headerHash = createHash('sha256').update(raws.headerRawData).digest();
  const number = (header['raw_data'] as { number: number }).number;
  headerHash.writeBigUInt64BE(BigInt(number), 0);
  const recordedBlockId = Buffer.from(ext.blockid).toString('hex');
  const block = { blockID: recordedBlockId, block_header: header, transactions };
  return {
    block,
    recordedTxIds: transactions.map((t) => t.txID),
    computedTxIds,
    recordedBlockId,
    computedBlockId: headerHash.toString('hex'),
    extentionLogCount: ext.transactions.reduce((n, te) => n + (te.logs?.length ?? 0) + (te.internal_transactions?.length ?? 0), 0),
  };
}

/** Walks the wire format for the exact bytes hashed by the protocol (a re-encoding need not be byte-identical). */
function rawFieldBytes(block: Buffer): { txRawData: string[]; headerRawData: Buffer } {
  const txRawData: string[] = [];
  let headerRawData: Buffer = Buffer.alloc(0);
  for (const [field, value] of fields(block)) {
    if (field === 1) {
      for (const [f2, tx] of fields(value)) if (f2 === 1) for (const [f3, raw] of fields(tx)) if (f3 === 1) txRawData.push(raw.toString('hex'));
    } else if (field === 2) {
      for (const [f2, raw] of fields(value)) if (f2 === 1) headerRawData = raw;
    }
  }
  return { txRawData, headerRawData };
}

/** Length-delimited fields of one message, in order; other wire types are skipped. */
function fields(buf: Buffer): [number, Buffer][] {
  const reader = protobuf.Reader.create(buf);
  const out: [number, Buffer][] = [];
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if ((tag & 7) === 2) {
      const start = reader.pos;
      const len = reader.uint32();
      const from = reader.pos;
      reader.skip(len);
      void start;
      out.push([tag >>> 3, buf.subarray(from, from + len)]);
    } else {
      reader.skipType(tag & 7);
    }
  }
  return out;
}

/** java-tron JsonFormat (visible=false) for a decoded message; Any is unpacked and typed by its type_url. */
function toJson(message: protobuf.Message, root: protobuf.Root): Record<string, unknown> {
  const type = message.$type;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(message)) {
    const field = type.fields[key];
    if (field === undefined) continue;
    const value = (message as unknown as Record<string, unknown>)[key];
    if (Array.isArray(value) && value.length === 0) continue;
    if (field instanceof protobuf.MapField) {
      // Only empty maps occur in these blocks (Transaction.Result.cancel_unfreezeV2_amount); JsonFormat omits them.
      if (Object.keys(value as object).length === 0) continue;
    }
    out[key] = field.repeated ? (value as unknown[]).map((v) => convert(field, v, root)) : convert(field, value, root);
  }
  if (type.fullName === '.protocol.Transaction.Contract') {
    // The HTTP API names the contract type and shows the unpacked parameter.
    const param = (message as unknown as { parameter: { type_url: string; value: Uint8Array } }).parameter;
    // ContractType 0 (AccountCreateContract) is the enum default, absent on the wire; the API still names it.
    const types = root.lookupEnum('protocol.Transaction.Contract.ContractType');
    out['type'] ??= types.valuesById[0];
    const inner = root.lookupType(param.type_url.replace(/^type\.googleapis\.com\//, ''));
    out['parameter'] = { value: toJson(inner.decode(param.value), root), type_url: param.type_url };
  }
  return out;
}

function convert(field: protobuf.Field, value: unknown, root: protobuf.Root): unknown {
  field.resolve();
  if (field.resolvedType instanceof protobuf.Enum) return field.resolvedType.valuesById[value as number] ?? value;
  if (field.resolvedType instanceof protobuf.Type) return toJson(value as protobuf.Message, root);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (typeof value === 'object' && value !== null && 'low' in value && 'high' in value) {
    const big = BigInt((value as { toString(): string }).toString());
    return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big.toString();
  }
  return value;
}
