import type {
  Compliance,
  ComplianceStatus,
  Cvss,
  Remediation,
  Resource,
  Vulnerability,
  VulnerabilityVendor,
} from '@aws-sdk/client-securityhub';
import type { Finding, FindingSeverity, Issue, SeverityLabel } from '../../src/adapter.js';
import {
  MAX_CWES,
  MAX_PRODUCT_FIELD_VALUE_LENGTH,
  MAX_REFERENCE_URLS,
  MAX_VULNERABILITIES,
} from '../../src/asff/limits.js';
import { distinct } from '../../src/internal/distinct.js';
import { labelFromNessusSeverity, normalizeLabel, severity } from '../../src/severity.js';
import {
  cpeProduct,
  packagesInPluginOutput,
  pluginDescription,
  pluginTitle,
  prefixedV3Vector,
  productInPluginName,
} from '../../src/tenable.js';
import type { HostRecord, ItemRecord } from './reader.js';
import { clip, tidy } from './text.js';

/** ASFF Types used by the adapter (see `docs/nessus.md`, "Types"). */
export const NESSUS_TYPES = {
  cve: 'Software and Configuration Checks/Vulnerabilities/CVE',
  vulnerability: 'Software and Configuration Checks/Vulnerabilities',
  compliance: 'Software and Configuration Checks/Industry and Regulatory Standards',
  informational: 'Software and Configuration Checks',
} as const;

/** `Vulnerabilities[].Vendor.Name` and `Cvss[].Source`. */
const VENDOR = 'Tenable';

/** Nessus `cm:compliance-result` → ASFF `Compliance.Status`. */
const COMPLIANCE_STATUS: Readonly<Record<string, ComplianceStatus>> = {
  PASSED: 'PASSED',
  FAILED: 'FAILED',
  WARNING: 'WARNING',
};

/** Everything about the host that every item of it shares. */
export interface HostContext {
  host: HostRecord;
  resource: Resource;
  times: { firstObservedAt?: string; lastObservedAt?: string };
}

/** First text of a child element (the reader has tidied it). */
function field(item: ItemRecord, name: string): string | undefined {
  return item.fields.get(name)?.[0];
}

const NONE: readonly string[] = [];

/** All texts of a repeated child element. */
function fields(item: ItemRecord, name: string): readonly string[] {
  return item.fields.get(name) ?? NONE;
}

/** A trimmed attribute of the `<ReportItem>`, `undefined` when absent or blank. */
function attribute(item: ItemRecord, name: string): string | undefined {
  return tidy(item.attributes[name]);
}

/** `pluginID`, or `unknown` when the item has none. */
export function pluginIdOf(item: ItemRecord): string {
  return attribute(item, 'pluginID') ?? 'unknown';
}

/** True for compliance-audit items (`cm:compliance-*` children), which repeat one plugin per check. */
function isCompliance(item: ItemRecord): boolean {
  return item.fields.has('cm:compliance-result') || item.fields.has('cm:compliance-check-name');
}

/**
 * The identity of an item before any duplicate ordinal: host key, port, protocol (lower-cased: WAS writes `TCP`),
 * pluginID, and for compliance checks the check id (or name), because one compliance plugin reports many checks.
 */
export function itemIdentity(hostKey: string, item: ItemRecord): string[] {
  const identity = [
    hostKey,
    attribute(item, 'port') ?? '0',
    (attribute(item, 'protocol') ?? '').toLowerCase(),
    pluginIdOf(item),
  ];
  if (isCompliance(item)) {
    identity.push(
      `compliance:${field(item, 'cm:compliance-check-id') ?? field(item, 'cm:compliance-check-name') ?? ''}`,
    );
  }
  return identity;
}

/**
 * The item's severity label: the 0–4 `severity` attribute (Nessus' own ranking), else the `risk_factor` word
 * (`None` … `Critical`); `undefined` when neither is readable.
 */
export function itemLabel(item: ItemRecord): SeverityLabel | undefined {
  return labelFromNessusSeverity(attribute(item, 'severity')) ?? normalizeLabel(field(item, 'risk_factor'));
}

function itemSeverity(
  item: ItemRecord,
  severityAttribute: string | undefined,
  riskFactor: string | undefined,
  report: (issue: Issue) => void,
): FindingSeverity {
  const label = labelFromNessusSeverity(severityAttribute) ?? normalizeLabel(riskFactor);
  const original = severityAttribute ?? riskFactor;
  if (label === undefined) {
    report({
      code: 'unknown-severity',
      message: `plugin ${pluginIdOf(item)} has no readable severity (severity="${original ?? ''}"); mapped to INFORMATIONAL`,
      line: item.line,
      recordIndex: item.index,
    });
  }
  return severity(label ?? 'INFORMATIONAL', original);
}

