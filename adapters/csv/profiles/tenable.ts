import type { Finding } from '../../../src/adapter.js';
import {
  cpeProduct,
  packagesInPluginOutput,
  pluginDescription,
  pluginTitle,
  prefixedV3Vector,
  productInPluginName,
} from '../../../src/tenable.js';
import type { CellReader, CsvProfile } from './profile.js';
import { VULNERABILITY_TYPES } from './profile.js';

const PLUGIN_PREFIX = 'tenable-plugin/';
const VENDOR = 'Tenable';

/** The columns of a Tenable plugin result that {@link refinePluginResult} reads. */
interface PluginColumns {
  name: string;
  output: readonly string[];
  /** Other names of the columns read (Tenable VM findings exports: `definition.synopsis`, …); these by default. */
  synopsis?: string;
  description?: string;
  host?: string;
  cpe?: string;
  /** Tenable WAS: the URL and parameter come from the output, the resource is the site URL. */
  was?: boolean;
}

/**
 * Makes a Tenable CSV row read as the same result in a `.nessus` file does (src/tenable.ts): title = plugin name
 * plus port/protocol (WAS: URL and parameter), description = synopsis, plugin output, description; installed and
 * fixed versions of the output as VulnerablePackages; bare CVSS v3 vectors prefixed; WAS sites as `scheme://host/`.
 */
function refinePluginResult(columns: PluginColumns): (finding: Finding, cell: CellReader) => void {
  return (finding, cell) => {
    const name = cell(columns.name) || finding.title;
    let output = '';
    for (const column of columns.output) output ||= cell(column);
    // Tenable.sc starts its `Plugin Text` with the words `Plugin Output:`.
    output = output.replace(/^Plugin Output:\s*/i, '');
    finding.title = pluginTitle(
      name,
      columns.was === true ? { wasOutput: output } : { port: cell('Port'), protocol: cell('Protocol') },
    );
    const synopsis = cell(columns.synopsis ?? 'Synopsis');
    const description = pluginDescription({
      synopsis: synopsis !== name ? synopsis : undefined,
      output,
      description: cell(columns.description ?? 'Description'),
    });
    if (description !== '') finding.description = description;
    const resource = finding.resources[0];
    const host = cell(columns.host ?? 'Host');
    const scheme = cell('Protocol').toLowerCase();
    if (columns.was === true && resource !== undefined && host !== '' && !host.includes('://')) {
      if (scheme === 'http' || scheme === 'https') resource.Id = `${scheme}://${host}/`;
    }
    // As in the .nessus adapter: informational results name no vulnerable package.
    const packages =
      finding.severity.label === 'INFORMATIONAL'
        ? []
        : packagesInPluginOutput(
            output,
            cpeProduct([cell(columns.cpe ?? 'CPE')]) ?? productInPluginName(name),
          );
    for (const vulnerability of finding.vulnerabilities ?? []) {
      if (packages.length > 0) {
        vulnerability.VulnerablePackages = packages.map((pkg) => ({ ...pkg }));
        vulnerability.FixAvailable = 'YES';
      }
      for (const cvss of vulnerability.Cvss ?? []) {
        if (cvss.Version?.startsWith('3') !== true || cvss.BaseVector === undefined) continue;
        cvss.BaseVector = prefixedV3Vector(cvss.BaseVector);
        cvss.Version = /^CVSS:(3\.\d)\//.exec(cvss.BaseVector ?? '')?.[1] ?? cvss.Version;
      }
    }
  };
}

/**
 * Nessus Professional / Manager "Export → CSV": the default 13 columns, "all columns", a custom selection, and
 * newer versions' names (`CVSS v2.0 Base Score`, CVSS v4, VPR, EPSS). Nessus writes one row per CVE of a
 * plugin result; the adapter merges those adjacent rows back into one finding.
 */
