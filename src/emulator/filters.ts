import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { isJsonObject } from './context.js';
import { ServiceError } from './service-error.js';

type FilterKind = 'string' | 'number' | 'date' | 'map' | 'boolean';

/** A GetFindings filter attribute: its kind and the path of its values (`[]` flattens a list). */
interface FilterField {
  kind: FilterKind;
  path: string;
}

const s = (path: string): FilterField => ({ kind: 'string', path });
const n = (path: string): FilterField => ({ kind: 'number', path });
const d = (path: string): FilterField => ({ kind: 'date', path });
const m = (path: string): FilterField => ({ kind: 'map', path });

/** The `AwsSecurityFindingFilters` members the emulator evaluates; others are refused, never ignored. */
export const FILTER_FIELDS: Readonly<Record<string, FilterField>> = {
  ProductArn: s('ProductArn'),
  AwsAccountId: s('AwsAccountId'),
  AwsAccountName: s('AwsAccountName'),
  Id: s('Id'),
  GeneratorId: s('GeneratorId'),
  Region: s('Region'),
  Type: s('Types[]'),
  FirstObservedAt: d('FirstObservedAt'),
  LastObservedAt: d('LastObservedAt'),
  CreatedAt: d('CreatedAt'),
  UpdatedAt: d('UpdatedAt'),
  SeverityProduct: n('Severity.Product'),
  SeverityNormalized: n('Severity.Normalized'),
  SeverityLabel: s('Severity.Label'),
  Confidence: n('Confidence'),
  Criticality: n('Criticality'),
  Title: s('Title'),
  Description: s('Description'),
  RecommendationText: s('Remediation.Recommendation.Text'),
  SourceUrl: s('SourceUrl'),
  ProductFields: m('ProductFields'),
  ProductName: s('ProductName'),
  CompanyName: s('CompanyName'),
  UserDefinedFields: m('UserDefinedFields'),
  MalwareName: s('Malware[].Name'),
  MalwareType: s('Malware[].Type'),
  MalwarePath: s('Malware[].Path'),
  MalwareState: s('Malware[].State'),
  NetworkDirection: s('Network.Direction'),
  NetworkProtocol: s('Network.Protocol'),
  NetworkSourcePort: n('Network.SourcePort'),
  NetworkSourceDomain: s('Network.SourceDomain'),
  NetworkSourceMac: s('Network.SourceMac'),
  NetworkDestinationPort: n('Network.DestinationPort'),
  NetworkDestinationDomain: s('Network.DestinationDomain'),
  ProcessName: s('Process.Name'),
  ProcessPath: s('Process.Path'),
  ProcessPid: n('Process.Pid'),
  ProcessParentPid: n('Process.ParentPid'),
  ProcessLaunchedAt: d('Process.LaunchedAt'),
  ProcessTerminatedAt: d('Process.TerminatedAt'),
  ThreatIntelIndicatorType: s('ThreatIntelIndicators[].Type'),
  ThreatIntelIndicatorValue: s('ThreatIntelIndicators[].Value'),
  ThreatIntelIndicatorCategory: s('ThreatIntelIndicators[].Category'),
  ThreatIntelIndicatorLastObservedAt: d('ThreatIntelIndicators[].LastObservedAt'),
  ThreatIntelIndicatorSource: s('ThreatIntelIndicators[].Source'),
  ThreatIntelIndicatorSourceUrl: s('ThreatIntelIndicators[].SourceUrl'),
  ResourceType: s('Resources[].Type'),
  ResourceId: s('Resources[].Id'),
  ResourcePartition: s('Resources[].Partition'),
  ResourceRegion: s('Resources[].Region'),
  ResourceTags: m('Resources[].Tags'),
  ResourceAwsIamAccessKeyUserName: s('Resources[].Details.AwsIamAccessKey.UserName'),
  ResourceAwsIamAccessKeyPrincipalName: s('Resources[].Details.AwsIamAccessKey.PrincipalName'),
  ResourceAwsIamAccessKeyStatus: s('Resources[].Details.AwsIamAccessKey.Status'),
  ResourceAwsIamAccessKeyCreatedAt: d('Resources[].Details.AwsIamAccessKey.CreatedAt'),
  ResourceAwsIamUserUserName: s('Resources[].Details.AwsIamUser.UserName'),
  ResourceContainerName: s('Resources[].Details.Container.Name'),
  ResourceContainerImageId: s('Resources[].Details.Container.ImageId'),
  ResourceContainerImageName: s('Resources[].Details.Container.ImageName'),
  ResourceContainerLaunchedAt: d('Resources[].Details.Container.LaunchedAt'),
  ResourceDetailsOther: m('Resources[].Details.Other'),
  ResourceApplicationName: s('Resources[].ApplicationName'),
  ResourceApplicationArn: s('Resources[].ApplicationArn'),
  ComplianceStatus: s('Compliance.Status'),
  ComplianceSecurityControlId: s('Compliance.SecurityControlId'),
  ComplianceAssociatedStandardsId: s('Compliance.AssociatedStandards[].StandardsId'),
  ComplianceSecurityControlParametersName: s('Compliance.SecurityControlParameters[].Name'),
  ComplianceSecurityControlParametersValue: s('Compliance.SecurityControlParameters[].Value[]'),
  VerificationState: s('VerificationState'),
  WorkflowState: s('WorkflowState'),
  WorkflowStatus: s('Workflow.Status'),
  RecordState: s('RecordState'),
  RelatedFindingsProductArn: s('RelatedFindings[].ProductArn'),
  RelatedFindingsId: s('RelatedFindings[].Id'),
  NoteText: s('Note.Text'),
  NoteUpdatedAt: d('Note.UpdatedAt'),
  NoteUpdatedBy: s('Note.UpdatedBy'),
  FindingProviderFieldsConfidence: n('FindingProviderFields.Confidence'),
  FindingProviderFieldsCriticality: n('FindingProviderFields.Criticality'),
  FindingProviderFieldsRelatedFindingsId: s('FindingProviderFields.RelatedFindings[].Id'),
  FindingProviderFieldsRelatedFindingsProductArn: s('FindingProviderFields.RelatedFindings[].ProductArn'),
  FindingProviderFieldsSeverityLabel: s('FindingProviderFields.Severity.Label'),
  FindingProviderFieldsSeverityOriginal: s('FindingProviderFields.Severity.Original'),
  FindingProviderFieldsTypes: s('FindingProviderFields.Types[]'),
  Sample: { kind: 'boolean', path: 'Sample' },
  VulnerabilitiesExploitAvailable: s('Vulnerabilities[].ExploitAvailable'),
  VulnerabilitiesFixAvailable: s('Vulnerabilities[].FixAvailable'),
};

