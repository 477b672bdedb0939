import { describe, expect, it } from 'vitest';
import {
  causeCode,
  mapLicense,
  mapMisconfiguration,
  mapRecord,
  mapSecret,
  mapVulnerability,
  safeSecretRecord,
  stripAnsi,
} from '../../../adapters/trivy/map.js';
import type { JsonObject, RecordScope } from '../../../adapters/trivy/types.js';
import type { Finding, Issue } from '../../../src/adapter.js';
import { findingId } from '../../../src/asff/id.js';

const IMAGE_SCOPE: RecordScope = {
  report: { artifactName: 'shop/api:2.3', artifactType: 'container_image', image: {} },
  result: { target: 'shop/api:2.3 (alpine 3.19.1)', class: 'os-pkgs', type: 'alpine' },
};

function collect(): { issues: Issue[]; sink: (issue: Issue) => void } {
  const issues: Issue[] = [];
  return { issues, sink: (issue) => issues.push(issue) };
}

function vuln(overrides: JsonObject = {}): JsonObject {
  return {
    VulnerabilityID: 'CVE-2024-0727',
    PkgID: 'libcrypto3@3.1.4-r2',
    PkgName: 'libcrypto3',
    PkgIdentifier: { PURL: 'pkg:apk/alpine/libcrypto3@3.1.4-r2?arch=x86_64&distro=3.19.1' },
    InstalledVersion: '3.1.4-r2',
    FixedVersion: '3.1.4-r5',
    Status: 'fixed',
    Severity: 'MEDIUM',
    ...overrides,
  };
}

function mapped(record: JsonObject, scope: RecordScope = IMAGE_SCOPE): Finding {
  const finding = mapVulnerability(record, scope, () => undefined);
  if (finding === undefined) throw new Error('expected a finding');
  return finding;
}

