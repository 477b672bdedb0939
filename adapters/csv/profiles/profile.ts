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
  /**
   * The key columns that recognise the export: every entry must be in the header (case-insensitive); an entry
   * that is a list is satisfied by any one of its columns. Other columns may be missing or extra (exports let
   * users pick their columns). When several profiles fit, the one reading most of the header's columns wins
   * (see `matchProfile`).
   */
  readonly signature: readonly (string | readonly string[])[];
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
