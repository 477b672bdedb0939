import type { RuleInfo } from './rules.js';
import { asArray, asObject, asText, type JsonObject } from './values.js';

/** One way to recognise a secret-scanning result. Documented in `docs/sarif.md`. */
interface SecretSignal {
  description: string;
  /** What the signal looks at; tool and rule answers are worked out once per tool name and per rule. */
  on: 'tool' | 'rule' | 'ruleId';
  test(toolName: string, rule: RuleInfo | undefined, ruleId: string | undefined): boolean;
}

const SECRET_TOOLS =
  /\b(gitleaks|trufflehog|detect-secrets|ggshield|gitguardian|secretlint|talisman|nosey ?parker|kingfisher|whispers|git-secrets)\b/i;

const SECRET_RULE_ID = /^CKV_SECRET_|(^|[./])secrets?[./]/i;

/** The signals that make a result a secret finding; any one is enough. */
export const SECRET_SIGNALS: readonly SecretSignal[] = [
  {
    description:
      'the driver is a secret scanner (gitleaks, TruffleHog, detect-secrets, ggshield, secretlint …)',
    on: 'tool',
    test: (toolName) => SECRET_TOOLS.test(toolName),
  },
  {
    description: 'the rule is tagged `secret` or `secrets` (Trivy secret rules, Semgrep secrets rules)',
    on: 'rule',
    test: (_tool, rule) => rule?.tags.some((tag) => /^secrets?$/i.test(tag.trim())) ?? false,
  },
  {
    description: 'the rule is named `Secret` (Trivy SARIF) or `Passwords And Secrets - …` (KICS)',
    on: 'rule',
    test: (_tool, rule) => rule?.name !== undefined && /^(secret$|passwords and secrets\b)/i.test(rule.name),
  },
  {
    description: 'the rule id is a Checkov secrets check (`CKV_SECRET_*`) or a Semgrep `….secrets.…` rule',
    on: 'ruleId',
    test: (_tool, _rule, ruleId) => ruleId !== undefined && SECRET_RULE_ID.test(ruleId),
  },
];

const toolAnswers = new Map<string, boolean>();
const ruleAnswers = new WeakMap<RuleInfo, boolean>();

function answer(
  on: SecretSignal['on'],
  toolName: string,
  rule: RuleInfo | undefined,
  ruleId: string | undefined,
) {
  return SECRET_SIGNALS.some((signal) => signal.on === on && signal.test(toolName, rule, ruleId));
}

/** True when the result reports a secret, so no secret-bearing text may be copied from it. */
export function isSecretFinding(
  toolName: string,
  rule: RuleInfo | undefined,
  ruleId: string | undefined,
): boolean {
  let byTool = toolAnswers.get(toolName);
  if (byTool === undefined) {
    byTool = answer('tool', toolName, rule, ruleId);
    if (toolAnswers.size < 1024) toolAnswers.set(toolName, byTool);
  }
  if (byTool) return true;
  if (rule !== undefined) {
    let byRule = ruleAnswers.get(rule);
    if (byRule === undefined) {
      byRule = answer('rule', toolName, rule, ruleId);
      ruleAnswers.set(rule, byRule);
    }
    if (byRule) return true;
  }
  return ruleId !== undefined && SECRET_RULE_ID.test(ruleId);
}

/** Result property names under which secret scanners put the secret itself (gitleaks 7 `offender` …). */
const SECRET_PROPERTY = /offender|secret|match|token|password|passwd|credential|value|raw|line/i;
const TOKEN_SPLIT = /[\s"'`=:,;()[\]{}<>]+/;

/**
 * Strings of a secret result that may contain the secret: region and context snippets (whole and split into
 * tokens of 8+ characters) and secret-looking property values. Used to scrub the message.
 */
export function secretCandidates(result: JsonObject): string[] {
  const candidates = new Set<string>();
  const add = (text: string | undefined, split: boolean) => {
    if (text === undefined) return;
    const trimmed = text.trim();
    if (trimmed.length >= 4) candidates.add(trimmed);
    if (split) for (const token of trimmed.split(TOKEN_SPLIT)) if (token.length >= 8) candidates.add(token);
  };
  for (const item of asArray(result.locations)) {
    const physical = asObject(asObject(item)?.physicalLocation);
    add(asText(asObject(asObject(physical?.region)?.snippet)?.text), true);
    add(asText(asObject(asObject(physical?.contextRegion)?.snippet)?.text), true);
  }
  const properties = asObject(result.properties);
  for (const [key, value] of Object.entries(properties ?? {}))
    if (SECRET_PROPERTY.test(key) && typeof value === 'string') add(value, true);
  return [...candidates].sort((a, b) => b.length - a.length);
}

const REDACTED = '[REDACTED]';

/**
 * Removes every candidate string from `text`, and blanks the value of `Match:` / `Secret:` / `Offender:` lines
 * (Trivy writes `Match: …` into secret messages).
 */
export function redactSecrets(text: string, candidates: readonly string[]): string {
  let redacted = text;
  for (const candidate of candidates)
    if (redacted.includes(candidate)) redacted = redacted.split(candidate).join(REDACTED);
  return redacted.replace(/^(\s*(?:match|secret|offender)\s*[:=]).*$/gim, `$1 ${REDACTED}`);
}

/** AWS access key ids (`AKIA…`, `ASIA…` and the other IAM unique-id prefixes) anywhere in a text. */
const AWS_KEY_ID = /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g;

/** Blanks AWS access key ids: they must never reach a finding, whatever rule reported them. */
export function scrubAwsKeys(text: string): string {
  return text.replace(AWS_KEY_ID, '[REDACTED-AWS-KEY-ID]');
}
