import type { CsvMap } from '../spec.js';

/** A built-in CSV layout: recognised by its header, read with a {@link CsvMap}. */
export interface CsvProfile {
  /** Short id: namespaces the finding Ids, names the layout in messages and ProductFields. */
  readonly id: string;
  /** The export it reads, in words. */
  readonly label: string;
  /** Column names that must all be in the header (case-insensitive); the longest matching signature wins. */
  readonly signature: readonly string[];
  readonly map: CsvMap;
}

/** Types for vulnerability findings without a CVE. */
export const VULNERABILITY_TYPES = ['Software and Configuration Checks/Vulnerabilities'] as const;
/** Types for configuration / posture findings. */
export const CONFIGURATION_TYPES = ['Software and Configuration Checks'] as const;
