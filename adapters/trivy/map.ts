import type { Compliance, SoftwarePackage, Vulnerability } from '@aws-sdk/client-securityhub';
import type { Finding, Issue, ScopeHintKind } from '../../src/adapter.js';
import { MAX_REFERENCE_URLS, MAX_TITLE_LENGTH } from '../../src/asff/limits.js';
import { packageAtVersion, vulnerabilityTitle } from '../../src/asff/package-title.js';
import { splitPackageVersion, versionSchemeOfPurl } from '../../src/asff/package-version.js';
import { truncateText } from '../../src/asff/text.js';
import { distinct } from '../../src/internal/distinct.js';
import { osVersionScheme } from './os.js';
import { resourcesOf } from './resource.js';
import { cvssList, recordSeverity, vendorSeverityWord, vulnerabilitySeverity } from './severity.js';
import {
  compact,
  isObject,
  type JsonObject,
  list,
  num,
  obj,
  type RecordScope,
  str,
  strList,
  type TrivyRecordKind,
} from './types.js';

/** ASFF Types per record kind (asff-facts §2.4). */
export const TRIVY_TYPES = {
  vulnerability: 'Software and Configuration Checks/Vulnerabilities/CVE',
  misconfiguration: 'Software and Configuration Checks',
  secret: 'Sensitive Data Identifications/Passwords',
  license: 'Software and Configuration Checks/Licenses',
} as const satisfies Record<TrivyRecordKind, string>;

/** Vulnerability statuses that mean "this installed package is not a problem". Every other status is active. */
const RESOLVED_VULNERABILITY_STATUSES: ReadonlySet<string> = new Set(['not_affected']);

/** Misconfiguration statuses that close a finding: a passed check, or a failure excepted by policy. */
const RESOLVED_MISCONFIGURATION_STATUSES: ReadonlySet<string> = new Set(['PASS', 'EXCEPTION']);

const COMPLIANCE_STATUS = {
  FAIL: 'FAILED',
  PASS: 'PASSED',
  EXCEPTION: 'WARNING',
} as const satisfies Record<string, Compliance['Status']>;

/** Code lines of a misconfiguration kept in ProductFields, at most. */
const MAX_CODE_LINES = 30;

/**
 * Misconfiguration checks whose cause lines are likely to hold a secret value (DS-0031 "Secrets passed via
 * build-args or envs", KSV-0109 "ConfigMap with secrets" …), recognised by title or message: their code is not
 * copied. Over-matching (e.g. "Password authentication should be disabled") only costs a code snippet.
 */
const SECRET_CHECK = /secret|passw|credential|token|private.?key|api.?key/i;

/** ANSI escape sequences (colours in `Code.Lines[].Highlighted`). */
const ANSI_ESCAPE = /\u001b(?:\[[0-?]*[ -/]*[@-~]|[@-Z\\-_])/g;

/** ASFF timestamps (asff-facts §2.3), so a malformed scanner date is dropped instead of rejected. */
const ASFF_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d(?::?\d\d)?)$/;

/** Receives record-level problems (position is added by the caller). */
export type IssueSink = (issue: Omit<Issue, 'line' | 'byte' | 'recordIndex'>) => void;

/** Removes ANSI colour codes from a line of highlighted code. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_ESCAPE, '');
}

/**
 * Fields shared by the ProductFields of every Trivy finding. Callers add theirs with `Object.assign`: spreading
 * this into a 20-key literal made V8 build each object ~100× slower (14 µs), a third of the parse time.
 */
function scopeFields(scope: RecordScope): Record<string, string | number | boolean | undefined> {
  const { report, kubernetes, result } = scope;
  return {
    ArtifactName: report.artifactName,
    ArtifactType: report.artifactType,
    ClusterName: report.clusterName === '' ? undefined : report.clusterName,
    Namespace: kubernetes?.namespace,
    Kind: kubernetes?.kind,
    Name: kubernetes?.name,
    Target: result.target === '' ? undefined : result.target,
    Class: result.class,
    Type: result.type,
  };
}

/** Identity values every Trivy finding starts with: what was scanned and where the record sits. */
function scopeIdentity(kind: TrivyRecordKind, scope: RecordScope): (string | undefined)[] {
  const { report, kubernetes, result } = scope;
  return [
    kind,
    report.kubernetes === true ? report.clusterName : report.artifactName,
    kubernetes?.namespace,
    kubernetes?.kind,
    kubernetes?.name,
    result.target,
    result.class,
  ];
}

