import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertAll, expectAllValid } from '../../helpers/asff.js';
import { corpusFile, corpusFiles, HAS_CORPUS } from '../../helpers/corpus.js';
import { countRecords, forEachObject } from './helpers.js';

/**
 * Exact expectations for every file of `shared/corpus/trivy`, licenses off (the default).
 * - `records`: findings Trivy reported — every element of a Vulnerabilities/Misconfigurations/Secrets list of a
 *   result (an object with a `Target`); the test re-derives it with {@link countRecords} on `JSON.parse`, so the
 *   table cannot drift from the files. It must equal the pipeline's `received`.
 * - `emitted`: ASFF findings; `skipped`: records dropped with an issue; `archived`: emitted with RecordState ARCHIVED.
 * Where the numbers come from (checked with jq): LandingZone 12 misconfigurations in 9 results; all_statuses 8
 * vulnerabilities, one per Status, `not_affected` archived; issue_10991 37 = 11 × 1 + 14 + 12 k8s misconfigurations;
 * kubernetes 10 vulnerabilities + 10 misconfigurations (the top-level lists' 2 + 4 entries are resources, not
 * findings); legacy_trivy_mix 7 vulnerabilities of which one (`{"PkgName": "simplito/elliptic-php"}`) has no
 * VulnerabilityID; license_scheme 19 licenses, not converted by default; misconfigurations_and_secrets 2 + 1 + 2;
 * securekube 178 + 3; kind-cluster 25 misconfigurations in 59 results (most only MisconfSummary); the null,
 * no-vulnerability, skipped and MisconfSummary-only files give nothing.
 */
const EXPECTED: Record<string, { records: number; emitted: number; skipped: number; archived: number }> = {
  'LandingZone-ScanningTools__trivy-report.json': { records: 12, emitted: 12, skipped: 0, archived: 0 },
  'defectdojo__all_statuses.json': { records: 8, emitted: 8, skipped: 0, archived: 1 },
  'defectdojo__cvssv4_severity_source.json': { records: 3, emitted: 3, skipped: 0, archived: 0 },
  'defectdojo__issue_10991.json': { records: 37, emitted: 37, skipped: 0, archived: 0 },
  'defectdojo__issue_14136.json': { records: 1, emitted: 1, skipped: 0, archived: 0 },
  'defectdojo__kubernetes.json': { records: 20, emitted: 20, skipped: 0, archived: 0 },
  'defectdojo__kubernetes_cluster_scoped_resources.json': { records: 3, emitted: 3, skipped: 0, archived: 0 },
  'defectdojo__legacy_many_vulns.json': { records: 93, emitted: 93, skipped: 0, archived: 0 },
  'defectdojo__legacy_no_vuln.json': { records: 0, emitted: 0, skipped: 0, archived: 0 },
  'defectdojo__legacy_trivy_mix.json': { records: 7, emitted: 6, skipped: 1, archived: 0 },
  'defectdojo__license_scheme.json': { records: 0, emitted: 0, skipped: 0, archived: 0 },
  'defectdojo__misconfigurations_and_secrets.json': { records: 5, emitted: 5, skipped: 0, archived: 0 },
  'defectdojo__scheme_2_many_vulns.json': { records: 5, emitted: 5, skipped: 0, archived: 0 },
  'defectdojo__scheme_2_no_vuln.json': { records: 0, emitted: 0, skipped: 0, archived: 0 },
  'defectdojo__severity_prio.json': { records: 2, emitted: 2, skipped: 0, archived: 0 },
  'kind-cluster-cilium__trivy-report.json': { records: 25, emitted: 25, skipped: 0, archived: 0 },
  'mirgs-trivy__trivy-result-proyect.json': { records: 8, emitted: 8, skipped: 0, archived: 0 },
  'securekube-devsecops__trivy.json': { records: 181, emitted: 181, skipped: 0, archived: 0 },
  'trivy__alpine-310.json.golden': { records: 4, emitted: 4, skipped: 0, archived: 0 },
  'trivy__alpine-39-skip.json.golden': { records: 0, emitted: 0, skipped: 0, archived: 0 },
  'trivy__amazonlinux2-gp2-x86-vm.json.golden': { records: 1, emitted: 1, skipped: 0, archived: 0 },
  'trivy__helm.json.golden': { records: 18, emitted: 18, skipped: 0, archived: 0 },
  'trivy__secrets.json.golden': { records: 2, emitted: 2, skipped: 0, archived: 0 },
  'trivy__spring4shell-jre8.json.golden': { records: 1, emitted: 1, skipped: 0, archived: 0 },
  'trivy__terraform-exclude-misconfs-remote-module.json.golden': {
    records: 0,
    emitted: 0,
    skipped: 0,
    archived: 0,
  },
};

const files = corpusFiles('trivy').map((path) => [basename(path), path] as const);

