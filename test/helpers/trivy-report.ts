/**
 * A Trivy image report with `count` HIGH vulnerabilities (CVE-2026-0, CVE-2026-1, … in packages pkg0, pkg1, …), as
 * the text a CLI test pipes into `asff-stream import -`: one finding each, every Id distinct.
 */
export function trivyReport(count: number): string {
  const vulnerabilities = Array.from({ length: count }, (_, i) => ({
    VulnerabilityID: `CVE-2026-${i}`,
    PkgName: `pkg${i}`,
    InstalledVersion: '1.0',
    Severity: 'HIGH',
    Title: `generated ${i}`,
  }));
  return JSON.stringify({
    SchemaVersion: 2,
    ArtifactName: 'app:1',
    Results: [{ Target: 'app', Class: 'os-pkgs', Type: 'debian', Vulnerabilities: vulnerabilities }],
  });
}
