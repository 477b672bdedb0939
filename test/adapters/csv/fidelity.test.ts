import { describe, expect, it } from 'vitest';
import csv from '../../../adapters/csv/index.js';
import { parseFixedVersion } from '../../../adapters/csv/values.js';
import type { Finding, Issue } from '../../../src/adapter.js';

/** What a person reads in the console: issue 19's defects in the CSV adapter, one test each. */
async function parse(text: string): Promise<{ findings: Finding[]; issues: Issue[] }> {
  async function* source(): AsyncGenerator<Uint8Array> {
    yield Buffer.from(text);
  }
  const issues: Issue[] = [];
  const findings: Finding[] = [];
  const ctx = { onIssue: (issue: Issue) => issues.push(issue), options: {}, tempDir: '/tmp' };
  for await (const finding of csv.parse(source(), ctx)) findings.push(finding);
  return { findings, issues };
}

const SYSDIG =
  'Vulnerability ID,Severity,Package name,Package version,Package type,Package path,Image,OS Name,CVSS version,CVSS score,CVSS vector,Vuln link,Fix version,Public Exploit,K8S cluster name,K8S namespace name,K8S workload type,K8S workload name,K8S container name,Image ID\n' +
  'CVE-2024-0001,High,libfoo,1.0.0,os,/usr/lib/libfoo.so,registry.example.org/shop/cart:2.1,debian 12,3.1,7.5,CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N,https://nvd.nist.gov/vuln/detail/CVE-2024-0001,1.0.1,false,prod,shop,deployment,cart,cart-api,sha256:aaaa\n' +
  'CVE-2024-0002,Medium,libbar,2.0,os,,registry.example.org/shop/cart:2.1,debian 12,3.1,5.0,,,,false,prod,shop,deployment,cart,cart-api,sha256:aaaa\n';

const TWISTLOCK =
  'Registry,Repository,Tag,Id,Scan Time,Pass,Type,Distro,Hostname,Layer,CVE ID,Compliance ID,Type,Severity,Packages,Source Package,Package Version,Package License,CVSS,Fix Status,Description,Cause,Published,Custom Labels\n' +
  'registry.example.org,team/api,3.4,sha256:bbbb,2024-01-01,TRUE,image,Debian,build-7,,CVE-2024-1111,46,java,high,org.example:codec,,1.2.3,,7.1,"fixed in 1.2.11",A codec bug.,,2024-01-01,\n' +
  'registry.example.org,team/api,3.4,sha256:bbbb,2024-01-01,TRUE,image,Debian,build-7,,CVE-2024-2222,46,os,low,zlib,,1.2.13,,3.1,"fixed in 2.3, 2.4",A zlib bug.,,2024-01-01,\n' +
  'registry.example.org,team/api,3.4,sha256:bbbb,2024-01-01,TRUE,image,Debian,build-7,,CVE-2024-3333,46,os,medium,openssl,,3.0.1,,5.0,affected,An openssl bug.,,2024-01-01,\n';

const PRISMA_HOST =
  'Hostname,Distro,CVE ID,Compliance ID,Type,Severity,Packages,Source Package,Package Version,Package License,CVSS,Fix Status,Vulnerability Tags,Description,Cause,Published,Services,Cluster,Vulnerability Link\n' +
  'web-1.example.internal,rhel7,,6151,linux,high,,,,,0.00,,,(CIS_Linux_2.0.0 - 5.2.2) Ensure permissions on SSH private host key files are configured,"File ownership is wrong, expected: 0:root, actual 0:ssh_keys. Full path: /etc/ssh/ssh_host_ecdsa_key",,,,\n' +
  'web-1.example.internal,rhel7,CVE-2024-4444,46,image,moderate,kernel,,3.10.0,GPLv2,6.00,affected,,A kernel bug.,,2024-01-01,,,https://security.example.org/CVE-2024-4444\n';

