import { parse } from 'csv-parse/sync';
import type { OfacAddressRecord } from './import-candidate.js';

/**
 * Classic SDN.CSV: no header; columns ent_num, SDN_Name, SDN_Type, Program,
 * Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks.
 * Empty fields are "-0-". Addresses are clauses of the free-text Remarks:
 * "Digital Currency Address - ETH 0x...; alt. Digital Currency Address - ETH 0x....".
 */
export function parseOfacSdnCsv(text: string): OfacAddressRecord[] {
  const rows = parse(text, {
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    trim: true,
  }) as string[][];
  const records: OfacAddressRecord[] = [];
  for (const row of rows) {
    const [uid, name, , program, , , , , , , , remarks] = row;
    if (uid === undefined || name === undefined || remarks === undefined || !/^\d+$/.test(uid)) continue;
    const programs = splitPrograms(program ?? '');
    for (const clause of remarks.split(';')) {
      const match = /^(?:alt\.\s*)?Digital Currency Address - ([A-Za-z0-9]+)\s+(\S+)/.exec(clause.trim());
      if (match?.[1] === undefined || match[2] === undefined) continue;
      // A clause ends with ';' or, for the last one, '.': strip trailing punctuation.
      const address = match[2].replace(/[.;,]+$/, '');
      records.push({ uid, partyName: cleanField(name), programs, asset: match[1].toUpperCase(), address });
    }
  }
  return records;
}

/** "CYBER2] [DPRK3" -> ["CYBER2", "DPRK3"]. */
function splitPrograms(field: string): string[] {
  return cleanField(field)
    .split(/\]\s*\[/)
    .map((p) => p.replace(/[[\]]/g, '').trim())
    .filter((p) => p !== '');
}

function cleanField(field: string): string {
  const v = field.trim();
  return v === '-0-' ? '' : v;
}
