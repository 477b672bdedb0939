import type { SeverityLabel } from '../../src/adapter.js';
import { labelFromCvss, labelFromNessusSeverity, normalizeLabel } from '../../src/severity.js';
import type { SeverityScale } from './spec.js';

/** Cell values that mean "nothing" in scanner exports (Qualys writes `'-`, Tenable `N/A` and `null`). */
const BLANK_VALUES = new Set(['', '-', "'-", 'n/a', 'null']);

/** The cell trimmed, or `''` when it holds one of the "nothing" markers. */
export function cellValue(raw: string | undefined): string {
  if (raw === undefined || raw === '') return '';
  // trim() is a runtime call; most cells start and end with a printable ASCII character and need none.
  const head = raw.charCodeAt(0);
  const tail = raw.charCodeAt(raw.length - 1);
  const value = head > 0x20 && head < 0x7f && tail > 0x20 && tail < 0x7f ? raw : raw.trim();
  if (value.length > 4) return value;
  // Every marker starts with `-`, `'` or `n`/`N`: most short cells (ports, protocols, scores) skip the lookup.
  const first = value.charCodeAt(0);
  if (first !== 0x2d && first !== 0x27 && (first | 0x20) !== 0x6e) return value;
  return BLANK_VALUES.has(value.toLowerCase()) ? '' : value;
}

const VULNERABILITY_ID = /\bCVE-\d{4}-\d{4,}\b|\bGHSA(?:-[23456789cfghjmpqrvwx]{4}){3}\b/gi;
const BARE_CVE = /^\d{4}-\d{4,}$/;

/**
 * Vulnerability ids in a cell that may list several (`CVE-2021-1, CVE-2021-2`, one per line, …): CVE and GHSA
 * ids, upper-cased; a cell that is only `2022-31159` (Veracode) is read as that CVE.
 */
export function vulnerabilityIds(cell: string): string[] {
  if (BARE_CVE.test(cell)) return [`CVE-${cell}`];
  const found = cell.match(VULNERABILITY_ID);
  if (found === null) return [];
  return found.map((id) => (/^ghsa/i.test(id) ? `GHSA${id.slice(4).toLowerCase()}` : id.toUpperCase()));
}

/**
 * A score at the start of a cell (`7.5`, `8.1 (AV:N/…)`, `7,5`), when it lies in `0..max`. Values outside the
 * range are refused rather than guessed at (some exports lose the decimal point: `50` for 5.0).
 */
