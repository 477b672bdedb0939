import type {
  ContainerDetails,
  Cvss,
  Recommendation,
  Resource,
  SoftwarePackage,
  Vulnerability,
} from '@aws-sdk/client-securityhub';
import type { Finding, FindingSeverity, Issue } from '../../src/adapter.js';
import { MAX_OWN_PRODUCT_FIELDS, MAX_REFERENCE_URLS } from '../../src/asff/limits.js';
import { distinct } from '../../src/internal/distinct.js';
import { labelFromCvss, severity } from '../../src/severity.js';
import type { CompiledCondition, CompiledMap, Getter } from './compile.js';
import {
  cellValue,
  complianceStatus,
  parseFixedVersion,
  parseIsoTimestamp,
  parsePort,
  parseScore,
  parseVector,
  parseYesNo,
  severityFromCell,
  urlsIn,
  vulnerabilityIds,
} from './values.js';

/** ASFF type of findings that carry a CVE. */
export const CVE_TYPE = 'Software and Configuration Checks/Vulnerabilities/CVE';
const DEFAULT_TYPES = ['Software and Configuration Checks/Vulnerabilities'];

/** A row turned into a finding (with the evidence and description its description is made of), or why it was skipped. */
export type RowResult =
  | { ok: true; finding: Finding; issues: Issue[]; evidence: string; details: string }
  | { ok: false; code: 'missing-title' | 'missing-identity'; message: string };

/**
 * Maps one data row (already checked to have the header's width) to a {@link Finding}. The identity is the map's
 * name followed by the identity cells, so two layouts never share an Id by accident. A row whose identity cells
 * are all blank, or that has no title, is refused.
 */
export function mapRow(map: CompiledMap, fields: readonly string[], scopeHint: string): RowResult {
  const identityValues = map.identity.map((get) => get(fields));
  if (identityValues.every((value) => value === '')) {
    return {
      ok: false,
      code: 'missing-identity',
      message: 'row has no value in any identity column; skipped',
    };
  }
  const title = map.title(fields);
  if (title === '') return { ok: false, code: 'missing-title', message: 'row has no title; skipped' };
  const issues: Issue[] = [];

  const cvss = cvssEntries(map, fields);
  const sev = rowSeverity(map, fields, cvss, issues);
  const references = extractAll(map.references, fields, urlsIn).slice(0, MAX_REFERENCE_URLS);
  const compliance =
    map.compliance !== undefined &&
    (map.compliance.whenBlank === undefined || map.compliance.whenBlank(fields) === '')
      ? map.compliance
      : undefined;
  const pkg = rowPackage(map, fields);
  const vulnerabilities =
    compliance === undefined ? rowVulnerabilities(map, fields, sev, cvss, references, pkg) : [];

  const productFields: Record<string, string> = {};
  for (const [key, get] of map.productFields) {
    const value = get(fields);
    if (value !== '') productFields[key] = value;
  }
  const firstObservedAt = observed(map.firstSeen, fields, 'firstSeen', productFields);
  const lastObservedAt = observed(map.lastSeen, fields, 'lastSeen', productFields);
  productFields.profile = map.name;
  if (map.unmapped.length > 0) keepUnmapped(map, fields, productFields);

  const ruleValue = read(map.ruleId, fields);
  const remediationText = read(map.remediation, fields) || (pkg?.Remediation ?? '');
  const evidence =
    read(map.evidence, fields) ||
    (pkg !== undefined && vulnerabilities.length > 0
      ? packageEvidence(pkg, read(map.packageFixedIn, fields))
      : '');
  const details = read(map.description, fields);
  const sourceUrl = read(map.url, fields);
  const confidence = parseScore(read(map.confidence, fields), 100);

  const finding: Finding = {
    identity: [map.name, ...identityValues],
    ruleId: ruleValue !== '' ? `${map.ruleIdPrefix}${ruleValue}` : title,
    title,
    description: evidence === '' ? details : details === '' ? evidence : `${evidence}\n\n${details}`,
    severity: sev,
    types:
      compliance !== undefined
        ? [...compliance.types]
        : vulnerabilities.length > 0
          ? [CVE_TYPE]
          : [...(map.types ?? DEFAULT_TYPES)],
    resources: [rowResource(map, fields, scopeHint)],
    state: holds(map.resolved, fields) ? 'resolved' : 'active',
    productFields,
    scopeHint,
  };
  if (vulnerabilities.length > 0) finding.vulnerabilities = vulnerabilities;
  if (compliance !== undefined)
    finding.compliance = { Status: complianceStatus(read(compliance.status, fields)) ?? 'FAILED' };
  if (remediationText !== '' || references.length > 0) {
    const recommendation: Recommendation = {};
    if (remediationText !== '') recommendation.Text = remediationText;
    if (references[0] !== undefined) recommendation.Url = references[0];
    finding.remediation = { Recommendation: recommendation };
  }
  if (/^https?:\/\/\S+$/i.test(sourceUrl)) finding.sourceUrl = sourceUrl;
  // Only a last-seen time (a scan timestamp) also stands for the first: the run's clock would come after it.
  const first = firstObservedAt ?? lastObservedAt;
  if (first !== undefined) finding.firstObservedAt = first;
  if (lastObservedAt !== undefined) finding.lastObservedAt = lastObservedAt;
  if (confidence !== undefined) finding.confidence = confidence;
  map.refine?.(finding, fields, pkg);
  return { ok: true, finding, issues, evidence, details };
}