/** Every value at `path` (`a.b[].c`), flattening lists marked `[]`. */
export function valuesAt(root: unknown, path: string): unknown[] {
  let current: unknown[] = [root];
  for (const segment of path.split('.')) {
    const list = segment.endsWith('[]');
    const key = list ? segment.slice(0, -2) : segment;
    const next: unknown[] = [];
    for (const item of current) {
      if (!isJsonObject(item)) continue;
      const value = item[key];
      if (value === undefined || value === null) continue;
      if (list) {
        if (Array.isArray(value)) next.push(...value);
      } else next.push(value);
    }
    current = next;
  }
  return current;
}

const POSITIVE = new Set(['EQUALS', 'PREFIX', 'CONTAINS', 'CONTAINS_WORD']);
const NEGATIVE = new Set(['NOT_EQUALS', 'PREFIX_NOT_EQUALS', 'NOT_CONTAINS']);
const MAX_FILTER_FIELDS = 10;
const MAX_FILTER_VALUES = 20;
const DAY_MS = 86_400_000;

/** A compiled filter set: true when a finding matches every attribute. */
export type FindingPredicate = (finding: AwsSecurityFinding) => boolean;

/**
 * Compiles `Filters` of GetFindings. Attributes are ANDed. Within a string or map attribute, positive
 * comparisons (EQUALS, PREFIX, CONTAINS) are ORed and negative ones (NOT_EQUALS, PREFIX_NOT_EQUALS,
 * NOT_CONTAINS) ANDed, after the positives; the combinations AWS refuses are refused. On list-valued
 * attributes a positive filter needs one matching value, a negative one needs every value to pass.
 * Number, date and boolean filters on one attribute are ORed.
 */