export function parseScore(cell: string, max: number): number | undefined {
  const match = /^(\d{1,3}(?:[.,]\d+)?)(?:\s|\(|$)/.exec(cell);
  if (match === null) return undefined;
  const value = Number(match[1]!.replace(',', '.'));
  return Number.isFinite(value) && value >= 0 && value <= max ? value : undefined;
}

const CVSS_VECTOR = /^(?:CVSS:\d\.\d\/|CVSS2#)?[A-Za-z]+:[A-Za-z]+(?:\/[A-Za-z]+:[A-Za-z]+)+$/;

/** A CVSS vector: the whole cell, or the part in parentheses after a score (`8.1 (AV:N/AC:H/…)`, Qualys). */
export function parseVector(cell: string): string | undefined {
  const inner = /\(([^()]*\/[^()]*)\)/.exec(cell);
  const vector = (inner !== null ? inner[1]! : cell).trim();
  return CVSS_VECTOR.test(vector) ? vector : undefined;
}

/** A port number from `443`, `TCP/8080`, `443/tcp`; `undefined` for blank cells and port 0. */
export function parsePort(cell: string): number | undefined {
  const match = /(?:^|\D)(\d{1,5})(?:\/[A-Za-z]+)?$/.exec(cell.trim());
  if (match === null) return undefined;
  const port = Number(match[1]);
  return port > 0 && port <= 65535 ? port : undefined;
}

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * An ISO-8601 timestamp with a time zone, normalised to `toISOString()` form; `undefined` for anything else.
 * Exports also use `05/13/2021`, `Jan 5, 2021 10:24:08 MST` or `22/09/2022`: day/month order and zone
 * abbreviations are ambiguous, so those are never guessed at (the adapter keeps them in ProductFields).
 */
export function parseIsoTimestamp(cell: string): string | undefined {
  if (!ISO_TIMESTAMP.test(cell)) return undefined;
  const time = Date.parse(cell.replace(' ', 'T'));
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** `YES`/`NO` from yes/no/true/false/1/0 cells. */
export function parseYesNo(cell: string): 'YES' | 'NO' | undefined {
  const value = cell.trim().toLowerCase();
  if (value === 'yes' || value === 'true' || value === '1' || value === 'y') return 'YES';
  if (value === 'no' || value === 'false' || value === '0' || value === 'n') return 'NO';
  return undefined;
}

const URL_PATTERN = /https?:\/\/[^\s<>"',;|]+/gi;

/** Every http(s) URL in a cell, in order. */
export function urlsIn(cell: string): string[] {
  return cell.match(URL_PATTERN) ?? [];
}

/** Qualys severity levels 1–5 (Minimal … Urgent), as DefectDojo and Qualys' own documentation rank them. */
const QUALYS_LABELS: readonly SeverityLabel[] = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/**
 * Reads a severity cell. Words are understood on every scale (`High`, `moderate`, `Info`, `None`,
 * `Negligible`, …); numbers by the scale: Nessus/Tenable 0–4, Qualys 1–5, or a 0–10 CVSS score.
 */
export function severityFromCell(cell: string, scale: SeverityScale): SeverityLabel | undefined {
  const word = normalizeLabel(cell);
  if (word !== undefined) return word;
  switch (scale) {
    case 'label':
      return undefined;
    case 'nessus':
      return labelFromNessusSeverity(cell);
    case 'qualys': {
      const n = Number(cell);
      return Number.isInteger(n) && n >= 1 && n <= 5 ? QUALYS_LABELS[n - 1] : undefined;
    }
    case 'cvss':
      return labelFromCvss(parseScore(cell, 10));
  }
}

/** Words before the version in fix cells: `fixed in 1.2.11`, `Upgrade to version 4.1.2`, `Fixed in: 2.3`. */
const FIX_PHRASE =
  /^(?:fix(?:ed)?(?:\s+version)?(?:\s+in)?|upgrade(?:\s+to)?|update(?:\s+to)?|patched(?:\s+in)?|resolved(?:\s+in)?)(?:\s+version)?\s*:?\s*/i;
/** A version token: optional comparison, optional `v`, then a digit and the usual version characters. */
const VERSION_TOKEN = /(?:[<>]=?|[=~^]=?)?v?\d[\w.+:~-]*/gi;

/**
 * The fixed version(s) in a fix cell: `1.2.11` from `fixed in 1.2.11`, `2.3, 2.4` from `fixed in 2.3, 2.4` or
 * `fixed in 2.3 and 2.4`, `4.1.2` from `Upgrade to version 4.1.2 or later`. A cell without such words is the
 * version itself (`v1.1.2`, `1:2.41-5`). Statuses without a version (`affected`, `will not fix`, `fixed`) give
 * `undefined`.
 */
export function parseFixedVersion(cell: string): string | undefined {
  const value = cell.trim();
  if (!/\d/.test(value)) return undefined;
  const phrase = FIX_PHRASE.exec(value);
  if (phrase === null || phrase[0] === '') return value;
  const versions = value
    .slice(phrase[0].length)
    .match(VERSION_TOKEN)
    ?.map((token) => token.replace(/[.:~+-]+$/, ''));
  return versions === undefined || versions.length === 0 ? undefined : versions.join(', ');
}

const COMPLIANCE_WORDS: Readonly<Record<string, 'PASSED' | 'FAILED' | 'WARNING' | 'NOT_AVAILABLE'>> = {
  pass: 'PASSED',
  passed: 'PASSED',
  healthy: 'PASSED',
  compliant: 'PASSED',
  fail: 'FAILED',
  failed: 'FAILED',
  unhealthy: 'FAILED',
  noncompliant: 'FAILED',
  'non-compliant': 'FAILED',
  warn: 'WARNING',
  warning: 'WARNING',
  notapplicable: 'NOT_AVAILABLE',
  'not applicable': 'NOT_AVAILABLE',
  skipped: 'NOT_AVAILABLE',
  error: 'NOT_AVAILABLE',
};

/** ASFF `Compliance.Status` from a check's status word (`Unhealthy`, `passed`, `NotApplicable` …). */
export function complianceStatus(
  cell: string,
): 'PASSED' | 'FAILED' | 'WARNING' | 'NOT_AVAILABLE' | undefined {
  return COMPLIANCE_WORDS[cell.trim().toLowerCase()];
}
