import { Document, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { AddressLabel } from './address-label.js';

export interface LabelFileContent {
  /** Comment block at the top: what the file is, where it came from, how it was made. */
  readonly header: string;
  readonly description: string;
  readonly labels: readonly AddressLabel[];
}

/**
 * A `config/labels/*.yaml` file, one flow mapping per label as the issue
 * writes them:
 *   - { chain: ethereum, address: "0x28C6…", label: Binance 14, category: exchange, source: https://… }
 * Addresses are always double-quoted (an unquoted 0x… is a hex integer to YAML).
 * Deterministic: the same labels give the same bytes (shipped files, idempotent imports).
 */
export function renderLabelFile(content: LabelFileContent): string {
  const doc = new Document({ description: content.description, labels: [] });
  doc.commentBefore = content.header
    .split('\n')
    .map((l) => (l === '' ? '' : ` ${l}`))
    .join('\n');
  const seq = new YAMLSeq();
  for (const l of content.labels) {
    const map = new YAMLMap();
    map.flow = true;
    map.set('chain', l.chain);
    const address = new Scalar(l.address);
    address.type = Scalar.QUOTE_DOUBLE;
    map.set('address', address);
    map.set('label', l.label);
    map.set('category', l.category);
    map.set('source', l.source);
    seq.items.push(map);
  }
  doc.set('labels', seq);
  return doc.toString({ flowCollectionPadding: true, lineWidth: 0 });
}