describe('container images are Container resources', () => {
  it('Sysdig rows name the image, its digest and the Kubernetes workload', async () => {
    const { findings } = await parse(SYSDIG);
    expect(findings).toHaveLength(2);
    const resource = findings[0]!.resources[0]!;
    expect(resource.Type).toBe('Container');
    expect(resource.Id).toBe('registry.example.org/shop/cart:2.1');
    expect(resource.Details?.Container).toEqual({
      Name: 'cart-api',
      ImageName: 'registry.example.org/shop/cart:2.1',
      ImageId: 'sha256:aaaa',
    });
    expect(resource.Details?.Other).toMatchObject({
      namespace: 'shop',
      workloadType: 'deployment',
      workload: 'cart',
    });
  });

  it('Twistlock image rows are Container with registry/repository:tag and the image id', async () => {
    const { findings } = await parse(TWISTLOCK);
    const resource = findings[0]!.resources[0]!;
    expect(resource.Type).toBe('Container');
    expect(resource.Id).toBe('registry.example.org/team/api:3.4');
    expect(resource.Details?.Container).toEqual({
      ImageName: 'registry.example.org/team/api:3.4',
      ImageId: 'sha256:bbbb',
    });
  });

  it('Prisma host rows (no image) stay on the host', async () => {
    const { findings } = await parse(PRISMA_HOST);
    expect(findings.map((f) => [f.resources[0]!.Type, f.resources[0]!.Id])).toEqual([
      ['Other', 'web-1.example.internal'],
      ['Other', 'web-1.example.internal'],
    ]);
  });
});

describe('fixed versions', () => {
  it.each([
    ['fixed in 1.2.11', '1.2.11'],
    ['fixed in 2.3, 2.4', '2.3, 2.4'],
    ['Fixed in: 2.3 and 2.4', '2.3, 2.4'],
    ['Upgrade to 4.1.2', '4.1.2'],
    ['upgrade to version 4.1.2 or later', '4.1.2'],
    ['fixed in >=0.0.1', '>=0.0.1'],
    ['fixed in the future 1.0., 2.3.45', '1.0, 2.3.45'],
    ['v1.1.2', 'v1.1.2'],
    ['1:2.41-5', '1:2.41-5'],
    ['affected', undefined],
    ['will not fix', undefined],
    ['fixed', undefined],
    ['', undefined],
  ])('%j → %j', (cell, expected) => {
    expect(parseFixedVersion(cell)).toBe(expected);
  });

  it('"fixed in …" reaches VulnerablePackages, FixAvailable and the remediation', async () => {
    const { findings } = await parse(TWISTLOCK);
    const [first, second, third] = findings.map((f) => f.vulnerabilities![0]!);
    expect(first!.VulnerablePackages).toEqual([
      {
        Name: 'org.example:codec',
        Version: '1.2.3',
        FixedInVersion: '1.2.11',
        Remediation: 'Upgrade org.example:codec to 1.2.11',
      },
    ]);
    expect(first!.FixAvailable).toBe('YES');
    expect(second!.VulnerablePackages![0]!.FixedInVersion).toBe('2.3, 2.4');
    expect(third!.VulnerablePackages![0]!.FixedInVersion).toBeUndefined();
    expect(third!.FixAvailable).toBe('NO');
    expect(findings[0]!.remediation?.Recommendation?.Text).toBe('Upgrade org.example:codec to 1.2.11');
  });

  it('a blank fix cell claims nothing (the export may leave the column empty)', async () => {
    const { findings } = await parse(SYSDIG);
    expect(findings[0]!.vulnerabilities![0]!.FixAvailable).toBe('YES');
    expect(findings[1]!.vulnerabilities![0]!.FixAvailable).toBeUndefined();
  });
});

