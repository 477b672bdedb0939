import { describe, expect, it } from 'vitest';
import { hostKey, hostObservedTimes, hostResource } from '../../../adapters/nessus/host.js';
import { NESSUS_TYPES, nessusDate, normalizeCwe } from '../../../adapters/nessus/map.js';
import { tidy } from '../../../adapters/nessus/text.js';
import { host, item, mapped } from './records.js';

const base = {
  port: '443',
  protocol: 'tcp',
  svc_name: 'www',
  severity: '3',
  pluginID: '1234',
  pluginName: 'P',
};

describe('host mapping', () => {
  it('uses the EC2 instance ARN when instance id, Region and account are known', () => {
    const resource = hostResource(
      host({
        'aws-instance-instanceId': 'i-0123',
        'aws-instance-region': 'cn-north-1',
        'aws-instance-accountId': '111122223333',
        'aws-instance-instanceType': 't3.small',
        'aws-instance-local-ipv4': '172.31.0.5',
        'host-ip': '54.1.2.3',
        'host-fqdn': 'ec2.example',
      }),
    );
    expect(resource).toMatchObject({
      Type: 'AwsEc2Instance',
      Id: 'arn:aws-cn:ec2:cn-north-1:111122223333:instance/i-0123',
      Partition: 'aws-cn',
      Region: 'cn-north-1',
      Details: {
        AwsEc2Instance: { Type: 't3.small', IpV4Addresses: ['54.1.2.3', '172.31.0.5'] },
        Other: { 'host-ip': '54.1.2.3', 'host-fqdn': 'ec2.example', 'report-host-name': '10.0.0.1' },
      },
    });
  });

  it('derives the Region from the availability zone', () => {
    const resource = hostResource(
      host({
        'aws-instance-instanceId': 'i-1',
        'aws-instance-availabilityZone': 'us-gov-west-1a',
        'aws-instance-accountId': '111122223333',
      }),
    );
    expect(resource.Id).toBe('arn:aws-us-gov:ec2:us-gov-west-1:111122223333:instance/i-1');
  });

  it.each([
    ['no account', { 'aws-instance-instanceId': 'i-2', 'aws-instance-region': 'eu-west-1' }],
    [
      'a malformed account',
      {
        'aws-instance-instanceId': 'i-2',
        'aws-instance-region': 'eu-west-1',
        'aws-instance-accountId': 'acme',
      },
    ],
    ['no Region', { 'aws-instance-instanceId': 'i-2', 'aws-instance-accountId': '111122223333' }],
  ])('uses the bare instance id with %s', (_name, properties) => {
    const resource = hostResource(host(properties));
    expect(resource.Type).toBe('AwsEc2Instance');
    expect(resource.Id).toBe('i-2');
  });

  it('makes other hosts an Other resource named by ReportHost@name, then FQDN, then IP', () => {
    expect(hostResource(host({ 'host-ip': '10.0.0.9', 'host-fqdn': 'a.example' })).Id).toBe('10.0.0.1');
    expect(hostResource(host({ 'host-ip': '10.0.0.9', 'host-fqdn': 'a.example' }, ' ')).Id).toBe('a.example');
    expect(hostResource(host({ 'host-ip': '10.0.0.9' }, '')).Id).toBe('10.0.0.9');
    const bare = hostResource(host({}, 'https://shop.example/'));
    expect(bare).toEqual({
      Type: 'Other',
      Id: 'https://shop.example/',
      Details: { Other: { 'report-host-name': 'https://shop.example/' } },
    });
  });

  it('joins multi-line host values into one line', () => {
    const other = hostResource(
      host({ 'mac-address': 'aa:bb\n cc:dd \n', 'operating-system': 'Linux 5\nLinux 4' }),
    ).Details?.Other;
    expect(other?.['mac-address']).toBe('aa:bb, cc:dd');
    expect(other?.['operating-system']).toBe('Linux 5; Linux 4');
  });

  it('identifies hosts by instance id, else IP, else FQDN, else name', () => {
    expect(hostKey(host({ 'aws-instance-instanceId': 'i-9', 'host-ip': '1.1.1.1' }))).toBe('i-9');
    expect(hostKey(host({ 'host-ip': '1.1.1.1', 'host-fqdn': 'f' }))).toBe('1.1.1.1');
    expect(hostKey(host({ 'host-fqdn': 'f' }))).toBe('f');
    expect(hostKey(host({}, ' n '))).toBe('n');
    expect(hostKey(host({}, ''))).toBe('host-0');
  });

  it('reads observed times from epoch tags or zoned ISO text, never from zone-less ctime text', () => {
    expect(
      hostObservedTimes(host({ HOST_START_TIMESTAMP: '1767225600', HOST_END_TIMESTAMP: '1767225900' })),
    ).toEqual({
      firstObservedAt: '2026-01-01T00:00:00.000Z',
      lastObservedAt: '2026-01-01T00:05:00.000Z',
    });
    expect(hostObservedTimes(host({ HOST_START: '2025-03-12T12:34:30.12031+01:00' }))).toEqual({
      firstObservedAt: '2025-03-12T11:34:30.120Z',
      lastObservedAt: '2025-03-12T11:34:30.120Z',
    });
    expect(
      hostObservedTimes(
        host({ HOST_START: 'Wed Mar 23 14:31:51 2022', HOST_END: 'Wed Mar 23 15:07:52 2022' }),
      ),
    ).toEqual({});
  });
});

