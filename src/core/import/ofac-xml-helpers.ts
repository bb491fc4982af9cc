import { XMLParser } from 'fast-xml-parser';

/**
 * Shared fast-xml-parser setup for the two OFAC XML formats. Values stay
 * strings (an address like 0x098B... must never become a number), namespaces
 * are dropped, and the listed elements are always arrays so one-item lists
 * look like many-item lists.
 */
export function buildOfacXmlParser(arrayTags: readonly string[]): XMLParser {
  const arrays = new Set(arrayTags);
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    processEntities: true,
    isArray: (name) => arrays.has(name),
  });
}

/** Text of an element that may carry attributes ({ '#text': ... }) or be a bare string. */
export function xmlText(node: unknown): string {
  if (typeof node === 'string') return node.trim();
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (node !== null && typeof node === 'object' && '#text' in node) return xmlText((node as Record<string, unknown>)['#text']);
  return '';
}

export function asArray(node: unknown): readonly unknown[] {
  if (node === undefined || node === null || node === '') return [];
  return Array.isArray(node) ? node : [node];
}

export function child(node: unknown, name: string): unknown {
  if (node !== null && typeof node === 'object') return (node as Record<string, unknown>)[name];
  return undefined;
}

export const DIGITAL_CURRENCY_PREFIX = /^Digital Currency Address - ([A-Za-z0-9]+)\s*$/;
