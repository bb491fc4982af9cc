/**
 * Why an address was rejected. Pure and typed, so the config loader can turn it
 * into a file:line problem with its own code, and tests can assert the code.
 */
export type AddressErrorCode = 'invalid_evm_address' | 'bad_checksum' | 'invalid_bitcoin_address' | 'wrong_network' | 'invalid_tron_address' | 'invalid_ledger_address';

export class AddressError extends Error {
  override readonly name = 'AddressError';
  readonly code: AddressErrorCode;
  /** bad_checksum: the correctly checksummed address. */
  readonly expected: string | undefined;
  /** wrong_network: the network(s) the address belongs to. */
  readonly actualNetwork: string | undefined;
  constructor(code: AddressErrorCode, message: string, details: { expected?: string; actualNetwork?: string; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.expected = details.expected;
    this.actualNetwork = details.actualNetwork;
  }
}
