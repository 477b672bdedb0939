import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findingId } from '../../../src/asff/id.js';
import type { ConverterError } from '../../../src/errors.js';
import { convertAll, expectAllValid } from '../../helpers/asff.js';
import { corpusFile, corpusFiles, HAS_CORPUS } from '../../helpers/corpus.js';
import { fileChunks, parseWith } from './helpers.js';

interface Expected {
  /** Findings the file must give (every result of every run). */
  findings: number;
  /** Of those, `state: 'resolved'` (suppressed, kind pass/notApplicable, baseline absent). */
  resolved: number;
  /** Typed `…/Vulnerabilities/CVE`, and `Sensitive Data Identifications/Passwords`. */
  cve: number;
  secret: number;
  /** Issue counts by code. */
  issues: Record<string, number>;
  /** Severity labels. */
  labels: Record<string, number>;
  /** Fatal error code, for the malformed files. */
  error?: string;
}

const e = (
  findings: number,
  resolved: number,
  cve: number,
  secret: number,
  issues: Record<string, number>,
  labels: Record<string, number>,
  error?: string,
): Expected => ({ findings, resolved, cve, secret, issues, labels, ...(error !== undefined && { error }) });

/** Every SARIF corpus file and what it must convert to. */
const EXPECTED: Record<string, Expected> = {
  // Polyspace's own `Impact: High|Medium|Low`, not the level every result shares.
  'alex-polyspace-5__results.sarif': e(10, 0, 0, 0, {}, { LOW: 4, MEDIUM: 1, HIGH: 5 }),
  'andromeda-orchestration__results.sarif': e(46, 0, 0, 13, {}, { HIGH: 13, MEDIUM: 33 }),
  'aws-fluxcd-terragrunt-stacks__semgrep-results.sarif': e(0, 0, 0, 0, {}, {}),
  'defectdojo__cxf-3.4.6.sarif': e(22, 0, 21, 0, {}, { LOW: 6, MEDIUM: 4, HIGH: 11, CRITICAL: 1 }),
  'defectdojo__dependency_check.sarif': e(13, 0, 9, 0, { 'missing-rule': 9 }, { LOW: 1, MEDIUM: 12 }),
  'defectdojo__dockle_0_3_15.sarif': e(4, 0, 0, 0, {}, { LOW: 3, HIGH: 1 }),
  'defectdojo__flawfinder.sarif': e(54, 1, 0, 0, { 'duplicate-result': 4 }, { LOW: 51, MEDIUM: 1, HIGH: 2 }),
  'defectdojo__gitleaks_7.5.0.sarif': e(8, 0, 0, 8, {}, { MEDIUM: 8 }),
  'defectdojo__issue_10191.json': e(77, 0, 0, 0, {}, { MEDIUM: 42, HIGH: 1, CRITICAL: 34 }),
  'defectdojo__no_runs.sarif': e(0, 0, 0, 0, {}, {}),
  'defectdojo__semgrepowasp-benchmark-sample.sarif': e(1768, 0, 0, 0, {}, { MEDIUM: 1768 }),
  'defectdojo__spotbugs.sarif': e(56, 0, 0, 0, { 'tool-execution-failed': 1 }, { LOW: 56 }),
  'devsecops-pipeline__results_sarif.sarif': e(27, 0, 0, 1, {}, { HIGH: 27 }),
  'gitleaks__sarif_simple.sarif': e(1, 0, 0, 1, { 'missing-rule': 1 }, { MEDIUM: 1 }),
  // Snyk's `Low severity - …` rules have level warning.
  'iac-demo__snyk.sarif': e(29, 0, 0, 0, { 'duplicate-result': 1 }, { LOW: 8, MEDIUM: 16, HIGH: 5 }),
  'iframe-resizer__eslint-results.sarif': e(12, 12, 0, 0, {}, { MEDIUM: 3, HIGH: 9 }),
  'maven-with-vulns__snyk.sarif': e(41, 0, 40, 0, {}, { MEDIUM: 10, HIGH: 31 }),
  'terraform-aws-s3__results.sarif': e(6, 6, 0, 0, {}, { MEDIUM: 6 }),
  'terraform-security-project__checkov-results.sarif': e(0, 0, 0, 0, {}, {}, 'E_FORMAT'),
  'terraform-security-project__tfsec-results.sarif': e(19, 0, 0, 0, {}, { LOW: 2, MEDIUM: 6, HIGH: 11 }),
  'todo-list-aws__bandit.sarif': e(1, 0, 0, 0, {}, { MEDIUM: 1 }),
  // Anchore's help `Severity: Negligible|Low|Medium` (levels warning/error say MEDIUM/HIGH).
  'trivy-sarif-demo__results.sarif': e(429, 429, 429, 0, {}, { INFORMATIONAL: 89, LOW: 257, MEDIUM: 83 }),
  'trivy-sarif-demo__trivy-results.sarif': e(4, 0, 4, 0, {}, { LOW: 1, MEDIUM: 3 }),
  'trivy__alpine-310.sarif.golden': e(4, 0, 4, 0, {}, { MEDIUM: 4 }),
  'vulnerable-express__codeql.sarif': e(16, 0, 0, 0, {}, { MEDIUM: 12, HIGH: 4 }),
};