export const NESSUS: CsvProfile = {
  id: 'nessus',
  label: 'Nessus CSV export (default, all-columns or custom columns)',
  signature: ['Plugin ID', 'Host'],
  map: {
    name: 'nessus',
    vendor: VENDOR,
    title: ['Name', 'Synopsis', { template: 'Nessus plugin {Plugin ID}' }],
    identity: ['Host', 'Protocol', 'Port', 'Plugin ID'],
    ruleId: 'Plugin ID',
    ruleIdPrefix: PLUGIN_PREFIX,
    description: ['Description', 'Synopsis'],
    severity: ['Risk', 'Risk Factor'],
    severityScale: 'nessus',
    cvss: {
      v4: 'CVSS v4.0 Base Score',
      v3: ['CVSS v3.0 Base Score', 'CVSS3 Base Score'],
      v3Vector: ['CVSS v3.0 Vector', 'CVSS3 Vector'],
      v2: ['CVSS v2.0 Base Score', 'CVSS'],
      v2Vector: ['CVSS v2.0 Vector', 'CVSS Vector'],
    },
    cve: 'CVE',
    epss: 'EPSS Score',
    resourceId: ['Host', 'IP Address', 'FQDN'],
    remediation: 'Solution',
    references: 'See Also',
    url: { template: 'https://www.tenable.com/plugins/nessus/{Plugin ID}' },
    types: VULNERABILITY_TYPES,
    details: { host: 'Host' },
    productFields: {
      port: 'Port',
      protocol: 'Protocol',
      pluginOutput: 'Plugin Output',
      riskFactor: 'Risk Factor',
      stigSeverity: 'STIG Severity',
      vprScore: 'VPR Score',
      epssScore: 'EPSS Score',
      cvss4BaseThreatScore: 'CVSS v4.0 Base+Threat Score',
      cvss3TemporalScore: 'CVSS v3.0 Temporal Score',
      cvss2TemporalScore: ['CVSS v2.0 Temporal Score', 'CVSS Temporal Score'],
      bid: 'BID',
      xref: 'XREF',
      mskb: 'MSKB',
      pluginPublished: 'Plugin Publication Date',
      pluginModified: 'Plugin Modification Date',
      metasploit: 'Metasploit',
      coreImpact: 'Core Impact',
      canvas: 'CANVAS',
    },
  },
  refine: refinePluginResult({ name: 'Name', output: ['Plugin Output'] }),
};

/** Tenable Web App Scanning CSV: Nessus-like columns with `CVSSv3`; `Host` is the scanned site. */
export const TENABLE_WAS: CsvProfile = {
  id: 'tenable-was',
  label: 'Tenable Web App Scanning CSV export',
  signature: ['Plugin ID', 'Host', 'CVSSv3', 'Risk'],
  map: {
    name: 'tenable-was',
    vendor: VENDOR,
    title: ['Name', 'Synopsis', { template: 'Tenable WAS plugin {Plugin ID}' }],
    identity: ['Host', 'Protocol', 'Port', 'Plugin ID'],
    ruleId: 'Plugin ID',
    ruleIdPrefix: PLUGIN_PREFIX,
    description: ['Description', 'Synopsis'],
    severity: 'Risk',
    severityScale: 'nessus',
    cvss: { v3: 'CVSSv3', v2: 'CVSS' },
    cve: 'CVE',
    resourceId: 'Host',
    remediation: 'Solution',
    references: 'See Also',
    url: { template: 'https://www.tenable.com/plugins/was/{Plugin ID}' },
    types: VULNERABILITY_TYPES,
    details: { site: 'Host' },
    productFields: { port: 'Port', protocol: 'Protocol', pluginOutput: 'Plugin Output' },
  },
  refine: refinePluginResult({ name: 'Name', output: ['Plugin Output'], was: true }),
};

