import type { AwsSecurityFinding, Resource, Vulnerability } from '@aws-sdk/client-securityhub';
import type { Finding, Issue } from '../adapter.js';
import { findingId, generatorId, sanitizeIdPart } from './id.js';
import {
  ASFF_SCHEMA_VERSION,
  ASFF_TIMESTAMP_PATTERN,
  MAX_COMPLIANCE_RELATED_REQUIREMENTS,
  MAX_CWES,
  MAX_DESCRIPTION_LENGTH,
  MAX_DETAILS_OTHER_FIELDS,
  MAX_DETAILS_OTHER_KEY_LENGTH,
  MAX_DETAILS_OTHER_VALUE_LENGTH,
  MAX_FINDING_BYTES,
  MAX_OWN_PRODUCT_FIELDS,
  MAX_PRODUCT_FIELD_KEY_LENGTH,
  MAX_PRODUCT_FIELD_VALUE_LENGTH,
  MAX_REFERENCE_URLS,
  MAX_REGION_LENGTH,
  MAX_REMEDIATION_TEXT_LENGTH,
  MAX_RESOURCE_TYPE_LENGTH,
  MAX_RESOURCES,
  MAX_SEVERITY_ORIGINAL_LENGTH,
  MAX_TITLE_LENGTH,
  MAX_TYPES,
  MAX_VULNERABILITIES,
  MAX_VULNERABLE_PACKAGES,
  TYPE_PATTERN,
} from './limits.js';
import { SOURCE_TOOL_PRODUCT_FIELD, sourceToolOf } from './source-tool.js';
import {
  hasCredentials,
  isNonBlank,
  mayStartCredential,
  oneLine,
  redactCredentials,
  truncateText,
} from './text.js';

/** Everything `toAsff` adds that an adapter never knows. */
export interface AsffContext {
  /** Adapter name (`sarif`, `trivy`, …); part of Id, GeneratorId and ProductFields. */
  adapter: string;
  /** 12-digit AWS account id that imports the findings. */
  accountId: string;
  /** AWS Region, e.g. `eu-west-1`; also decides the partition. */
  region: string;
  /** Product ARN; default `arn:<partition>:securityhub:<region>:<account>:product/<account>/default`. */
  productArn?: string;
  /** The scope: which run family these findings belong to (repository, image, scan name). */
  scope: string;
  /** The run's clock: CreatedAt/UpdatedAt (and observed times the scanner does not give). */
  now: Date;
}

/** Result of {@link toAsff}: `ok: false` when the finding could not be made valid and ≤ 240 KB. */
export type AsffBuildResult =
  | { ok: true; finding: AwsSecurityFinding; issues: Issue[] }
  | { ok: false; finding: AwsSecurityFinding; reason: string; issues: Issue[] };

/** Prefix of the ProductFields keys asff-stream writes. */
export const PRODUCT_FIELD_PREFIX = 'asff-stream';
/** ProductFields key holding the scope; the reconcile step filters on it. */
export const SCOPE_PRODUCT_FIELD = `${PRODUCT_FIELD_PREFIX}/scope`;
/** ProductFields key holding the adapter name. */
export const ADAPTER_PRODUCT_FIELD = `${PRODUCT_FIELD_PREFIX}/adapter`;
export { SOURCE_TOOL_PRODUCT_FIELD } from './source-tool.js';

const DEFAULT_TYPE = 'Software and Configuration Checks';

/** AWS partition of a Region: `cn-*` → aws-cn, `us-gov-*` → aws-us-gov, ISO regions, else aws. */
export function partitionOf(region: string): 'aws' | 'aws-cn' | 'aws-us-gov' | 'aws-us-iso' | 'aws-us-iso-b' {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-us-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-us-iso';
  return 'aws';
}

/** The default custom-integration product ARN Security Hub creates for every account. */
export function defaultProductArn(accountId: string, region: string): string {
  return `arn:${partitionOf(region)}:securityhub:${region}:${accountId}:product/${accountId}/default`;
}

