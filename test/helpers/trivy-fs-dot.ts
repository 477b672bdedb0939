/** `trivy fs .` output: the ArtifactName every repository's scan reports is `.`. One vulnerability. */
export const TRIVY_FS_DOT = JSON.stringify({
  SchemaVersion: 2,
  ArtifactName: '.',
  ArtifactType: 'filesystem',
  Results: [
    {
      Target: 'package-lock.json',
      Class: 'lang-pkgs',
      Type: 'npm',
      Vulnerabilities: [
        {
          VulnerabilityID: 'CVE-2024-0001',
          PkgName: 'lodash',
          InstalledVersion: '4.17.20',
          FixedVersion: '4.17.21',
          Severity: 'HIGH',
          Title: 'prototype pollution',
        },
      ],
    },
  ],
});
