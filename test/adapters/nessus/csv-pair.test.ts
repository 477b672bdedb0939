import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { describe, expect, it } from 'vitest';
import { convertAll } from '../../helpers/asff.js';
import { CORPUS_SKIP_REASON, corpusFile, HAS_CORPUS } from '../../helpers/corpus.js';

/**
 * Principle 5 of issue 19: one Nessus scan exported as `.nessus` and as CSV gives the same titles, resources
 * and severities (and the same evidence-first description).
 */
const FIXTURES = fileURLToPath(new URL('../../../fixtures/', import.meta.url));

/** What a person compares in the console, per plugin result (pluginID + port from ProductFields). */
function view(findings: readonly AwsSecurityFinding[]) {
  return findings
    .map((f) => ({
      title: f.Title,
      resource: `${f.Resources?.[0]?.Type} ${f.Resources?.[0]?.Id}`,
      severity: f.Severity?.Label,
      description: f.Description,
      packages: f.Vulnerabilities?.[0]?.VulnerablePackages,
      // The default CSV columns carry no CVSS v3, so CVSS-only `NESSUS-<id>` entries exist in the .nessus alone.
      cves: f.Vulnerabilities?.map((v) => v.Id).filter((id) => id?.startsWith('CVE-')) ?? [],
    }))
    .sort((a, b) => String(a.title).localeCompare(String(b.title)));
}

describe('one scan, two formats: .nessus and Nessus CSV', () => {
  it('gives the same titles, resources, severities, descriptions and packages', async () => {
    const xml = await convertAll(join(FIXTURES, 'nessus/pair-branch-office.nessus'));
    const csv = await convertAll(join(FIXTURES, 'csv/nessus-pair-branch-office.csv'));
    expect(xml.stats.adapter).toBe('nessus');
    expect(csv.stats.adapter).toBe('csv');
    expect(view(csv.findings)).toEqual(view(xml.findings));
    expect(view(xml.findings).map((f) => f.title)).toEqual([
      'Debian DSA-5999-1 : openssl - security update',
      'Nessus Scan Information',
      'Nessus SYN scanner on 22/tcp',
      'Nessus SYN scanner on 445/tcp',
      'SMB Signing not required on 445/tcp',
    ]);
    expect(new Set(view(csv.findings).map((f) => f.resource))).toEqual(new Set(['Other 192.0.2.40']));
  });

  it.skipIf(!HAS_CORPUS)(
    'gives the same titles, resources and severities for the Tenable WAS pair of the corpus',
    async () => {
      const xml = await convertAll(corpusFile('nessus', 'defectdojo__nessus_was_many_vuln.xml'));
      const csv = await convertAll(corpusFile('csv', 'defectdojo__nessus_was_many_vuln.csv'));
      const strip = (rows: ReturnType<typeof view>) =>
        rows.map(({ title, resource, severity }) => ({ title, resource, severity }));
      expect(strip(view(csv.findings))).toEqual(strip(view(xml.findings)));
      expect(view(xml.findings).map((f) => f.title)).toContain(
        "Cross-Site Scripting (XSS) at http://google.com/search.jsp, parameter 'query'",
      );
    },
  );
  if (!HAS_CORPUS) it.skip(CORPUS_SKIP_REASON, () => {});
});