/**
 * Turns a scanner-neutral {@link Finding} into an ASFF finding that obeys every Security Hub limit:
 * required fields, FindingProviderFields Severity/Types (plus top-level copies), truncation with a visible marker,
 * ProductFields with scope, adapter and source tool, credential redaction, and the 240 KB guard (shrinks details, reference
 * lists and long text before giving up with `ok: false`).
 *
 * `id` is the finding's Id when the caller computed it already (`findingId(ctx.scope, ctx.adapter, identity)`).
 *
 * This runs once per finding on the hot path: objects are built by assignment (no object spread into wide
 * literals, which V8 handles slowly) and only adapter-supplied nested data is pruned.
 */
export function toAsff(finding: Finding, ctx: AsffContext, id?: string): AsffBuildResult {
  const issues: Issue[] = [];
  const text = (field: string, value: string, max: number): string => {
    const out = truncateText(value, max);
    if (out !== value)
      issues.push({ code: 'field-truncated', message: `${field} was shortened to fit its ASFF limit` });
    return out;
  };

  const derived = derivedOf(ctx);
  const nowIso = derived.nowIso;
  const partition = derived.partition;
  const ruleId = isNonBlank(finding.ruleId) ? finding.ruleId : 'unknown-rule';
  const titleSource = isNonBlank(finding.title) ? oneLine(finding.title) : ruleId;
  const title = text('Title', titleSource, MAX_TITLE_LENGTH);
  const description = text(
    'Description',
    isNonBlank(finding.description) ? finding.description.trim() : titleSource,
    MAX_DESCRIPTION_LENGTH,
  );
  const label = finding.severity.label;
  const original = text(
    'Severity.Original',
    isNonBlank(finding.severity.original) ? finding.severity.original : label,
    MAX_SEVERITY_ORIGINAL_LENGTH,
  );
  const types = cleanTypes(finding.types, issues);
  const providerFields: NonNullable<AwsSecurityFinding['FindingProviderFields']> = {
    Severity: { Label: label, Original: original },
    Types: types.slice(),
  };
  if (finding.confidence !== undefined) providerFields.Confidence = clampRatio(finding.confidence);
  if (finding.criticality !== undefined) providerFields.Criticality = clampRatio(finding.criticality);

  const asff: AwsSecurityFinding = {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: id ?? findingId(ctx.scope, ctx.adapter, finding.identity),
    ProductArn: derived.productArn,
    GeneratorId: generatorId(ctx.adapter, ruleId),
    AwsAccountId: ctx.accountId,
    Types: types,
    FirstObservedAt: observedAt(finding.firstObservedAt, nowIso),
    LastObservedAt: observedAt(finding.lastObservedAt, nowIso),
    CreatedAt: nowIso,
    UpdatedAt: nowIso,
    Severity: { Label: label, Original: original },
    Title: title,
    Description: description,
    FindingProviderFields: providerFields,
    ProductFields: productFields(finding, ctx, issues),
    Resources: cleanResources(finding.resources, partition, ctx.region, issues),
    RecordState: finding.state === 'resolved' ? 'ARCHIVED' : 'ACTIVE',
  };
  if (ctx.productArn === undefined) asff.ProductName = 'asff-stream';
  if (isNonBlank(finding.sourceUrl)) asff.SourceUrl = finding.sourceUrl;
  const rec = finding.remediation?.Recommendation;
  if (rec !== undefined) {
    const recommendation: { Text?: string; Url?: string } = {};
    if (isNonBlank(rec.Text))
      recommendation.Text = text(
        'Remediation.Recommendation.Text',
        rec.Text.trim(),
        MAX_REMEDIATION_TEXT_LENGTH,
      );
    if (isNonBlank(rec.Url)) recommendation.Url = rec.Url;
    if (recommendation.Text !== undefined || recommendation.Url !== undefined)
      asff.Remediation = { Recommendation: recommendation };
  }
  if (finding.compliance !== undefined) {
    const compliance = pruneValue(finding.compliance) as AwsSecurityFinding['Compliance'];
    if (compliance?.RelatedRequirements !== undefined) {
      compliance.RelatedRequirements = compliance.RelatedRequirements.slice(
        0,
        MAX_COMPLIANCE_RELATED_REQUIREMENTS,
      );
    }
    if (compliance !== undefined) asff.Compliance = compliance;
  }
  if (finding.vulnerabilities !== undefined && finding.vulnerabilities.length > 0) {
    if (finding.vulnerabilities.length > MAX_VULNERABILITIES) {
      issues.push({
        code: 'vulnerabilities-capped',
        message: `${finding.vulnerabilities.length} vulnerabilities on one finding; kept the first ${MAX_VULNERABILITIES}`,
      });
    }
    const vulnerabilities: Vulnerability[] = [];
    const count = Math.min(finding.vulnerabilities.length, MAX_VULNERABILITIES);
    for (let i = 0; i < count; i++) {
      const cleaned = pruneValue(finding.vulnerabilities[i]) as Vulnerability | undefined;
      if (cleaned?.Id !== undefined) vulnerabilities.push(capVulnerability(cleaned));
    }
    if (vulnerabilities.length > 0) asff.Vulnerabilities = vulnerabilities;
  }

  // Most findings are far below 240 KB and carry nothing that looks like a credential: one walk over the
  // object proves both without serializing it. Only when it cannot are the exact JSON checks run.
  if (isSmallAndClean(asff)) return { ok: true, finding: asff, issues };
  let json = JSON.stringify(asff);
  let result = asff;
  if (hasCredentials(json)) {
    json = redactCredentials(json);
    result = JSON.parse(json) as AwsSecurityFinding;
    issues.push({
      code: 'credential-redacted',
      message: 'an AWS credential or private key was redacted from the finding',
    });
  }
  if (json.length <= MAX_FINDING_BYTES / 3 || Buffer.byteLength(json, 'utf8') <= MAX_FINDING_BYTES) {
    return { ok: true, finding: result, issues };
  }
  return shrink(result, issues);
}