export function compileFilters(filters: unknown, now: Date): FindingPredicate {
  if (filters === undefined) return () => true;
  if (!isJsonObject(filters)) throw new ServiceError('InvalidInputException', 'Filters must be an object');
  const entries = Object.entries(filters).filter(([, value]) => value !== undefined);
  if (entries.length > MAX_FILTER_FIELDS) {
    throw new ServiceError(
      'InvalidInputException',
      `Filters can use at most ${MAX_FILTER_FIELDS} finding attributes (got ${entries.length})`,
    );
  }
  const predicates = entries.map(([name, value]) => compileAttribute(name, value, now));
  return (finding) => predicates.every((p) => p(finding));
}

function compileAttribute(name: string, value: unknown, now: Date): FindingPredicate {
  const field = FILTER_FIELDS[name];
  if (field === undefined) {
    throw new ServiceError('InvalidInputException', `Filter ${name} is not supported by the emulator`);
  }
  if (!Array.isArray(value) || value.length === 0) {
    throw new ServiceError('InvalidInputException', `Filter ${name} must be a non-empty list`);
  }
  if (value.length > MAX_FILTER_VALUES) {
    throw new ServiceError(
      'InvalidInputException',
      `Filter ${name} has ${value.length} values; at most ${MAX_FILTER_VALUES} are allowed`,
    );
  }
  const items = value.map((item) => {
    if (!isJsonObject(item))
      throw new ServiceError('InvalidInputException', `Filter ${name} items must be objects`);
    return item;
  });
  switch (field.kind) {
    case 'string':
      return compileStringFilters(name, field.path, items);
    case 'map':
      return compileMapFilters(name, field.path, items);
    case 'number':
      return anyOf(items.map((item) => numberPredicate(field.path, item)));
    case 'date':
      return anyOf(items.map((item) => datePredicate(name, field.path, item, now)));
    case 'boolean':
      return anyOf(items.map((item) => (f) => valuesAt(f, field.path).some((v) => v === item.Value)));
  }
}

function anyOf(predicates: FindingPredicate[]): FindingPredicate {
  return (finding) => predicates.some((p) => p(finding));
}

function compareString(comparison: string, actual: string, wanted: string): boolean {
  switch (comparison) {
    case 'EQUALS':
      return actual === wanted;
    case 'PREFIX':
      return actual.startsWith(wanted);
    case 'CONTAINS':
      return actual.includes(wanted);
    case 'CONTAINS_WORD':
      return actual.split(/\W+/).includes(wanted);
    case 'NOT_EQUALS':
      return actual !== wanted;
    case 'PREFIX_NOT_EQUALS':
      return !actual.startsWith(wanted);
    case 'NOT_CONTAINS':
      return !actual.includes(wanted);
    default:
      return false;
  }
}

interface Comparison {
  comparison: string;
  value: string;
  key?: string;
}

function readComparisons(
  name: string,
  items: readonly Record<string, unknown>[],
  withKey: boolean,
): Comparison[] {
  const out = items.map((item): Comparison => {
    const { Comparison: comparison, Value: value, Key: key } = item;
    if (typeof comparison !== 'string' || !(POSITIVE.has(comparison) || NEGATIVE.has(comparison))) {
      throw new ServiceError(
        'InvalidInputException',
        `Filter ${name} has an invalid Comparison: ${String(comparison)}`,
      );
    }
    if (typeof value !== 'string') {
      throw new ServiceError('InvalidInputException', `Filter ${name} needs a string Value`);
    }
    if (withKey && typeof key !== 'string') {
      throw new ServiceError('InvalidInputException', `Filter ${name} needs a string Key`);
    }
    return withKey ? { comparison, value, key: key as string } : { comparison, value };
  });
  const used = new Set(out.map((c) => c.comparison));
  const clash =
    (used.has('CONTAINS') && used.size > 1) ||
    (used.has('NOT_CONTAINS') && used.size > 1) ||
    (used.has('EQUALS') && (used.has('NOT_EQUALS') || used.has('PREFIX_NOT_EQUALS')));
  if (clash) {
    throw new ServiceError(
      'InvalidInputException',
      `Filter ${name} combines comparisons that cannot be used together: ${[...used].join(', ')}`,
    );
  }
  return out;
}

