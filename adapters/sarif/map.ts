import type {
  CodeVulnerabilitiesFilePath,
  Remediation,
  Resource,
  SoftwarePackage,
  Vulnerability,
} from '@aws-sdk/client-securityhub';
import type { Finding, FindingSource, Issue } from '../../src/adapter.js';
import { MAX_RESOURCE_TYPE_LENGTH } from '../../src/asff/limits.js';
import { packageAtVersion, vulnerabilityTitle } from '../../src/asff/package-title.js';
import { distinct } from '../../src/internal/distinct.js';
import {
  blobUrl,
  projectName,
  providerType,
  type RepositoryInfo,
  type RunContext,
  repositoryFor,
  toolNameOf,
} from './context.js';
import { identityOf } from './identity.js';
import { hasPlace, type ResolvedLocation, resolveArtifactLocation, resolveLocation } from './locations.js';
import { resolveMessage } from './message.js';
import { asffPackage, scaPackageOf } from './packages.js';
import {
  adviceFromHelp,
  advisoryPage,
  guidelineUrl,
  helpLinks,
  imageResource,
  isToolHomepage,
  ruleWhat,
  shortText,
  titlePlace,
  vulnerabilityName,
} from './presentation.js';
import { findRule, type RuleInfo, readTaxonReferences } from './rules.js';
import { isSecretFinding, redactSecrets, scrubAwsKeys, secretCandidates } from './secrets.js';
import { resolveSeverity, SARIF_KINDS } from './severity.js';
import { cwesOf, vulnerabilityIdsOf } from './taxonomy.js';
import { asArray, asNumber, asObject, asText, clip, type JsonObject } from './values.js';

/** Where a result sits in the input, for issues. */
export interface ResultPosition {
  /** 0-based index of the result among all results of the log. */
  recordIndex: number;
  byte?: number;
}

/** Per-run memory of what was already reported, so one missing rule does not raise thousands of issues. */
export interface RunReports {
  reported: Set<string>;
}

/** Where the mapping sends record-level problems. */
export interface MapHooks {
  onIssue(issue: Issue): void;
}

/** Longest text part copied into a description or title before `toAsff` applies the ASFF limits. */
const MAX_PART = 2048;
/** Locations listed in `CodeVulnerabilities` (the first is the primary location). */
const MAX_CODE_LOCATIONS = 10;
/** Result properties copied into ProductFields (scalars only, secret-looking keys never). */
const MAX_COPIED_PROPERTIES = 10;
const SAFE_PROPERTY =
  /^(?!.*(?:offender|secret|match|token|password|passwd|credential|snippet|raw|key$)).+$/i;

/** `precision` (rule) / `issue_confidence` (Bandit) → ASFF Confidence. */
const CONFIDENCE: Readonly<Record<string, number>> = {
  'very-high': 95,
  high: 80,
  medium: 60,
  low: 30,
};

const REMEDIATE_SECRET =
  'Revoke or rotate this secret, remove it from the code and from version-control history, and load it from a secret store instead.';

function report(reports: RunReports, hooks: MapHooks, key: string, issue: Issue): void {
  if (reports.reported.has(key)) return;
  reports.reported.add(key);
  hooks.onIssue(issue);
}

/**
 * gitleaks 7 writes no `ruleId`: its message is `<rule id> secret detected`, and its rules are named by that id.
 */
function gitleaksRuleFromMessage(result: JsonObject, run: RunContext): RuleInfo | undefined {
  if (!/gitleaks/i.test(toolNameOf(run))) return undefined;
  const text = asText(asObject(result.message)?.text);
  const id = text === undefined ? undefined : /^(.+?) secret detected$/i.exec(text.trim())?.[1];
  return id === undefined ? undefined : run.tool.driver.ruleById.get(id);
}