/**
 * What a dependency scanner found, in one line, as the Trivy adapter says it: `libssl3 3.0.11-1 is installed at
 * usr/lib/x.so; fixed in 3.0.13-1.`, or `…; no fixed version (affected).` when the fix cell has no version.
 */
function packageEvidence(pkg: SoftwarePackage, fixCell: string): string {
  const version = pkg.Version === undefined ? '' : ` ${pkg.Version}`;
  const where = pkg.FilePath === undefined ? '' : ` at ${pkg.FilePath}`;
  const fix =
    pkg.FixedInVersion !== undefined
      ? `; fixed in ${pkg.FixedInVersion}`
      : fixCell !== ''
        ? `; no fixed version (${fixCell})`
        : '';
  return `${pkg.Name}${version} is installed${where}${fix}.`;
}

/** The evidence first (each distinct piece, in order), then the scanner's description. */
export function composeDescription(evidence: readonly string[], details: string): string {
  const pieces = distinct(evidence.filter((piece) => piece !== ''));
  if (pieces.length === 0) return details;
  const lead = pieces.join('\n---\n');
  return details === '' ? lead : `${lead}\n\n${details}`;
}

/**
 * Keeps the cells of columns no field reads (nothing the export shows is dropped): one ProductFields entry per
 * column while there is room below ASFF's limit, the rest together in `otherColumns` as `Name: value` lines.
 */
function keepUnmapped(
  map: CompiledMap,
  fields: readonly string[],
  productFields: Record<string, string>,
): void {
  // Room left: the limit, minus scope and adapter (toAsff), vulnerabilityIds (finish) and what is already here.
  let room = MAX_OWN_PRODUCT_FIELDS - 3 - Object.keys(productFields).length;
  let rest = '';
  for (const [key, index] of map.unmapped) {
    const value = cellValue(fields[index]);
    if (value === '') continue;
    if (room > 1) {
      productFields[key] = value;
      room--;
    } else rest += `${rest === '' ? '' : '\n'}${key}: ${value}`;
  }
  if (rest !== '') productFields.otherColumns = rest;
}

function read(get: Getter | undefined, fields: readonly string[]): string {
  return get === undefined ? '' : get(fields);
}

/** True when the condition's column holds one of its values (case-insensitive). */
function holds(condition: CompiledCondition | undefined, fields: readonly string[]): boolean {
  if (condition === undefined) return false;
  const cell = condition.column(fields);
  return cell !== '' && condition.values.has(cell.toLowerCase());
}