/** Tenable Vulnerability Management (Tenable.io) "Vulnerabilities" CSV export (65 columns, ISO dates, states). */
export const TENABLE_VM: CsvProfile = {
  id: 'tenable-vm',
  label: 'Tenable Vulnerability Management (Tenable.io) vulnerabilities CSV export',
  signature: ['Plugin ID', 'Vulnerability State', ['Host', 'IP Address', 'FQDN']],
  map: {
    name: 'tenable-vm',
    vendor: VENDOR,
    title: ['Name', 'Synopsis', { template: 'Tenable plugin {Plugin ID}' }],
    identity: ['Host', 'Protocol', 'Port', 'Plugin ID'],
    ruleId: 'Plugin ID',
    ruleIdPrefix: PLUGIN_PREFIX,
    description: ['Description', 'Synopsis'],
    severity: ['Risk', 'Severity', 'Risk Factor'],
    severityScale: 'nessus',
    cvss: {
      v3: 'CVSS3 Base Score',
      v3Vector: 'CVSS3 Vector',
      v2: ['CVSS Base Score', 'CVSS'],
      v2Vector: 'CVSS Vector',
    },
    cve: 'CVE',
    exploitAvailable: 'Exploit Available',
    resourceId: ['Host', 'FQDN', 'IP Address'],
    remediation: 'Solution',
    references: 'See Also',
    url: { template: 'https://www.tenable.com/plugins/nessus/{Plugin ID}' },
    firstSeen: 'First Found',
    lastSeen: 'Last Found',
    resolved: { column: 'Vulnerability State', values: ['Fixed'] },
    types: VULNERABILITY_TYPES,
    details: {
      host: 'Host',
      ip: 'IP Address',
      fqdn: 'FQDN',
      netbios: 'NetBios',
      os: 'OS',
      systemType: 'System Type',
      service: 'Service',
    },
    productFields: {
      port: 'Port',
      protocol: 'Protocol',
      pluginOutput: 'Plugin Output',
      pluginFamily: 'Plugin Family',
      vulnerabilityState: 'Vulnerability State',
      vprScore: 'Vulnerability Priority Rating (VPR)',
      originalSeverity: 'Original Severity',
      modification: 'Modification',
      patchAvailable: 'Patch Available',
      exploitedByMalware: 'Exploited by Malware',
      inTheNews: 'In The News',
      unsupportedByVendor: 'Unsupported By Vendor',
      lastFixed: 'Last Fixed',
    },
  },
  refine: refinePluginResult({ name: 'Name', output: ['Plugin Output'] }),
};

/** The asset columns a person reads, most telling first: the resource Id (`asset.id` only when none of them). */
const ASSET_NAMES = [
  'asset.display_fqdn',
  'asset.host_name',
  'asset.name',
  'asset.display_ipv4_address',
  'asset.ipv4_addresses',
  'asset.display_ipv6_address',
];

/**
 * Columns that name the asset in a Tenable VM findings export, most stable first: one of them is a key column, and
 * the first with a value identifies the asset (exports with their own column selection may lack `asset.id`).
 */
const ASSET_COLUMNS = ['asset.id', 'asset.uuid', ...ASSET_NAMES];

/**
 * Tenable Vulnerability Management findings export with dotted column names (`asset.*`, `definition.*`),
 * usually semicolon-delimited. One real export has an empty column name where `definition.description` belongs;
 * the synopsis stands in for it.
 */