describe('mapVulnerability', () => {
  it('fills the ASFF Vulnerability object from every Trivy field', () => {
    const references = Array.from({ length: 25 }, (_, i) => `https://example.com/ref/${i}`);
    const finding = mapped(
      vuln({
        VendorIDs: ['GHSA-aaaa-bbbb-cccc', 'ALPINE-1'],
        PkgPath: 'usr/lib/libcrypto.so.3',
        Layer: { Digest: 'sha256:layer', DiffID: 'sha256:diff' },
        SeveritySource: 'nvd',
        PrimaryURL: 'https://avd.aquasec.com/nvd/cve-2024-0727',
        DataSource: { ID: 'alpine', Name: 'Alpine Secdb', URL: 'https://secdb.alpinelinux.org/' },
        Title: 'openssl: denial of service',
        Description: 'Processing a malicious PKCS12 file may crash OpenSSL.',
        CweIDs: ['CWE-476', 'CWE-20'],
        VendorSeverity: { alpine: 3, nvd: 2 },
        CVSS: {
          nvd: {
            V2Vector: 'AV:N/AC:L/Au:N/C:N/I:N/A:P',
            V2Score: 5,
            V3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H',
            V3Score: 5.5,
          },
          ghsa: {
            V40Vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N',
            V40Score: 8.7,
          },
          redhat: { V3Vector: 'CVSS:3.0/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H', V3Score: 5.5 },
        },
        References: [...references, references[0]],
        PublishedDate: '2024-01-26T09:15:07.637Z',
        LastModifiedDate: '2024-02-08T10:15:13.563Z',
        EPSS: 0.0042,
      }),
    );
    expect(finding.types).toEqual(['Software and Configuration Checks/Vulnerabilities/CVE']);
    expect(finding.ruleId).toBe('CVE-2024-0727');
    expect(finding.title).toBe('CVE-2024-0727 in libcrypto3@3.1.4-r2: openssl: denial of service');
    expect(finding.description).toBe(
      'libcrypto3 3.1.4-r2 is installed at usr/lib/libcrypto.so.3; fixed in 3.1.4-r5.\n\n' +
        'Processing a malicious PKCS12 file may crash OpenSSL.',
    );
    expect(finding.severity).toEqual({ label: 'MEDIUM', original: 'MEDIUM' });
    expect(finding.sourceUrl).toBe('https://avd.aquasec.com/nvd/cve-2024-0727');
    expect(finding.remediation).toEqual({
      Recommendation: {
        Text: 'Upgrade libcrypto3 from 3.1.4-r2 to 3.1.4-r5 or later.',
        Url: 'https://avd.aquasec.com/nvd/cve-2024-0727',
      },
    });
    const [v] = finding.vulnerabilities ?? [];
    expect(v?.Id).toBe('CVE-2024-0727');
    expect(v?.VulnerablePackages).toEqual([
      {
        Name: 'libcrypto3',
        Version: '3.1.4-r2',
        Architecture: 'x86_64',
        PackageManager: 'alpine',
        FilePath: 'usr/lib/libcrypto.so.3',
        FixedInVersion: '3.1.4-r5',
        Remediation: 'Upgrade libcrypto3 to 3.1.4-r5 or later',
        SourceLayerHash: 'sha256:layer',
      },
    ]);
    // Sources in name order (ghsa, nvd, redhat), each source's versions v2, v3.x, v4.0.
    expect(v?.Cvss).toEqual([
      {
        Version: '4.0',
        BaseScore: 8.7,
        BaseVector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N',
        Source: 'ghsa',
      },
      { Version: '2.0', BaseScore: 5, BaseVector: 'AV:N/AC:L/Au:N/C:N/I:N/A:P', Source: 'nvd' },
      {
        Version: '3.1',
        BaseScore: 5.5,
        BaseVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H',
        Source: 'nvd',
      },
      {
        Version: '3.0',
        BaseScore: 5.5,
        BaseVector: 'CVSS:3.0/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H',
        Source: 'redhat',
      },
    ]);
    expect(v?.Vendor).toEqual({
      Name: 'Alpine Secdb',
      Url: 'https://secdb.alpinelinux.org/',
      VendorSeverity: 'HIGH',
      VendorCreatedAt: '2024-01-26T09:15:07.637Z',
      VendorUpdatedAt: '2024-02-08T10:15:13.563Z',
    });
    // PrimaryURL (Trivy's advisory page) first, then the references, distinct, 20 in all.
    expect(v?.ReferenceUrls).toHaveLength(20);
    expect(v?.ReferenceUrls?.[0]).toBe('https://avd.aquasec.com/nvd/cve-2024-0727');
    expect(v?.ReferenceUrls?.[1]).toBe('https://example.com/ref/0');
    expect(finding.productFields?.ReferencesOmitted).toBe(6);
    expect(v?.RelatedVulnerabilities).toEqual(['GHSA-aaaa-bbbb-cccc', 'ALPINE-1']);
    expect(v?.FixAvailable).toBe('YES');
    expect(v?.EpssScore).toBe(0.0042);
    expect(finding.productFields).toMatchObject({
      CweIDs: 'CWE-476, CWE-20',
      PURL: 'pkg:apk/alpine/libcrypto3@3.1.4-r2?arch=x86_64&distro=3.19.1',
      Target: 'shop/api:2.3 (alpine 3.19.1)',
      Class: 'os-pkgs',
      Type: 'alpine',
      Status: 'fixed',
      LayerDiffID: 'sha256:diff',
    });
    expect(finding.scopeHint).toBe('shop/api:2.3');
  });

  it.each([
    ['pkg:deb/debian/curl@8.5?arch=amd64&distro=debian-12', 'amd64'],
    ['pkg:apk/alpine/musl@1.2?distro=3.19&arch=x86_64', 'x86_64'],
    ['pkg:deb/debian/curl@8.5?arch=&arch=arm64', 'arm64'],
    ['pkg:rpm/redhat/bash@5.1?arch=x86%5F64', 'x86_64'],
    // A malformed escape is kept as written instead of failing the record.
    ['pkg:rpm/redhat/bash@5.1?arch=x86%E0', 'x86%E0'],
    ['pkg:deb/debian/curl@8.5?distro=debian-12#arch=amd64', undefined],
    ['pkg:deb/debian/curl@8.5?xarch=amd64', undefined],
    ['pkg:deb/debian/curl@8.5?arch=amd64?x', 'amd64'],
    ['pkg:deb/debian/curl@8.5?a?arch=amd64', undefined],
    ['pkg:deb/debian/arch=amd64', undefined],
  ])('reads the architecture qualifier of %s', (purl, architecture) => {
    const finding = mapped(vuln({ PkgIdentifier: { PURL: purl } }));
    expect(finding.vulnerabilities?.[0]?.VulnerablePackages?.[0]?.Architecture).toBe(architecture);
  });

  it('says NO fix and explains the status when there is no FixedVersion', () => {
    const finding = mapped(vuln({ FixedVersion: undefined, Status: 'will_not_fix' }));
    const [v] = finding.vulnerabilities ?? [];
    expect(v?.FixAvailable).toBe('NO');
    expect(v?.VulnerablePackages?.[0]?.FixedInVersion).toBeUndefined();
    expect(v?.VulnerablePackages?.[0]?.Remediation).toBeUndefined();
    expect(finding.remediation?.Recommendation?.Text).toBe(
      'No fixed version of libcrypto3 is available yet (Trivy status: will_not_fix).',
    );
  });

  it('drops a vendor date that is not an ASFF timestamp', () => {
    const finding = mapped(vuln({ DataSource: { Name: 'x' }, PublishedDate: 'yesterday' }));
    // No VendorSeverity for the vendor either: Trivy's own label is not the vendor's word.
    expect(finding.vulnerabilities?.[0]?.Vendor).toEqual({ Name: 'x' });
  });

  // Trivy statuses: https://trivy.dev/latest/docs/configuration/filtering/#by-status — "fixed" means a fix
  // exists for the platform, not that this installation is fixed, so it stays active.
  it.each([
    ['unknown', 'active'],
    ['not_affected', 'resolved'],
    ['affected', 'active'],
    ['fixed', 'active'],
    ['under_investigation', 'active'],
    ['will_not_fix', 'active'],
    ['fix_deferred', 'active'],
    ['end_of_life', 'active'],
    [undefined, 'active'],
  ])('status %s → %s', (status, state) => {
    expect(mapped(vuln({ Status: status })).state).toBe(state);
  });

  it('skips a vulnerability without VulnerabilityID, with an issue', () => {
    const { issues, sink } = collect();
    expect(mapVulnerability({ PkgName: 'simplito/elliptic-php' }, IMAGE_SCOPE, sink)).toBeUndefined();
    expect(issues).toEqual([
      { code: 'missing-vulnerability-id', message: 'vulnerability without VulnerabilityID', skipped: true },
    ]);
  });

  it('keeps a vulnerability that names no package, with an issue', () => {
    const { issues, sink } = collect();
    const finding = mapVulnerability({ VulnerabilityID: 'CVE-1' }, IMAGE_SCOPE, sink);
    expect(finding?.vulnerabilities?.[0]?.VulnerablePackages?.[0]?.Name).toBe('unknown package');
    expect(issues.map((issue) => issue.code)).toEqual(['missing-package']);
  });

  it('uses the legacy Ref as the package URL when PkgIdentifier is absent', () => {
    const finding = mapped(
      vuln({ PkgIdentifier: undefined, PkgID: undefined, Ref: 'pkg:pypi/certifi@2022.5.18.1' }),
    );
    expect(finding.productFields?.PURL).toBe('pkg:pypi/certifi@2022.5.18.1');
  });
});