/** The distinct values `extract` finds in the cells `getters` read, in order of appearance. */
function extractAll(
  getters: readonly Getter[],
  fields: readonly string[],
  extract: (cell: string) => string[],
): string[] {
  const out: string[] = [];
  for (const get of getters) {
    const cell = get(fields);
    if (cell === '') continue;
    for (const value of extract(cell)) out.push(value);
  }
  return distinct(out);
}

/**
 * The severity cell read on the map's scale; when it is blank or unknown, the first CVSS score (newest version
 * first); else INFORMATIONAL, with an `unknown-severity` issue when the cell held something unreadable.
 */
function rowSeverity(
  map: CompiledMap,
  fields: readonly string[],
  cvss: readonly Cvss[],
  issues: Issue[],
): FindingSeverity {
  const cell = read(map.severity, fields);
  const label = cell === '' ? undefined : severityFromCell(cell, map.severityScale);
  if (label !== undefined) return severity(label, cell);
  const score = cvss[0]?.BaseScore;
  const fromScore = labelFromCvss(score);
  if (fromScore !== undefined) {
    if (cell !== '') issues.push(unknownSeverity(cell, `used the CVSS score ${score}`));
    return severity(fromScore, cell !== '' ? cell : `CVSS ${score}`);
  }
  if (cell !== '') issues.push(unknownSeverity(cell, 'used INFORMATIONAL'));
  return severity('INFORMATIONAL', cell);
}

function unknownSeverity(cell: string, outcome: string): Issue {
  return {
    code: 'unknown-severity',
    message: `severity "${cell.slice(0, 40)}" is not understood; ${outcome}`,
  };
}

function cvssEntries(map: CompiledMap, fields: readonly string[]): Cvss[] {
  const out: Cvss[] = [];
  // Sources of one group are contiguous: skip the rest of a group once one of its columns gave a score.
  let done = '';
  for (const source of map.cvss) {
    if (source.group === done) continue;
    const cell = source.score(fields);
    if (cell === '') continue;
    const score = parseScore(cell, 10);
    if (score === undefined) continue;
    const vector = parseVector(source.vector !== undefined ? source.vector(fields) : cell);
    const version = versionOfVector(vector) ?? source.version ?? read(source.versionOf, fields);
    done = source.group;
    const entry: Cvss = {};
    if (version !== '') entry.Version = version;
    entry.BaseScore = score;
    if (vector !== undefined) entry.BaseVector = vector;
    entry.Source = map.vendor;
    out.push(entry);
  }
  return out;
}

function versionOfVector(vector: string | undefined): string | undefined {
  if (vector === undefined) return undefined;
  const match = /^CVSS:(\d\.\d)\//.exec(vector);
  if (match !== null) return match[1];
  return vector.startsWith('CVSS2#') ? '2.0' : undefined;
}

function rowVulnerabilities(
  map: CompiledMap,
  fields: readonly string[],
  sev: FindingSeverity,
  cvss: readonly Cvss[],
  references: readonly string[],
  pkg: SoftwarePackage | undefined,
): Vulnerability[] {
  const ids = extractAll(map.cve, fields, vulnerabilityIds);
  if (ids.length === 0) return [];
  const epss = parseScore(read(map.epss, fields), 1);
  const exploit = parseYesNo(read(map.exploitAvailable, fields));
  const fixStatus = pkg === undefined ? '' : read(map.packageFixedIn, fields);
  return ids.map((id) => {
    // Keys in this order (the NDJSON output follows it); each vulnerability gets its own copies.
    const vulnerability: Vulnerability = {
      Id: id,
      Vendor: { Name: map.vendor, VendorSeverity: sev.original },
    };
    if (cvss.length > 0) vulnerability.Cvss = cvss.map((entry) => ({ ...entry }));
    if (references.length > 0) vulnerability.ReferenceUrls = [...references];
    if (epss !== undefined) vulnerability.EpssScore = epss;
    if (exploit !== undefined) vulnerability.ExploitAvailable = exploit;
    if (pkg !== undefined) vulnerability.VulnerablePackages = [{ ...pkg }];
    // asff-facts §2.7: YES when the package has FixedInVersion and Remediation (both or neither here); NO only
    // when the fix cell says something without a version (`affected`, `will not fix`): a blank cell may just be a
    // column the export leaves empty.
    if (pkg?.FixedInVersion !== undefined) vulnerability.FixAvailable = 'YES';
    else if (fixStatus !== '') vulnerability.FixAvailable = 'NO';
    return vulnerability;
  });
}

