import type { OfacAddressRecord } from './import-candidate.js';
import { DIGITAL_CURRENCY_PREFIX, asArray, buildOfacXmlParser, child, xmlText } from './ofac-xml-helpers.js';

/**
 * sdn_advanced.xml: feature types are declared once in ReferenceValueSets and
 * referenced by id from each party's Profile/Feature; the ids differ per asset
 * and between publications, so they are read from the file, never hard-coded.
 * Programs come from SanctionsEntries/SanctionsEntry[@ProfileID]/SanctionsMeasure/Comment.
 */
export function parseOfacAdvancedXml(text: string): OfacAddressRecord[] {
  const parser = buildOfacXmlParser([
    'FeatureType',
    'DistinctParty',
    'Profile',
    'Identity',
    'Alias',
    'DocumentedName',
    'DocumentedNamePart',
    'Feature',
    'FeatureVersion',
    'VersionDetail',
    'SanctionsEntry',
    'SanctionsMeasure',
  ]);
  const root = child(parser.parse(text), 'Sanctions');

  const assetByFeatureType = new Map<string, string>();
  for (const ft of asArray(child(child(child(root, 'ReferenceValueSets'), 'FeatureTypeValues'), 'FeatureType'))) {
    const match = DIGITAL_CURRENCY_PREFIX.exec(xmlText(ft));
    const id = xmlText(child(ft, '@_ID'));
    if (match?.[1] !== undefined && id !== '') assetByFeatureType.set(id, match[1].toUpperCase());
  }

  const programsByProfile = new Map<string, string[]>();
  for (const se of asArray(child(child(root, 'SanctionsEntries'), 'SanctionsEntry'))) {
    const profileId = xmlText(child(se, '@_ProfileID'));
    const programs = programsByProfile.get(profileId) ?? [];
    for (const measure of asArray(child(se, 'SanctionsMeasure'))) {
      const comment = xmlText(child(measure, 'Comment'));
      if (comment !== '' && !programs.includes(comment)) programs.push(comment);
    }
    programsByProfile.set(profileId, programs);
  }

  const records: OfacAddressRecord[] = [];
  for (const party of asArray(child(child(root, 'DistinctParties'), 'DistinctParty'))) {
    for (const profile of asArray(child(party, 'Profile'))) {
      const profileId = xmlText(child(profile, '@_ID'));
      const uid = xmlText(child(party, '@_FixedRef')) || profileId;
      const partyName = primaryName(profile);
      const programs = programsByProfile.get(profileId) ?? [];
      for (const feature of asArray(child(profile, 'Feature'))) {
        const asset = assetByFeatureType.get(xmlText(child(feature, '@_FeatureTypeID')));
        if (asset === undefined) continue;
        for (const version of asArray(child(feature, 'FeatureVersion'))) {
          for (const detail of asArray(child(version, 'VersionDetail'))) {
            const address = xmlText(detail);
            if (address !== '') records.push({ uid, partyName, programs, asset, address });
          }
        }
      }
    }
  }
  return records;
}

/** The primary alias of the primary identity, name parts joined with spaces. */
function primaryName(profile: unknown): string {
  const identities = asArray(child(profile, 'Identity'));
  const identity = identities.find((i) => xmlText(child(i, '@_Primary')) === 'true') ?? identities[0];
  const aliases = asArray(child(identity, 'Alias'));
  const alias = aliases.find((a) => xmlText(child(a, '@_Primary')) === 'true') ?? aliases[0];
  const name = asArray(child(alias, 'DocumentedName'))[0];
  return asArray(child(name, 'DocumentedNamePart'))
    .map((part) => xmlText(child(part, 'NamePartValue')))
    .filter((p) => p !== '')
    .join(' ');
}