export const TENABLE_VM_FINDINGS: CsvProfile = {
  id: 'tenable-vm-findings',
  label: 'Tenable Vulnerability Management findings export (dotted column names)',
  signature: ['definition.id', ASSET_COLUMNS],
  map: {
    name: 'tenable-vm-findings',
    vendor: VENDOR,
    title: ['definition.name', { template: 'Tenable plugin {definition.id}' }],
    identity: [ASSET_COLUMNS, 'protocol', 'port', 'definition.id'],
    ruleId: 'definition.id',
    ruleIdPrefix: PLUGIN_PREFIX,
    description: ['definition.description', 'definition.synopsis'],
    severity: ['severity', 'definition.severity'],
    severityScale: 'nessus',
    cvss: {
      v3: 'definition.cvss3.base_score',
      v3Vector: 'definition.cvss3.base_vector',
      v2: 'definition.cvss2.base_score',
      v2Vector: 'definition.cvss2.base_vector',
    },
    cve: 'definition.cve',
    resourceId: [...ASSET_NAMES, 'asset.id', 'asset.uuid'],
    remediation: 'definition.solution',
    references: 'definition.see_also',
    url: { template: 'https://www.tenable.com/plugins/nessus/{definition.id}' },
    firstSeen: 'first_observed',
    lastSeen: 'last_seen',
    resolved: { column: 'state', values: ['FIXED'] },
    types: VULNERABILITY_TYPES,
    details: {
      assetId: 'asset.id',
      fqdn: 'asset.display_fqdn',
      hostName: 'asset.host_name',
      ipv4: 'asset.display_ipv4_address',
      ipv6: 'asset.display_ipv6_address',
      mac: 'asset.display_mac_address',
      netbios: 'asset.netbios_name',
      os: 'asset.operating_system',
      systemType: 'asset.system_type',
      network: 'asset.network.name',
    },
    productFields: {
      port: 'port',
      protocol: 'protocol',
      output: 'output',
      state: 'state',
      pluginSeverity: 'definition.severity',
      pluginFamily: 'definition.family',
      vprScore: 'definition.vpr.score',
      exploitedByMalware: 'definition.exploited_by_malware',
      riskModified: 'risk_modified',
      findingId: 'id',
      scanId: 'scan.id',
      ageInDays: 'age_in_days',
    },
  },
  refine: refinePluginResult({
    name: 'definition.name',
    output: ['output'],
    synopsis: 'definition.synopsis',
    description: 'definition.description',
    host: 'asset.name',
    cpe: 'definition.cpe',
  }),
};

/** Tenable Security Center (Tenable.sc) vulnerability detail export. */
export const TENABLE_SC: CsvProfile = {
  id: 'tenable-sc',
  label: 'Tenable Security Center (Tenable.sc) vulnerability CSV export',
  signature: ['Plugin', 'Plugin Name', 'Family', 'Severity', 'IP Address'],
  map: {
    name: 'tenable-sc',
    vendor: VENDOR,
    title: ['Plugin Name', 'Synopsis', { template: 'Tenable plugin {Plugin}' }],
    identity: ['Repository', 'IP Address', 'Protocol', 'Port', 'Plugin'],
    ruleId: 'Plugin',
    ruleIdPrefix: PLUGIN_PREFIX,
    description: ['Description', 'Synopsis'],
    severity: ['Severity', 'Risk Factor'],
    severityScale: 'nessus',
    cvss: {
      v3: 'CVSS V3 Base Score',
      v3Vector: 'CVSS V3 Vector',
      v2: 'CVSS V2 Base Score',
      v2Vector: 'CVSS V2 Vector',
    },
    cve: 'CVE',
    exploitAvailable: 'Exploit?',
    resourceId: ['DNS Name', 'IP Address', 'NetBIOS Name'],
    remediation: ['Steps to Remediate', 'Solution'],
    references: 'See Also',
    url: { template: 'https://www.tenable.com/plugins/nessus/{Plugin}' },
    types: VULNERABILITY_TYPES,
    details: {
      ip: 'IP Address',
      dnsName: 'DNS Name',
      netbios: 'NetBIOS Name',
      mac: 'MAC Address',
      repository: 'Repository',
      agentId: 'Agent ID',
      hostId: 'Host ID',
    },
    productFields: {
      port: 'Port',
      protocol: 'Protocol',
      pluginOutput: ['Plugin Output', 'Plugin Text'],
      family: 'Family',
      riskFactor: 'Risk Factor',
      vprScore: 'Vulnerability Priority Rating',
      stigSeverity: 'STIG Severity',
      exploitEase: 'Exploit Ease',
      exploitFrameworks: 'Exploit Frameworks',
      crossReferences: 'Cross References',
      firstDiscovered: 'First Discovered',
      lastObserved: 'Last Observed',
      checkType: 'Check Type',
      pluginPublished: 'Plugin Publication Date',
      pluginModified: 'Plugin Modification Date',
    },
  },
  refine: refinePluginResult({ name: 'Plugin Name', output: ['Plugin Output', 'Plugin Text'] }),
};