/** What every finding of a rule shares, worked out once per rule. */
interface RuleView {
  /** `fullDescription` with AWS key ids scrubbed. */
  fullDescription?: string;
  /** `helpUri`, or `help.text` when that is a bare URL. */
  helpUrl?: string;
  /** `help.text` with AWS key ids scrubbed, unless it is a bare URL. */
  helpText?: string;
  tags?: string;
  precision?: string;
}

const RULE_VIEWS = new WeakMap<RuleInfo, RuleView>();

function viewOf(rule: RuleInfo): RuleView {
  let view = RULE_VIEWS.get(rule);
  if (view !== undefined) return view;
  view = {};
  if (rule.fullDescription !== undefined) view.fullDescription = scrubAwsKeys(rule.fullDescription);
  const helpUrl = httpUrl(rule.helpUri) ?? httpUrl(rule.helpText);
  if (helpUrl !== undefined) view.helpUrl = helpUrl;
  if (rule.helpText !== undefined && httpUrl(rule.helpText) === undefined)
    view.helpText = scrubAwsKeys(rule.helpText);
  if (rule.tags.length > 0) view.tags = clip(rule.tags.slice(0, 20).join(', '), 1024);
  const precision = asText(rule.properties.precision);
  if (precision !== undefined) view.precision = precision;
  RULE_VIEWS.set(rule, view);
  return view;
}

const NO_VIEW: RuleView = {};

/** Why a result is not an active problem, or `undefined` when it is one. */
function resolvedReason(result: JsonObject, kind: string): string | undefined {
  if (kind === 'pass' || kind === 'notApplicable') return `kind:${kind}`;
  const suppressions = asArray(result.suppressions)
    .map(asObject)
    .filter((s) => s !== undefined);
  // SARIF §3.35.3: suppressed when every suppression is accepted (a missing status counts as accepted).
  if (suppressions.length > 0 && suppressions.every((s) => (asText(s.status) ?? 'accepted') === 'accepted'))
    return `suppressed:${asText(suppressions[0]!.kind) ?? 'unknown'}`;
  if (asText(result.baselineState) === 'absent') return 'baselineState:absent';
  return undefined;
}

/** CVSS entries from Trivy / dependency-check style properties (`cvssv3_baseScore`, `cvssv3_vector` …). */
function cvssOf(result: JsonObject, rule: RuleInfo | undefined, source: string): Vulnerability['Cvss'] {
  const entries: NonNullable<Vulnerability['Cvss']> = [];
  for (const properties of [asObject(result.properties), rule?.properties]) {
    if (properties === undefined) continue;
    const v3 = asNumber(properties.cvssv3_baseScore);
    if (v3 !== undefined) {
      const vector = asText(properties.cvssv3_vector);
      const version = /^CVSS:(\d\.\d)\//.exec(vector ?? '')?.[1] ?? asText(properties.cvssv3_version) ?? '3';
      entries.push({
        Version: version,
        BaseScore: v3,
        ...(vector && { BaseVector: vector }),
        Source: source,
      });
    }
    const v2 = asNumber(properties.cvssv2_score);
    if (v2 !== undefined) {
      const vector = asText(properties.cvssv2_vector);
      entries.push({ Version: '2.0', BaseScore: v2, ...(vector && { BaseVector: vector }), Source: source });
    }
    if (entries.length > 0) break;
  }
  return entries.length > 0 ? entries : undefined;
}

const httpUrl = (text: string | undefined): string | undefined =>
  text !== undefined && /^https?:\/\/\S+$/i.test(text.trim()) ? text.trim() : undefined;

/** Tools whose every result is about a dependency, with or without a CVE id. */
const DEPENDENCY_SCANNER = /^(?:snyk open source|dependency-check)$/i;

/**
 * The title: what and where, so findings of one file can be told apart. Dependency findings:
 * `<advisory> in <package>@<version>[: <vulnerability name>]`; code findings: `<rule> at <path>:<line>`
 * (plus `in commit <sha>` for gitleaks 7, which reports one secret once per commit).
 */
