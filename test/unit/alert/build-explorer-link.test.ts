import { describe, expect, it } from 'vitest';
import { buildExplorerLink } from '../../../src/core/alert/build-explorer-link.js';

describe('buildExplorerLink', () => {
  it('base URLs get /tx/ and /address/ pages', () => {
    expect(buildExplorerLink('https://etherscan.io/', 'tx', '0xabc')).toBe('https://etherscan.io/tx/0xabc');
    expect(buildExplorerLink('https://etherscan.io', 'address', '0xDef')).toBe('https://etherscan.io/address/0xDef');
  });
  it('a {tx} pattern (Tronscan) gives the transaction page and the matching address page', () => {
    expect(buildExplorerLink('https://tronscan.org/#/transaction/{tx}', 'tx', 'bc8c')).toBe('https://tronscan.org/#/transaction/bc8c');
    expect(buildExplorerLink('https://tronscan.org/#/transaction/{tx}', 'address', 'TRKZWuxZ5pPBoK3ei1nQDnjAo4YyUFUMKB')).toBe('https://tronscan.org/#/address/TRKZWuxZ5pPBoK3ei1nQDnjAo4YyUFUMKB');
    expect(buildExplorerLink('https://x.example/view?hash={tx}', 'address', 'A')).toBeUndefined();
    expect(buildExplorerLink(undefined, 'tx', 'a')).toBeUndefined();
  });
  it('encodes what it inserts', () => {
    expect(buildExplorerLink('https://e.example', 'address', 'bitcoincash:qq 1')).toBe('https://e.example/address/bitcoincash%3Aqq%201');
  });
});