describe('compliance rows', () => {
  it('Prisma compliance rows are configuration checks that failed, with their cause leading the description', async () => {
    const { findings } = await parse(PRISMA_HOST);
    const [check, vulnerability] = findings;
    expect(check!.types).toEqual(['Software and Configuration Checks/Industry and Regulatory Standards']);
    expect(check!.compliance).toEqual({ Status: 'FAILED' });
    expect(check!.vulnerabilities).toBeUndefined();
    expect(check!.description).toMatch(/^File ownership is wrong, expected: 0:root, actual 0:ssh_keys\./);
    expect(check!.description).toContain('Ensure permissions on SSH private host key files');
    expect(vulnerability!.types).toEqual(['Software and Configuration Checks/Vulnerabilities/CVE']);
    expect(vulnerability!.compliance).toBeUndefined();
  });

  it('a check failing for several causes on one host keeps every cause in the description', async () => {
    const lines = PRISMA_HOST.split('\n');
    const again = lines[1]!.replace('ssh_host_ecdsa_key', 'ssh_host_rsa_key');
    const { findings } = await parse([lines[0], lines[1], again, ''].join('\n'));
    expect(findings).toHaveLength(1);
    expect(findings[0]!.description).toContain('/etc/ssh/ssh_host_ecdsa_key');
    expect(findings[0]!.description).toContain('/etc/ssh/ssh_host_rsa_key');
  });
});

describe('merged evidence', () => {
  it('a repeated row brings its evidence even when the first row had none, and the same evidence once', async () => {
    const lines = PRISMA_HOST.split('\n');
    const bare = lines[1]!.replace(/"File ownership[^"]*"/, '');
    const { findings } = await parse([lines[0], bare, lines[1], lines[1], ''].join('\n'));
    expect(findings).toHaveLength(1);
    expect(findings[0]!.description).toBe(
      'File ownership is wrong, expected: 0:root, actual 0:ssh_keys. Full path: /etc/ssh/ssh_host_ecdsa_key\n\n' +
        '(CIS_Linux_2.0.0 - 5.2.2) Ensure permissions on SSH private host key files are configured',
    );
  });
});

describe('Tenable VM export with its own column selection', () => {
  const COLUMNS = [
    'asset.name',
    'asset.display_ipv4_address',
    'asset.operating_system',
    'definition.id',
    'definition.name',
    'definition.family',
    'definition.synopsis',
    'definition.solution',
    'definition.cve',
    'definition.cvss3.base_score',
    'severity',
    'state',
    'port',
    'protocol',
    'output',
    'first_observed',
    'last_seen',
    'scan.name',
    'asset.tags',
    'definition.plugin_published',
  ];
  const row = (host: string, ip: string, id: string, name: string, port: string, output: string) =>
    [
      host,
      ip,
      'Debian 12',
      id,
      name,
      'General',
      `${name} synopsis`,
      'Upgrade.',
      '',
      '5.3',
      'Medium',
      'ACTIVE',
      port,
      'TCP',
      output,
      '2024-01-01T00:00:00Z',
      '2024-02-01T00:00:00Z',
      'Weekly',
      'env:prod',
      '2020-01-01',
    ].join(',');
  const TEXT = `${[
    COLUMNS.join(','),
    row(
      'db-1.example.internal',
      '10.0.0.1',
      '51192',
      'SSL Certificate Cannot Be Trusted',
      '5432',
      'issuer X',
    ),
    row(
      'db-2.example.internal',
      '10.0.0.2',
      '51192',
      'SSL Certificate Cannot Be Trusted',
      '5432',
      'issuer Y',
    ),
  ].join('\n')}\n`;

  it('is recognised by its key columns and reads every host apart', async () => {
    const { findings } = await parse(TEXT);
    expect(findings).toHaveLength(2);
    expect(findings[0]!.productFields?.profile).toBe('tenable-vm-findings');
    expect(findings.map((f) => [f.title, f.resources[0]!.Id])).toEqual([
      ['SSL Certificate Cannot Be Trusted on 5432/tcp', 'db-1.example.internal'],
      ['SSL Certificate Cannot Be Trusted on 5432/tcp', 'db-2.example.internal'],
    ]);
    expect(findings[0]!.identity).not.toEqual(findings[1]!.identity);
    expect(findings[0]!.severity).toEqual({ label: 'MEDIUM', original: 'Medium' });
    expect(findings[0]!.productFields?.output).toBe('issuer X');
  });

  it('keeps the columns no field reads', async () => {
    const { findings } = await parse(TEXT);
    expect(findings[0]!.productFields).toMatchObject({ 'scan.name': 'Weekly', 'asset.tags': 'env:prod' });
  });
});