function matchComparisons(comparisons: readonly Comparison[], values: readonly string[]): boolean {
  const positives = comparisons.filter((c) => POSITIVE.has(c.comparison));
  const negatives = comparisons.filter((c) => NEGATIVE.has(c.comparison));
  if (
    positives.length > 0 &&
    !positives.some((c) => values.some((v) => compareString(c.comparison, v, c.value)))
  ) {
    return false;
  }
  return negatives.every((c) => values.every((v) => compareString(c.comparison, v, c.value)));
}

function compileStringFilters(
  name: string,
  path: string,
  items: readonly Record<string, unknown>[],
): FindingPredicate {
  const comparisons = readComparisons(name, items, false);
  return (finding) => {
    const values = valuesAt(finding, path).filter((v): v is string => typeof v === 'string');
    return matchComparisons(comparisons, values);
  };
}

function compileMapFilters(
  name: string,
  path: string,
  items: readonly Record<string, unknown>[],
): FindingPredicate {
  const comparisons = readComparisons(name, items, true);
  const byKey = new Map<string, Comparison[]>();
  for (const c of comparisons) byKey.set(c.key ?? '', [...(byKey.get(c.key ?? '') ?? []), c]);
  return (finding) => {
    const maps = valuesAt(finding, path).filter(isJsonObject);
    for (const [key, group] of byKey) {
      const values = maps.map((map) => map[key]).filter((v): v is string => typeof v === 'string');
      if (!matchComparisons(group, values)) return false;
    }
    return true;
  };
}

function numberPredicate(path: string, item: Record<string, unknown>): FindingPredicate {
  const bound = (key: string): number | undefined =>
    typeof item[key] === 'number' ? (item[key] as number) : undefined;
  const [gte, lte, eq, gt, lt] = [bound('Gte'), bound('Lte'), bound('Eq'), bound('Gt'), bound('Lt')];
  return (finding) =>
    valuesAt(finding, path).some(
      (v) =>
        typeof v === 'number' &&
        (gte === undefined || v >= gte) &&
        (lte === undefined || v <= lte) &&
        (eq === undefined || v === eq) &&
        (gt === undefined || v > gt) &&
        (lt === undefined || v < lt),
    );
}

function datePredicate(
  name: string,
  path: string,
  item: Record<string, unknown>,
  now: Date,
): FindingPredicate {
  const parse = (key: string): number | undefined => {
    const raw = item[key];
    if (raw === undefined) return undefined;
    const ms = typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
    if (Number.isNaN(ms))
      throw new ServiceError('InvalidInputException', `Filter ${name} has an invalid ${key}`);
    return ms;
  };
  let start = parse('Start');
  let end = parse('End');
  const range = item.DateRange;
  if (isJsonObject(range)) {
    if (typeof range.Value !== 'number' || (range.Unit !== undefined && range.Unit !== 'DAYS')) {
      throw new ServiceError('InvalidInputException', `Filter ${name} has an invalid DateRange`);
    }
    const edge = now.getTime() - range.Value * DAY_MS;
    if (range.Comparison === 'OLDER_THAN') end = edge;
    else start = edge;
  }
  return (finding) =>
    valuesAt(finding, path).some((v) => {
      const ms = typeof v === 'string' ? Date.parse(v) : Number.NaN;
      return !Number.isNaN(ms) && (start === undefined || ms >= start) && (end === undefined || ms <= end);
    });
}