/** A serialized JSON string is at most this many UTF-8 bytes per UTF-16 unit (`\u001f` is 6 bytes). */
const MAX_BYTES_PER_UNIT = 6;
/** Bytes a JSON number, boolean or null can take (`-1.2345678901234567e-308` is 24). */
const MAX_SCALAR_BYTES = 32;

/**
 * True when `value`'s JSON is certainly ≤ {@link MAX_FINDING_BYTES} and certainly holds nothing
 * {@link hasCredentials} would flag: an upper bound of the serialized size, and {@link mayStartCredential} on
 * every key and string. False means "not proven", never "too large".
 */
function isSmallAndClean(value: AwsSecurityFinding): boolean {
  return jsonBound(value, MAX_FINDING_BYTES) >= 0;
}

/** Most keys a cache holds; past it, work is done each time (adapters use a fixed handful of keys). */
const MAX_CACHED_KEYS = 1024;
/** Longest key the clean-key cache holds. */
const MAX_CACHED_KEY_LENGTH = 128;

// Object keys repeat from finding to finding (and are interned, so a lookup is cheap): remember clean ones.
const CLEAN_KEYS = new Set<string>();

/** Upper bound of the UTF-8 size of `value`'s JSON, or -1 once it exceeds `budget` or a string could hold a credential. */
function jsonBound(value: unknown, budget: number): number {
  if (typeof value === 'string') {
    if (mayStartCredential(value)) return -1;
    const bytes = value.length * MAX_BYTES_PER_UNIT + 2;
    return bytes <= budget ? bytes : -1;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return MAX_SCALAR_BYTES;
  }
  // Functions, symbols, bigints and objects with toJSON serialize in ways a walk cannot bound: let JSON decide.
  if (typeof value !== 'object' || typeof (value as { toJSON?: unknown }).toJSON === 'function') return -1;
  let total = 2;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bytes = jsonBound(value[i], budget - total);
      if (bytes < 0) return -1;
      total += bytes + 1;
    }
    return total <= budget ? total : -1;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    if (!CLEAN_KEYS.has(key)) {
      if (mayStartCredential(key)) return -1;
      if (CLEAN_KEYS.size < MAX_CACHED_KEYS && key.length <= MAX_CACHED_KEY_LENGTH) CLEAN_KEYS.add(key);
    }
    total += key.length * MAX_BYTES_PER_UNIT + 4;
    const bytes = jsonBound(record[key], budget - total);
    if (bytes < 0) return -1;
    total += bytes;
  }
  return total <= budget ? total : -1;
}