describe.skipIf(!HAS_CORPUS)('every Trivy corpus file', () => {
  it('has a row in the table, and every row has a file', () => {
    expect(files.map(([name]) => name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(files)('%s converts with exact counts, valid ASFF, distinct Ids', async (name, path) => {
    const expected = EXPECTED[name];
    if (expected === undefined) throw new Error(`no table row for ${name}`);
    expect(countRecords(JSON.parse(readFileSync(path, 'utf8')))).toBe(expected.records);

    const { findings, stats } = await convertAll(path);
    expect(stats.adapter).toBe('trivy');
    expect(stats.complete).toBe(true);
    expect({
      received: stats.received,
      emitted: stats.emitted,
      skipped: stats.skipped,
      failed: stats.failed,
    }).toEqual({
      received: expected.records,
      emitted: expected.emitted,
      skipped: expected.skipped,
      failed: 0,
    });
    expect(findings).toHaveLength(expected.emitted);
    expect(findings.filter((f) => f.RecordState === 'ARCHIVED')).toHaveLength(expected.archived);
    expect(new Set(findings.map((f) => f.Id)).size).toBe(findings.length);
    expectAllValid(findings);
  });

  it('license_scheme gives its 19 licenses with trivyLicenses', async () => {
    const path = corpusFile('trivy', 'defectdojo__license_scheme.json');
    expect(countRecords(JSON.parse(readFileSync(path, 'utf8')), true)).toBe(19);
    const { findings } = await convertAll(path, { adapterOptions: { trivyLicenses: true } });
    expect(findings).toHaveLength(19);
    expect(new Set(findings.map((f) => f.Id)).size).toBe(19);
    expectAllValid(findings);
  });
});

describe.skipIf(!HAS_CORPUS)('corpus specifics', () => {
  it('no secret text leaves: neither Match nor any Code line of a secret appears in the output', async () => {
    for (const name of ['trivy__secrets.json.golden', 'defectdojo__misconfigurations_and_secrets.json']) {
      const path = corpusFile('trivy', name);
      const secretTexts: string[] = [];
      forEachObject(JSON.parse(readFileSync(path, 'utf8')), (object) => {
        if (!Array.isArray(object.Secrets)) return;
        for (const secret of object.Secrets as Record<string, unknown>[]) {
          if (typeof secret.Match === 'string') secretTexts.push(secret.Match);
          const lines = (secret.Code as { Lines?: { Content?: string }[] } | undefined)?.Lines ?? [];
          for (const line of lines)
            if (line.Content !== undefined && line.Content.length > 3) secretTexts.push(line.Content);
        }
      });
      expect(secretTexts.length).toBeGreaterThan(0);
      const output = JSON.stringify((await convertAll(path)).findings);
      for (const text of secretTexts) expect(output).not.toContain(text);
      // The unmasked neighbour line of trivy's own golden file, by name:
      expect(output).not.toContain('ghp_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ');
      expect(output).toContain('Sensitive Data Identifications/Passwords');
    }
  });

  it('issue_14136: ANSI escapes are stripped from the cause code', async () => {
    const { findings } = await convertAll(corpusFile('trivy', 'defectdojo__issue_14136.json'));
    const code = findings[0]?.ProductFields?.['asff-stream/trivy/Code'];
    expect(code).toContain('20: resource "aws_iam_user" "this" {');
    expect(JSON.stringify(findings)).not.toContain('\\u001b');
  });

  it('severity_prio: Trivy Severity wins over VendorSeverity; Original keeps it', async () => {
    const { findings } = await convertAll(corpusFile('trivy', 'defectdojo__severity_prio.json'));
    expect(findings.map((f) => [f.Severity?.Label, f.Severity?.Original])).toEqual([
      ['LOW', 'LOW'],
      ['CRITICAL', 'CRITICAL'],
    ]);
  });

  it('securekube: the same CVE in several packages gives one finding each; UNKNOWN falls back', async () => {
    const { findings } = await convertAll(corpusFile('trivy', 'securekube-devsecops__trivy.json'));
    const cve = findings.filter((f) => f.GeneratorId === 'trivy/CVE-2026-53612');
    expect(cve.length).toBeGreaterThan(1);
    expect(new Set(cve.map((f) => f.Vulnerabilities?.[0]?.VulnerablePackages?.[0]?.Name)).size).toBe(
      cve.length,
    );
    const unknown = findings.filter((f) => f.Severity?.Original === 'UNKNOWN');
    expect(unknown.length).toBeGreaterThan(0);
    // These records carry no CVSS at all, so the fallback ends at INFORMATIONAL.
    expect(new Set(unknown.map((f) => f.Severity?.Label))).toEqual(new Set(['INFORMATIONAL']));
    expect(findings[0]?.Resources?.[0]?.Type).toBe('Container');
  });

  it('cvssv4_severity_source: V40 vectors and scores reach ASFF Cvss', async () => {
    const { findings } = await convertAll(corpusFile('trivy', 'defectdojo__cvssv4_severity_source.json'));
    const cvss = findings.flatMap((f) => f.Vulnerabilities?.[0]?.Cvss ?? []);
    expect(cvss.filter((c) => c.Version === '4.0').length).toBeGreaterThan(0);
    expect(cvss.every((c) => c.Source !== undefined)).toBe(true);
  });

  it('issue_10991: an empty ClusterName gives no scope hint; resources are namespace/kind/name', async () => {
    const { findings, stats } = await convertAll(corpusFile('trivy', 'defectdojo__issue_10991.json'), {
      scope: undefined,
      filename: 'issue_10991.json',
    });
    expect(stats.scope).toBe('issue_10991.json');
    expect(findings[0]?.Resources?.[0]?.Id).toBe('default/Service/kubernetes');
  });

  it('scope defaults to ArtifactName, and to ClusterName for trivy k8s', async () => {
    const image = await convertAll(corpusFile('trivy', 'trivy__alpine-310.json.golden'), {
      scope: undefined,
    });
    expect(image.stats.scope).toBe('testdata/fixtures/images/alpine-310.tar.gz');
    const k8s = await convertAll(
      corpusFile('trivy', 'defectdojo__kubernetes_cluster_scoped_resources.json'),
      {
        scope: undefined,
      },
    );
    expect(k8s.stats.scope).toBe('kind-voc-lab');
  });
});
