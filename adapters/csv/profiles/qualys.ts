import type { CsvProfile } from './profile.js';
import { VULNERABILITY_TYPES } from './profile.js';

const QID_PREFIX = 'qualys-qid/';
const VENDOR = 'Qualys';

/**
 * Qualys VM detection / scan results CSV (`IP, DNS, NetBIOS, …, QID, Title, … Severity`). Severity is Qualys'
 * 1–5 level; `CVSS3 Base` holds the score and the vector in one cell (`8.1 (AV:N/…)`).
 */
export const QUALYS_VM: CsvProfile = {
  id: 'qualys-vm',
  label: 'Qualys VM detection / scan results CSV',
  signature: ['IP', 'QID', 'Title', 'Severity'],
  map: {
    name: 'qualys-vm',
    vendor: VENDOR,
    title: ['Title', { template: 'Qualys QID {QID}' }],
    identity: ['Network', 'IP', 'QID', 'Port', 'Protocol', 'Instance'],
    ruleId: 'QID',
    ruleIdPrefix: QID_PREFIX,
    description: ['Threat', 'Impact'],
    severity: 'Severity',
    severityScale: 'qualys',
    cvss: {
      v3: ['CVSS3 Base', 'CVSS3.1 Base', 'CVSS3'],
      v3Vector: ['CVSS3 Base', 'CVSS3.1 Base'],
      v2: ['CVSS Base', 'CVSS'],
      v2Vector: ['CVSS Base', 'CVSS'],
    },
    cve: 'CVE ID',
    resourceId: ['DNS', 'FQDN', 'NetBIOS', 'IP'],
    port: 'Port',
    remediation: 'Solution',
    references: 'Vendor Reference',
    resolved: { column: 'Vuln Status', values: ['Fixed'] },
    types: VULNERABILITY_TYPES,
    details: {
      ip: 'IP',
      dns: 'DNS',
      fqdn: 'FQDN',
      netbios: 'NetBIOS',
      os: 'OS',
      network: 'Network',
      trackingMethod: 'Tracking Method',
      port: 'Port',
      protocol: 'Protocol',
    },
    productFields: {
      qualysSeverity: 'Severity',
      type: 'Type',
      vulnStatus: 'Vuln Status',
      results: 'Results',
      category: 'Category',
      exploitability: 'Exploitability',
      associatedMalware: 'Associated Malware',
      pciVuln: 'PCI Vuln',
      firstDetected: 'First Detected',
      lastDetected: 'Last Detected',
      timesDetected: 'Times Detected',
      dateLastFixed: 'Date Last Fixed',
      vendorReference: 'Vendor Reference',
      bugtraqId: 'Bugtraq ID',
      cvss3Temporal: 'CVSS3 Temporal',
      ssl: 'SSL',
      instance: 'Instance',
      ticketState: 'Ticket State',
      associatedTags: 'Associated Tags',
    },
  },
};

/** Qualys PCI scan report CSV: upper-case headers, severity as a word plus `Q_SEVERITY` 1–5. */
export const QUALYS_PCI: CsvProfile = {
  id: 'qualys-pci',
  label: 'Qualys PCI scan report CSV',
  signature: ['IP', 'QID', 'VULN TITLE', 'SEVERITY', 'Q_SEVERITY'],
  map: {
    name: 'qualys-pci',
    vendor: VENDOR,
    title: ['VULN TITLE', { template: 'Qualys QID {QID}' }],
    identity: ['IP', 'QID', 'PORT', 'PROTOCOL'],
    ruleId: 'QID',
    ruleIdPrefix: QID_PREFIX,
    description: ['THREAT', 'IMPACT'],
    severity: ['SEVERITY', 'Q_SEVERITY'],
    severityScale: 'qualys',
    cvss: { v2: 'CVSS_BASE' },
    cve: 'CVEID',
    resourceId: ['HOSTNAME', 'IP'],
    port: 'PORT',
    remediation: 'SOLUTION',
    types: VULNERABILITY_TYPES,
    details: { ip: 'IP', hostname: 'HOSTNAME', os: 'OPERATING SYSTEM', port: 'PORT', protocol: 'PROTOCOL' },
    productFields: {
      qualysSeverity: 'Q_SEVERITY',
      type: 'TYPE',
      result: 'RESULT',
      pciCompliance: 'IS_PCI',
      falsePositiveStatus: 'FALSE POSITIVE STATUS',
      lastScan: 'LAST SCAN',
      category: 'CATEGORY',
      cvssTemporal: 'CVSS_TEMPORAL',
      bugtraqId: 'BUGTRAQID',
    },
  },
};

/**
 * Qualys VMDR "Asset Vuln Datalist" report: metadata rows before the header, one row per asset, QID and CVE
 * (so the CVE is part of the identity).
 */
export const QUALYS_VMDR: CsvProfile = {
  id: 'qualys-vmdr',
  label: 'Qualys VMDR asset vulnerability datalist CSV (with report preamble)',
  signature: ['QID', 'Title', 'Severity', 'Asset Id'],
  map: {
    name: 'qualys-vmdr',
    vendor: VENDOR,
    title: ['Title', { template: 'Qualys QID {QID}' }],
    identity: ['Asset Id', 'QID', 'CVE', 'Port', 'Protocol'],
    ruleId: 'QID',
    ruleIdPrefix: QID_PREFIX,
    description: ['Threat', 'CVE-Description'],
    severity: 'Severity',
    severityScale: 'qualys',
    cvss: { v3: ['CVSSv3.1 Base (nvd)', 'CVSSv3 Base (nvd)'], v2: 'CVSSv2 Base (nvd)' },
    cve: 'CVE',
    resourceId: ['Asset Name', 'Asset IPV4', 'Asset IPV6', 'Asset Id'],
    port: 'Port',
    remediation: 'Solution',
    resolved: { column: 'Status', values: ['FIXED'] },
    types: VULNERABILITY_TYPES,
    details: {
      assetId: 'Asset Id',
      ipv4: 'Asset IPV4',
      ipv6: 'Asset IPV6',
      os: 'Operating System',
      tags: 'Asset Tags',
      port: 'Port',
      protocol: 'Protocol',
    },
    productFields: {
      status: 'Status',
      kbSeverity: 'KB Severity',
      typeDetected: 'Type Detected',
      results: 'Results',
      qvsScore: 'QVS Score',
      truRiskScore: 'TruRisk Score',
      assetCriticalScore: 'Asset Critical Score',
      rti: 'RTI',
      category: 'Category',
      cvssRatingLabels: 'CVSS Rating Labels',
      firstDetected: 'First Detected',
      lastDetected: 'Last Detected',
      lastFixed: 'Last Fixed',
      timesDetected: 'Times Detected',
      patchable: 'Vuln Patchable',
      detectionSource: 'Detection Source',
    },
  },
};
