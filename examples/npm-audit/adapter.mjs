// An example adapter for `npm audit --json` (report version 2), written only against asff-stream's public API.
// CLI:      asff-stream convert audit.json --adapter ./adapter.mjs --account 123456789012 --region eu-west-1
// Library:  convert('audit.json', { accountId, region, adapters: [npmAudit] })
import { defineAdapter, normalizeLabel } from 'asff-stream';
import { jsonRecords } from 'asff-stream/toolkit';

const NAME = 'npm-audit';

/** @param {unknown} fix npm's `fixAvailable`: true, false, or the upgrade that fixes it. */
function remediationText(fix) {
  if (fix === true) return 'Run `npm audit fix`.';
  if (fix && typeof fix === 'object' && 'name' in fix && 'version' in fix) {
    const major = /** @type {{ isSemVerMajor?: boolean }} */ (fix).isSemVerMajor
      ? ' (a semver-major upgrade)'
      : '';
    return `Upgrade ${String(fix.name)} to ${String(fix.version)}${major}: \`npm audit fix${major ? ' --force' : ''}\`.`;
  }
  return 'No fix is available yet: remove the dependency or accept the risk.';
}

/** The advisory's own id: the GHSA id at the end of its URL, else npm's source number. */
function advisoryId(advisory) {
  const ghsa = /GHSA(?:-[0-9a-z]{4}){3}$/i.exec(String(advisory.url ?? ''));
  return ghsa ? ghsa[0] : `npm-${advisory.source}`;
}

export default defineAdapter({
  name: NAME,
  meta: {
    description: 'npm audit --json (auditReportVersion 2): one finding per vulnerable package and advisory',
    extensions: ['json'],
    docsUrl: 'https://docs.npmjs.com/cli/commands/npm-audit',
    identity: 'package name + advisory id',
    releasesChunks: false,
  },
  detect: ({ head }) => (/"auditReportVersion"\s*:\s*2/.test(head) ? 0.95 : 0),
  async *parse(input, ctx) {
    const records = jsonRecords(input, {
      records: ['vulnerabilities', '*'],
      // npm audit --json always writes it (empty when nothing is found): without it, this is not npm audit output.
      mustContain: [['vulnerabilities']],
      adapter: NAME,
    });
    for await (const { value: entry, line, index: recordIndex } of records) {
      const pkg = String(entry?.name ?? '');
      const advisories = Array.isArray(entry?.via)
        ? entry.via.filter((via) => via && typeof via === 'object')
        : [];
      if (pkg === '' || advisories.length === 0) {
        // "vulnerable through a dependency": the advisory is reported on that dependency's own entry.
        ctx.onIssue({
          code: 'via-dependency-only',
          message: `${pkg || 'an entry'} is only vulnerable through ${JSON.stringify(entry?.via ?? [])}; reported there`,
          line,
          recordIndex,
          skipped: true,
        });
        continue;
      }
      for (const advisory of advisories) {
        const id = advisoryId(advisory);
        const label = normalizeLabel(advisory.severity) ?? normalizeLabel(entry.severity) ?? 'MEDIUM';
        const where =
          Array.isArray(entry.nodes) && entry.nodes.length > 0 ? entry.nodes : [`node_modules/${pkg}`];
        const cvss = advisory.cvss && Number(advisory.cvss.score) > 0 ? advisory.cvss : undefined;
        yield {
          identity: [pkg, id],
          ruleId: id,
          title: `${advisory.title ?? id} (${pkg} ${advisory.range ?? entry.range ?? ''})`.trim(),
          description: `${advisory.title ?? id}. ${pkg} ${advisory.range ?? entry.range ?? ''} is installed at ${where.join(', ')}${entry.isDirect ? ' (a direct dependency)' : ''}.`,
          severity: { label, original: String(advisory.severity ?? entry.severity ?? '') },
          types: ['Software and Configuration Checks/Vulnerabilities/CVE'],
          resources: [
            {
              Type: 'Other',
              Id: where[0],
              Details: { Other: { package: pkg, installedAt: where.join(', ') } },
            },
          ],
          vulnerabilities: [
            {
              Id: id,
              VulnerablePackages: [{ Name: pkg, PackageManager: 'npm', FilePath: where[0] }],
              ...(cvss
                ? { Cvss: [{ BaseScore: Number(cvss.score), BaseVector: String(cvss.vectorString) }] }
                : {}),
              ...(advisory.url ? { ReferenceUrls: [String(advisory.url)] } : {}),
              FixAvailable: entry.fixAvailable === false ? 'NO' : 'YES',
            },
          ],
          remediation: {
            Recommendation: {
              Text: remediationText(entry.fixAvailable),
              ...(advisory.url ? { Url: String(advisory.url) } : {}),
            },
          },
          ...(advisory.url ? { sourceUrl: String(advisory.url) } : {}),
          productFields: { cwe: Array.isArray(advisory.cwe) ? advisory.cwe.join(',') : undefined },
          state: 'active',
        };
      }
    }
  },
});