/** Results in a corpus file, counted independently of the adapter (whole-file parse; the files are small). */
function resultCount(path: string): number {
  const log = JSON.parse(readFileSync(path, 'utf8')) as { runs: { results?: unknown[] }[] };
  return log.runs.reduce((sum, run) => sum + (run.results?.length ?? 0), 0);
}

function tally(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

describe.skipIf(!HAS_CORPUS)('every SARIF file of the corpus', () => {
  it('has an expectation, and every expectation has a file', () => {
    expect(corpusFiles('sarif').map((path) => basename(path))).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s', async (name, expected) => {
    const path = corpusFile('sarif', name);
    const { findings, issues, error, tempFilesLeft } = await parseWith(fileChunks(path));
    if (expected.error !== undefined) {
      expect((error as ConverterError).code).toBe(expected.error);
    } else {
      expect(error).toBeUndefined();
      expect(findings).toHaveLength(resultCount(path));
    }
    expect(findings).toHaveLength(expected.findings);
    expect(findings.filter((f) => f.state === 'resolved')).toHaveLength(expected.resolved);
    expect(
      findings.filter((f) => f.types[0] === 'Software and Configuration Checks/Vulnerabilities/CVE'),
    ).toHaveLength(expected.cve);
    expect(findings.filter((f) => f.types[0] === 'Sensitive Data Identifications/Passwords')).toHaveLength(
      expected.secret,
    );
    expect(tally(issues.map((issue) => issue.code))).toEqual(expected.issues);
    expect(tally(findings.map((f) => f.severity.label))).toEqual(expected.labels);
    // Distinct Ids for every finding of the file.
    expect(new Set(findings.map((f) => findingId('corpus', 'sarif', f.identity))).size).toBe(findings.length);
    expect(tempFilesLeft).toEqual([]);
  });

  it.each(Object.entries(EXPECTED))(
    '%s through the pipeline: detected, every finding valid ASFF',
    async (name, expected) => {
      const path = corpusFile('sarif', name);
      if (expected.error !== undefined) {
        await expect(convertAll(path, { format: 'sarif' })).rejects.toMatchObject({ code: expected.error });
        return;
      }
      const { findings, stats } = await convertAll(path);
      expect(stats.adapter).toBe('sarif');
      expect(stats).toMatchObject({
        received: expected.findings,
        emitted: expected.findings,
        failed: 0,
        skipped: 0,
        complete: true,
      });
      expectAllValid(findings);
      expect(findings.filter((f) => f.RecordState === 'ARCHIVED')).toHaveLength(expected.resolved);
      expect(new Set(findings.map((f) => f.Id)).size).toBe(findings.length);
    },
  );

  it.each([
    [
      'defectdojo__gitleaks_7.5.0.sarif',
      ['AKIAIOSFODNN7EXAMPLE', 'BEGIN OPENSSH PRIVATE KEY', 'raw_source_code_extract'],
    ],
    // The whole snippet is the secret there; as a JSON string value it would appear quoted.
    ['gitleaks__sarif_simple.sarif', ['"a secret"', 'johndoe@gmail.com']],
    ['devsecops-pipeline__results_sarif.sarif', ['plain**********']],
  ])('copies no secret of %s into any finding', async (name, secrets) => {
    const { findings } = await parseWith(fileChunks(corpusFile('sarif', name)));
    const visible = JSON.stringify(findings.map(({ identity: _identity, ...rest }) => rest));
    for (const secret of secrets) expect(visible).not.toContain(secret);
  });

  it('converts the same file to the same Ids whatever the order of its results', async () => {
    const path = corpusFile('sarif', 'defectdojo__issue_10191.json');
    const log = JSON.parse(readFileSync(path, 'utf8')) as { runs: { results: unknown[] }[] };
    const original = await parseWith(fileChunks(path));
    log.runs[0]!.results.reverse();
    const reversed = await parseWith(log);
    const ids = (findings: typeof original.findings) =>
      findings.map((f) => findingId('s', 'sarif', f.identity)).sort();
    expect(ids(reversed.findings)).toEqual(ids(original.findings));
  });
});
