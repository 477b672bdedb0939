import type { Cvss } from '@aws-sdk/client-securityhub';
import type { FindingSeverity, SeverityLabel } from '../../src/adapter.js';
import { labelFromCvss, normalizeLabel } from '../../src/severity.js';
import { compact, type JsonObject, num, obj, str } from './types.js';

/** Trivy's severity words that map one-to-one onto ASFF labels. `UNKNOWN` is handled separately. */
const TRIVY_SEVERITY_LABELS: Readonly<Record<string, SeverityLabel>> = {
  CRITICAL: 'CRITICAL',
  HIGH: 'HIGH',
  MEDIUM: 'MEDIUM',
  LOW: 'LOW',
};

/** Trivy's `VendorSeverity` numbers (its `dbTypes.Severity` enum) as words. */
export const TRIVY_VENDOR_SEVERITY_WORDS = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;

/** CVSS score fields of one Trivy `CVSS` source, best first: v4.0, then v3.x, then v2. */
const SCORE_FIELDS = ['V40Score', 'V3Score', 'V2Score'] as const;

/** A severity plus the way it was decided, e.g. `trivy`, `cvss:nvd:V3Score`, `default`. */
export interface DecidedSeverity {
  severity: FindingSeverity;
  basis: string;
}

/** Severity of a misconfiguration, secret or license: Trivy's word, `UNKNOWN`/missing → INFORMATIONAL. */
export function recordSeverity(value: unknown): DecidedSeverity {
  const original = str(value) ?? 'UNKNOWN';
  const label = TRIVY_SEVERITY_LABELS[original.trim().toUpperCase()] ?? normalizeLabel(original);
  return label === undefined
    ? { severity: { label: 'INFORMATIONAL', original }, basis: 'default' }
    : { severity: { label, original }, basis: 'trivy' };
}

/**
 * Severity of a vulnerability. Trivy's own `Severity` wins (it already applies the vendor precedence, see
 * https://trivy.dev/latest/docs/scanner/vulnerability/#severity-selection). When it is `UNKNOWN` or missing:
 * the `VendorSeverity` word of the vendor `SeveritySource` names, then the CVSS base score of that vendor, then
 * NVD's (v4.0 before v3.x before v2 in each); with no score at all the label is INFORMATIONAL. `Original`
 * always keeps Trivy's word.
 */
export function vulnerabilitySeverity(vulnerability: JsonObject): DecidedSeverity {
  const original = str(vulnerability.Severity) ?? 'UNKNOWN';
  const direct = TRIVY_SEVERITY_LABELS[original.trim().toUpperCase()];
  if (direct !== undefined) return { severity: { label: direct, original }, basis: 'trivy' };

  // The vendor Trivy says it took the severity from, in its own word (Trivy's VendorSeverity numbers).
  const severitySource = str(vulnerability.SeveritySource);
  const vendorWord =
    severitySource === undefined
      ? undefined
      : vendorSeverityWord(obj(vulnerability.VendorSeverity)?.[severitySource]);
  const vendorLabel = vendorWord === undefined ? undefined : TRIVY_SEVERITY_LABELS[vendorWord];
  if (vendorLabel !== undefined) {
    return { severity: { label: vendorLabel, original }, basis: `vendor:${severitySource}` };
  }
  const cvss = obj(vulnerability.CVSS);
  const sources = [severitySource, 'nvd'].filter(
    (source, index, all): source is string => source !== undefined && all.indexOf(source) === index,
  );
  for (const source of sources) {
    const entry = obj(cvss?.[source]);
    for (const field of SCORE_FIELDS) {
      const label = labelFromCvss(num(entry?.[field]));
      if (label !== undefined) return { severity: { label, original }, basis: `cvss:${source}:${field}` };
    }
  }
  const word = original.trim().toUpperCase() === 'UNKNOWN' ? undefined : normalizeLabel(original);
  return word === undefined
    ? { severity: { label: 'INFORMATIONAL', original }, basis: 'default' }
    : { severity: { label: word, original }, basis: 'trivy' };
}

/** `CVSS:3.1/AV:N…` → `3.1`; the version of a v3 vector, `3.x` when the vector does not say. */
function v3Version(vector: string | undefined): string {
  const match = vector === undefined ? null : /^CVSS:(3\.\d)\//.exec(vector);
  return match?.[1] ?? '3.x';
}

/**
 * Every CVSS entry Trivy reports, one ASFF `Cvss` per source and version (v2, v3.x, v4.0), sources by name.
 * An entry needs a score or a vector.
 */
export function cvssList(vulnerability: JsonObject): Cvss[] {
  const out: Cvss[] = [];
  const cvss = obj(vulnerability.CVSS);
  if (cvss === undefined) return out;
  // Sources in name order: JSON key order is not meaningful, and the output must not depend on it.
  const sources = Object.keys(cvss);
  if (sources.length > 1) sources.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const source of sources) {
    const entry = obj(cvss[source]);
    if (entry === undefined) continue;
    pushCvss(out, '2.0', num(entry.V2Score), str(entry.V2Vector), source);
    const v3Vector = str(entry.V3Vector);
    pushCvss(out, v3Version(v3Vector), num(entry.V3Score), v3Vector, source);
    pushCvss(out, '4.0', num(entry.V40Score), str(entry.V40Vector), source);
  }
  return out;
}

/** Appends one ASFF `Cvss` when the entry has a score or a vector (keys in the order ASFF output expects). */
function pushCvss(
  out: Cvss[],
  version: string,
  score: number | undefined,
  vector: string | undefined,
  source: string,
): void {
  if (score === undefined && vector === undefined) return;
  out.push(compact({ Version: version, BaseScore: score, BaseVector: vector, Source: source }));
}

/** A `VendorSeverity` number as Trivy's word (`2` → `MEDIUM`); `undefined` for anything else. */
export function vendorSeverityWord(value: unknown): string | undefined {
  const n = num(value);
  return n !== undefined && Number.isInteger(n) ? TRIVY_VENDOR_SEVERITY_WORDS[n] : undefined;
}