/** The scope suggested to the pipeline: the artifact name, or the cluster name for `trivy k8s`. */
function scopeHintOf(scope: RecordScope): string | undefined {
  const { report } = scope;
  return str(report.kubernetes === true ? report.clusterName : report.artifactName);
}

/**
 * A `trivy fs` / `trivy repo` artifact named by a relative path (`.`, `services/api`) is a `path`: the pipeline puts
 * it under the repository identity, since every repository's `trivy fs .` reports `.`. Anything else (an image, a
 * URL, an absolute path, a cluster) names the artifact by itself.
 */
function scopeHintKindOf(scope: RecordScope): ScopeHintKind {
  const { report } = scope;
  if (report.kubernetes === true) return 'name';
  const name = str(report.artifactName);
  const local = report.artifactType === 'filesystem' || report.artifactType === 'repository';
  return local && name !== undefined && !/^([a-z][a-z0-9+.-]*:\/\/|[\\/]|[A-Za-z]:[\\/])/i.test(name)
    ? 'path'
    : 'name';
}

function timestamp(value: unknown): string | undefined {
  const text = str(value);
  return text !== undefined && ASFF_TIMESTAMP.test(text) ? text : undefined;
}

/** Distinct strings in first-seen order, capped; also returns how many were left out. */
function capped(values: readonly string[], max: number): { kept: string[]; omitted: number } {
  const unique = distinct(values);
  return { kept: unique.slice(0, max), omitted: Math.max(0, unique.length - max) };
}

/**
 * The first non-empty `arch` qualifier of a package URL: a pair `arch=…` of the query, which runs from the first
 * `?` to a `#` or another `?`, pairs separated by `&`, the value ending at `=`.
 */
