import type { Finding } from '../../../src/adapter.js';
import type { CsvMap } from '../spec.js';

/** A row's cell by column name (case-insensitive), trimmed, `''` when blank or absent. */
export type CellReader = (column: string) => string;

/** A built-in CSV layout: recognised by its header, read with a {@link CsvMap}. */
export interface CsvProfile {
  /** Short id: namespaces the finding Ids, names the layout in messages and ProductFields. */
  readonly id: string;
  /** The export it reads, in words. */
  readonly label: string;
  /** Column names that must all be in the header (case-insensitive); the longest matching signature wins. */
  readonly signature: readonly string[];
  readonly map: CsvMap;
  /**
   * Finishes each row's finding where the declarative map cannot say it (e.g. the Tenable profiles' titles,
   * evidence-first descriptions and packages, shared with the `.nessus` adapter). Runs before adjacent rows merge.
   */
  readonly refine?: (finding: Finding, cell: CellReader) => void;
}

/** Types for vulnerability findings without a CVE. */
export const VULNERABILITY_TYPES = ['Software and Configuration Checks/Vulnerabilities'] as const;
/** Types for configuration / posture findings. */
export const CONFIGURATION_TYPES = ['Software and Configuration Checks'] as const;
