import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/adapter.js';
import { convertAll } from '../../helpers/asff.js';
import { corpusFile, HAS_CORPUS } from '../../helpers/corpus.js';
import { containerResource, fileChunks, parseWith } from './helpers.js';

/** Issue 19: what a person reads in the console, checked on real scanner output. */
async function corpus(name: string): Promise<Finding[]> {
  const { findings, error } = await parseWith(fileChunks(corpusFile('sarif', name)));
  expect(error).toBeUndefined();
  return findings;
}

const packagesOf = (finding: Finding) => finding.vulnerabilities?.[0]?.VulnerablePackages;
const referencesOf = (finding: Finding) => finding.vulnerabilities?.flatMap((v) => v.ReferenceUrls ?? []);

/** Findings of one file that share title and resources with another (rows nobody can tell apart). */
function lookAlikes(findings: readonly Finding[]): string[] {
  const counts = new Map<string, number>();
  for (const f of findings.filter((f) => f.state === 'active')) {
    const key = `${f.title} | ${f.resources.map((r) => `${r.Type} ${r.Id}`).join(', ')}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].filter(([, n]) => n > 1).map(([key]) => key);
}

describe.skipIf(!HAS_CORPUS)('SARIF fidelity on the real corpus (issue 19)', () => {
  it('Anchore: the rule says Severity=Low, so the finding is LOW (not MEDIUM from level warning)', async () => {
    const findings = await corpus('trivy-sarif-demo__results.sarif');
    const bash = findings.find(
      (f) => f.productFields?.RuleId === 'ANCHOREVULN_CVE-2019-18276_dpkg_bash-4.3-14ubuntu1.4',
    )!;
    expect(bash.severity).toEqual({ label: 'LOW', original: 'Severity:Low' });
    expect(bash.title).toBe('CVE-2019-18276 in bash@4.3-14ubuntu1.4');
    // The title keeps the version as Anchore wrote it; the package splits it as a dpkg version.
    expect(packagesOf(bash)).toEqual([
      { Name: 'bash', Version: '4.3', Release: '14ubuntu1.4', PackageManager: 'dpkg', FilePath: 'pkgdb' },
    ]);
    expect(bash.productFields?.PackageUrl).toBe('pkg:deb/ubuntu/bash@4.3-14ubuntu1.4?distro=ubuntu-16.04');
    expect(referencesOf(bash)).toEqual(['http://people.ubuntu.com/~ubuntu-security/cve/CVE-2019-18276']);
    // No fix: advice, not the help dump.
    expect(bash.remediation?.Recommendation?.Text).not.toContain('Data Namespace');
    // Every finding of the file carries the scanner's own word.
    expect(findings.every((f) => f.severity.original.startsWith('Severity:'))).toBe(true);
  });

  it('Snyk: commons-fileupload@1.3.1 carries its package, fix version and the Remediation section', async () => {
    const findings = await corpus('maven-with-vulns__snyk.sarif');
    const dos = findings.find((f) => f.productFields?.RuleId === 'SNYK-JAVA-COMMONSFILEUPLOAD-30082')!;
    expect(packagesOf(dos)).toEqual([
      {
        Name: 'commons-fileupload:commons-fileupload',
        Version: '1.3.1',
        FixedInVersion: '1.3.2',
        PackageManager: 'maven',
        FilePath: 'pom.xml',
        Remediation: 'Upgrade commons-fileupload:commons-fileupload to version 1.3.2 or higher.',
      },
    ]);
    expect(dos.remediation?.Recommendation?.Text).toBe(
      'Upgrade commons-fileupload:commons-fileupload to version 1.3.2 or higher.',
    );
    expect(dos.title).toBe(
      'CVE-2016-3092 in commons-fileupload:commons-fileupload@1.3.1: Denial of Service (DoS)',
    );
    expect(dos.severity).toEqual({ label: 'HIGH', original: 'shortDescription:High' });
    expect(dos.productFields?.PackageUrl).toBe('pkg:maven/commons-fileupload/commons-fileupload@1.3.1');
    expect(referencesOf(dos)).toContain('https://security.snyk.io/vuln/SNYK-JAVA-COMMONSFILEUPLOAD-30082');
    // Every SCA finding of the file names its package and version.
    for (const f of findings) expect(packagesOf(f)?.[0]?.Version).toBeDefined();
    expect(lookAlikes(findings)).toEqual([]);
  });

  it('Grype: reference URLs are advisories, never the tool homepage; severity is Grype’s word', async () => {
    const findings = await corpus('defectdojo__cxf-3.4.6.sarif');
    for (const f of findings) {
      expect(referencesOf(f)).not.toContain('https://github.com/anchore/grype');
      expect(f.remediation?.Recommendation?.Url).not.toBe('https://github.com/anchore/grype');
    }
    const first = findings[0]!;
    expect(referencesOf(first)).toEqual(['https://nvd.nist.gov/vuln/detail/CVE-2008-0732']);
    expect(first.severity).toEqual({ label: 'LOW', original: 'Severity:low' });
    expect(first.title).toBe('CVE-2008-0732 in geronimo-j2ee-management_1.1_spec@1.0.1');
  });

  it('dependency-check: titles name the advisory and the library, and differ from the description', async () => {
    const findings = await corpus('defectdojo__dependency_check.sarif');
    for (const f of findings) {
      expect(f.title.length).toBeLessThan(200);
      expect(f.title).not.toBe(f.description);
    }
    const jquery = findings.find((f) => f.productFields?.RuleId === 'CVE-2012-6708')!;
    expect(jquery.title).toBe('CVE-2012-6708 in jquery@1.8.0');
    expect(packagesOf(jquery)).toEqual([
      {
        Name: 'jquery',
        Version: '1.8.0',
        FilePath:
          '/src/.venv/lib/python3.9/site-packages/tastypie_swagger/static/tastypie_swagger/js/lib/jquery-1.8.0.min.js',
      },
    ]);
    expect(jquery.severity).toEqual({ label: 'MEDIUM', original: 'cvssv3_baseSeverity:MEDIUM' });
    const retire = findings.find((f) => f.productFields?.RuleId === 'Prototype pollution')!;
    expect(retire.title).toBe('Prototype pollution in handlebars@1.0.0');
    expect(lookAlikes(findings)).toEqual([]);
  });

  it('Trivy SARIF: the resource is the scanned image from run.properties, not the tarball path', async () => {
    const findings = await corpus('trivy__alpine-310.sarif.golden');
    for (const f of findings)
      expect(f.resources).toEqual([
        // As the Trivy JSON adapter lays out the same scan (trivy__alpine-310.json.golden).
        containerResource('testdata/fixtures/images/alpine-310.tar.gz', {
          id: 'sha256:961769676411f082461f9ef46626dd7a2d1e2b2a38e6a44364bcbecf51e66dd4',
          tag: 'ghcr.io/aquasecurity/trivy-test-images:alpine-310',
        }),
      ]);
    expect(findings[0]!.title).toBe(
      'CVE-2019-1549 in libcrypto1.1@1.1.1c-r0: openssl: information disclosure in fork()',
    );
    expect(findings[0]!.severity).toEqual({ label: 'MEDIUM', original: 'Severity:MEDIUM' });
  });

  it('one scan, one mapping: Trivy SARIF and Trivy JSON of the same image give the same titles, severities and resource', async () => {
    const shown = async (path: string) =>
      (await convertAll(path)).findings
        .map((f) => [f.Title, f.Severity?.Label, f.Resources?.[0]?.Type, f.Resources?.[0]?.Id].join(' | '))
        .sort();
    expect(await shown(corpusFile('sarif', 'trivy__alpine-310.sarif.golden'))).toEqual(
      await shown(corpusFile('trivy', 'trivy__alpine-310.json.golden')),
    );
  });

  it.each([
    'defectdojo__flawfinder.sarif',
    'defectdojo__spotbugs.sarif',
    'vulnerable-express__codeql.sarif',
    'defectdojo__gitleaks_7.5.0.sarif',
    'defectdojo__issue_10191.json',
    'defectdojo__semgrepowasp-benchmark-sample.sarif',
    'andromeda-orchestration__results.sarif',
    'alex-polyspace-5__results.sarif',
    'iac-demo__snyk.sarif',
  ])('%s: no two active findings share title and resource', async (name) => {
    expect(lookAlikes(await corpus(name))).toEqual([]);
  });

  it('code findings: the title names rule and place, the description leads with the evidence', async () => {
    const findings = await corpus('defectdojo__spotbugs.sarif');
    const encoding = findings.find((f) => f.productFields?.RuleId === 'DM_DEFAULT_ENCODING')!;
    expect(encoding.title).toBe('Reliance on default encoding at Boot.java:104');
    const polyspace = await corpus('alex-polyspace-5__results.sarif');
    expect(polyspace[1]!.remediation?.Recommendation?.Text).toBe('Initialize the local variable before use.');
    const [gitleaks8] = await corpus('gitleaks__sarif_simple.sarif');
    expect(gitleaks8!.title).toBe('test-rule at auth.py:1 in commit 0000000');
    expect(encoding.description.startsWith('Found reliance on default encoding in Boot.writeFrags')).toBe(
      true,
    );
  });
});
