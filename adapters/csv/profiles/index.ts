import type { CsvHeader } from '../../../src/csv/header.js';
import { compileMap } from '../compile.js';
import { OPENVAS } from './openvas.js';
import { ALERT_LOGIC, AZURE_DEFENDER, PRISMA_CLOUD, SYSDIG, VERACODE_SCA, WIZ } from './others.js';
import type { CsvProfile } from './profile.js';
import { QUALYS_PCI, QUALYS_VM, QUALYS_VMDR } from './qualys.js';
import { NESSUS, TENABLE_SC, TENABLE_VM, TENABLE_VM_FINDINGS, TENABLE_WAS } from './tenable.js';

export type { CsvProfile } from './profile.js';

/** Every built-in profile; on equal scores the earlier one wins. */
export const PROFILES: readonly CsvProfile[] = [
  NESSUS,
  TENABLE_WAS,
  TENABLE_VM,
  TENABLE_VM_FINDINGS,
  TENABLE_SC,
  OPENVAS,
  QUALYS_VM,
  QUALYS_PCI,
  QUALYS_VMDR,
  ALERT_LOGIC,
  AZURE_DEFENDER,
  VERACODE_SCA,
  PRISMA_CLOUD,
  WIZ,
  SYSDIG,
];

/**
 * The profile for a header: among the profiles whose key columns ({@link CsvProfile.signature}) are all there,
 * the one that reads the most of the header's columns; on a tie, the longer signature, then the earlier profile.
 */
export function matchProfile(header: CsvHeader): CsvProfile | undefined {
  let best: CsvProfile | undefined;
  let bestScore = -1;
  for (const profile of PROFILES) {
    if (!hasKeyColumns(header, profile)) continue;
    const score = columnsRead(header, profile);
    if (
      score > bestScore ||
      (score === bestScore && best !== undefined && profile.signature.length > best.signature.length)
    ) {
      best = profile;
      bestScore = score;
    }
  }
  return best;
}

/** True when every key column (or one of each list of alternatives) is in the header. */
export function hasKeyColumns(header: CsvHeader, profile: CsvProfile): boolean {
  return profile.signature.every((key) =>
    typeof key === 'string' ? header.indexOf(key) !== -1 : key.some((name) => header.indexOf(name) !== -1),
  );
}

/** How many of the header's columns the profile's map reads; -1 when it finds no title column. */
function columnsRead(header: CsvHeader, profile: CsvProfile): number {
  try {
    return header.width - compileMap(profile.map, header, false, profile.id).unmapped.length;
  } catch {
    return -1;
  }
}