function titleOf(
  rule: RuleInfo | undefined,
  ruleId: string | undefined,
  message: string | undefined,
  primary: ResolvedLocation | undefined,
  advisory: string | undefined,
  pkg: SoftwarePackage | undefined,
  commit: string | undefined,
): string {
  if (advisory !== undefined) {
    const subject =
      pkg?.Name === undefined
        ? primary?.path?.slice(primary.path.lastIndexOf('/') + 1)
        : packageAtVersion(pkg.Name, pkg.Version);
    const what = advisory === ruleId && /\s/.test(advisory) ? shortText(advisory) : advisory;
    return clip(vulnerabilityTitle(what, subject, vulnerabilityName(rule, advisory)), MAX_PART);
  }
  const what = ruleWhat(rule, ruleId, message);
  const place = titlePlace(primary);
  const where = place === undefined ? '' : ` at ${place}`;
  return clip(`${what}${where}${commit === undefined ? '' : ` in commit ${commit.slice(0, 7)}`}`, MAX_PART);
}

/**
 * The message as the evidence it is: dependency-check writes `<rule id> - <description>` (and, for RetireJS,
 * `<rule id> - <rule id>`), so the repeated id is dropped.
 */
function leadOf(
  message: string | undefined,
  ruleId: string | undefined,
  toolName: string,
): string | undefined {
  if (message === undefined || ruleId === undefined || !/dependency-check/i.test(toolName)) return message;
  const prefix = `${ruleId} - `;
  return message.startsWith(prefix) ? message.slice(prefix.length) : message;
}

/** `Vulnerable package: jquery 1.8.0 (maven) at /path/jquery-1.8.0.min.js; fixed in 3.5.0`. */
function packageLine(pkg: SoftwarePackage): string {
  const parts = [`Vulnerable package: ${pkg.Name}${pkg.Version === undefined ? '' : ` ${pkg.Version}`}`];
  if (pkg.PackageManager !== undefined) parts.push(` (${pkg.PackageManager})`);
  if (pkg.FilePath !== undefined) parts.push(` at ${pkg.FilePath}`);
  if (pkg.FixedInVersion !== undefined) parts.push(`; fixed in ${pkg.FixedInVersion}`);
  return parts.join('');
}

/**
 * Advisory pages of a dependency finding, best first: the `Link:` of the rule help (Trivy, Grype, Anchore), the
 * rule's `helpUri` unless it is the tool's homepage (Grype's), then the canonical page of each id (NVD, GitHub
 * advisories, Snyk).
 */
function advisoryUrls(ids: readonly string[], rule: RuleInfo | undefined, view: RuleView, run: RunContext) {
  const urls = [...helpLinks(rule?.helpText)];
  if (view.helpUrl !== undefined && !isToolHomepage(view.helpUrl, run)) urls.push(view.helpUrl);
  if (rule?.id !== undefined && /^SNYK-/.test(rule.id)) urls.push(advisoryPage(rule.id)!);
  if (urls.length === 0)
    for (const id of ids) {
      const page = advisoryPage(id);
      if (page !== undefined) urls.push(page);
    }
  return distinct(urls.filter((url) => !isToolHomepage(url, run)));
}

function descriptionOf(parts: readonly (string | undefined)[], fallback: string): string {
  const kept: string[] = [];
  for (const part of parts) {
    if (part === undefined) continue;
    const text = clip(part.trim(), MAX_PART);
    if (text === '' || kept.some((earlier) => earlier.includes(text))) continue;
    kept.push(text);
  }
  return kept.length > 0 ? kept.join('\n\n') : fallback;
}

function locationLabel(location: ResolvedLocation): string | undefined {
  const place = location.path ?? location.logical;
  if (place === undefined) return undefined;
  if (location.startLine === undefined) return place;
  return `${place}:${location.startLine}${location.startColumn !== undefined ? `:${location.startColumn}` : ''}`;
}