describe('item mapping', () => {
  it.each([
    ['CWE-94', 'CWE-94'],
    ['cwe:079', 'CWE-79'],
    ['94', 'CWE-94'],
    [' CWE 20 ', 'CWE-20'],
    ['NVD-CWE-Other', undefined],
    ['', undefined],
  ])('normalises CWE %j to %j', (input, expected) => {
    expect(normalizeCwe(input)).toBe(expected);
  });

  it.each([
    ['2018/04/10', '2018-04-10T00:00:00.000Z'],
    ['2018-04-10', '2018-04-10T00:00:00.000Z'],
    ['2017-03-31T00:00:00+00:00', '2017-03-31T00:00:00.000Z'],
    ['2018/13/10', undefined],
    ['April 2018', undefined],
    [undefined, undefined],
  ])('reads the Nessus date %j as %j', (input, expected) => {
    expect(nessusDate(input)).toBe(expected);
  });

  it('maps CVSS v4, v3 and v2 with their versions and vectors, newest first', () => {
    const { finding } = mapped(
      item(base, {
        cve: ['CVE-2025-1'],
        cvss4_base_score: ['9.3'],
        cvss4_vector: ['CVSS:4.0/AV:N'],
        cvss3_base_score: ['9.8'],
        cvss3_vector: ['CVSS:3.1/AV:N'],
        cvss_base_score: ['10.0'],
        cvss_vector: ['CVSS2#AV:N/AC:L'],
      }),
    );
    expect(finding.vulnerabilities?.[0]?.Cvss).toEqual([
      { Version: '4.0', BaseScore: 9.3, BaseVector: 'CVSS:4.0/AV:N', Source: 'Tenable' },
      { Version: '3.1', BaseScore: 9.8, BaseVector: 'CVSS:3.1/AV:N', Source: 'Tenable' },
      { Version: '2.0', BaseScore: 10, BaseVector: 'AV:N/AC:L', Source: 'Tenable' },
    ]);
  });

  it('reads the WAS cvss/cvssv3 elements and assumes CVSS 3.0 for unprefixed v3 vectors', () => {
    const { finding } = mapped(item(base, { cvss: ['7.5'], cvssv3: ['7.1'], cvssv3_vector: ['AV:N/AC:L'] }));
    expect(finding.vulnerabilities?.[0]?.Id).toBe('NESSUS-1234');
    expect(finding.vulnerabilities?.[0]?.Cvss?.map((cvss) => [cvss.Version, cvss.BaseScore])).toEqual([
      ['3.0', 7.1],
      ['2.0', 7.5],
    ]);
  });

  it('makes one Vulnerabilities entry per CVE, capped at 20, and keeps every CVE in ProductFields', () => {
    const cves = Array.from({ length: 23 }, (_, i) => `CVE-2024-${1000 + i}`);
    const { finding, issues } = mapped(item(base, { cve: [...cves, 'cve-2024-1000'] }));
    expect(finding.vulnerabilities).toHaveLength(20);
    expect(finding.vulnerabilities?.[0]?.Id).toBe('CVE-2024-1000');
    expect(finding.productFields?.cve?.toString().split(' ')).toEqual(cves);
    expect(finding.types).toEqual([NESSUS_TYPES.cve]);
    expect(issues.map((issue) => [issue.code, issue.recordIndex, issue.line])).toEqual([
      ['vulnerabilities-capped', 3, 42],
    ]);
  });

  it('splits several CVEs written in one element', () => {
    const { finding } = mapped(item(base, { cve: ['CVE-2024-1, CVE-2024-2 CVE-2024-3'] }));
    expect(finding.vulnerabilities?.map((vulnerability) => vulnerability.Id)).toEqual([
      'CVE-2024-1',
      'CVE-2024-2',
      'CVE-2024-3',
    ]);
  });

  it('maps EPSS, exploit flags, fix availability and vendor data', () => {
    const { finding } = mapped(
      item(base, {
        cve: ['CVE-2025-1'],
        epss_score: ['0.9731'],
        exploit_available: ['false'],
        exploit_framework_canvas: ['true'],
        patch_publication_date: ['2025/01/02'],
        plugin_publication_date: ['2025/01/03'],
        risk_factor: ['High'],
        see_also: ['https://a.example/1\nhttp://b.example/2 not-a-url'],
      }),
    );
    expect(finding.vulnerabilities?.[0]).toEqual({
      Id: 'CVE-2025-1',
      Vendor: {
        Name: 'Tenable',
        Url: 'https://www.tenable.com/plugins/nessus/1234',
        VendorSeverity: 'High',
        VendorCreatedAt: '2025-01-03T00:00:00.000Z',
      },
      ReferenceUrls: ['https://a.example/1', 'http://b.example/2'],
      FixAvailable: 'YES',
      EpssScore: 0.9731,
      ExploitAvailable: 'YES',
    });
    expect(finding.productFields?.exploit_frameworks).toBe('canvas');
    expect(finding.remediation).toBeUndefined();
  });

  it('marks plugins for unsupported software as having no fix', () => {
    const { finding } = mapped(item(base, { cvss_base_score: ['10.0'], unsupported_by_vendor: ['true'] }));
    expect(finding.vulnerabilities?.[0]?.FixAvailable).toBe('NO');
    expect(finding.types).toEqual([NESSUS_TYPES.vulnerability]);
  });

  it('reports unreadable CVSS and EPSS values and leaves them out of Vulnerabilities', () => {
    const { finding, issues } = mapped(item(base, { cvss3_base_score: ['N/A'], epss_score: ['12'] }));
    expect(finding.vulnerabilities).toBeUndefined();
    expect(finding.productFields?.epss_score).toBe('12');
    expect(issues.map((issue) => issue.code)).toEqual(['invalid-cvss', 'invalid-epss']);
  });

  it('normalises CWEs from <cwe> and CWE xrefs into ProductFields', () => {
    const { finding } = mapped(
      item(base, { cwe: ['CWE-94', '79'], xref: ['CWE:79', 'IAVA:2025-A-1', 'CWE:20'] }),
    );
    expect(finding.productFields?.cwe).toBe('CWE-94 CWE-79 CWE-20');
    expect(finding.productFields?.xref).toBe('CWE:79 IAVA:2025-A-1 CWE:20');
  });

  it.each([
    ['4', undefined, 'CRITICAL', '4'],
    ['0', 'None', 'INFORMATIONAL', '0'],
    [undefined, 'Medium', 'MEDIUM', 'Medium'],
    ['7', 'low', 'LOW', '7'],
  ])('maps severity=%j risk_factor=%j to %s (Original %s)', (severityValue, risk, label, original) => {
    const attributes: Record<string, string> = { ...base };
    if (severityValue === undefined) delete attributes.severity;
    else attributes.severity = severityValue;
    const { finding, issues } = mapped(item(attributes, risk === undefined ? {} : { risk_factor: [risk] }));
    expect(finding.severity).toEqual({ label, original });
    expect(issues).toEqual([]);
  });

  it('maps an unreadable severity to INFORMATIONAL with an issue', () => {
    const { finding, issues } = mapped(item({ ...base, severity: 'x' }));
    expect(finding.severity).toEqual({ label: 'INFORMATIONAL', original: 'x' });
    expect(issues.map((issue) => issue.code)).toEqual(['unknown-severity']);
  });

  it.each([
    ['a CVE', { cve: ['CVE-2024-1'] }, '2', NESSUS_TYPES.cve],
    ['no CVE, severity LOW+', {}, '1', NESSUS_TYPES.vulnerability],
    ['no CVE, informational', {}, '0', NESSUS_TYPES.informational],
    ['a compliance check', { 'cm:compliance-result': ['FAILED'] }, '3', NESSUS_TYPES.compliance],
  ])('types an item with %s', (_name, fields, severityValue, type) => {
    expect(mapped(item({ ...base, severity: severityValue }, fields)).finding.types).toEqual([type]);
  });

  it('describes pluginID 0 open-port records', () => {
    const { finding } = mapped(
      item({ port: '22', protocol: 'tcp', svc_name: 'ssh', severity: '0', pluginID: '0', pluginName: '' }),
    );
    expect(finding.title).toBe('Open port 22/tcp (ssh)');
    expect(finding.description).toBe('Nessus found port 22/tcp (ssh) open.');
    expect(finding.sourceUrl).toBeUndefined();
    expect(finding.identity).toEqual(['10.0.0.1', '22', 'tcp', '0']);
  });

  it('puts synopsis before description and keeps n/a solutions out of Remediation', () => {
    const { finding } = mapped(item(base, { synopsis: ['S.'], description: ['D.'], solution: ['n/a'] }));
    expect(finding.description).toBe('S.\n\nD.');
    expect(finding.remediation).toBeUndefined();
  });

  it('maps compliance results to Compliance.Status, PASSED as resolved, and identifies each check', () => {
    const passed = mapped(
      item(base, {
        'cm:compliance-check-name': ['1.1 Check'],
        'cm:compliance-check-id': ['abc'],
        'cm:compliance-result': ['passed'],
        'cm:compliance-solution': ['Fix it.'],
      }),
    ).finding;
    expect(passed.title).toBe('1.1 Check on 443/tcp');
    expect(passed.compliance).toEqual({ Status: 'PASSED' });
    expect(passed.state).toBe('resolved');
    expect(passed.remediation).toEqual({ Recommendation: { Text: 'Fix it.' } });
    expect(passed.identity).toEqual(['10.0.0.1', '443', 'tcp', '1234', 'compliance:abc']);
    const error = mapped(item(base, { 'cm:compliance-result': ['ERROR'] })).finding;
    expect(error.compliance).toEqual({ Status: 'NOT_AVAILABLE' });
    expect(error.state).toBe('active');
  });

  it('truncates plugin_output to the ProductFields value limit with a visible marker', () => {
    const { finding } = mapped(item(base, { plugin_output: ['o'.repeat(5000)] }));
    const output = String(finding.productFields?.plugin_output);
    expect(output).toHaveLength(2048);
    expect(output.endsWith('… [truncated]')).toBe(true);
  });

  it('links WAS plugins to the WAS plugin pages and uses the Report name as scope hint', () => {
    const wasHost = host({ 'host-fqdn': 'https://shop.example/' }, 'https://shop.example/', {
      name: ' shop ',
      type: 'was',
    });
    const { finding } = mapped(item({ ...base, protocol: 'TCP' }), wasHost);
    expect(finding.sourceUrl).toBe('https://www.tenable.com/plugins/was/1234');
    expect(finding.scopeHint).toBe('shop');
    expect(finding.identity).toEqual(['https://shop.example/', '443', 'tcp', '1234']);
  });
});

describe('tidy', () => {
  it.each([
    ['  High ', 'High'],
    ['\n  Path : /x\n  Version : 1\n\n', '  Path : /x\n  Version : 1'],
    ['line1\r\nline2\rline3', 'line1\nline2\nline3'],
    [' \n \t\n', undefined],
    ['', undefined],
  ])('tidies %j to %j', (input, expected) => {
    expect(tidy(input)).toBe(expected);
  });
});