interface DerivedContext {
  nowMs: number;
  nowIso: string;
  partition: string;
  productArn: string;
  productFieldPrefix: string;
  /** Adapter key → full, length-capped ProductFields key (adapters reuse a handful of keys). */
  productFieldKeys: Map<string, string>;
  /** The last finding's source tool. */
  lastSourceTool?: { tool: string | undefined; key: string };
}

// toAsff runs once per finding with the same context: derive its strings once per context object
// (contexts are treated as immutable, except that a new clock value is noticed).
const DERIVED = new WeakMap<AsffContext, DerivedContext>();

function derivedOf(ctx: AsffContext): DerivedContext {
  let derived = DERIVED.get(ctx);
  if (derived === undefined || derived.nowMs !== ctx.now.getTime()) {
    derived = {
      nowMs: ctx.now.getTime(),
      nowIso: ctx.now.toISOString(),
      partition: partitionOf(ctx.region),
      productArn: ctx.productArn ?? defaultProductArn(ctx.accountId, ctx.region),
      productFieldPrefix: `${PRODUCT_FIELD_PREFIX}/${sanitizeIdPart(ctx.adapter, 32)}/`,
      productFieldKeys: new Map(),
    };
    DERIVED.set(ctx, derived);
  }
  return derived;
}

function observedAt(value: string | undefined, fallback: string): string {
  if (value === undefined || !isNonBlank(value)) return fallback;
  if (ASFF_TIMESTAMP_PATTERN.test(value)) return value;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? fallback : new Date(parsed).toISOString();
}

/** Steps that make an oversized finding smaller, least valuable data first. */
const SHRINK_STEPS: readonly ((f: AwsSecurityFinding) => void)[] = [
  (f) => {
    for (const r of f.Resources ?? []) if (r.Details?.Other !== undefined) delete r.Details.Other;
  },
  (f) => {
    for (const v of f.Vulnerabilities ?? []) {
      if (v.ReferenceUrls !== undefined) v.ReferenceUrls = v.ReferenceUrls.slice(0, 3);
      if (v.VulnerablePackages !== undefined) v.VulnerablePackages = v.VulnerablePackages.slice(0, 3);
      if (v.CodeVulnerabilities !== undefined) v.CodeVulnerabilities = v.CodeVulnerabilities.slice(0, 3);
      if (v.RelatedVulnerabilities !== undefined)
        v.RelatedVulnerabilities = v.RelatedVulnerabilities.slice(0, 5);
    }
  },
  (f) => {
    if (f.ProductFields === undefined) return;
    for (const [key, value] of Object.entries(f.ProductFields))
      f.ProductFields[key] = truncateText(value, 256);
  },
  (f) => {
    if (f.Vulnerabilities !== undefined) f.Vulnerabilities = f.Vulnerabilities.slice(0, 3);
  },
  (f) => {
    for (const r of f.Resources ?? []) delete r.Details;
    if (f.Resources !== undefined) f.Resources = f.Resources.slice(0, 5);
  },
  (f) => {
    for (const r of f.Resources ?? []) r.Id = truncateText(r.Id ?? 'unknown', 1024);
    if (f.SourceUrl !== undefined) f.SourceUrl = truncateText(f.SourceUrl, 1024);
  },
];

function shrink(finding: AwsSecurityFinding, issues: Issue[]): AsffBuildResult {
  const copy = structuredClone(finding);
  for (const step of SHRINK_STEPS) {
    step(copy);
    const bytes = Buffer.byteLength(JSON.stringify(copy), 'utf8');
    if (bytes <= MAX_FINDING_BYTES) {
      issues.push({
        code: 'finding-shrunk',
        message: 'finding exceeded 240 KB; details and reference lists were trimmed',
      });
      return { ok: true, finding: copy, issues };
    }
  }
  const bytes = Buffer.byteLength(JSON.stringify(copy), 'utf8');
  return {
    ok: false,
    finding: copy,
    reason: `finding is ${bytes} bytes after trimming details; Security Hub accepts at most 240 KB`,
    issues,
  };
}

function clampRatio(value: number): number {
  return Math.min(100, Math.max(0, Math.round(value)));
}