function resourceOf(
  run: RunContext,
  repository: RepositoryInfo | undefined,
  primary: ResolvedLocation | undefined,
  analysisTarget: string | undefined,
  snippet: string | undefined,
): Resource {
  const other: Record<string, string> = { Tool: toolNameOf(run) };
  const where = primary === undefined ? undefined : locationLabel(primary);
  if (where !== undefined) other.Location = clip(where, 1023);
  if (snippet !== undefined) other.Snippet = clip(snippet, 1023);
  if (repository !== undefined) {
    if (repository.revisionId !== undefined) other.RevisionId = repository.revisionId;
    if (repository.branch !== undefined) other.Branch = repository.branch;
    return {
      Type: 'CodeRepository',
      Id: repository.uri,
      Details: {
        CodeRepository: {
          ProviderType: providerType(repository.uri),
          ProjectName: projectName(repository.uri),
        },
        Other: other,
      },
    };
  }
  const id =
    primary?.path ??
    primary?.logical ??
    analysisTarget ??
    run.options.target ??
    clip(`${toolNameOf(run)} analysis target`, MAX_RESOURCE_TYPE_LENGTH);
  return { Type: 'Other', Id: id, Details: { Other: other } };
}

function codeVulnerabilities(locations: readonly ResolvedLocation[], cwes: readonly string[]) {
  const entries: NonNullable<Vulnerability['CodeVulnerabilities']> = [];
  for (const location of locations) {
    const path = location.path;
    if (path === undefined) continue;
    const filePath: CodeVulnerabilitiesFilePath = {
      FilePath: path,
      FileName: path.slice(path.lastIndexOf('/') + 1),
    };
    if (location.startLine !== undefined) filePath.StartLine = location.startLine;
    if (location.endLine !== undefined) filePath.EndLine = location.endLine;
    entries.push(cwes.length > 0 ? { Cwes: cwes.slice(), FilePath: filePath } : { FilePath: filePath });
    if (entries.length >= MAX_CODE_LOCATIONS) break;
  }
  if (entries.length === 0 && cwes.length > 0) entries.push({ Cwes: cwes.slice() });
  return entries;
}

/** Copies safe scalar result properties into product fields as `Property.<key>`. */
function copyProperties(result: JsonObject, into: NonNullable<Finding['productFields']>): void {
  const properties = asObject(result.properties);
  let count = 0;
  for (const key in properties) {
    if (count >= MAX_COPIED_PROPERTIES) break;
    if (key === 'tags' || !SAFE_PROPERTY.test(key)) continue;
    const value = properties[key];
    if (typeof value === 'string' && value.trim() !== '')
      into[`Property.${key}`] = scrubAwsKeys(clip(value, 256));
    else if (typeof value === 'number' || typeof value === 'boolean') into[`Property.${key}`] = value;
    else continue;
    count += 1;
  }
}

/**
 * The suggested scope of a run: its tool name, plus `@<project>` when its repository is known (the first
 * `versionControlProvenance` entry, or the `repository` option), e.g. `CodeQL@acme/shop`. A bare tool name is
 * qualified by the pipeline with the repository identity of the CI environment or git remote.
 */
export function scopeHintOf(run: RunContext): string {
  const repository = repositoryFor(run, undefined);
  const tool = toolNameOf(run);
  return repository === undefined ? tool : `${tool}@${projectName(repository.uri)}`;
}

/** What a run is, for the scope and source tool of its findings: hint, kind of hint, tool. */
export function sourceOf(run: RunContext): Required<FindingSource> {
  return {
    scopeHint: scopeHintOf(run),
    scopeHintKind: repositoryFor(run, undefined) === undefined ? 'tool' : 'name',
    sourceTool: toolNameOf(run),
  };
}

