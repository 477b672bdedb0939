import type { Finding } from '../../../src/adapter.js';
import type { CsvProfile } from './profile.js';
import { CONFIGURATION_TYPES, titleWithPackage, VULNERABILITY_TYPES } from './profile.js';

/** Alert Logic vulnerability export. */
export const ALERT_LOGIC: CsvProfile = {
  id: 'alertlogic',
  label: 'Alert Logic vulnerabilities CSV export',
  signature: ['Vulnerability', 'Asset Name', 'Vulnerability ID', 'Protocol/Port'],
  map: {
    name: 'alertlogic',
    vendor: 'Alert Logic',
    title: 'Vulnerability',
    identity: ['Asset Key', 'Protocol/Port', 'Vulnerability ID'],
    ruleId: 'Vulnerability ID',
    ruleIdPrefix: 'alertlogic/',
    description: 'Description',
    evidence: 'Evidence',
    severity: 'Severity',
    severityScale: 'label',
    cvss: { score: 'CVSS Score' },
    cve: 'CVE',
    exploitAvailable: 'CISA Known Exploited',
    resourceId: ['Asset Name', 'IP Address', 'Asset Key'],
    port: 'Protocol/Port',
    remediation: 'Resolution',
    types: VULNERABILITY_TYPES,
    details: {
      ip: 'IP Address',
      assetType: 'Asset Type',
      os: 'Operating System',
      deployment: 'Deployment Name',
      network: 'VPC/Network',
      protocolPort: 'Protocol/Port',
      service: 'Service',
      assetKey: 'Asset Key',
    },
    productFields: {
      evidence: 'Evidence',
      category: 'Category',
      firstSeen: 'First Seen',
      lastScanned: 'Last Scanned',
      ageDays: 'Age (days)',
      cisaKnownExploited: 'CISA Known Exploited',
      vulnerabilityKey: 'Vulnerability Key',
      published: 'Published Date',
      customer: 'Customer Account',
    },
  },
};

/** Microsoft Defender for Cloud (Azure Security Center) recommendations export; `Healthy` rows are resolved. */
export const AZURE_DEFENDER: CsvProfile = {
  id: 'azure-defender',
  label: 'Microsoft Defender for Cloud (Azure Security Center) recommendations CSV export',
  signature: ['recommendationId', 'recommendationDisplayName', 'resourceId', 'severity', 'state'],
  map: {
    name: 'azure-defender',
    vendor: 'Microsoft Defender for Cloud',
    title: [{ template: '{recommendationDisplayName} ({resourceName})' }, 'recommendationName'],
    identity: ['recommendationId'],
    ruleId: 'recommendationName',
    ruleIdPrefix: 'azure-recommendation/',
    description: 'description',
    severity: 'severity',
    severityScale: 'label',
    resourceId: 'resourceId',
    remediation: 'remediationSteps',
    url: 'azurePortalRecommendationLink',
    firstSeen: 'firstEvaluationDate',
    lastSeen: 'statusChangeDate',
    resolved: { column: 'state', values: ['Healthy', 'NotApplicable'] },
    compliance: { status: 'state', types: CONFIGURATION_TYPES },
    types: CONFIGURATION_TYPES,
    details: {
      subscriptionId: 'subscriptionId',
      subscriptionName: 'subscriptionName',
      resourceGroup: 'resourceGroup',
      resourceType: 'resourceType',
      resourceName: 'resourceName',
      cloudAccountId: 'nativeCloudAccountId',
    },
    productFields: {
      state: 'state',
      controls: 'controls',
      notApplicableReason: 'notApplicableReason',
      exportedTimestamp: 'exportedTimestamp',
    },
  },
};