describe('finding identity (the Trivy ASFF template collision must be impossible)', () => {
  const id = (finding: Finding | undefined): string => findingId('scope', 'trivy', finding?.identity ?? []);
  const base = mapped(vuln());

  it.each([
    ['another package', vuln({ PkgID: 'libssl3@3.1.4-r2', PkgName: 'libssl3', PkgIdentifier: undefined })],
    ['another installed version', vuln({ InstalledVersion: '3.1.4-r3' })],
    ['another package path', vuln({ PkgPath: 'opt/app/libcrypto.so' })],
    [
      'another package URL (architecture)',
      vuln({ PkgIdentifier: { PURL: 'pkg:apk/alpine/libcrypto3@3.1.4-r2?arch=aarch64' } }),
    ],
  ])('the same CVE in %s gets another Id', (_case, other) => {
    expect(id(mapped(other))).not.toBe(id(base));
  });

  it('the same CVE in another target, result class or artifact gets another Id', () => {
    const otherTarget = { ...IMAGE_SCOPE, result: { ...IMAGE_SCOPE.result, target: 'usr/lib/app.jar' } };
    const otherClass = { ...IMAGE_SCOPE, result: { ...IMAGE_SCOPE.result, class: 'lang-pkgs' } };
    const otherArtifact = { ...IMAGE_SCOPE, report: { ...IMAGE_SCOPE.report, artifactName: 'shop/api:2.4' } };
    const ids = [
      base,
      mapped(vuln(), otherTarget),
      mapped(vuln(), otherClass),
      mapped(vuln(), otherArtifact),
    ].map(id);
    expect(new Set(ids).size).toBe(4);
  });

  it('is stable: the same record maps to the same Id, whatever the descriptive fields say', () => {
    expect(id(mapped(vuln({ Title: 'changed', Severity: 'HIGH', References: ['https://x'] })))).toBe(
      id(base),
    );
  });

  it('tells apart the same misconfiguration in two module instances (only Occurrences differ)', () => {
    const instance = (name: string): JsonObject => ({
      ID: 'AVD-AZU-0039',
      Status: 'FAIL',
      CauseMetadata: {
        Resource: 'module.compute',
        StartLine: 39,
        EndLine: 39,
        Occurrences: [
          {
            Resource: `azurerm_linux_virtual_machine.vm["${name}"]`,
            Filename: 'main.tf',
            Location: { StartLine: 29, EndLine: 63 },
          },
        ],
      },
    });
    const scope: RecordScope = {
      report: { artifactName: '.', artifactType: 'filesystem' },
      result: { target: 'main.tf', class: 'config', type: 'terraform' },
    };
    const a = mapMisconfiguration(instance('vm1'), scope, () => undefined);
    const b = mapMisconfiguration(instance('vm2'), scope, () => undefined);
    expect(id(a)).not.toBe(id(b));
  });

  it('tells apart two secrets of one rule on one line by their offset', () => {
    const scope: RecordScope = {
      report: { artifactName: '.', artifactType: 'filesystem' },
      result: { target: 'env.sh', class: 'secret' },
    };
    const secret = (offset: number): JsonObject => ({
      RuleID: 'github-pat',
      StartLine: 2,
      EndLine: 2,
      Offset: offset,
    });
    expect(id(mapSecret(secret(10), scope, () => undefined))).not.toBe(
      id(mapSecret(secret(60), scope, () => undefined)),
    );
  });
});

