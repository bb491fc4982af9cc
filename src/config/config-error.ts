/**
 * One thing wrong (or worth a look) in the config directory, pinned to the
 * file, line and field an operator has to edit. Codes are listed in docs/errors.md.
 */
export interface ConfigProblem {
  readonly severity: 'error' | 'warning';
  /** Path relative to the working directory when under it, else as given. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly column?: number;
  /** Dotted path with indexes: chains.ethereum.rpcUrls[0], entries[3].address. */
  readonly field: string;
  readonly message: string;
  readonly code: ConfigProblemCode;
}

export type ConfigProblemCode =
  | 'file_missing'
  | 'file_unreadable'
  | 'yaml_syntax'
  | 'invalid_type'
  | 'missing_key'
  | 'unknown_key'
  | 'invalid_value'
  | 'env_var_unset'
  | 'no_chains'
  | 'no_notification_channel'
  | 'bitcoin_backend_missing'
  | 'invalid_webhook_secret'
  | 'duplicate_webhook_id'
  | 'unknown_chain'
  | 'invalid_evm_address'
  | 'bad_checksum'
  | 'invalid_bitcoin_address'
  | 'invalid_tron_address'
  | 'invalid_ledger_address'
  | 'wrong_network'
  | 'duplicate_address'
  | 'conflicting_label'
  | 'invalid_source'
  | 'invalid_incident';

/** `config/watchlists/x.yaml:12:5: entries[3].address: bad EIP-55 checksum, expected 0x…` */
export function formatConfigProblem(p: ConfigProblem): string {
  const where = p.column === undefined ? `${p.file}:${p.line}` : `${p.file}:${p.line}:${p.column}`;
  const field = p.field === '' ? '' : `${p.field}: `;
  return `${where}: ${field}${p.message}`;
}

/** Thrown by the loaders when any problem is an error; carries all of them, warnings included. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'config_invalid';
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[]) {
    const errors = problems.filter((p) => p.severity === 'error');
    const shown = errors.slice(0, 3).map(formatConfigProblem);
    const more = errors.length > shown.length ? ` (and ${errors.length - shown.length} more)` : '';
    super(`invalid configuration: ${shown.join('; ')}${more}`);
    this.problems = problems;
  }
}