function cleanTypes(types: readonly string[], issues: Issue[]): string[] {
  const out: string[] = [];
  for (const raw of types) {
    const type =
      TYPE_PATTERN.test(raw) && raw.trim() === raw && !raw.includes(' /') && !raw.includes('/ ')
        ? raw
        : raw
            .split('/')
            .map((part) => part.trim())
            .filter((part) => part.length > 0)
            .join('/');
    if (!TYPE_PATTERN.test(type)) {
      issues.push({
        code: 'type-dropped',
        message: `Types entry "${truncateText(raw, 80)}" is not namespace/category/classifier`,
      });
      continue;
    }
    if (!out.includes(type)) out.push(type);
  }
  if (out.length > MAX_TYPES)
    issues.push({ code: 'types-capped', message: `kept the first ${MAX_TYPES} Types` });
  return out.length > 0 ? out.slice(0, MAX_TYPES) : [DEFAULT_TYPE];
}

function cleanResources(
  resources: readonly Resource[],
  partition: string,
  region: string,
  issues: Issue[],
): Resource[] {
  if (resources.length > MAX_RESOURCES) {
    issues.push({
      code: 'resources-capped',
      message: `${resources.length} resources; kept the first ${MAX_RESOURCES}`,
    });
  }
  const out: Resource[] = [];
  const count = Math.min(resources.length, MAX_RESOURCES);
  for (let i = 0; i < count; i++) {
    const resource = resources[i]!;
    const cleaned = (pruneValue(resource) ?? {}) as Resource;
    cleaned.Type = truncateText(
      isNonBlank(resource.Type) ? resource.Type : 'Other',
      MAX_RESOURCE_TYPE_LENGTH,
    );
    cleaned.Id = isNonBlank(resource.Id) ? resource.Id : 'unknown';
    cleaned.Partition ??= partition as Resource['Partition'];
    cleaned.Region = truncateText(cleaned.Region ?? region, MAX_REGION_LENGTH);
    const other = cleaned.Details?.Other;
    if (other !== undefined && cleaned.Details !== undefined) {
      cleaned.Details.Other = cleanStringMap(
        other,
        MAX_DETAILS_OTHER_FIELDS,
        MAX_DETAILS_OTHER_KEY_LENGTH,
        MAX_DETAILS_OTHER_VALUE_LENGTH,
        issues,
        'Details.Other',
      );
      if (Object.keys(cleaned.Details.Other).length === 0) delete cleaned.Details.Other;
      if (Object.keys(cleaned.Details).length === 0) delete cleaned.Details;
    }
    out.push(cleaned);
  }
  if (out.length === 0)
    out.push({ Type: 'Other', Id: 'unknown', Partition: partition as Resource['Partition'], Region: region });
  return out;
}

function cleanStringMap(
  map: Readonly<Record<string, string | undefined>>,
  maxPairs: number,
  maxKey: number,
  maxValue: number,
  issues: Issue[],
  field: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  let count = 0;
  for (const [rawKey, rawValue] of Object.entries(map)) {
    if (!isNonBlank(rawValue)) continue;
    if (count >= maxPairs) {
      issues.push({
        code: 'fields-capped',
        message: `${field} holds at most ${maxPairs} entries; extra entries dropped`,
      });
      break;
    }
    const key = truncateText(rawKey, maxKey);
    const value = truncateText(rawValue, maxValue);
    if (value !== rawValue)
      issues.push({
        code: 'field-truncated',
        message: `${field}.${key} was shortened to fit its ASFF limit`,
      });
    out[key] = value;
    count++;
  }
  return out;
}

function productFields(finding: Finding, ctx: AsffContext, issues: Issue[]): Record<string, string> {
  const fields: Record<string, string> = {};
  fields[SCOPE_PRODUCT_FIELD] = truncateText(ctx.scope, MAX_PRODUCT_FIELD_VALUE_LENGTH);
  fields[ADAPTER_PRODUCT_FIELD] = ctx.adapter;
  const derived = derivedOf(ctx);
  fields[SOURCE_TOOL_PRODUCT_FIELD] = sourceToolCached(derived, ctx.adapter, finding.sourceTool);
  const extra = finding.productFields;
  if (extra === undefined) return fields;
  let count = 3;
  for (const key in extra) {
    const value = extra[key];
    if (value === undefined) continue;
    const text = typeof value === 'string' ? value : String(value);
    if (!isNonBlank(text)) continue;
    if (count >= MAX_OWN_PRODUCT_FIELDS) {
      issues.push({
        code: 'fields-capped',
        message: `ProductFields holds at most ${MAX_OWN_PRODUCT_FIELDS} entries; extra entries dropped`,
      });
      break;
    }
    const fullKey = productFieldKey(derived, key);
    const shortened = truncateText(text, MAX_PRODUCT_FIELD_VALUE_LENGTH);
    if (shortened !== text)
      issues.push({
        code: 'field-truncated',
        message: `ProductFields.${fullKey} was shortened to fit its ASFF limit`,
      });
    fields[fullKey] = shortened;
    count++;
  }
  return fields;
}