function rowPackage(map: CompiledMap, fields: readonly string[]): SoftwarePackage | undefined {
  const name = read(map.packageName, fields);
  if (name === '') return undefined;
  const pkg: SoftwarePackage = { Name: name };
  const version = read(map.packageVersion, fields);
  const fixedIn = parseFixedVersion(read(map.packageFixedIn, fields));
  const path = read(map.packagePath, fields);
  const manager = read(map.packageManager, fields);
  if (version !== '') pkg.Version = version;
  if (fixedIn !== undefined) pkg.FixedInVersion = fixedIn;
  if (path !== '') pkg.FilePath = path;
  if (manager !== '') pkg.PackageManager = manager;
  if (fixedIn !== undefined) pkg.Remediation = `Upgrade ${name} to ${fixedIn}`;
  return pkg;
}

/**
 * The container image when the row names one (`Container`); else `host[:port]` (port left out when blank or 0),
 * falling back to the scope hint, typed `AzureResource` for Azure resource ids. Details go to `Details.Other`.
 */
function rowResource(map: CompiledMap, fields: readonly string[], scopeHint: string): Resource {
  const other: Record<string, string> = {};
  for (const [key, get] of map.details) {
    const value = get(fields);
    if (value !== '') other[key] = value;
  }
  const hasOther = Object.keys(other).length > 0;
  const host = read(map.resourceId, fields);
  const container = map.container === undefined ? undefined : containerDetails(map.container, fields);
  if (container !== undefined) {
    return {
      Type: 'Container',
      Id: container.ImageName ?? container.ImageId ?? (host === '' ? scopeHint : host),
      Details: hasOther ? { Container: container, Other: other } : { Container: container },
    };
  }
  const port = parsePort(read(map.port, fields));
  const id = host === '' ? scopeHint : port !== undefined ? `${host}:${port}` : host;
  return {
    Type: read(map.resourceType, fields) || (id.startsWith('/subscriptions/') ? 'AzureResource' : 'Other'),
    Id: id,
    ...(hasOther ? { Details: { Other: other } } : {}),
  };
}

/** `Details.Container` of a row naming an image (by reference or id) or a container kind, else `undefined`. */
function containerDetails(
  container: NonNullable<CompiledMap['container']>,
  fields: readonly string[],
): ContainerDetails | undefined {
  const imageName = read(container.image, fields);
  const imageId = read(container.imageId, fields);
  if (imageName === '' && imageId === '' && !holds(container.when, fields)) return undefined;
  const name = read(container.name, fields);
  const details: ContainerDetails = {};
  if (name !== '') details.Name = name;
  if (imageName !== '') details.ImageName = imageName;
  if (imageId !== '') details.ImageId = imageId;
  return details;
}

/** An ISO timestamp for First/LastObservedAt; any other date text is kept in ProductFields under `key`. */
function observed(
  get: Getter | undefined,
  fields: readonly string[],
  key: string,
  productFields: Record<string, string>,
): string | undefined {
  const cell = read(get, fields);
  if (cell === '') return undefined;
  const iso = parseIsoTimestamp(cell);
  if (iso === undefined) productFields[key] ??= cell;
  return iso;
}