describe('columns no field reads', () => {
  it('are kept in ProductFields when they hold something', async () => {
    const text =
      'Issue ID,Title,Severity,Status,Resource external ID,Resource original JSON,Note\n' +
      'i-1,Public bucket,HIGH,OPEN,arn:aws:s3:::b1,"{""kind"": ""Bucket""}",\n';
    const { findings } = await parse(text);
    expect(findings[0]!.productFields).toMatchObject({ 'Resource original JSON': '{"kind": "Bucket"}' });
    expect(findings[0]!.productFields).not.toHaveProperty('Note');
  });
});

describe('Azure resources', () => {
  it('Defender for Cloud recommendations are on an AzureResource, with their compliance status', async () => {
    const text =
      'subscriptionId,subscriptionName,resourceGroup,resourceType,resourceName,resourceId,recommendationId,recommendationName,recommendationDisplayName,description,remediationSteps,severity,state,notApplicableReason,firstEvaluationDate,statusChangeDate,controls,azurePortalRecommendationLink,nativeCloudAccountId,exportedTimestamp\n' +
      's1,Sub,rg1,storageaccounts,store1,/subscriptions/s1/resourcegroups/rg1/providers/microsoft.storage/storageaccounts/store1,/subscriptions/s1/resourcegroups/rg1/providers/microsoft.storage/storageaccounts/store1/providers/Microsoft.Security/assessments/a1,a1,Storage account should use a private link connection,Private links …,Do it.,Medium,Unhealthy,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,,,,\n';
    const { findings } = await parse(text);
    expect(findings[0]!.resources[0]!.Type).toBe('AzureResource');
    expect(findings[0]!.compliance).toEqual({ Status: 'FAILED' });
    expect(findings[0]!.title).toBe('Storage account should use a private link connection (store1)');
  });
});

describe('Kubernetes workloads', () => {
  it('Wiz issues on a Deployment or Pod are on a Container named after the workload, with namespace and kind', async () => {
    const text =
      'Issue ID,Title,Severity,Status,Resource Type,Resource external ID,Resource Name,Kubernetes Cluster,Kubernetes Namespace\n' +
      'w-1,Privileged container,HIGH,OPEN,Deployment,k8s/deployment/c1/shop/cart,cart,prod-aks,shop\n' +
      'w-2,Guest user has high privileges,LOW,OPEN,User,e4c2061d-3134,Jane,,\n';
    const { findings } = await parse(text);
    expect(findings[0]!.resources[0]).toEqual({
      Type: 'Container',
      Id: 'k8s/deployment/c1/shop/cart',
      Details: {
        Container: { Name: 'cart' },
        Other: { resourceType: 'Deployment', resourceName: 'cart', cluster: 'prod-aks', namespace: 'shop' },
      },
    });
    expect(findings[1]!.resources[0]!.Type).toBe('Other');
  });
});