/** {@link sourceToolOf}, remembered for the last tool (a run has one, or one per SARIF run). */
function sourceToolCached(derived: DerivedContext, adapter: string, tool: string | undefined): string {
  if (derived.lastSourceTool === undefined || derived.lastSourceTool.tool !== tool)
    derived.lastSourceTool = { tool, key: sourceToolOf(adapter, tool) };
  return derived.lastSourceTool.key;
}

function productFieldKey(derived: DerivedContext, key: string): string {
  let fullKey = derived.productFieldKeys.get(key);
  if (fullKey === undefined) {
    fullKey = truncateText(derived.productFieldPrefix + key, MAX_PRODUCT_FIELD_KEY_LENGTH);
    if (derived.productFieldKeys.size < MAX_CACHED_KEYS) derived.productFieldKeys.set(key, fullKey);
  }
  return fullKey;
}

/** Applies the list limits to a pruned copy (pruning first: the copy is ours to change, and blanks are gone). */
function capVulnerability(v: Vulnerability): Vulnerability {
  if (v.ReferenceUrls !== undefined) {
    v.ReferenceUrls = distinctCapped(v.ReferenceUrls, MAX_REFERENCE_URLS);
    if (v.ReferenceUrls.length === 0) delete v.ReferenceUrls;
  }
  if (v.VulnerablePackages !== undefined && v.VulnerablePackages.length > MAX_VULNERABLE_PACKAGES)
    v.VulnerablePackages = v.VulnerablePackages.slice(0, MAX_VULNERABLE_PACKAGES);
  if (v.RelatedVulnerabilities !== undefined) {
    v.RelatedVulnerabilities = distinctCapped(v.RelatedVulnerabilities, MAX_REFERENCE_URLS);
    if (v.RelatedVulnerabilities.length === 0) delete v.RelatedVulnerabilities;
  }
  if (v.CodeVulnerabilities !== undefined) {
    if (v.CodeVulnerabilities.length > MAX_VULNERABLE_PACKAGES)
      v.CodeVulnerabilities = v.CodeVulnerabilities.slice(0, MAX_VULNERABLE_PACKAGES);
    for (const c of v.CodeVulnerabilities)
      if (c.Cwes !== undefined && c.Cwes.length > MAX_CWES) c.Cwes = c.Cwes.slice(0, MAX_CWES);
  }
  return v;
}

/** The first `max` distinct strings, in order, anything else dropped (a linear scan: these lists are short). */
function distinctCapped(values: readonly unknown[], max: number): string[] {
  const out: string[] = [];
  for (const value of values) {
    if (out.length >= max) break;
    if (typeof value === 'string' && !out.includes(value)) out.push(value);
  }
  return out;
}

/**
 * Returns a copy of `value` without `undefined`, blank strings, non-finite numbers, empty arrays and empty
 * objects, recursively (ASFF strings must be non-blank, and Security Hub rejects empty containers);
 * `undefined` when nothing is left.
 */
export function pruneValue(value: unknown): unknown {
  if (typeof value === 'string') return isNonBlank(value) ? value : undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) {
      const pruned = pruneValue(item);
      if (pruned !== undefined) items.push(pruned);
    }
    return items.length > 0 ? items : undefined;
  }
  const out: Record<string, unknown> = {};
  let any = false;
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const pruned = pruneValue(record[key]);
    if (pruned !== undefined) {
      out[key] = pruned;
      any = true;
    }
  }
  return any ? out : undefined;
}
