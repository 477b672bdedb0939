import { describe, expect, it } from 'vitest';
import { packageAtVersion, vulnerabilityTitle } from '../../src/asff/package-title.js';
import { convertAll } from '../helpers/asff.js';

/**
 * Issue 19, principle 5, across formats: one package vulnerability reported by different scanners in different
 * formats reads the same in the console: `<advisory> in <package>@<version>[: <summary>]`.
 */

const bytes = (text: string) => new TextEncoder().encode(text);

async function titlesOf(input: string): Promise<string[]> {
  const { findings, stats } = await convertAll(bytes(input));
  expect(findings.length, `${stats.adapter}: findings`).toBeGreaterThan(0);
  return findings.map((finding) => String(finding.Title));
}

/** CVE-2023-4911 in Debian's libc6 2.36-9+deb12u1, as each scanner reports it (no vulnerability name given). */
const LIBC = {
  trivy: JSON.stringify({
    SchemaVersion: 2,
    ArtifactName: 'registry.example.com/shop/web:1.4.2',
    ArtifactType: 'container_image',
    Results: [
      {
        Target: 'registry.example.com/shop/web:1.4.2 (debian 12.1)',
        Class: 'os-pkgs',
        Type: 'debian',
        Vulnerabilities: [
          {
            VulnerabilityID: 'CVE-2023-4911',
            PkgName: 'libc6',
            InstalledVersion: '2.36-9+deb12u1',
            FixedVersion: '2.36-9+deb12u3',
            Severity: 'HIGH',
          },
        ],
      },
    ],
  }),
  anchoreSarif: JSON.stringify({
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Anchore Container Vulnerability Report',
            version: '0.7.3',
            rules: [
              {
                id: 'ANCHOREVULN_CVE-2023-4911_dpkg_libc6-2.36-9+deb12u1',
                shortDescription: { text: 'CVE-2023-4911 Severity=High Package=libc6-2.36-9+deb12u1' },
                help: {
                  text: 'Vulnerability CVE-2023-4911\nSeverity: High\nPackage: libc6\nVersion: 2.36-9+deb12u1\nFix Version: 2.36-9+deb12u3\nType: dpkg\nLocation: pkgdb',
                },
              },
            ],
          },
        },
        results: [
          {
            ruleId: 'ANCHOREVULN_CVE-2023-4911_dpkg_libc6-2.36-9+deb12u1',
            ruleIndex: 0,
            level: 'error',
            message: {
              text: 'The image has installed software with a vulnerability: (libc6-2.36-9+deb12u1 type=dpkg)',
            },
            locations: [
              { physicalLocation: { artifactLocation: { uri: 'Dockerfile' }, region: { startLine: 1 } } },
            ],
          },
        ],
      },
    ],
  }),
  sysdigCsv: [
    'Vulnerability ID,Severity,Package name,Package version,Package type,Package path,Image,OS Name,Fix version,Image ID',
    'CVE-2023-4911,High,libc6,2.36-9+deb12u1,os,,registry.example.com/shop/web:1.4.2,debian 12.1,2.36-9+deb12u3,sha256:1a2b',
    '',
  ].join('\n'),
  prismaCsv: [
    'Registry,Repository,Tag,Id,Distro,Hostname,CVE ID,Compliance ID,Type,Severity,Packages,Source Package,Package Version,CVSS,Fix Status,Description',
    'registry.example.com,shop/web,1.4.2,sha256:1a2b,debian,build-1,CVE-2023-4911,46,os,high,libc6,glibc,2.36-9+deb12u1,7.8,fixed in 2.36-9+deb12u3,A buffer overflow in ld.so.',
    '',
  ].join('\n'),
};

/** CVE-2022-31159 in com.amazonaws:aws-java-sdk-s3 1.11.951, named "Path Traversal" by the scanner. */
const AWS_SDK = {
  trivy: JSON.stringify({
    SchemaVersion: 2,
    ArtifactName: 'shop',
    ArtifactType: 'repository',
    Results: [
      {
        Target: 'pom.xml',
        Class: 'lang-pkgs',
        Type: 'pom',
        Vulnerabilities: [
          {
            VulnerabilityID: 'CVE-2022-31159',
            PkgName: 'com.amazonaws:aws-java-sdk-s3',
            InstalledVersion: '1.11.951',
            FixedVersion: '1.12.261',
            Severity: 'MEDIUM',
            Title: 'Path Traversal',
          },
        ],
      },
    ],
  }),
  veracodeCsv: [
    '"Issue ID","Issue type","Status","Project ID","Library","Version in use","Package manager","Coordinate 1","Coordinate 2","Project","Branch","Vulnerability ID","Title","CVSS score","Severity","CVE"',
    '127637430,"Vulnerability","Open",369423,"AWS Java SDK for Amazon S3","1.11.951","MAVEN","com.amazonaws","aws-java-sdk-s3","shop","main",36376,"Path Traversal",6.4,"Medium","2022-31159"',
    '',
  ].join('\n'),
};

describe('package vulnerability titles: one notation in every format', () => {
  it('Trivy JSON, Anchore SARIF, Sysdig CSV and Prisma Cloud CSV name CVE-2023-4911 in libc6 alike', async () => {
    const expected = ['CVE-2023-4911 in libc6@2.36-9+deb12u1'];
    expect(await titlesOf(LIBC.trivy)).toEqual(expected);
    expect(await titlesOf(LIBC.anchoreSarif)).toEqual(expected);
    expect(await titlesOf(LIBC.sysdigCsv)).toEqual(expected);
    expect(await titlesOf(LIBC.prismaCsv)).toEqual(expected);
  });

  it("Trivy JSON and Veracode SCA CSV: the advisory, the package's coordinates, the scanner's name for it", async () => {
    const expected = ['CVE-2022-31159 in com.amazonaws:aws-java-sdk-s3@1.11.951: Path Traversal'];
    expect(await titlesOf(AWS_SDK.trivy)).toEqual(expected);
    expect(await titlesOf(AWS_SDK.veracodeCsv)).toEqual(expected);
  });
});

describe('vulnerabilityTitle / packageAtVersion', () => {
  it.each([
    [['CVE-1', packageAtVersion('openssl', '3.0.2')], 'CVE-1 in openssl@3.0.2'],
    [
      ['CVE-1', packageAtVersion('@babel/core', '7.0.0'), 'Prototype pollution'],
      'CVE-1 in @babel/core@7.0.0: Prototype pollution',
    ],
    [['CVE-1', packageAtVersion('openssl')], 'CVE-1 in openssl'],
    [['CVE-1', packageAtVersion('openssl', '')], 'CVE-1 in openssl'],
    [['CVE-1', 'app.jar'], 'CVE-1 in app.jar'],
    [['CVE-1', undefined, 'Name'], 'CVE-1: Name'],
    [['CVE-1', '', ''], 'CVE-1'],
  ] as const)('%j → %s', (args, title) => {
    expect(vulnerabilityTitle(...(args as unknown as [string, string?, string?]))).toBe(title);
  });
});