describe('Tenable VM exports read like the same plugin results in a .nessus file (principle 5)', () => {
  const OUTPUT =
    '\nRemote package installed : openssl-1.0.2k-19.amzn2.0.1\nShould be                : openssl-1.0.2k-24.amzn2.0.4\n';
  it.each([
    [
      'tenable-vm',
      'Plugin ID,CVE,CVSS,Risk,Host,Protocol,Port,Name,Synopsis,Description,Solution,See Also,Plugin Output,Vulnerability State,IP Address,Plugin Family\n' +
        `171234,CVE-2023-0286,7.5,High,web-1.example.internal,tcp,443,Amazon Linux 2 : openssl (ALAS-2023-1),The remote host is missing a security update.,OpenSSL has a type confusion.,Run yum update openssl.,https://alas.aws.amazon.com/AL2/ALAS-2023-1.html,"${OUTPUT}",Active,10.0.0.5,Amazon Linux Local Security Checks\n`,
    ],
    [
      'tenable-vm-findings',
      'asset.name,definition.id,definition.name,definition.synopsis,definition.description,definition.cve,severity,port,protocol,output\n' +
        `web-1.example.internal,171234,Amazon Linux 2 : openssl (ALAS-2023-1),The remote host is missing a security update.,OpenSSL has a type confusion.,CVE-2023-0286,High,443,TCP,"${OUTPUT}"\n`,
    ],
  ])(
    '%s: title with port/protocol, the host as resource, synopsis and output first, packages from the output',
    async (profile, text) => {
      const { findings } = await parse(text);
      const finding = findings[0]!;
      expect(finding.productFields?.profile).toBe(profile);
      expect(finding.title).toBe('Amazon Linux 2 : openssl (ALAS-2023-1) on 443/tcp');
      expect(finding.resources[0]!.Id).toBe('web-1.example.internal');
      expect(finding.description).toMatch(
        /^The remote host is missing a security update\.\n\nOutput:\nRemote package/,
      );
      expect(finding.vulnerabilities![0]!.VulnerablePackages![0]).toMatchObject({
        Name: 'openssl',
        FixedInVersion: expect.stringContaining('1.0.2k-24'),
      });
    },
  );
});

describe('dependency findings lead with what was found', () => {
  it('the package, where it is installed and its fix come before the scanner text', async () => {
    const sysdig = await parse(SYSDIG);
    expect(sysdig.findings[0]!.description).toBe(
      'libfoo 1.0.0 is installed at /usr/lib/libfoo.so; fixed in 1.0.1.',
    );
    const twistlock = await parse(TWISTLOCK);
    expect(twistlock.findings[0]!.description).toBe(
      'org.example:codec 1.2.3 is installed; fixed in 1.2.11.\n\nA codec bug.',
    );
    expect(twistlock.findings[2]!.description).toBe(
      'openssl 3.0.1 is installed; no fixed version (affected).\n\nAn openssl bug.',
    );
  });
});

describe('Prisma Cloud text', () => {
  it("reads the export's backslash-escaped quotes as quotes", async () => {
    // As in the corpus: `Red Hat\'s` and `\""Bad thing.\""` (a quoted cell holding \").
    const text = PRISMA_HOST.replace('A kernel bug.', '"Red Hat\\\'s kernel is \\""affected\\""."');
    const { findings } = await parse(text);
    expect(findings[1]!.description).toContain('Red Hat\'s kernel is "affected".');
  });
});

describe('OpenVAS CVE scan results', () => {
  it('name the product and version the host carries, and the port it was found at', async () => {
    const text =
      'IP,Hostname,Port,Port Protocol,CVSS,Severity,QoD,Solution Type,NVT Name,Summary,Specific Result,NVT OID,CVEs,Task ID,Task Name,Timestamp,Result ID,Impact,Solution,Affected Software/OS,Vulnerability Insight,Vulnerability Detection Method,Product Detection Result,BIDs,CERTs,Other References\n' +
      '192.0.2.7,,,,7.5,High,75,,CVE-2021-26690,"The host carries the product: cpe:/a:apache:http_server:2.4.7\nIt is vulnerable according to: CVE-2021-26690.\nThe product was found at: 80/tcp.","The host carries the product: cpe:/a:apache:http_server:2.4.7\nIt is vulnerable according to: CVE-2021-26690.\nThe product was found at: 80/tcp.",CVE-2021-26690,,t,Scan,2024-03-18T21:29:42Z,r1,,,,,,"Product: cpe:/a:apache:http_server:2.4.7\nMethod: CVE-2021-26690",,,\n';
    const { findings } = await parse(text);
    const finding = findings[0]!;
    expect(finding.title).toBe('CVE-2021-26690 in apache:http_server@2.4.7');
    expect(finding.resources[0]!.Id).toBe('192.0.2.7:80');
    expect(finding.vulnerabilities![0]!.VulnerablePackages).toEqual([
      { Name: 'apache:http_server', Version: '2.4.7' },
    ]);
  });
});
