import type { Finding } from '../../../src/adapter.js';
import type { CellReader, CsvProfile } from './profile.js';
import { titleWithPackage, VULNERABILITY_TYPES } from './profile.js';

/** `cpe:/a:apache:http_server:2.4.7` (CPE 2.2) or `cpe:2.3:a:apache:http_server:2.4.7:…`: vendor, product, version. */
const PRODUCT_CPE = /\bcpe:(?:\/a|2\.3:a):([^:\s]+):([^:\s]+):([^:\s*-][^:\s]*)/i;
const FOUND_AT = /\bThe product was found at: (\d{1,5})\/[a-z]+/i;

/**
 * GVM's CVE scanner names a result after the CVE alone (`CVE-2021-26690`) and says in its text which product it
 * found and where (`The host carries the product: cpe:/a:apache:http_server:2.4.7` … `found at: 80/tcp`): that
 * product becomes the vulnerable package, the title says it (`CVE-2021-26690 in apache:http_server@2.4.7`), and
 * the port joins the resource when the Port column is blank.
 */
function refineProductResult(finding: Finding, cell: CellReader): void {
  const text = cell('Product Detection Result') || cell('Specific Result');
  const cpe = PRODUCT_CPE.exec(text);
  if (cpe === null || finding.vulnerabilities === undefined) return;
  const name = `${cpe[1]}:${cpe[2]}`;
  const version = cpe[3]!;
  for (const vulnerability of finding.vulnerabilities)
    vulnerability.VulnerablePackages ??= [{ Name: name, Version: version }];
  if (finding.title === cell('NVT OID'))
    titleWithPackage(finding, finding.title, { Name: name, Version: version });
  const port = FOUND_AT.exec(cell('Specific Result'))?.[1];
  const resource = finding.resources[0];
  if (
    port !== undefined &&
    cell('Port') === '' &&
    resource?.Id !== undefined &&
    !resource.Id.endsWith(`:${port}`)
  )
    resource.Id = `${resource.Id}:${port}`;
}

/**
 * Greenbone / OpenVAS (GVM) results CSV, with or without the QoD column. QoD (quality of detection, 0–100)
 * becomes the finding's Confidence. `NVT OID` is also scanned for CVE ids: CVE-based results use the CVE as OID.
 */
export const OPENVAS: CsvProfile = {
  id: 'openvas',
  label: 'Greenbone OpenVAS / GVM results CSV',
  signature: ['IP', 'NVT Name', 'NVT OID', 'Severity'],
  map: {
    name: 'openvas',
    vendor: 'Greenbone',
    title: ['NVT Name', { template: 'OpenVAS NVT {NVT OID}' }],
    identity: ['IP', 'Hostname', 'Port', 'Port Protocol', 'NVT OID'],
    ruleId: 'NVT OID',
    ruleIdPrefix: 'openvas-nvt/',
    description: ['Summary', 'Vulnerability Insight'],
    evidence: 'Specific Result',
    severity: ['Severity', 'CVSS'],
    severityScale: 'cvss',
    cvss: { score: 'CVSS' },
    cve: ['CVEs', 'NVT OID'],
    resourceId: ['Hostname', 'IP'],
    port: 'Port',
    remediation: 'Solution',
    references: 'Other References',
    lastSeen: 'Timestamp',
    confidence: 'QoD',
    types: VULNERABILITY_TYPES,
    details: { ip: 'IP', hostname: 'Hostname', port: 'Port', protocol: 'Port Protocol' },
    productFields: {
      specificResult: 'Specific Result',
      solutionType: 'Solution Type',
      impact: 'Impact',
      affectedSoftware: 'Affected Software/OS',
      insight: 'Vulnerability Insight',
      detectionMethod: 'Vulnerability Detection Method',
      productDetection: 'Product Detection Result',
      qod: 'QoD',
      taskName: 'Task Name',
      resultId: 'Result ID',
      bids: 'BIDs',
      certs: 'CERTs',
    },
  },
  refine: refineProductResult,
};
