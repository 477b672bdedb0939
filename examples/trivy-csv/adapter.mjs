// An example adapter for Trivy's CSV template (`trivy image --format template --template "@contrib/csv.tpl"`),
// written only against asff-stream's public API: one finding per vulnerable package and per misconfiguration.
// CLI:      asff-stream convert report.csv --adapter ./adapter.mjs --account 123456789012 --region eu-west-1
//
// The template writes its text cells with Go's %q: a line break is written `\n` and a quote `\"`, not `""`. The CSV
// reader takes a cell with such a quote as its literal text, quotes included; `goText` reads either form back.
import { defineAdapter, normalizeLabel } from 'asff-stream';
import { csvRows } from 'asff-stream/toolkit';

const NAME = 'trivy-csv';

/** A %q cell as Trivy meant it (`a \"b\"\nc` → `a "b"` and a new line); a cell that is no Go string stays as it is. */
function goText(cell) {
  const quoted = cell.length >= 2 && cell.startsWith('"') && cell.endsWith('"') ? cell : `"${cell}"`;
  try {
    return JSON.parse(quoted);
  } catch {
    return cell;
  }
}

export default defineAdapter({
  name: NAME,
  meta: {
    description:
      "Trivy's CSV template (contrib/csv.tpl): one finding per vulnerable package or misconfiguration",
    extensions: ['csv'],
    docsUrl: 'https://trivy.dev/latest/docs/configuration/reporting/#template',
    identity: 'target + vulnerability or check id + package name',
    releasesChunks: true,
  },
  detect: ({ head }) =>
    /^\s*Target,Vulnerability Class,Target Type,Vulnerability ID,/.test(head) ? 0.95 : 0,
  async *parse(input, ctx) {
    const rows = csvRows(input, {
      header: (candidate) =>
        candidate.indexOf('vulnerability id') !== -1 && candidate.indexOf('target') !== -1,
      onIssue: (issue) => ctx.onIssue(issue),
      adapter: NAME,
    });
    for await (const row of rows) {
      const cell = (name) => (row.get(name) ?? '').trim();
      const text = (name) => goText(cell(name)).trim();
      const target = cell('Target');
      const id = cell('Vulnerability ID');
      if (target === '' || id === '') {
        ctx.onIssue({
          code: 'missing-identity',
          message: 'row has no Target or Vulnerability ID; skipped',
          line: row.line,
          recordIndex: row.index,
          skipped: true,
        });
        continue;
      }
      const pkg = cell('PackageName');
      const installed = cell('Installed Version');
      const fixed = cell('Fixed Version');
      const title = text('Title');
      const severity = cell('Severity');
      const references = [cell('Reference'), cell('Additional Reference')].filter((url) =>
        /^https?:\/\//.test(url),
      );
      const score = Number(cell('CVSS V3 Score'));
      const vector = text('CVSS V3 Vector');
      const resolution = text('Resolution');
      const details = {
        target,
        class: cell('Vulnerability Class'),
        type: cell('Target Type'),
      };
      const remediation =
        resolution === ''
          ? undefined
          : { Recommendation: { Text: resolution, ...(references[0] ? { Url: references[0] } : {}) } };
      if (pkg === '') {
        // A misconfiguration (class "config"): the check failed on the target itself.
        yield {
          identity: [target, id],
          ruleId: id,
          title: `${id}: ${title || id} (${target})`,
          description: text('Description') || title || id,
          severity: { label: normalizeLabel(severity) ?? 'MEDIUM', original: severity },
          types: ['Software and Configuration Checks'],
          resources: [{ Type: 'Other', Id: target, Details: { Other: details } }],
          ...(remediation ? { remediation } : {}),
          ...(references[0] ? { sourceUrl: references[0] } : {}),
          state: 'active',
        };
        continue;
      }
      yield {
        identity: [target, id, pkg],
        ruleId: id,
        title: `${id} in ${pkg}@${installed}`,
        description: `${title || id}. ${text('Description')}`.trim(),
        severity: { label: normalizeLabel(severity) ?? 'MEDIUM', original: severity },
        types: ['Software and Configuration Checks/Vulnerabilities/CVE'],
        resources: [
          { Type: 'Other', Id: `${target}/${pkg}`, Details: { Other: { ...details, package: pkg } } },
        ],
        vulnerabilities: [
          {
            Id: id,
            VulnerablePackages: [
              { Name: pkg, Version: installed, ...(fixed ? { FixedInVersion: fixed } : {}) },
            ],
            ...(score > 0 ? { Cvss: [{ Version: '3.1', BaseScore: score, BaseVector: vector }] } : {}),
            ...(references.length > 0 ? { ReferenceUrls: references } : {}),
            FixAvailable: fixed ? 'YES' : 'NO',
          },
        ],
        ...(remediation ? { remediation } : {}),
        ...(references[0] ? { sourceUrl: references[0] } : {}),
        state: 'active',
      };
    }
  },
});