describe('mapMisconfiguration', () => {
  const scope: RecordScope = {
    report: { artifactName: 'infra', artifactType: 'filesystem' },
    result: { target: 'main.tf', class: 'config', type: 'terraform' },
  };
  const check = (overrides: JsonObject = {}): JsonObject => ({
    Type: 'Terraform Security Check',
    ID: 'AVD-AWS-0143',
    AVDID: 'AVD-AWS-0143',
    Title: 'IAM policies should not be granted directly to users.',
    Description: 'Grant policies to groups and roles.',
    Message: 'One or more policies are attached directly to a user',
    Namespace: 'builtin.aws.iam.aws0143',
    Resolution: 'Grant policies at the group level instead.',
    Severity: 'LOW',
    PrimaryURL: 'https://avd.aquasec.com/misconfig/avd-aws-0143',
    References: ['https://console.aws.amazon.com/iam/', 'https://avd.aquasec.com/misconfig/avd-aws-0143'],
    Status: 'FAIL',
    CauseMetadata: {
      Resource: 'module.aws_credentials',
      Provider: 'AWS',
      Service: 'iam',
      StartLine: 20,
      EndLine: 22,
      Code: {
        Lines: [
          {
            Number: 20,
            Content: 'resource "aws_iam_user" "this" {',
            Highlighted: '\u001b[38;5;33mresource\u001b[0m \u001b[38;5;37m"aws_iam_user"\u001b[0m',
          },
          {
            Number: 21,
            Content: '',
            Highlighted: '  \u001b[38;5;245mfor_each\u001b[0m = \u001b[38;5;33mvar\u001b[0m.users',
          },
          { Number: 22, Content: '' },
        ],
      },
    },
    ...overrides,
  });

  it('maps check, message, resolution, references and cause metadata', () => {
    const finding = mapMisconfiguration(check(), scope, () => undefined);
    expect(finding).toMatchObject({
      ruleId: 'AVD-AWS-0143',
      title:
        'AVD-AWS-0143: IAM policies should not be granted directly to users. (module.aws_credentials in main.tf:20-22)',
      description:
        'One or more policies are attached directly to a user\n\nGrant policies to groups and roles.\n\nLocation: main.tf:20',
      severity: { label: 'LOW', original: 'LOW' },
      types: ['Software and Configuration Checks'],
      state: 'active',
      compliance: { Status: 'FAILED' },
      sourceUrl: 'https://avd.aquasec.com/misconfig/avd-aws-0143',
      remediation: {
        Recommendation: {
          Text: 'Grant policies at the group level instead.',
          Url: 'https://avd.aquasec.com/misconfig/avd-aws-0143',
        },
      },
      productFields: {
        CheckID: 'AVD-AWS-0143',
        AVDID: 'AVD-AWS-0143',
        CheckType: 'Terraform Security Check',
        Provider: 'AWS',
        Service: 'iam',
        Resource: 'module.aws_credentials',
        StartLine: 20,
        EndLine: 22,
        References: 'https://console.aws.amazon.com/iam/ https://avd.aquasec.com/misconfig/avd-aws-0143',
        RegoNamespace: 'builtin.aws.iam.aws0143',
        Code: '20: resource "aws_iam_user" "this" {\n21:   for_each = var.users\n22: ',
      },
    });
  });

  it.each([
    ['FAIL', 'active', 'FAILED'],
    ['PASS', 'resolved', 'PASSED'],
    ['EXCEPTION', 'resolved', 'WARNING'],
    [undefined, 'active', undefined],
  ])('status %s → %s, compliance %s', (status, state, compliance) => {
    const finding = mapMisconfiguration(check({ Status: status }), scope, () => undefined);
    expect(finding?.state).toBe(state);
    expect(finding?.compliance?.Status).toBe(compliance);
  });

  it('skips a misconfiguration with neither ID nor AVDID', () => {
    const { issues, sink } = collect();
    expect(mapMisconfiguration(check({ ID: undefined, AVDID: undefined }), scope, sink)).toBeUndefined();
    expect(issues[0]?.code).toBe('missing-check-id');
    expect(issues[0]?.skipped).toBe(true);
  });

  it('copies no code for a check about secrets', () => {
    const finding = mapMisconfiguration(
      check({
        ID: 'DS-0031',
        Title: 'Secrets passed via `build-args` or envs or copied secret files',
        Message: 'Possible exposure of secret env "DB_PASSWORD" in ENV',
        CauseMetadata: {
          StartLine: 7,
          EndLine: 7,
          Code: { Lines: [{ Number: 7, Content: 'ENV DB_PASSWORD=s3cr3t' }] },
        },
      }),
      scope,
      () => undefined,
    );
    expect(JSON.stringify(finding)).not.toContain('s3cr3t');
    expect(finding?.productFields?.CodeOmitted).toBe('the check is about secrets');
  });

  it('strips every ANSI escape and prefers Content over Highlighted', () => {
    expect(stripAnsi('\u001b[38;5;245mname\u001b[0m = \u001b[1;31m"x"\u001b[0m\u001b[K')).toBe('name = "x"');
    expect(
      causeCode({
        Code: { Lines: [{ Number: 1, Content: 'plain', Highlighted: '\u001b[1mbold\u001b[0m' }] },
      }),
    ).toBe('1: plain');
    expect(causeCode({ Code: { Lines: [{ Number: 1, Content: '', IsCause: true }] } })).toBeUndefined();
  });
});

