import type { CsvMap } from '../spec.js';

/** A built-in CSV layout: recognised by its header, read with a {@link CsvMap}. */
export interface CsvProfile {
  /** Short id: namespaces the finding Ids, names the layout in messages and ProductFields. */
  readonly id: string;
  /** The export it reads, in words. */
  readonly label: string;
  /**
   * The key columns that recognise the export: every entry must be in the header (case-insensitive); an entry
   * that is a list is satisfied by any one of its columns. Other columns may be missing or extra (exports let
   * users pick their columns). When several profiles fit, the one reading most of the header's columns wins
   * (see `matchProfile`).
   */
  readonly signature: readonly (string | readonly string[])[];
  readonly map: CsvMap;
}

/** Types for vulnerability findings without a CVE. */
export const VULNERABILITY_TYPES = ['Software and Configuration Checks/Vulnerabilities'] as const;
/** Types for configuration / posture findings. */
export const CONFIGURATION_TYPES = ['Software and Configuration Checks'] as const;
