/**
 * Explorer links for alerts. `explorerUrl` is either a base URL (links are
 * `<base>/tx/<hash>` and `<base>/address/<address>`, as Etherscan, Blockstream
 * and most explorers use) or a pattern with `{tx}` for explorers whose pages
 * live elsewhere (Tronscan: `https://tronscan.org/#/transaction/{tx}`); its
 * address page is then the same pattern with `transaction/{tx}` or `tx/{tx}`
 * replaced by `address/<address>`, and no address link when neither is there.
 */
export function buildExplorerLink(explorerUrl: string | undefined, kind: 'tx' | 'address', value: string): string | undefined {
  if (explorerUrl === undefined || explorerUrl === '') return undefined;
  const encoded = encodeURIComponent(value);
  if (!explorerUrl.includes('{tx}')) return `${explorerUrl.replace(/\/+$/, '')}/${kind}/${encoded}`;
  if (kind === 'tx') return explorerUrl.replace('{tx}', encoded);
  const addressPattern = explorerUrl.replace(/(transaction|tx)\/\{tx\}/, 'address/{address}');
  return addressPattern.includes('{address}') ? addressPattern.replace('{address}', encoded) : undefined;
}
