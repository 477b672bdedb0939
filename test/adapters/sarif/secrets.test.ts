import { describe, expect, it } from 'vitest';
import { compactRule } from '../../../adapters/sarif/rules.js';
import {
  isSecretFinding,
  redactSecrets,
  scrubAwsKeys,
  secretCandidates,
} from '../../../adapters/sarif/secrets.js';

describe('isSecretFinding', () => {
  it.each([
    ['gitleaks driver', 'gitleaks', undefined, 'aws-access-token', true],
    ['Gitleaks 7 driver', 'Gitleaks', undefined, undefined, true],
    ['TruffleHog driver', 'TruffleHog OSS', undefined, 'AWS', true],
    [
      'rule tagged secret (Trivy)',
      'Trivy',
      compactRule({ id: 'github-pat', properties: { tags: ['secret', 'security'] } }),
      'github-pat',
      true,
    ],
    ['rule named Secret (Trivy)', 'Trivy', compactRule({ id: 'x', name: 'Secret' }), 'x', true],
    [
      'KICS passwords and secrets query',
      'KICS',
      compactRule({ id: 'u', name: 'Passwords And Secrets - Generic Token' }),
      'u',
      true,
    ],
    ['Checkov secrets check', 'Checkov', undefined, 'CKV_SECRET_2', true],
    [
      'Semgrep secrets rule',
      'Semgrep OSS',
      undefined,
      'generic.secrets.security.detected-aws-access-key-id-value',
      true,
    ],
    [
      'Semgrep secret-key audit rule is not a secrets rule',
      'Semgrep OSS',
      undefined,
      'python.django.security.audit.secret-key',
      false,
    ],
    [
      'CodeQL hard-coded credentials query is not',
      'CodeQL',
      compactRule({
        id: 'js/hardcoded-credentials',
        properties: { tags: ['security', 'external/cwe/cwe-798'] },
      }),
      'js/hardcoded-credentials',
      false,
    ],
    [
      'Trivy vulnerability is not',
      'Trivy',
      compactRule({ id: 'CVE-1', name: 'OsPackageVulnerability' }),
      'CVE-1',
      false,
    ],
  ])('%s → %s', (_name, tool, rule, ruleId, expected) => {
    expect(isSecretFinding(tool, rule, ruleId)).toBe(expected);
  });
});

describe('secretCandidates and redactSecrets', () => {
  const result = {
    locations: [
      {
        physicalLocation: {
          region: { snippet: { text: '  "token": "s3cr3t-T0ken-Value-42",' } },
          contextRegion: {
            snippet: { text: 'line before\n  "token": "s3cr3t-T0ken-Value-42",\nline after' },
          },
        },
      },
    ],
    properties: { offender: 'AKIAIOSFODNN7EXAMPLE', commit: 'abc', count: 3 },
  };

  it('collects snippets, their long tokens and secret-looking properties', () => {
    const candidates = secretCandidates(result);
    expect(candidates).toContain('s3cr3t-T0ken-Value-42');
    expect(candidates).toContain('AKIAIOSFODNN7EXAMPLE');
    expect(candidates).toContain('"token": "s3cr3t-T0ken-Value-42",');
    expect(candidates).not.toContain('abc');
    // Longest first, so a whole snippet is removed before its parts.
    expect(candidates[0]!.length).toBeGreaterThanOrEqual(candidates.at(-1)!.length);
  });

  it.each([
    ['the secret inside a message', 'found s3cr3t-T0ken-Value-42 in config', 'found [REDACTED] in config'],
    ['the offender property value', 'key AKIAIOSFODNN7EXAMPLE detected', 'key [REDACTED] detected'],
    [
      'a Match: line (Trivy)',
      'Secret GitHub PAT\nMatch: GITHUB_TOKEN=ghp_abc\nSeverity: HIGH',
      'Secret GitHub PAT\nMatch: [REDACTED]\nSeverity: HIGH',
    ],
    [
      'nothing to remove',
      'aws-access-token has detected secret for file a.sh',
      'aws-access-token has detected secret for file a.sh',
    ],
  ])('removes %s', (_name, text, expected) => {
    expect(redactSecrets(text, secretCandidates(result))).toBe(expected);
  });
});

describe('scrubAwsKeys', () => {
  it.each([
    ['AKIAIOSFODNN7EXAMPLE in text', 'key AKIAIOSFODNN7EXAMPLE here', 'key [REDACTED-AWS-KEY-ID] here'],
    ['ASIA session key', 'ASIAJEXAMPLEXEG2JICEA', 'ASIAJEXAMPLEXEG2JICEA'],
    ['ASIA key of the right length', 'x=ASIAJEXAMPLEXEG2JICE;', 'x=[REDACTED-AWS-KEY-ID];'],
    ['lower case is not a key id', 'akiaiosfodnn7example', 'akiaiosfodnn7example'],
  ])('%s', (_name, text, expected) => {
    expect(scrubAwsKeys(text)).toBe(expected);
  });
});