/**
 * Maps one SARIF result of a run to a scanner-neutral {@link Finding}. Returns `undefined` (after a `skipped`
 * issue) only when the result is not a JSON object; every other problem (missing rule, unknown message id, bad
 * artifact index) is reported and the finding is still produced from what the result has.
 */
export function mapResult(
  raw: unknown,
  run: RunContext,
  position: ResultPosition,
  reports: RunReports,
  hooks: MapHooks,
): Finding | undefined {
  const where = { recordIndex: position.recordIndex, byte: position.byte };
  const toolName = toolNameOf(run);
  const result = asObject(raw);
  if (result === undefined) {
    hooks.onIssue({
      code: 'invalid-result',
      message: `run ${run.index} (${toolName}): a result is ${raw === null ? 'null' : typeof raw}, not an object; skipped`,
      skipped: true,
      ...where,
    });
    return undefined;
  }

  const lookup = findRule(result, run.tool);
  let { rule, ruleId } = lookup;
  if (rule === undefined && ruleId === undefined) {
    rule = gitleaksRuleFromMessage(result, run);
    ruleId = rule?.id;
  }
  if (rule === undefined && lookup.missing !== undefined)
    report(reports, hooks, `rule:${ruleId ?? ''}`, {
      code: 'missing-rule',
      message: `run ${run.index} (${toolName}): ${lookup.missing}; its findings use only what the results carry (reported once per rule)`,
      ...where,
    });

  const statedKind = asText(result.kind);
  const kind =
    statedKind !== undefined && (SARIF_KINDS as readonly string[]).includes(statedKind) ? statedKind : 'fail';
  if (statedKind !== undefined && kind !== statedKind)
    report(reports, hooks, `kind:${statedKind}`, {
      code: 'unknown-kind',
      message: `run ${run.index} (${toolName}): unknown result kind "${clip(statedKind, 40)}" read as "fail"`,
      ...where,
    });

  const resolved = resolveMessage(result.message, rule, lookup.component, run.tool.driver);
  if (resolved.missingId !== undefined)
    report(reports, hooks, `message:${resolved.missingId}`, {
      code: 'missing-message-string',
      message: `run ${run.index} (${toolName}): message id "${clip(resolved.missingId, 80)}" is defined neither by its rule nor by the tool`,
      ...where,
    });

  const secret = isSecretFinding(toolName, rule, ruleId);
  const candidates = secret ? secretCandidates(result) : [];
  const scrub = (text: string | undefined) =>
    text === undefined ? undefined : scrubAwsKeys(secret ? redactSecrets(text, candidates) : text);
  const message = scrub(resolved.text);

  const locations: ResolvedLocation[] = [];
  for (const item of asArray(result.locations)) {
    const location = resolveLocation(item, run);
    if (location.problem !== undefined)
      report(reports, hooks, `location:${location.problem}`, {
        code: 'bad-location',
        message: `run ${run.index} (${toolName}): ${location.problem}`,
        ...where,
      });
    if (hasPlace(location)) locations.push(location);
  }
  const primary = locations[0];
  const analysisTarget = resolveArtifactLocation(result.analysisTarget, run).path;
  const repository = repositoryFor(run, primary?.uriBaseId);

  const { severity, level } = resolveSeverity(result, rule, ruleId, kind);
  const reason = resolvedReason(result, kind);
  const taxa = readTaxonReferences(result.taxa, false);
  const cwes = cwesOf(rule, result, taxa, run.taxonomies);
  const advisory = secret
    ? undefined
    : vulnerabilityIdsOf(ruleId, rule, result, taxa, run.taxonomies, message);
  // Dependency scanners report a package even where no CVE/GHSA id exists (Snyk ids, RetireJS advisories).
  const sca =
    advisory !== undefined || (!secret && DEPENDENCY_SCANNER.test(toolName))
      ? { ids: advisory?.ids ?? [clip(ruleId ?? 'unknown', 256)] }
      : undefined;
  const image = run.image?.name !== undefined ? { ...run.image, name: run.image.name } : undefined;
  const found =
    sca === undefined
      ? undefined
      : scaPackageOf(toolName, message, rule, image !== undefined ? undefined : primary?.path);
  const pkg = found?.pkg;
  const view = rule === undefined ? NO_VIEW : viewOf(rule);

  const commit = asText(asObject(result.properties)?.commit);
  const gitleaks = /gitleaks/i.test(toolName);
  const gitleaksCommit = commit !== undefined && gitleaks ? commit : undefined;
  // gitleaks 8 names the commit in partialFingerprints (already part of the identity) and writes its message as
  // `<rule> has detected secret for file <path> at commit <sha>.`: the title says rule, place and commit once.
  const shownCommit =
    gitleaksCommit ?? (gitleaks ? asText(asObject(result.partialFingerprints)?.commitSha) : undefined);
  const gitleaksRule = gitleaks ? /^(\S+) has detected secret for file /.exec(message ?? '')?.[1] : undefined;
  const title = scrub(
    titleOf(rule, ruleId, gitleaksRule ?? message, primary, sca?.ids[0], pkg, shownCommit),
  )!;

  const evidence: (string | undefined)[] = [leadOf(message, ruleId, toolName)];
  if (pkg !== undefined && (pkg.Version === undefined || !(message ?? '').includes(pkg.Version)))
    evidence.push(packageLine(pkg));
  if (found?.details !== undefined) evidence.push(...found.details);
  if (!secret && primary?.snippet !== undefined) evidence.push(scrub(primary.snippet));
  const description = secret
    ? descriptionOf([message, 'The secret value is not copied into this finding.'], title)
    : descriptionOf([...evidence, view.fullDescription], title);

  const references = sca === undefined ? [] : advisoryUrls(sca.ids, rule, view, run);
  const ruleUrl = view.helpUrl ?? guidelineUrl(view.helpText);
  const helpUrl = ruleUrl !== undefined && !isToolHomepage(ruleUrl, run) ? ruleUrl : undefined;
  const recommendation: NonNullable<Remediation['Recommendation']> = {};
  let remediationText: string | undefined;
  if (secret) remediationText = REMEDIATE_SECRET;
  else if (pkg !== undefined) {
    const advice =
      found?.advice ??
      (pkg.FixedInVersion !== undefined
        ? `Upgrade ${pkg.Name} to ${pkg.FixedInVersion} or later`
        : undefined);
    if (advice !== undefined) pkg.Remediation = clip(advice, 1024);
    remediationText =
      advice ??
      `${toolName} knows no fixed version of ${pkg.Name}${pkg.Version === undefined ? '' : ` ${pkg.Version}`}; follow the advisory for mitigations, or replace the package.`;
  } else if (sca === undefined)
    remediationText =
      adviceFromHelp(rule, view.helpText, description, ruleWhat(rule, ruleId, message)) ??
      // Polyspace writes its advice into the message: `…\nRisk: …\nFix: Initialize the local variable before use.`
      /^\s*Fix:\s*(\S.*)$/m.exec(message ?? '')?.[1];
  if (remediationText !== undefined) recommendation.Text = clip(remediationText, MAX_PART);
  const recommendationUrl = references[0] ?? helpUrl;
  if (recommendationUrl !== undefined) recommendation.Url = recommendationUrl;

  const vulnerabilities: Vulnerability[] = [];
  if (sca !== undefined) {
    const cvss = cvssOf(result, rule, toolName);
    for (const id of sca.ids) {
      const vulnerability: Vulnerability = { Id: id, Vendor: { Name: toolName } };
      const urls = references.slice(0, 10);
      if (urls.length > 0) {
        vulnerability.Vendor!.Url = urls[0];
        vulnerability.ReferenceUrls = urls;
      }
      if (cvss !== undefined) vulnerability.Cvss = cvss;
      if (pkg !== undefined) {
        vulnerability.VulnerablePackages = [asffPackage(found!)];
        vulnerability.FixAvailable = pkg.FixedInVersion !== undefined ? 'YES' : 'NO';
      }
      vulnerabilities.push(vulnerability);
    }
  } else {
    const code = codeVulnerabilities(locations, cwes);
    if (code.length > 0) {
      const vulnerability: Vulnerability = { Id: clip(ruleId ?? title, 256), CodeVulnerabilities: code };
      if (helpUrl !== undefined) vulnerability.ReferenceUrls = [helpUrl];
      vulnerabilities.push(vulnerability);
    }
  }

  const hints: string[] = [];
  if (gitleaksCommit !== undefined) hints.push(`commit=${gitleaksCommit}`);

  const suppression = asObject(asArray(result.suppressions)[0]);
  const precision = view.precision ?? asText(asObject(result.properties)?.issue_confidence);
  const confidence = precision === undefined ? undefined : CONFIDENCE[precision.toLowerCase()];
  const productFields: NonNullable<Finding['productFields']> = {
    Tool: toolName,
    ToolVersion: lookup.component.version ?? run.tool.driver.version,
    RuleId: ruleId,
    RuleName: rule?.name !== undefined && rule.name !== ruleId ? rule.name : undefined,
    Kind: kind,
    Level: level,
    BaselineState: asText(result.baselineState),
    Suppression:
      suppression === undefined
        ? undefined
        : `${asText(suppression.kind) ?? 'unknown'}:${asText(suppression.status) ?? 'accepted'}`,
    ResolvedBecause: reason,
    FilePath: primary?.path,
    StartLine: primary?.startLine,
    EndLine: primary?.endLine,
    StartColumn: primary?.startColumn,
    EndColumn: primary?.endColumn,
    UriBaseId: primary?.uriBaseId,
    LogicalLocation: primary?.logical,
    AnalysisTarget: analysisTarget,
    Category: run.automationId,
    Rank: asNumber(result.rank),
    Precision: precision,
    Cwes: cwes.length > 0 ? cwes.join(', ') : undefined,
    Tags: view.tags,
    Secret: secret || undefined,
    PackageUrl: found?.purl,
  };
  if (!secret) copyProperties(result, productFields);

  const sourceUrl =
    httpUrl(asText(result.hostedViewerUri)) ??
    (repository !== undefined && primary?.path !== undefined
      ? blobUrl(repository, primary.path, primary.startLine, primary.endLine)
      : undefined);

  const source = sourceOf(run);
  const finding: Finding = {
    identity: identityOf({ toolName, ruleId, result, primary, analysisTarget, message, hints }),
    ruleId: `${toolName}/${ruleId ?? 'unknown-rule'}`,
    title,
    description,
    severity,
    types: [
      secret
        ? 'Sensitive Data Identifications/Passwords'
        : advisory?.kind === 'CVE'
          ? 'Software and Configuration Checks/Vulnerabilities/CVE'
          : sca !== undefined
            ? 'Software and Configuration Checks/Vulnerabilities'
            : 'Software and Configuration Checks',
    ],
    resources: [
      image !== undefined
        ? imageResource(image)
        : resourceOf(run, repository, primary, analysisTarget, secret ? undefined : scrub(primary?.snippet)),
    ],
    productFields,
    state: reason === undefined ? 'active' : 'resolved',
    scopeHint: source.scopeHint,
    scopeHintKind: source.scopeHintKind,
    sourceTool: source.sourceTool,
  };
  if (vulnerabilities.length > 0) finding.vulnerabilities = vulnerabilities;
  if (recommendation.Text !== undefined || recommendation.Url !== undefined)
    finding.remediation = { Recommendation: recommendation };
  if (sourceUrl !== undefined) finding.sourceUrl = sourceUrl;
  if (confidence !== undefined) finding.confidence = confidence;
  return finding;
}
