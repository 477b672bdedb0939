import type { SoftwarePackage } from '@aws-sdk/client-securityhub';
import type { Finding } from '../../../src/adapter.js';
import { packageAtVersion, vulnerabilityTitle } from '../../../src/asff/package-title.js';
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
   * `pkg` is the row's package as the map reads it.
   */
  readonly refine?: (finding: Finding, cell: CellReader, pkg: SoftwarePackage | undefined) => void;
}

/**
 * Titles a row about a vulnerable package as every format does (src/asff/package-title.ts):
 * `CVE-2023-4911 in libc6@2.36-9+deb12u1`, then `: <summary>` when the export names the vulnerability. A row
 * without a package or an advisory keeps its map's title.
 */
export function titleWithPackage(
  finding: Finding,
  advisory: string,
  pkg: SoftwarePackage | undefined,
  summary?: string,
): void {
  if (advisory === '' || pkg?.Name === undefined) return;
  finding.title = vulnerabilityTitle(advisory, packageAtVersion(pkg.Name, pkg.Version), summary);
}

/** Types for vulnerability findings without a CVE. */
export const VULNERABILITY_TYPES = ['Software and Configuration Checks/Vulnerabilities'] as const;
/** Types for configuration / posture findings. */
export const CONFIGURATION_TYPES = ['Software and Configuration Checks'] as const;
