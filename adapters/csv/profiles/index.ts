import type { CsvHeader } from '../header.js';
import { OPENVAS } from './openvas.js';
import { ALERT_LOGIC, AZURE_DEFENDER, PRISMA_CLOUD, SYSDIG, VERACODE_SCA, WIZ } from './others.js';
import type { CsvProfile } from './profile.js';
import { QUALYS_PCI, QUALYS_VM, QUALYS_VMDR } from './qualys.js';
import { NESSUS, TENABLE_SC, TENABLE_VM, TENABLE_VM_FINDINGS, TENABLE_WAS } from './tenable.js';

export type { CsvProfile } from './profile.js';

/** Every built-in profile; on equally long matching signatures the earlier one wins. */
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

/** The profile whose signature columns are all in the header, the most specific (longest signature) first. */
export function matchProfile(header: CsvHeader): CsvProfile | undefined {
  let best: CsvProfile | undefined;
  for (const profile of PROFILES) {
    if (!header.hasAll(profile.signature)) continue;
    if (best === undefined || profile.signature.length > best.signature.length) best = profile;
  }
  return best;
}