/** Veracode SCA issues export; the CVE column holds bare numbers (`2022-31159`). */
export const VERACODE_SCA: CsvProfile = {
  id: 'veracode-sca',
  label: 'Veracode SCA issues CSV export',
  signature: ['Issue ID', 'Issue type', 'Library', 'Vulnerability ID', 'Severity'],
  map: {
    name: 'veracode-sca',
    vendor: 'Veracode',
    // The refine step adds the package: `CVE-2022-31159 in com.amazonaws:aws-java-sdk-s3@1.11.951: Path Traversal`.
    title: ['Title', 'Library'],
    identity: ['Issue ID'],
    ruleId: 'Vulnerability ID',
    ruleIdPrefix: 'veracode-sca/',
    severity: 'Severity',
    severityScale: 'label',
    cvss: { score: 'CVSS score' },
    cve: 'CVE',
    package: {
      name: [{ template: '{Coordinate 1}:{Coordinate 2}' }, 'Library'],
      version: 'Version in use',
      fixedIn: 'Updated Version',
      manager: 'Package manager',
    },
    resourceId: [{ template: '{Project} ({Branch})' }, 'Project', 'Project ID'],
    resolved: { column: 'Status', values: ['Resolved', 'Fixed', 'Closed'] },
    types: VULNERABILITY_TYPES,
    details: { project: 'Project', projectId: 'Project ID', branch: 'Branch', tag: 'Tag' },
    productFields: {
      issueId: 'Issue ID',
      issueType: 'Issue type',
      status: 'Status',
      library: 'Library',
      latestVersion: 'Latest version',
      dependency: 'Dependency (Transitive or Direct)',
      hasVulnerableMethods: 'Has vulnerable methods',
      issueOpened: 'Issue opened: Scan date',
      license: 'License',
    },
  },
  // The advisory is the CVE when the row has one (Veracode's own `Title` then names it), else that title.
  refine: (finding, cell, pkg) => {
    const cve = finding.vulnerabilities?.[0]?.Id;
    const title = cell('Title');
    titleWithPackage(finding, cve ?? title, pkg, cve === undefined ? undefined : title);
  },
};

