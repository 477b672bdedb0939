import type { FindingSeverity, SeverityLabel } from '../../src/adapter.js';
import { labelFromCvss, labelFromSarifLevel, normalizeLabel, severity } from '../../src/severity.js';
import type { RuleInfo } from './rules.js';
import { asNumber, asObject, asText, type JsonObject } from './values.js';

/** SARIF `result.kind` values (§3.27.9). Only `fail` is a problem by default. */
export const SARIF_KINDS = ['fail', 'pass', 'notApplicable', 'informational', 'review', 'open'] as const;

/** A `security-severity` value: a CVSS score as a string (GitHub convention) or, from some tools, a word. */
function fromSecuritySeverity(value: unknown): SeverityLabel | undefined {
  const score = asNumber(value);
  if (score !== undefined) return labelFromCvss(score);
  return typeof value === 'string' ? normalizeLabel(value) : undefined;
}

/** One tool-specific place a severity can hide, tried in table order after `security-severity`. */
interface SeverityHint {
  /** Where the value is read, as shown in `Severity.Original` (`<source>:<value>`). */
  source: string;
  /** Which tools write it (documentation only). */
  tools: string;
  read(result: JsonObject, rule: RuleInfo | undefined, ruleId: string | undefined): unknown;
  toLabel(value: unknown): SeverityLabel | undefined;
}

const word = (value: unknown): SeverityLabel | undefined =>
  typeof value === 'string' ? normalizeLabel(value) : undefined;
const cvss = (value: unknown): SeverityLabel | undefined => labelFromCvss(asNumber(value));
const resultProperty = (key: string) => (result: JsonObject) => asObject(result.properties)?.[key];

/**
 * Severities that tools write outside SARIF's own fields, found in the corpus. Documented in `docs/sarif.md`.
 */
export const SEVERITY_HINTS: readonly SeverityHint[] = [
  {
    source: 'issue_severity',
    tools: 'Bandit (`result.properties.issue_severity`: LOW/MEDIUM/HIGH, no `level`)',
    read: resultProperty('issue_severity'),
    toLabel: word,
  },
  {
    source: 'cvssv3_baseScore',
    tools: 'OWASP dependency-check (`result.properties.cvssv3_baseScore`), Trivy rules',
    read: (result, rule) =>
      asObject(result.properties)?.cvssv3_baseScore ?? rule?.properties.cvssv3_baseScore,
    toLabel: cvss,
  },
  {
    source: 'severity',
    tools: 'dependency-check RetireJS results (`result.properties.severity`: low/medium/high)',
    read: resultProperty('severity'),
    toLabel: word,
  },
  {
    source: 'ruleId',
    tools: 'Trivy `contrib/sarif.tpl` (2020): rule ids like `[MEDIUM] CVE-2019-1549`, every level `error`',
    read: (_result, _rule, ruleId) => /^\[([A-Za-z]+)\]\s/.exec(ruleId ?? '')?.[1],
    toLabel: word,
  },
];

/** The severity of a result plus the SARIF level it ends up with. */
export interface ResultSeverity {
  severity: FindingSeverity;
  /** The effective SARIF level (§3.27.10): explicit, else from kind / rule default / `warning`. */
  level: string;
}

/**
 * Severity, first match wins: `security-severity` on the result, then on the rule (CVSS score → CVSS v3 band;
 * a word such as `HIGH` → that label); then the tool hints of {@link SEVERITY_HINTS}; then the SARIF level —
 * `result.level`, else `none` when `kind` is not `fail`, else `rule.defaultConfiguration.level`, else `warning`.
 * `Original` records where the value came from: `security-severity:9.8`, `level:error`, `issue_severity:MEDIUM` …
 */
export function resolveSeverity(
  result: JsonObject,
  rule: RuleInfo | undefined,
  ruleId: string | undefined,
  kind: string,
): ResultSeverity {
  const explicitLevel = asText(result.level);
  const levelLabel = labelFromSarifLevel(explicitLevel);
  let level: string;
  let levelSource: string;
  if (explicitLevel !== undefined && levelLabel !== undefined) {
    level = explicitLevel;
    levelSource = 'level';
  } else if (kind !== 'fail') {
    level = 'none';
    levelSource = 'kind';
  } else if (rule?.defaultLevel !== undefined && labelFromSarifLevel(rule.defaultLevel) !== undefined) {
    level = rule.defaultLevel;
    levelSource = 'defaultConfiguration.level';
  } else {
    level = 'warning';
    levelSource = 'default';
  }

  const fromResult = asObject(result.properties)?.['security-severity'];
  const resultLabel = fromSecuritySeverity(fromResult);
  if (resultLabel !== undefined)
    return { severity: severity(resultLabel, `security-severity:${String(fromResult)}`), level };
  const fromRule = rule?.properties['security-severity'];
  const ruleLabel = fromSecuritySeverity(fromRule);
  if (ruleLabel !== undefined)
    return { severity: severity(ruleLabel, `security-severity:${String(fromRule)}`), level };
  for (const hint of SEVERITY_HINTS) {
    const value = hint.read(result, rule, ruleId);
    const label = hint.toLabel(value);
    if (label !== undefined) return { severity: severity(label, `${hint.source}:${String(value)}`), level };
  }
  const original = levelSource === 'kind' ? `kind:${kind}` : `${levelSource}:${level}`;
  return { severity: severity(labelFromSarifLevel(level) ?? 'MEDIUM', original), level };
}