describe('mapSecret', () => {
  const scope: RecordScope = {
    report: { artifactName: 'repo', artifactType: 'repository' },
    result: { target: 'deploy.sh', class: 'secret' },
  };
  const secret: JsonObject = {
    RuleID: 'mysecret',
    Category: 'Custom',
    Severity: 'HIGH',
    Title: 'My Secret',
    StartLine: 7,
    EndLine: 7,
    Code: { Lines: [{ Number: 5, Content: 'export GITHUB_PAT=ghp_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ' }] },
    Match: 'echo s3cr3t-value-in-match',
    Offset: 123,
  };

  it('keeps rule, category, file and lines, and nothing of the secret', () => {
    const finding = mapSecret(secret, scope, () => undefined);
    expect(finding).toMatchObject({
      ruleId: 'mysecret',
      title: 'Secret: My Secret in deploy.sh:7',
      severity: { label: 'HIGH', original: 'HIGH' },
      types: ['Sensitive Data Identifications/Passwords'],
      state: 'active',
      productFields: { RuleID: 'mysecret', Category: 'Custom', StartLine: 7, EndLine: 7, Offset: 123 },
    });
    const text = JSON.stringify(finding);
    expect(text).not.toContain('ghp_0123456789');
    expect(text).not.toContain('s3cr3t-value-in-match');
    expect(text).not.toContain('GITHUB_PAT');
  });

  it('safeSecretRecord drops Match and Code before anything else sees the record', () => {
    expect(Object.keys(safeSecretRecord(secret)).sort()).toEqual(
      ['Category', 'EndLine', 'Offset', 'RuleID', 'Severity', 'StartLine', 'Title'].sort(),
    );
  });
});

