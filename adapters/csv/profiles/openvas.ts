import type { CsvProfile } from './profile.js';
import { VULNERABILITY_TYPES } from './profile.js';

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
};
