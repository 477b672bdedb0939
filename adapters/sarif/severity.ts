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

/** A rule fact worked out once per rule (the help text of one rule is shared by thousands of results). */
function perRule<T>(compute: (rule: RuleInfo) => T): (rule: RuleInfo | undefined) => T | undefined {
  const cache = new WeakMap<RuleInfo, { value: T }>();
  return (rule) => {
    if (rule === undefined) return undefined;
    let entry = cache.get(rule);
    if (entry === undefined) {
      entry = { value: compute(rule) };
      cache.set(rule, entry);
    }
    return entry.value;
  };
}

/** `Severity: Low` as a line of the rule help (Trivy, Grype and Anchore write their severity there). */
const helpSeverity = perRule((rule) => /^\s*Severity\s*:\s*([A-Za-z]+)\s*$/m.exec(rule.helpText ?? '')?.[1]);
/** `High severity - …` at the start of the rule's short description (Snyk Open Source and Snyk IaC). */
const snykSeverity = perRule(
  (rule) => /^(low|medium|high|critical) severity\b/i.exec(rule.shortDescription ?? '')?.[1],
);
/** A tag that is exactly a severity word in capitals (Trivy rules: `["vulnerability", "security", "HIGH"]`). */
const tagSeverity = perRule((rule) => rule.tags.find((tag) => /^(?:LOW|MEDIUM|HIGH|CRITICAL)$/.test(tag)));

/**
 * The scanners' own severity words, found in the corpus, tried in table order before `security-severity` and the
 * SARIF level: a scanner's word (Trivy's vendor severity, Grype's, Anchore's, Snyk's) can differ from the CVSS
 * score it also writes, and the person triaging trusts the word the scanner shows. Documented in `docs/sarif.md`.
 */
export const SEVERITY_HINTS: readonly SeverityHint[] = [
  {
    source: 'issue_severity',
    tools: 'Bandit (`result.properties.issue_severity`: LOW/MEDIUM/HIGH, no `level`)',
    read: resultProperty('issue_severity'),
    toLabel: word,
  },
  {
    source: 'severity',
    tools: 'dependency-check RetireJS results (`result.properties.severity`: low/medium/high)',
    read: resultProperty('severity'),
    toLabel: word,
  },
  {
    source: 'cvssv3_baseSeverity',
    tools:
      'OWASP dependency-check NVD results (`result.properties.cvssv3_baseSeverity`, then `cvssv2_severity`)',
    read: (result) =>
      asObject(result.properties)?.cvssv3_baseSeverity ?? asObject(result.properties)?.cvssv2_severity,
    toLabel: word,
  },
  {
    source: 'information',
    tools:
      "Polyspace defects (`result.properties.information`: `Impact: High`; its `severity` is the user's, often `Unset`)",
    read: (result) => asText(asObject(result.properties)?.information),
    toLabel: (value) =>
      typeof value === 'string' ? normalizeLabel(/^Impact:\s*(\w+)/i.exec(value)?.[1]) : undefined,
  },
  {
    source: 'Severity',
    tools: 'Trivy, Grype and Anchore (`Severity: MEDIUM` line of the rule `help.text`)',
    read: (_result, rule) => helpSeverity(rule),
    toLabel: word,
  },
  {
    source: 'shortDescription',
    tools: 'Snyk Open Source and Snyk IaC (rule `shortDescription` starting `High severity - `)',
    read: (_result, rule) => snykSeverity(rule),
    toLabel: word,
  },
  {
    source: 'tag',
    tools: 'Trivy rules (a severity word among `properties.tags`)',
    read: (_result, rule) => tagSeverity(rule),
    toLabel: word,
  },
  {
    source: 'ruleId',
    tools: 'Trivy `contrib/sarif.tpl` (2020): rule ids like `[MEDIUM] CVE-2019-1549`, every level `error`',
    read: (_result, _rule, ruleId) => /^\[([A-Za-z]+)\]\s/.exec(ruleId ?? '')?.[1],
    toLabel: word,
  },
];

/** Scores tried after the words and `security-severity`, before the SARIF level. */
const SCORE_HINTS: readonly SeverityHint[] = [
  {
    source: 'cvssv3_baseScore',
    tools: 'OWASP dependency-check (`result.properties.cvssv3_baseScore`), Trivy rules',
    read: (result, rule) =>
      asObject(result.properties)?.cvssv3_baseScore ?? rule?.properties.cvssv3_baseScore,
    toLabel: cvss,
  },
];

/** The severity of a result plus the SARIF level it ends up with. */
export interface ResultSeverity {
  severity: FindingSeverity;
  /** The effective SARIF level (§3.27.10): explicit, else from kind / rule default / `warning`. */
  level: string;
}

/**
 * Severity, first match wins: the scanner's own word ({@link SEVERITY_HINTS}); then `security-severity` on the
 * result, then on the rule (CVSS score → CVSS v3 band; a word such as `HIGH` → that label); then a CVSS base
 * score property (dependency-check, Trivy); then the SARIF level —
 * `result.level`, else `none` when `kind` is not `fail`, else `rule.defaultConfiguration.level`, else `warning`.
 * `Original` records where the value came from: `Severity:Low`, `security-severity:9.8`, `level:error` …
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

  for (const hint of SEVERITY_HINTS) {
    const found = fromHint(hint, result, rule, ruleId);
    if (found !== undefined) return { severity: found, level };
  }
  const fromResult = asObject(result.properties)?.['security-severity'];
  const resultLabel = fromSecuritySeverity(fromResult);
  if (resultLabel !== undefined)
    return { severity: severity(resultLabel, `security-severity:${String(fromResult)}`), level };
  const fromRule = rule?.properties['security-severity'];
  const ruleLabel = fromSecuritySeverity(fromRule);
  if (ruleLabel !== undefined)
    return { severity: severity(ruleLabel, `security-severity:${String(fromRule)}`), level };
  for (const hint of SCORE_HINTS) {
    const found = fromHint(hint, result, rule, ruleId);
    if (found !== undefined) return { severity: found, level };
  }
  const original = levelSource === 'kind' ? `kind:${kind}` : `${levelSource}:${level}`;
  return { severity: severity(labelFromSarifLevel(level) ?? 'MEDIUM', original), level };
}

function fromHint(
  hint: SeverityHint,
  result: JsonObject,
  rule: RuleInfo | undefined,
  ruleId: string | undefined,
): FindingSeverity | undefined {
  const value = hint.read(result, rule, ruleId);
  const label = hint.toLabel(value);
  return label === undefined ? undefined : severity(label, `${hint.source}:${String(value)}`);
}