describe('mapLicense', () => {
  it('maps a package license and a loose file license', () => {
    const scope: RecordScope = {
      report: { artifactName: 'alpine:3.17', artifactType: 'container_image' },
      result: { target: 'OS Packages', class: 'license' },
    };
    const pkg = mapLicense(
      {
        Severity: 'HIGH',
        Category: 'restricted',
        PkgName: 'busybox',
        FilePath: '',
        Name: 'GPL-2.0',
        Confidence: 1,
      },
      scope,
    );
    expect(pkg).toMatchObject({
      ruleId: 'license/GPL-2.0',
      title: 'License GPL-2.0 (restricted) in package busybox',
      severity: { label: 'HIGH', original: 'HIGH' },
      types: ['Software and Configuration Checks/Licenses'],
    });
    const file = mapLicense(
      {
        Severity: 'UNKNOWN',
        Category: 'unknown',
        FilePath: '/etc/ssl/misc/CA.pl',
        Name: 'OpenSSL',
        Link: 'https://spdx.org/licenses/OpenSSL.html',
      },
      scope,
    );
    expect(file.title).toBe('License OpenSSL (unknown) in file /etc/ssl/misc/CA.pl');
    expect(file.severity).toEqual({ label: 'INFORMATIONAL', original: 'UNKNOWN' });
    expect(file.sourceUrl).toBe('https://spdx.org/licenses/OpenSSL.html');
  });
});

describe('mapRecord', () => {
  it.each([
    [null, 'null'],
    [[1], 'an array'],
    ['text', 'string'],
  ])('skips a record that is %j with an issue', (record, what) => {
    const { issues, sink } = collect();
    expect(mapRecord('vulnerability', record, IMAGE_SCOPE, sink)).toBeUndefined();
    expect(issues).toEqual([
      { code: 'invalid-record', message: `vulnerability entry is ${what}, not an object`, skipped: true },
    ]);
  });
});