const PURL_ARCH = /^[^?]*\?(?:[^?#&]*&)*?arch=([^?#&=]+)/;

/** `arch=` of a package URL's qualifiers (`pkg:apk/alpine/musl@1.1?arch=x86_64`). */
function purlArchitecture(purl: string | undefined): string | undefined {
  // Most package URLs carry no arch qualifier: skip the regular expression.
  if (purl === undefined || !purl.includes('arch=')) return undefined;
  const value = PURL_ARCH.exec(purl)?.[1];
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    // A malformed percent escape: keep the text as written rather than fail the record.
    return value;
  }
}

/** Remediation text: the fixed version(s) to upgrade to, or why there is none. */
function remediationFor(
  packageLabel: string,
  installedText: string,
  fixed: string | undefined,
  status: string | undefined,
): string {
  if (status !== undefined && RESOLVED_VULNERABILITY_STATUSES.has(status)) {
    return `The vendor states that ${packageLabel}${installedText} is not affected; no action is needed.`;
  }
  if (fixed === undefined) {
    return `No fixed version of ${packageLabel} is available yet (Trivy status: ${status ?? 'unknown'}).`;
  }
  return `Upgrade ${packageLabel} from${installedText || ' the installed version'} to ${upgradeTarget(fixed)}.`;
}

/**
 * What to upgrade to, as advice: `1.2.4 or later`; `one of 11.0.14, 10.1.49` when Trivy lists one fixed version
 * per supported branch; `a version >=4.17.11` when (old Trivy) the fixed version is a range.
 */
function upgradeTarget(fixed: string): string {
  if (fixed.includes(',')) return `one of ${fixed}`;
  return /^[<>=~^]/.test(fixed) ? `a version ${fixed}` : `${fixed} or later`;
}

/** `libssl3 3.0.11-1 is installed at usr/lib/x.so; fixed in 3.0.13-1.` — what Trivy found, in one line. */
function evidenceOf(
  packageLabel: string,
  installedText: string,
  pkgPath: string | undefined,
  fixed: string | undefined,
  status: string | undefined,
): string {
  const where = pkgPath === undefined ? '' : ` at ${pkgPath}`;
  const fix = fixed === undefined ? `no fixed version (status: ${status ?? 'unknown'})` : `fixed in ${fixed}`;
  return `${packageLabel}${installedText} is installed${where}; ${fix}.`;
}

/** Maps one Trivy vulnerability; `undefined` (after an issue) when it has no VulnerabilityID. */
export function mapVulnerability(
  vulnerability: JsonObject,
  scope: RecordScope,
  onIssue: IssueSink,
): Finding | undefined {
  const id = str(vulnerability.VulnerabilityID);
  if (id === undefined) {
    onIssue({
      code: 'missing-vulnerability-id',
      message: 'vulnerability without VulnerabilityID',
      skipped: true,
    });
    return undefined;
  }
  const pkgName = str(vulnerability.PkgName);
  const purl = str(obj(vulnerability.PkgIdentifier)?.PURL) ?? str(vulnerability.Ref);
  const pkgId = str(vulnerability.PkgID);
  const packageIdentity = purl ?? pkgId ?? pkgName;
  if (packageIdentity === undefined) {
    onIssue({
      code: 'missing-package',
      message: `vulnerability ${id} names no package (PkgName/PkgID/PURL)`,
    });
  }
  const packageLabel = pkgName ?? pkgId ?? purl ?? 'unknown package';
  const installed = str(vulnerability.InstalledVersion);
  const fixed = str(vulnerability.FixedVersion);
  const pkgPath = str(vulnerability.PkgPath);
  const status = str(vulnerability.Status);
  const trivyTitle = str(vulnerability.Title);
  const primaryUrl = str(vulnerability.PrimaryURL);
  const { severity, basis } = vulnerabilitySeverity(vulnerability);
  const dataSource = obj(vulnerability.DataSource);
  const vendorKey = str(dataSource?.ID) ?? str(vulnerability.SeveritySource);
  const vendorName = str(dataSource?.Name) ?? vendorKey;
  // The advisories: Trivy's page for the vulnerability first, then the references it lists.
  const referenceList = strList(vulnerability.References);
  if (primaryUrl !== undefined) referenceList.unshift(primaryUrl);
  const references = capped(referenceList, MAX_REFERENCE_URLS);
  const related = capped(strList(vulnerability.VendorIDs), MAX_REFERENCE_URLS);
  const layer = obj(vulnerability.Layer);
  const epss = num(vulnerability.EpssScore) ?? num(vulnerability.EPSS) ?? num(obj(vulnerability.EPSS)?.Score);

  const version =
    installed === undefined
      ? undefined
      : splitPackageVersion(installed, versionSchemeOfPurl(purl) ?? osVersionScheme(scope.result));
  const pkg: SoftwarePackage = compact({
    Name: packageLabel,
    Epoch: version?.Epoch,
    Version: version?.Version,
    Release: version?.Release,
    Architecture: purlArchitecture(purl),
    PackageManager: scope.result.type,
    FilePath: pkgPath,
    FixedInVersion: fixed,
    Remediation: fixed === undefined ? undefined : `Upgrade ${packageLabel} to ${upgradeTarget(fixed)}`,
    SourceLayerHash: str(layer?.Digest) ?? str(layer?.DiffID),
  });
  const cvss = cvssList(vulnerability);
  const asffVulnerability: Vulnerability = compact({
    Id: id,
    VulnerablePackages: [pkg],
    Cvss: cvss.length > 0 ? cvss : undefined,
    RelatedVulnerabilities: related.kept.length > 0 ? related.kept : undefined,
    Vendor:
      vendorName === undefined
        ? undefined
        : compact({
            Name: vendorName,
            Url: str(dataSource?.URL),
            // Only the vendor's own word: Trivy's label may come from another source (SeveritySource).
            VendorSeverity: vendorSeverityWord(obj(vulnerability.VendorSeverity)?.[vendorKey ?? '']),
            VendorCreatedAt: timestamp(vulnerability.PublishedDate),
            VendorUpdatedAt: timestamp(vulnerability.LastModifiedDate),
          }),
    ReferenceUrls: references.kept.length > 0 ? references.kept : undefined,
    // asff-facts §2.7: YES when every package has FixedInVersion and Remediation; there is one package here.
    FixAvailable: fixed === undefined ? 'NO' : 'YES',
    EpssScore: epss !== undefined && epss >= 0 && epss <= 1 ? epss : undefined,
  });

  const installedText = installed === undefined ? '' : ` ${installed}`;
  const remediationText = remediationFor(packageLabel, installedText, fixed, status);
  return {
    identity: [...scopeIdentity('vulnerability', scope), packageIdentity, installed, pkgPath, id],
    ruleId: id,
    // One notation in every format (src/asff/package-title.ts): Trivy's SARIF findings read the same.
    title: vulnerabilityTitle(id, packageAtVersion(packageLabel, installed), trivyTitle),
    // The evidence first (what is installed where, and the fix), then the advisory's text.
    description: `${evidenceOf(packageLabel, installedText, pkgPath, fixed, status)}\n\n${
      str(vulnerability.Description) ?? trivyTitle ?? `${id} affects ${packageLabel}${installedText}.`
    }`,
    severity,
    types: [TRIVY_TYPES.vulnerability],
    resources: resourcesOf(scope, pkgPath),
    vulnerabilities: [asffVulnerability],
    remediation: { Recommendation: compact({ Text: remediationText, Url: primaryUrl }) },
    sourceUrl: primaryUrl,
    state: status !== undefined && RESOLVED_VULNERABILITY_STATUSES.has(status) ? 'resolved' : 'active',
    scopeHint: scopeHintOf(scope),
    scopeHintKind: scopeHintKindOf(scope),
    productFields: Object.assign(scopeFields(scope), {
      PkgName: pkgName,
      PkgID: pkgId,
      PURL: purl,
      InstalledVersion: installed,
      FixedVersion: fixed,
      PkgPath: pkgPath,
      Status: status,
      SeveritySource: str(vulnerability.SeveritySource),
      SeverityBasis: basis === 'trivy' ? undefined : basis,
      CweIDs: strList(vulnerability.CweIDs).join(', ') || undefined,
      LayerDiffID: str(layer?.DiffID),
      ReferencesOmitted: references.omitted > 0 ? references.omitted : undefined,
      VendorIDsOmitted: related.omitted > 0 ? related.omitted : undefined,
    }),
  };
}

/** The cause lines of a misconfiguration as `number: code`, ANSI-free (Content preferred over Highlighted). */
export function causeCode(cause: JsonObject | undefined): string | undefined {
  const lines = list(obj(cause?.Code)?.Lines).filter(isObject).slice(0, MAX_CODE_LINES);
  let anyCode = false;
  const rendered = lines.map((line) => {
    const content =
      typeof line.Content === 'string' && line.Content !== ''
        ? line.Content
        : stripAnsi(typeof line.Highlighted === 'string' ? line.Highlighted : '');
    if (content.trim() !== '') anyCode = true;
    const number = num(line.Number);
    return number === undefined ? content : `${number}: ${content}`;
  });
  return anyCode ? rendered.join('\n') : undefined;
}

/** `resource (file:start-end)` for each cause occurrence, outermost module call last, as Trivy lists them. */
function occurrencesOf(cause: JsonObject | undefined): string[] {
  return list(cause?.Occurrences)
    .filter(isObject)
    .map((occurrence) => {
      const location = obj(occurrence.Location);
      const lines = [num(location?.StartLine), num(location?.EndLine)].filter((n) => n !== undefined);
      const place = [str(occurrence.Filename), lines.join('-')].filter((part) => part).join(':');
      return `${str(occurrence.Resource) ?? ''} (${place})`;
    });
}

/** `start-end`, or `start` when both are equal or there is no end; '' without a start line. */
function lineRange(startLine: number | undefined, endLine: number | undefined): string {
  if (startLine === undefined) return '';
  return endLine === undefined || endLine === startLine ? `${startLine}` : `${startLine}-${endLine}`;
}

/** Blocks Trivy lists among the occurrences that name no resource instance (`content`, `dynamic.<block>`). */
const BLOCK_OCCURRENCE = /^(?:content$|dynamic\.)/;

/**
 * The resource instance a misconfiguration is about: the innermost occurrence that names a resource (Terraform
 * `azurerm_linux_virtual_machine.vm["vm1"]` inside `module.compute`), else the cause's `Resource`. Two
 * instances of one module share check, file and lines; only this tells them apart.
 */
function instanceOf(resource: string | undefined, cause: JsonObject | undefined): string | undefined {
  for (const occurrence of list(cause?.Occurrences)) {
    const name = str(obj(occurrence)?.Resource);
    if (name !== undefined && !BLOCK_OCCURRENCE.test(name)) return name;
  }
  return resource;
}

/** `<instance> in <file>:<lines>`, or the parts of it that are known; '' when none is. */
function placeOf(
  instance: string | undefined,
  target: string,
  startLine: number | undefined,
  endLine: number | undefined,
): string {
  const lines = lineRange(startLine, endLine);
  const file = target === '' ? '' : lines === '' ? target : `${target}:${lines}`;
  if (instance === undefined) return file;
  return file === '' ? instance : `${instance} in ${file}`;
}

/** Longest place kept whole in a title; the check's title gives way first. */
const MAX_PLACE_LENGTH = 160;

/** `<head> (<place>)` within the ASFF title limit: the head is shortened first, then the place. */
function titleWithPlace(head: string, place: string): string {
  if (place === '') return head;
  const where = truncateText(place, MAX_PLACE_LENGTH);
  return `${truncateText(head, MAX_TITLE_LENGTH - where.length - 3)} (${where})`;
}

/** Maps one Trivy misconfiguration; `undefined` (after an issue) when it has neither ID nor AVDID. */
export function mapMisconfiguration(
  misconfiguration: JsonObject,
  scope: RecordScope,
  onIssue: IssueSink,
): Finding | undefined {
  const checkId = str(misconfiguration.ID) ?? str(misconfiguration.AVDID);
  if (checkId === undefined) {
    onIssue({ code: 'missing-check-id', message: 'misconfiguration without ID or AVDID', skipped: true });
    return undefined;
  }
  const cause = obj(misconfiguration.CauseMetadata);
  const startLine = num(cause?.StartLine);
  const endLine = num(cause?.EndLine);
  const resource = str(cause?.Resource);
  const occurrences = occurrencesOf(cause);
  const status = str(misconfiguration.Status)?.toUpperCase();
  const message = str(misconfiguration.Message);
  const title = str(misconfiguration.Title) ?? message ?? checkId;
  const primaryUrl = str(misconfiguration.PrimaryURL);
  const resolution = str(misconfiguration.Resolution);
  const references = capped(strList(misconfiguration.References), MAX_REFERENCE_URLS);
  const secretCheck = SECRET_CHECK.test(`${title} ${message ?? ''}`);
  const complianceStatus =
    status === undefined ? undefined : COMPLIANCE_STATUS[status as keyof typeof COMPLIANCE_STATUS];
  const where = [scope.result.target, startLine === undefined ? undefined : String(startLine)]
    .filter((part) => part)
    .join(':');
  const instance = instanceOf(resource, cause);
  return {
    identity: [
      ...scopeIdentity('misconfiguration', scope),
      scope.result.type,
      checkId,
      resource,
      startLine,
      endLine,
      // Module instances (`vm["a"]`, `vm["b"]`) share check, resource and lines; only the occurrence chain differs.
      occurrences.join(' > '),
    ],
    ruleId: checkId,
    title: titleWithPlace(`${checkId}: ${title}`, placeOf(instance, scope.result.target, startLine, endLine)),
    description:
      [message, str(misconfiguration.Description), where === '' ? undefined : `Location: ${where}`]
        .filter((part) => part !== undefined)
        .join('\n\n') || title,
    severity: recordSeverity(misconfiguration.Severity).severity,
    types: [TRIVY_TYPES.misconfiguration],
    resources: resourcesOf(scope),
    remediation:
      resolution === undefined && primaryUrl === undefined
        ? undefined
        : { Recommendation: compact({ Text: resolution ?? `See ${primaryUrl}`, Url: primaryUrl }) },
    compliance: complianceStatus === undefined ? undefined : { Status: complianceStatus },
    sourceUrl: primaryUrl,
    state: status !== undefined && RESOLVED_MISCONFIGURATION_STATUSES.has(status) ? 'resolved' : 'active',
    scopeHint: scopeHintOf(scope),
    scopeHintKind: scopeHintKindOf(scope),
    productFields: Object.assign(scopeFields(scope), {
      CheckID: str(misconfiguration.ID),
      AVDID: str(misconfiguration.AVDID),
      CheckType: str(misconfiguration.Type),
      Status: status,
      Message: message,
      Provider: str(cause?.Provider),
      Service: str(cause?.Service),
      Resource: resource,
      StartLine: startLine,
      EndLine: endLine,
      Occurrences: occurrences.length > 0 ? occurrences.join(' > ') : undefined,
      Code: secretCheck ? undefined : causeCode(cause),
      CodeOmitted: secretCheck && causeCode(cause) !== undefined ? 'the check is about secrets' : undefined,
      References: references.kept.length > 0 ? references.kept.join(' ') : undefined,
      RegoNamespace: str(misconfiguration.Namespace),
    }),
  };
}

/**
 * The fields of a secret that findings use. `Match` and `Code` are dropped here, before the record is
 * spooled or mapped: they hold the secret (Trivy masks the matched line, but not the lines around it).
 */
export function safeSecretRecord(secret: JsonObject): JsonObject {
  return compact({
    RuleID: secret.RuleID,
    Category: secret.Category,
    Severity: secret.Severity,
    Title: secret.Title,
    StartLine: secret.StartLine,
    EndLine: secret.EndLine,
    Offset: secret.Offset,
  });
}

/** Maps one Trivy secret. Only the rule, category, file and lines leave: never `Match` or `Code`. */
export function mapSecret(secret: JsonObject, scope: RecordScope, onIssue: IssueSink): Finding {
  const safe = safeSecretRecord(secret);
  const ruleId = str(safe.RuleID) ?? 'unknown-secret-rule';
  if (str(safe.RuleID) === undefined) onIssue({ code: 'missing-rule-id', message: 'secret without RuleID' });
  const category = str(safe.Category);
  const startLine = num(safe.StartLine);
  const endLine = num(safe.EndLine);
  const offset = num(safe.Offset);
  const target = scope.result.target;
  const lines = lineRange(startLine, endLine);
  const where = lines === '' ? target : `${target}:${lines}`;
  return {
    // Offset tells apart two matches of one rule on one line; it is absent in older reports.
    identity: [...scopeIdentity('secret', scope), ruleId, startLine, endLine, offset],
    ruleId,
    title: `Secret: ${str(safe.Title) ?? ruleId} in ${where}`,
    description:
      `Trivy secret scanning matched rule ${ruleId}${category === undefined ? '' : ` (category ${category})`} ` +
      `in ${where}. The matched text is deliberately not included in this finding.`,
    severity: recordSeverity(safe.Severity).severity,
    types: [TRIVY_TYPES.secret],
    resources: resourcesOf(scope),
    remediation: {
      Recommendation: {
        Text: 'Remove the secret from the file and from version-control history, then revoke and rotate it.',
      },
    },
    state: 'active',
    scopeHint: scopeHintOf(scope),
    scopeHintKind: scopeHintKindOf(scope),
    productFields: Object.assign(scopeFields(scope), {
      RuleID: ruleId,
      Category: category,
      StartLine: startLine,
      EndLine: endLine,
      Offset: offset,
    }),
  };
}

/** Maps one Trivy license finding (only reached with the `trivyLicenses` option). */
export function mapLicense(license: JsonObject, scope: RecordScope): Finding {
  const name = str(license.Name) ?? 'unknown license';
  const category = str(license.Category);
  const pkgName = str(license.PkgName);
  const filePath = str(license.FilePath);
  const confidence = num(license.Confidence);
  const subject = pkgName !== undefined ? `package ${pkgName}` : `file ${filePath ?? scope.result.target}`;
  const severity = recordSeverity(license.Severity).severity;
  return {
    identity: [...scopeIdentity('license', scope), pkgName, filePath, name],
    ruleId: `license/${name}`,
    title: `License ${name}${category === undefined ? '' : ` (${category})`} in ${subject}`,
    description:
      `Trivy classified the license ${name} of ${subject} as ${category ?? 'uncategorised'} ` +
      `(severity ${severity.original}${confidence === undefined ? '' : `, confidence ${confidence}`}).`,
    severity,
    types: [TRIVY_TYPES.license],
    resources: resourcesOf(scope, filePath),
    sourceUrl: str(license.Link),
    state: 'active',
    scopeHint: scopeHintOf(scope),
    scopeHintKind: scopeHintKindOf(scope),
    productFields: Object.assign(scopeFields(scope), {
      LicenseName: name,
      LicenseCategory: category,
      PkgName: pkgName,
      FilePath: filePath,
      Confidence: confidence,
    }),
  };
}

/**
 * Maps one record of a Trivy result to a finding. Records that are not objects, or lack the field that
 * identifies them, are reported through `onIssue` (skipped) and give `undefined`.
 */
export function mapRecord(
  kind: TrivyRecordKind,
  record: unknown,
  scope: RecordScope,
  onIssue: IssueSink,
): Finding | undefined {
  if (!isObject(record)) {
    onIssue({
      code: 'invalid-record',
      message: `${kind} entry is ${record === null ? 'null' : Array.isArray(record) ? 'an array' : typeof record}, not an object`,
      skipped: true,
    });
    return undefined;
  }
  switch (kind) {
    case 'vulnerability':
      return mapVulnerability(record, scope, onIssue);
    case 'misconfiguration':
      return mapMisconfiguration(record, scope, onIssue);
    case 'secret':
      return mapSecret(record, scope, onIssue);
    case 'license':
      return mapLicense(record, scope);
  }
}
