import type { OfacParseResult } from './import-candidate.js';
import { parseOfacAdvancedXml } from './parse-ofac-advanced-xml.js';
import { parseOfacSdnCsv } from './parse-ofac-sdn-csv.js';
import { parseOfacSdnXml } from './parse-ofac-sdn-xml.js';

/**
 * Reads any of OFAC's three SDN formats, detected from the content (not the
 * file name): root element sdnList = SDN.XML, Sanctions = sdn_advanced.xml,
 * anything else is treated as SDN.CSV. Throws if nothing recognisable is found.
 */
export function parseOfacSdn(text: string): OfacParseResult {
  const body = text.replace(/^\uFEFF/, '');
  const root = /<\s*(?:[A-Za-z_][\w.-]*:)?(sdnList|Sanctions)[\s>]/.exec(body.slice(0, 4096));
  if (root?.[1] === 'sdnList') return { format: 'sdn-xml', records: parseOfacSdnXml(body) };
  if (root?.[1] === 'Sanctions') return { format: 'sdn-advanced-xml', records: parseOfacAdvancedXml(body) };
  if (/^\s*</.test(body)) throw new Error('unrecognised XML: expected root element sdnList (SDN.XML) or Sanctions (sdn_advanced.xml)');
  if (!/^\s*\d+,/.test(body)) throw new Error('unrecognised file: expected SDN.XML, sdn_advanced.xml or SDN.CSV (rows start with the entity number)');
  return { format: 'sdn-csv', records: parseOfacSdnCsv(body) };
}