/** A score in 0–10, or `undefined` (reported) when the text is not one. */
function cvssScore(text: string | undefined, name: string, item: ItemRecord, report: (issue: Issue) => void) {
  if (text === undefined) return undefined;
  const score = Number(text);
  if (Number.isFinite(score) && score >= 0 && score <= 10) return score;
  report({
    code: 'invalid-cvss',
    message: `plugin ${pluginIdOf(item)}: <${name}> "${clip(text, 40)}" is not a CVSS score; ignored`,
    line: item.line,
    recordIndex: item.index,
  });
  return undefined;
}

/** CVSS v4, v3 and v2 entries (newest first), from `cvss4_*`, `cvss3_*`/WAS `cvssv3`, `cvss_*`/WAS `cvss`. */
function cvssEntries(item: ItemRecord, report: (issue: Issue) => void): Cvss[] {
  const entries: Cvss[] = [];
  const add = (version: string, score: number | undefined, vector: string | undefined): void => {
    if (score === undefined) return;
    const entry: Cvss = { Version: version, BaseScore: score };
    if (vector !== undefined) entry.BaseVector = vector;
    entry.Source = VENDOR;
    entries.push(entry);
  };
  const v4Name = item.fields.has('cvss4_base_score') ? 'cvss4_base_score' : 'cvss4_score';
  add(
    '4.0',
    cvssScore(field(item, v4Name), v4Name, item, report),
    field(item, 'cvss4_vector') ?? field(item, 'cvss4_base_vector'),
  );
  const v3Name = item.fields.has('cvss3_base_score') ? 'cvss3_base_score' : 'cvssv3';
  // Nessus often writes v3 vectors without their `CVSS:3.x/` prefix; its v3 scores are CVSS 3.0 then.
  const v3Vector = prefixedV3Vector(field(item, 'cvss3_vector') ?? field(item, 'cvssv3_vector'));
  const v3Version = /^CVSS:(3\.[01])\//.exec(v3Vector ?? '')?.[1] ?? '3.0';
  add(v3Version, cvssScore(field(item, v3Name), v3Name, item, report), v3Vector);
  const v2Name = item.fields.has('cvss_base_score') ? 'cvss_base_score' : 'cvss';
  const v2Vector = field(item, 'cvss_vector')?.replace(/^CVSS2#/, '');
  add('2.0', cvssScore(field(item, v2Name), v2Name, item, report), v2Vector);
  return entries;
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;
const DAY = /^(\d{4})[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])$/;

/** `2009/12/11`, `2009-12-11` or an ISO time with zone → ASFF timestamp; anything else → `undefined`. */
export function nessusDate(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  // Plugin dates repeat across items: a bounded memo saves the parsing.
  const known = dateMemo.get(text);
  if (known !== undefined) return known;
  const date = parseNessusDate(text);
  if (date !== undefined) {
    if (dateMemo.size >= DATE_MEMO_SIZE) dateMemo.clear();
    dateMemo.set(text, date);
  }
  return date;
}

const DATE_MEMO_SIZE = 4096;
const dateMemo = new Map<string, string>();

function parseNessusDate(text: string): string | undefined {
  const day = DAY.exec(text);
  // Plugin dates are calendar days: midnight UTC, written directly (this runs twice per item).
  if (day !== null) return `${day[1]}-${day[2]}-${day[3]}T00:00:00.000Z`;
  if (!ISO_WITH_ZONE.test(text)) return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** `CWE-94`, `CWE:94`, `94` → `CWE-94`; anything else → `undefined`. */
export function normalizeCwe(text: string): string | undefined {
  const match = /^\s*(?:CWE[-:\s]*)?(\d+)\s*$/i.exec(text);
  return match?.[1] !== undefined ? `CWE-${Number(match[1])}` : undefined;
}

/** CWEs from `<cwe>` and `CWE:` xrefs, normalised and de-duplicated. */
function cwesOf(item: ItemRecord, xrefs: readonly string[]): string[] {
  if (xrefs.length === 0 && !item.fields.has('cwe')) return [];
  const raw = [
    ...fields(item, 'cwe').flatMap((value) => value.split(/[\s,]+/)),
    ...xrefs.filter((xref) => /^CWE:/i.test(xref)),
  ];
  return distinct(raw.map(normalizeCwe).filter((cwe): cwe is string => cwe !== undefined)).slice(0, MAX_CWES);
}

/** http(s) URLs from `<see_also>` (one element with one URL per line, or several elements). */
function referenceUrls(item: ItemRecord): string[] {
  const values = fields(item, 'see_also');
  if (values.length === 0) return [];
  const urls = new Set<string>();
  for (const value of values) {
    for (const token of value.split(/\s+/)) if (URL_TOKEN.test(token)) urls.add(token);
  }
  return [...urls];
}

const URL_TOKEN = /^https?:\/\/\S+$/i;

/** CVE ids from `<cve>` elements (one per element, sometimes several separated by spaces or commas), upper-cased. */
function cveIds(values: readonly string[]): string[] {
  const ids = new Set<string>();
  for (const value of values) {
    if (/^[\w-]+$/.test(value)) ids.add(value.toUpperCase());
    else for (const token of value.split(/[\s,]+/)) if (token.length > 0) ids.add(token.toUpperCase());
  }
  return [...ids];
}

/** `true`/`false`-ish Nessus flags. */
function flag(text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  if (/^(true|yes|1)$/i.test(text)) return true;
  if (/^(false|no|0)$/i.test(text)) return false;
  return undefined;
}

/** Exploit frameworks Nessus marks with `exploit_framework_<name>` = true. */
function exploitFrameworks(item: ItemRecord): string[] {
  const names: string[] = [];
  for (const name of item.fields.keys()) {
    // The first-letter test skips most names cheaply.
    if (
      name.charCodeAt(0) === 0x65 &&
      name.startsWith('exploit_framework_') &&
      flag(field(item, name)) === true
    ) {
      names.push(name.slice('exploit_framework_'.length));
    }
  }
  return names;
}

function plainUrl(pluginId: string, reportType: string | undefined): string | undefined {
  if (!/^[1-9]\d*$/.test(pluginId)) return undefined;
  return `https://www.tenable.com/plugins/${reportType === 'was' ? 'was' : 'nessus'}/${pluginId}`;
}

/** `iava`, `iavb` and `iavt` values joined by spaces. */
function iavaOf(item: ItemRecord): string | undefined {
  const iava = fields(item, 'iava');
  const iavb = fields(item, 'iavb');
  const iavt = fields(item, 'iavt');
  if (iavb.length === 0 && iavt.length === 0) return joined(iava, ' ');
  return joined([...iava, ...iavb, ...iavt], ' ');
}

function joined(values: readonly string[], separator: string): string | undefined {
  if (values.length === 1) return values[0];
  return values.length > 0 ? values.join(separator) : undefined;
}

/**
 * Maps one `ReportItem` of a host to a scanner-neutral finding. `identity` comes from {@link itemIdentity}
 * (plus a duplicate ordinal chosen by the caller). Record-level problems go to `report`.
 */
export function mapItem(
  item: ItemRecord,
  context: HostContext,
  identity: readonly string[],
  report: (issue: Issue) => void,
): Finding {
  const { host } = context;
  const pluginId = pluginIdOf(item);
  const port = attribute(item, 'port') ?? '0';
  const protocol = attribute(item, 'protocol') ?? '';
  const service = attribute(item, 'svc_name');
  const pluginName = attribute(item, 'pluginName');
  const severityAttribute = attribute(item, 'severity');
  const compliance = isCompliance(item);
  const openPort = pluginId === '0';
  const portWords = `${port}/${protocol.toLowerCase()}${service !== undefined ? ` (${service})` : ''}`;

  const name =
    (compliance ? field(item, 'cm:compliance-check-name') : undefined) ??
    pluginName ??
    field(item, 'plugin_name');
  const output =
    field(item, 'plugin_output') ?? (compliance ? field(item, 'cm:compliance-output') : undefined);
  const title =
    name !== undefined
      ? pluginTitle(name, host.report.type === 'was' ? { wasOutput: output ?? '' } : { port, protocol })
      : openPort
        ? `Open port ${portWords}`
        : pluginTitle(`Nessus plugin ${pluginId}`, { port, protocol });
  const lead = compliance ? field(item, 'cm:compliance-info') : field(item, 'synopsis');
  const body = field(item, 'description');
  const description =
    lead !== undefined || body !== undefined || output !== undefined
      ? pluginDescription({ synopsis: lead, output, description: body })
      : openPort
        ? `Nessus found port ${portWords} open.`
        : title;

  const xrefs = fields(item, 'xref');
  const cves = cveIds(fields(item, 'cve'));
  const urls = referenceUrls(item);
  const cwes = cwesOf(item, xrefs);
  const riskFactor = field(item, 'risk_factor');
  const sourceUrl = plainUrl(pluginId, host.report.type);
  const cvss = cvssEntries(item, report);

  const epssText = field(item, 'epss_score');
  const epss = epssText !== undefined ? Number(epssText) : undefined;
  const epssScore = epss !== undefined && Number.isFinite(epss) && epss >= 0 && epss <= 1 ? epss : undefined;
  if (epssText !== undefined && epssScore === undefined) {
    report({
      code: 'invalid-epss',
      message: `plugin ${pluginId}: <epss_score> "${clip(epssText, 40)}" is not a probability in 0–1; kept in ProductFields only`,
      line: item.line,
      recordIndex: item.index,
    });
  }
  const frameworks = exploitFrameworks(item);
  const exploitFlag = flag(field(item, 'exploit_available'));
  const exploitAvailable =
    exploitFlag === true || frameworks.length > 0 ? 'YES' : exploitFlag === false ? 'NO' : undefined;
  const patched = field(item, 'patch_publication_date') !== undefined;
  const unsupported = flag(field(item, 'unsupported_by_vendor')) === true;

  // Informational items (inventory, detections) name no vulnerable package, so their outputs are not read.
  const informational =
    (labelFromNessusSeverity(severityAttribute) ?? normalizeLabel(riskFactor) ?? 'INFORMATIONAL') ===
    'INFORMATIONAL';
  const packages = informational
    ? []
    : packagesInPluginOutput(
        output,
        cpeProduct(fields(item, 'cpe')) ?? productInPluginName(pluginName ?? field(item, 'plugin_name')),
      );
  const vulnerabilityIds =
    cves.length > 0
      ? cves.slice(0, MAX_VULNERABILITIES)
      : cvss.length > 0 || epssScore !== undefined || exploitAvailable !== undefined || packages.length > 0
        ? [`${host.report.type === 'was' ? 'WAS' : 'NESSUS'}-${pluginId}`]
        : [];
  if (cves.length > MAX_VULNERABILITIES) {
    report({
      code: 'vulnerabilities-capped',
      message: `plugin ${pluginId} lists ${cves.length} CVEs; the first ${MAX_VULNERABILITIES} became Vulnerabilities entries, all are in ProductFields cve`,
      line: item.line,
      recordIndex: item.index,
    });
  }
  // One Vendor/Cvss/reference object shared by every CVE entry: they describe the plugin, not the CVE.
  const vendor: VulnerabilityVendor = { Name: VENDOR };
  if (sourceUrl !== undefined) vendor.Url = sourceUrl;
  if (riskFactor !== undefined) vendor.VendorSeverity = riskFactor;
  const vendorCreatedAt = nessusDate(field(item, 'plugin_publication_date'));
  if (vendorCreatedAt !== undefined) vendor.VendorCreatedAt = vendorCreatedAt;
  const vendorUpdatedAt = nessusDate(field(item, 'plugin_modification_date'));
  if (vendorUpdatedAt !== undefined) vendor.VendorUpdatedAt = vendorUpdatedAt;
  const references = urls.length > 0 ? urls.slice(0, MAX_REFERENCE_URLS) : undefined;
  const fixAvailable = patched || packages.length > 0 ? 'YES' : unsupported ? 'NO' : undefined;
  const vulnerabilities = vulnerabilityIds.map((id) => {
    const vulnerability: Vulnerability = { Id: id };
    if (cvss.length > 0) vulnerability.Cvss = cvss;
    vulnerability.Vendor = vendor;
    if (packages.length > 0) vulnerability.VulnerablePackages = packages;
    if (references !== undefined) vulnerability.ReferenceUrls = references;
    if (fixAvailable !== undefined) vulnerability.FixAvailable = fixAvailable;
    if (epssScore !== undefined) vulnerability.EpssScore = epssScore;
    if (exploitAvailable !== undefined) vulnerability.ExploitAvailable = exploitAvailable;
    return vulnerability;
  });

  const findingSeverity = itemSeverity(item, severityAttribute, riskFactor, report);
  const types = [
    cves.some((cve) => cve.startsWith('CVE-'))
      ? NESSUS_TYPES.cve
      : compliance
        ? NESSUS_TYPES.compliance
        : findingSeverity.label === 'INFORMATIONAL'
          ? NESSUS_TYPES.informational
          : NESSUS_TYPES.vulnerability,
  ];

  const solution = compliance ? field(item, 'cm:compliance-solution') : field(item, 'solution');
  const remediationText = solution !== undefined && !/^(n\/?a|none)$/i.test(solution) ? solution : undefined;
  const remediation: Remediation | undefined =
    remediationText !== undefined
      ? {
          Recommendation:
            urls[0] !== undefined ? { Text: remediationText, Url: urls[0] } : { Text: remediationText },
        }
      : undefined;

  const complianceResult = field(item, 'cm:compliance-result')?.toUpperCase();
  const complianceObject: Compliance | undefined = compliance
    ? {
        Status:
          (complianceResult !== undefined ? COMPLIANCE_STATUS[complianceResult] : undefined) ??
          'NOT_AVAILABLE',
      }
    : undefined;

  const productFields: Record<string, string> = {};
  const put = (key: string, value: string | undefined): void => {
    if (value !== undefined) productFields[key] = value;
  };
  put('pluginID', pluginId);
  put('pluginName', pluginName ?? field(item, 'plugin_name'));
  put('pluginFamily', attribute(item, 'pluginFamily'));
  put('port', port);
  put('protocol', protocol || undefined);
  put('svc_name', service);
  put('severity', severityAttribute);
  put('risk_factor', riskFactor);
  put('host', tidy(host.name));
  put('plugin_output', output !== undefined ? clip(output, MAX_PRODUCT_FIELD_VALUE_LENGTH) : undefined);
  put('cve', joined(cves, ' '));
  put('cwe', joined(cwes, ' '));
  put('vpr_score', field(item, 'vpr_score'));
  put('epss_score', epssText);
  put('exploit_available', field(item, 'exploit_available'));
  put('exploit_frameworks', joined(frameworks, ' '));
  put('exploitability_ease', field(item, 'exploitability_ease'));
  put('exploit_code_maturity', field(item, 'exploit_code_maturity'));
  put('exploited_by_malware', field(item, 'exploited_by_malware'));
  put('in_the_news', field(item, 'in_the_news'));
  put('metasploit_name', field(item, 'metasploit_name'));
  put('cvss_temporal_score', field(item, 'cvss_temporal_score'));
  put('cvss3_temporal_score', field(item, 'cvss3_temporal_score'));
  put('cvss4_threat_score', field(item, 'cvss4_threat_score'));
  put('see_also', joined(urls, ' '));
  put('xref', joined(xrefs, ' '));
  put('bid', joined(fields(item, 'bid'), ' '));
  put('cpe', joined(fields(item, 'cpe'), ' '));
  put('iava', iavaOf(item));
  put('msft', joined(fields(item, 'msft'), ' '));
  put('mskb', joined(fields(item, 'mskb'), ' '));
  put('stig_severity', field(item, 'stig_severity'));
  put('plugin_type', field(item, 'plugin_type'));
  put('plugin_publication_date', field(item, 'plugin_publication_date'));
  put('plugin_modification_date', field(item, 'plugin_modification_date'));
  put('vuln_publication_date', field(item, 'vuln_publication_date'));
  put('patch_publication_date', field(item, 'patch_publication_date'));
  put('compliance-check-id', field(item, 'cm:compliance-check-id'));
  put('compliance-result', complianceResult);
  put('compliance-actual-value', field(item, 'cm:compliance-actual-value'));
  put('compliance-policy-value', field(item, 'cm:compliance-policy-value'));
  put('compliance-audit-file', field(item, 'cm:compliance-audit-file'));
  put('compliance-reference', field(item, 'cm:compliance-reference'));

  // Built by assignment rather than object spreads (measurably cheaper per item); the key order is unchanged.
  // `productFields` and `state` are assigned below, in their place in the key order.
  const finding = {
    identity,
    ruleId: pluginId,
    title,
    description,
    severity: findingSeverity,
    types,
    resources: [context.resource],
  } as Finding;
  if (vulnerabilities.length > 0) finding.vulnerabilities = vulnerabilities;
  if (remediation !== undefined) finding.remediation = remediation;
  if (complianceObject !== undefined) finding.compliance = complianceObject;
  if (sourceUrl !== undefined) finding.sourceUrl = sourceUrl;
  finding.productFields = productFields;
  const { times } = context;
  if ('firstObservedAt' in times) finding.firstObservedAt = times.firstObservedAt;
  if ('lastObservedAt' in times) finding.lastObservedAt = times.lastObservedAt;
  finding.state = complianceObject?.Status === 'PASSED' ? 'resolved' : 'active';
  const scopeHint = host.report.name?.trim();
  if (scopeHint !== undefined && scopeHint !== '') finding.scopeHint = scopeHint;
  return finding;
}
