import type { FindingSeverity, SeverityLabel } from './adapter.js';

/** ASFF severity labels, lowest first. */
export const SEVERITY_LABELS = [
  'INFORMATIONAL',
  'LOW',
  'MEDIUM',
  'HIGH',
  'CRITICAL',
] as const satisfies readonly SeverityLabel[];

/** Rank of each label (0 = INFORMATIONAL … 4 = CRITICAL), for thresholds like `--fail-on`. */
export const SEVERITY_RANK = {
  INFORMATIONAL: 0,
  LOW: 1,
  MEDIUM: 2,
  HIGH: 3,
  CRITICAL: 4,
} as const satisfies Record<SeverityLabel, number>;

/** Label → the deprecated `Normalized` value Security Hub derives (asff-facts §2.5). */
export const SEVERITY_NORMALIZED = {
  INFORMATIONAL: 0,
  LOW: 1,
  MEDIUM: 40,
  HIGH: 70,
  CRITICAL: 90,
} as const satisfies Record<SeverityLabel, number>;

/** Common scanner words for severities, lower-cased, mapped to ASFF labels. */
const LABEL_ALIASES: Readonly<Record<string, SeverityLabel>> = {
  informational: 'INFORMATIONAL',
  information: 'INFORMATIONAL',
  info: 'INFORMATIONAL',
  none: 'INFORMATIONAL',
  note: 'INFORMATIONAL',
  unknown: 'INFORMATIONAL',
  negligible: 'INFORMATIONAL',
  log: 'INFORMATIONAL',
  low: 'LOW',
  minor: 'LOW',
  medium: 'MEDIUM',
  moderate: 'MEDIUM',
  warning: 'MEDIUM',
  warn: 'MEDIUM',
  high: 'HIGH',
  important: 'HIGH',
  major: 'HIGH',
  error: 'HIGH',
  critical: 'CRITICAL',
  urgent: 'CRITICAL',
  severe: 'CRITICAL',
  blocker: 'CRITICAL',
};

/**
 * Normalises a scanner's severity word (`High`, `moderate`, `INFO`, `critical`) to an ASFF label.
 * Returns `undefined` for words it does not know, so callers can fall back to a score.
 */
export function normalizeLabel(word: string | undefined | null): SeverityLabel | undefined {
  if (word === undefined || word === null) return undefined;
  return LABEL_ALIASES[word.trim().toLowerCase()];
}

/**
 * CVSS base score → ASFF label, using the CVSS v3 qualitative bands (0 none, 0.1–3.9 low, 4–6.9 medium,
 * 7–8.9 high, 9–10 critical). Returns `undefined` for anything that is not a number in 0–10.
 */
export function labelFromCvss(score: number | string | undefined | null): SeverityLabel | undefined {
  if (score === undefined || score === null || score === '') return undefined;
  const value = typeof score === 'number' ? score : Number(score);
  if (!Number.isFinite(value) || value < 0 || value > 10) return undefined;
  if (value === 0) return 'INFORMATIONAL';
  if (value < 4) return 'LOW';
  if (value < 7) return 'MEDIUM';
  if (value < 9) return 'HIGH';
  return 'CRITICAL';
}

/** SARIF `level` → ASFF label. SARIF's default level, when none is given anywhere, is `warning`. */
export const SARIF_LEVEL_LABELS = {
  none: 'INFORMATIONAL',
  note: 'LOW',
  warning: 'MEDIUM',
  error: 'HIGH',
} as const satisfies Record<string, SeverityLabel>;

/** Maps a SARIF level to a label; unknown levels give `undefined`. */
export function labelFromSarifLevel(level: string | undefined | null): SeverityLabel | undefined {
  if (level === undefined || level === null) return undefined;
  return (SARIF_LEVEL_LABELS as Record<string, SeverityLabel>)[level];
}

/** Nessus / Tenable numeric severity 0–4 → label. */
export const NESSUS_SEVERITY_LABELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;

/** Maps a Nessus 0–4 severity (number or digit string) to a label. */
export function labelFromNessusSeverity(
  value: string | number | undefined | null,
): SeverityLabel | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isInteger(n) ? NESSUS_SEVERITY_LABELS[n] : undefined;
}

/** Builds a `FindingSeverity`, keeping the scanner's value as `original` (stringified). */
export function severity(
  label: SeverityLabel,
  original: string | number | undefined | null,
): FindingSeverity {
  const text =
    original === undefined || original === null || String(original).trim() === '' ? label : String(original);
  return { label, original: text };
}

/** True when `label` is at or above `threshold`. */
export function isAtLeast(label: SeverityLabel, threshold: SeverityLabel): boolean {
  return SEVERITY_RANK[label] >= SEVERITY_RANK[threshold];
}

/** Parses a user-supplied label (`high`, `CRITICAL`, `info`) for options such as `--fail-on`. */
export function parseSeverityOption(value: string): SeverityLabel | undefined {
  const upper = value.trim().toUpperCase();
  if ((SEVERITY_LABELS as readonly string[]).includes(upper)) return upper as SeverityLabel;
  return normalizeLabel(value);
}