/** Prisma Cloud writes quotes in its texts backslash-escaped (`Red Hat\'s`, `\"Bad thing.\"`); a person reads quotes. */
function unescapeQuotes(finding: Finding): void {
  finding.title = finding.title.replace(ESCAPED_QUOTE, '$1');
  finding.description = finding.description.replace(ESCAPED_QUOTE, '$1');
}
const ESCAPED_QUOTE = /\\(['"])/g;

/**
 * Prisma Cloud Compute (Twistlock) image and host scan CSV: vulnerability rows (CVE ID) and compliance rows
 * (Compliance ID only). Twistlock exports have two `Type` columns; the first is read.
 */
export const PRISMA_CLOUD: CsvProfile = {
  id: 'prisma-cloud',
  label: 'Prisma Cloud Compute (Twistlock) vulnerability and compliance CSV',
  signature: ['CVE ID', 'Compliance ID', 'Severity', 'Packages', 'Fix Status'],
  map: {
    name: 'prisma-cloud',
    vendor: 'Prisma Cloud',
    title: [
      // The refine step adds the package: `CVE-2023-44487 in golang.org/x/net@0.7.0`.
      'CVE ID',
      'Description',
      { template: 'Prisma Cloud compliance check {Compliance ID}' },
    ],
    identity: [
      'Registry',
      'Repository',
      'Tag',
      'Id',
      'Hostname',
      'Type',
      'CVE ID',
      'Compliance ID',
      'Packages',
      'Source Package',
      'Package Version',
    ],
    ruleId: ['CVE ID', { template: 'compliance-{Compliance ID}' }],
    ruleIdPrefix: 'prisma-cloud/',
    description: 'Description',
    evidence: 'Cause',
    severity: 'Severity',
    severityScale: 'label',
    cvss: { score: 'CVSS' },
    cve: 'CVE ID',
    package: { name: 'Packages', version: 'Package Version', fixedIn: 'Fix Status' },
    container: { image: { template: '{Registry}/{Repository}:{Tag}' }, imageId: 'Id' },
    resourceId: ['Hostname', 'Id'],
    references: 'Vulnerability Link',
    compliance: { whenBlank: 'CVE ID' },
    types: VULNERABILITY_TYPES,
    details: {
      hostname: 'Hostname',
      distro: 'Distro',
      imageId: 'Id',
      registry: 'Registry',
      repository: 'Repository',
      tag: 'Tag',
      cluster: 'Cluster',
      type: 'Type',
    },
    productFields: {
      complianceId: 'Compliance ID',
      fixStatus: 'Fix Status',
      cause: 'Cause',
      published: 'Published',
      sourcePackage: 'Source Package',
      packageLicense: 'Package License',
      vulnerabilityTags: 'Vulnerability Tags',
      services: 'Services',
      customLabels: 'Custom Labels',
      scanTime: 'Scan Time',
      layer: 'Layer',
    },
  },
  refine: (finding, cell, pkg) => {
    titleWithPackage(finding, cell('CVE ID'), pkg);
    unescapeQuotes(finding);
  },
};

/** Wiz issues export. `RESOLVED` issues are resolved; the Wiz URL is the SourceUrl. */
export const WIZ: CsvProfile = {
  id: 'wiz',
  label: 'Wiz issues CSV export',
  signature: ['Issue ID', 'Title', 'Severity', 'Status', 'Resource external ID'],
  map: {
    name: 'wiz',
    vendor: 'Wiz',
    title: [{ template: '{Title} ({Resource Name})' }],
    identity: ['Issue ID'],
    ruleId: 'Control ID',
    ruleIdPrefix: 'wiz-control/',
    description: 'Description',
    severity: 'Severity',
    severityScale: 'label',
    // Kubernetes workloads are containers (issue 19): kind and namespace stay in Details.Other.
    container: {
      name: 'Resource Name',
      when: {
        column: 'Resource Type',
        values: ['Pod', 'Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'Job', 'CronJob'],
      },
    },
    resourceId: ['Resource external ID', 'Resource Name', 'Resource vertex ID'],
    remediation: 'Remediation Recommendation',
    url: 'Wiz URL',
    firstSeen: 'Created At',
    resolved: { column: 'Status', values: ['RESOLVED'] },
    types: CONFIGURATION_TYPES,
    details: {
      resourceType: 'Resource Type',
      resourceName: 'Resource Name',
      region: 'Resource Region',
      platform: 'Resource Platform',
      status: 'Resource Status',
      os: 'Resource OS',
      subscriptionId: 'Subscription ID',
      subscriptionName: 'Subscription Name',
      cluster: 'Kubernetes Cluster',
      namespace: 'Kubernetes Namespace',
      containerService: 'Container Service',
    },
    productFields: {
      issueId: 'Issue ID',
      status: 'Status',
      resolution: 'Resolution',
      resolvedTime: 'Resolved Time',
      projects: 'Project Names',
      dueAt: 'Due At',
      ticketUrls: 'Ticket URLs',
      cloudProviderUrl: 'Cloud Provider URL',
      resourceTags: 'Resource Tags',
    },
  },
};

/** Sysdig vulnerability report CSV (runtime / registry variants). */
export const SYSDIG: CsvProfile = {
  id: 'sysdig',
  label: 'Sysdig vulnerability report CSV',
  signature: ['Vulnerability ID', 'Severity', 'Package name', 'Package version', 'Image'],
  map: {
    name: 'sysdig',
    vendor: 'Sysdig',
    // The refine step adds the package: `CVE-2022-29162 in github.com/opencontainers/runc@v1.1.0`.
    title: 'Vulnerability ID',
    identity: [
      'Vulnerability ID',
      'Package name',
      'Package version',
      'Package path',
      'Image ID',
      'Registry name',
      'Registry image repository',
      'K8S cluster name',
      'K8S namespace name',
      'K8S workload type',
      'K8S workload name',
      'K8S container name',
    ],
    ruleId: 'Vulnerability ID',
    ruleIdPrefix: 'sysdig/',
    severity: 'Severity',
    severityScale: 'label',
    cvss: { score: 'CVSS score', vector: 'CVSS vector', version: 'CVSS version' },
    cve: 'Vulnerability ID',
    exploitAvailable: 'Public Exploit',
    package: {
      name: 'Package name',
      version: 'Package version',
      fixedIn: 'Fix version',
      path: 'Package path',
      manager: 'Package type',
    },
    container: { image: 'Image', imageId: 'Image ID', name: 'K8S container name' },
    resourceId: ['Image', 'Image ID'],
    references: 'Vuln link',
    types: VULNERABILITY_TYPES,
    details: {
      image: 'Image',
      imageId: 'Image ID',
      os: 'OS Name',
      registry: 'Registry name',
      repository: 'Registry image repository',
      cluster: 'K8S cluster name',
      namespace: 'K8S namespace name',
      workloadType: 'K8S workload type',
      workload: 'K8S workload name',
      container: 'K8S container name',
    },
    productFields: {
      suggestedFix: 'Package suggested fix',
      riskAccepted: 'Risk accepted',
      inUse: 'In use',
      published: 'Vuln Publish date',
      fixDate: 'Vuln Fix date',
      podCount: 'K8S POD count',
    },
  },
  refine: (finding, cell, pkg) => titleWithPackage(finding, cell('Vulnerability ID'), pkg),
};
