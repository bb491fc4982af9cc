import type { OfacAddressRecord } from './import-candidate.js';
import { DIGITAL_CURRENCY_PREFIX, asArray, buildOfacXmlParser, child, xmlText } from './ofac-xml-helpers.js';

/**
 * Classic SDN.XML: sdnList/sdnEntry with idList/id elements whose idType is
 * "Digital Currency Address - <ASSET>" and whose idNumber is the address.
 */
export function parseOfacSdnXml(text: string): OfacAddressRecord[] {
  const parser = buildOfacXmlParser(['sdnEntry', 'id', 'program']);
  const root = child(parser.parse(text), 'sdnList');
  const records: OfacAddressRecord[] = [];
  for (const entry of asArray(child(root, 'sdnEntry'))) {
    const uid = xmlText(child(entry, 'uid'));
    const lastName = xmlText(child(entry, 'lastName'));
    const firstName = xmlText(child(entry, 'firstName'));
    // Individuals are listed "LAST, First" as in SDN.CSV and the OFAC search site.
    const partyName = firstName !== '' ? `${lastName}, ${firstName}` : lastName;
    const programs = asArray(child(child(entry, 'programList'), 'program')).map(xmlText).filter((p) => p !== '');
    for (const id of asArray(child(child(entry, 'idList'), 'id'))) {
      const match = DIGITAL_CURRENCY_PREFIX.exec(xmlText(child(id, 'idType')));
      if (match?.[1] === undefined) continue;
      records.push({ uid, partyName, programs, asset: match[1].toUpperCase(), address: xmlText(child(id, 'idNumber')) });
    }
  }
  return records;
}
